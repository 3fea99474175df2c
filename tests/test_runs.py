"""Whole runs through train() and the CLI: files, resume after an interruption,
non-finite losses, and the command line's errors."""

import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from labhelpers import DamagedRunFile, Run, build_trainer, train
from labhelpers.callbacks import TrainingDiverged
from labhelpers.files import read_rows as read_history
from labhelpers.methods import METHODS
from labhelpers.settings import run_dir
from labhelpers.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(batch_size=16, steps_per_epoch=3, progress="none")


class InterruptAt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt (as Kernel -> Interrupt does) at a given iteration."""

    def __init__(self, iteration):
        super().__init__()
        self.iteration = iteration

    def on_train_batch_end(self, batch, logs=None):
        if self.model.iteration == self.iteration:
            raise KeyboardInterrupt


@pytest.mark.slow
def test_interrupted_run_resumes_without_gap_or_duplicate_and_fresh_starts_over(tmp_path, sevens):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        train("wgan", out, images=sevens, iterations=9, extra_callbacks=[InterruptAt(5)], **TINY)
    # epoch 1 (iterations 1-3) was complete and saved; iterations 4-5 were not
    assert read_history(out / "history.csv")["iteration"].tolist() == [1, 2, 3]
    assert sorted(p.name for p in out.glob("generator_epoch_*.keras")) == [
        "generator_epoch_001.keras"
    ]
    assert not list(out.glob(".*tmp*"))

    result = train("wgan", out, images=sevens, iterations=9, **TINY)
    assert result.iterations == 9
    assert int(result.trainer.critic_optimizer.iterations) == 45  # optimizer state came back too
    history = read_history(out / "history.csv")
    assert history["iteration"].tolist() == list(range(1, 10))
    assert history["epoch"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert (out / "generator.keras").is_file() and (out / "losses.png").is_file()
    assert len(list(out.glob("grid_epoch_*.png"))) == 3

    # Asking for a fresh start replaces the run instead of carrying on.
    fresh = train("wgan", out, images=sevens, iterations=3, resume=False, **TINY)
    assert fresh.iterations == 3
    assert read_history(out / "history.csv")["iteration"].tolist() == [1, 2, 3]
    assert sorted(p.name for p in out.glob("generator_epoch_*.keras")) == [
        "generator_epoch_001.keras"
    ]


class PoisonCritic(keras.callbacks.Callback):
    """Put a NaN into the critic at a given iteration, as a far too high learning rate would."""

    def on_train_batch_end(self, batch, logs=None):
        if self.model.iteration == 4:
            dense = self.model.critic.layers[-1]
            dense.kernel.assign(dense.kernel * np.nan)


@pytest.mark.slow
def test_non_finite_loss_stops_and_keeps_last_good_epoch(tmp_path, sevens):
    out = tmp_path / "run"
    with pytest.raises(TrainingDiverged, match="iteration 5.*learning rate"):
        train("wgan", out, images=sevens, iterations=9, extra_callbacks=[PoisonCritic()], **TINY)
    assert (out / "generator_epoch_001.keras").is_file()
    assert not (out / "generator_epoch_002.keras").exists()
    assert read_history(out / "history.csv")["iteration"].tolist() == [1, 2, 3]


def cli(*args, timeout=300):
    """Run the command line in a real process, as an instructor would."""
    return subprocess.run(
        [sys.executable, "-m", "labhelpers.tools.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


# The argument checks run in this process through main(), the function behind
# `wgan-lab-train` (a new process per case would spend most of its
# time importing TensorFlow); one case below also runs as a real process.
@pytest.mark.parametrize(
    "args, message",
    [
        (["vae", "--out", "x"], "invalid choice"),
        (["wgan"], "--out"),
        (["wgan", "--out", "x", "--digit", "12"], "digit from 0 to 9"),
        (["wgan", "--out", "x", "--iterations", "0"], "at least 1"),
        (["wgan", "--out", "x", "--epochs", "2", "--iterations", "5"], "not allowed with"),
        (["wgan", "--out", "x", "--batch-size", "15"], "must be even"),
        (["wgan", "--out", "x", "--lr-scale", "-1"], "above 0"),
        (["gan", "--out", "x", "--clip", "all"], "does not suit gan"),
        (["gan", "--out", "x", "--warmup"], "warm-up is for wgan only"),
        (["wgan", "--out", "x", "--beta-1", "0"], "for wgan-gp only"),
        (["wgan-gp", "--out", "x", "--beta-1", "1"], "beta_1 must be in [0, 1)"),
    ],
)
def test_cli_bad_arguments_give_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    lines = [layer for layer in capsys.readouterr().err.splitlines() if "error" in layer]
    assert len(lines) == 1 and message in lines[0]


def test_cli_bad_argument_in_a_real_process():
    done = cli("wgan", "--out", "x", "--digit", "12")
    assert done.returncode == 2
    assert done.stderr.count("error") == 1 and "Traceback" not in done.stderr


@pytest.mark.slow
def test_cli_tiny_real_run(tmp_path):
    out = tmp_path / "cli"
    done = cli("gan", "--out", str(out), "--iterations", "4", "--batch-size", "16")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "it/s" in done.stdout and "wall time" in done.stdout
    for name in [
        "generator.keras",
        "history.csv",
        "grid_epoch_001.png",
        "generator_epoch_001.keras",
    ]:
        assert (out / name).is_file(), name
    assert len(read_history(out / "history.csv")["iteration"]) == 4


def test_cli_missing_data_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "none.npz"))
    assert main(["wgan", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert "No MNIST file" in err and "Traceback" not in err


def _one_epoch(out, sevens, method="wgan"):
    return train(method, out, images=sevens, iterations=3, **TINY)


@pytest.mark.slow
@pytest.mark.parametrize(
    "file, damage",
    [
        ("training_state.npz", "pickled"),
        ("training_state.npz", "garbage"),
        ("history.csv", "garbage"),
    ],
)
def test_damaged_run_file_is_one_line_naming_it(file, damage, tmp_path, sevens, capsys):
    out = tmp_path / "run"
    _one_epoch(out, sevens)
    path = out / file
    if damage == "pickled":  # what numpy refuses with its "allow_pickle" message
        np.savez(path.with_suffix(""), meta=np.array([{"epoch": 1}], dtype=object))
    elif file.endswith(".csv"):
        path.write_text("iteration,epoch,generator\n1,1,x\n")
    else:
        path.write_bytes(b"not a zip file")
    with pytest.raises(DamagedRunFile, match=f"{file}.*--fresh.*resume=False"):
        train("wgan", out, images=sevens, iterations=6, **TINY)
    if file == "training_state.npz":  # read first, so the command line meets it too
        assert main(["wgan", "--out", str(out), "--iterations", "6", "--batch-size", "16"]) == 2
        err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert len(err) == 1 and file in err[0] and "--fresh" in err[0]
    # Starting afresh gets past it.
    assert train("wgan", out, images=sevens, iterations=3, resume=False, **TINY).iterations == 3


def test_out_naming_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    existing = tmp_path / "notes.txt"
    existing.write_text("mine")
    assert main(["wgan", "--out", str(existing), "--iterations", "2"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "is a file, not a folder" in err[0]
    assert existing.read_text() == "mine"


@pytest.mark.slow
def test_state_of_other_models_is_refused(tmp_path, sevens):
    out = tmp_path / "run"
    _one_epoch(out, sevens)
    other = build_trainer("wgan-gp")  # a critic without BatchNorm: other variables
    with pytest.raises(ValueError, match="different critic.*--fresh"):
        Run(out).restore_state(other)
    same = build_trainer("wgan")  # a new process would number its layers differently
    assert Run(out).restore_state(same)["epoch"] == 1


def test_default_run_folder_is_the_lessons(tmp_path, monkeypatch, sevens):
    monkeypatch.setenv("WGAN_LAB_RUNS", str(tmp_path))
    result = train("gan", images=sevens, iterations=2, **TINY)
    assert result.out_dir == run_dir("gan") and (result.out_dir / "history.csv").is_file()


def test_cli_lists_the_registry(capsys):
    assert main(["--list-methods"]) == 0
    assert capsys.readouterr().out.split() == list(METHODS)


@pytest.mark.slow
def test_wgan_runs_log_the_estimate_on_training_and_heldout_images(tmp_path, sevens):
    from labhelpers import load_mnist

    heldout = load_mnist(7, split="test")
    out = tmp_path / "run"
    train("wgan", out, images=sevens, heldout_images=heldout, iterations=6, **TINY)
    estimates = read_history(out / "estimates.csv")
    assert estimates["epoch"].tolist() == [1, 2]
    assert np.all(np.isfinite(estimates["train"])) and np.all(np.isfinite(estimates["heldout"]))
    train("wgan", out, images=sevens, heldout_images=heldout, iterations=9, **TINY)  # resumes
    assert read_history(out / "estimates.csv")["epoch"].tolist() == [1, 2, 3]
    seconds = read_history(out / "estimates.csv")["seconds"]
    assert np.all(np.diff(seconds) > 0) and seconds[0] > 0  # training time, carried over resumes


@pytest.mark.slow
def test_gan_runs_log_the_jensen_shannon_estimate(tmp_path, sevens):
    from labhelpers import load_mnist

    gan = tmp_path / "gan"  # log 2 - (loss on real + loss on fake) / 2, at most log 2
    heldout = load_mnist(7, split="test")
    train("gan", gan, images=sevens, heldout_images=heldout, iterations=6, **TINY)
    estimates = read_history(gan / "estimates.csv")
    assert estimates["epoch"].tolist() == [1, 2]
    for key in ("train", "heldout"):
        assert np.all(np.isfinite(estimates[key])) and np.all(estimates[key] <= np.log(2))
