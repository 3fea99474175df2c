"""The run's specification and its folder: identity, read-only loading, one writer at a
time, TensorBoard logs, and where runs live."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import labhelpers as lh
from labhelpers.course import COURSE_RUNS
from labhelpers.runs import Run, RunInUse
from labhelpers.spec import RunSpec, identity_of

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(batch_size=16, steps_per_epoch=3, progress="none")


def test_spec_is_frozen_checked_and_names_the_course_runs_once():
    spec = RunSpec("wgan", digit="7", judge="critic-clip-all")
    assert spec.digit == 7 and spec.judge == "critic-clip-all"
    with pytest.raises(AttributeError):
        spec.seed = 2  # frozen
    assert RunSpec("gan").judge == "discriminator"  # the method's own
    assert RunSpec("wgan", digit="all").digit is None
    for bad, message in [
        ({"method": "vae"}, "method must be one of"),
        ({"batch_size": 15}, "must be even"),
        ({"iterations": 0}, "positive whole number"),
        ({"lr_scale": 0}, "lr_scale must be positive"),
        ({"judge": "mine"}, "does not suit wgan"),
        ({"method": "wgan-gp", "judge": "lab-critic"}, "it takes gp-critic"),
        ({"method": "gan", "warmup": True}, "warm-up is for wgan only"),
        ({"beta_1": 0.0}, "for wgan-gp only"),
        ({"precision": "half"}, "precision must be one of"),
        ({"digit": 12}, "digit must be"),
    ]:
        with pytest.raises(ValueError, match=message):
            RunSpec(**bad)
    assert len(COURSE_RUNS) == 13 and COURSE_RUNS["wgan-gp-seed3"] == RunSpec("wgan-gp", seed=3)


def test_runs_saved_before_specs_keep_their_identity():
    """State files written before runs recorded a RunSpec (the pre-trained runs of earlier
    versions) map to the same identity, so they are neither retrained nor refused."""
    legacy = {"method": "wgan", "digit": 7, "batch_size": 64, "steps_per_epoch": 97, "seed": 1}
    assert identity_of(legacy) == RunSpec("wgan").identity()
    clipped = {**legacy, "critic": "build_critic(clip='all')"}
    assert identity_of(clipped) == RunSpec("wgan", judge="critic-clip-all").identity()
    assert identity_of({**legacy, "lr_scale": 10}) == RunSpec("wgan", lr_scale=10).identity()
    assert identity_of({**legacy, "n_critic": 2}) != RunSpec("wgan").identity()


@pytest.mark.slow
def test_loading_a_complete_run_writes_nothing(tmp_path, sevens, snapshot):
    out = tmp_path / "run"
    lh.train("wgan", out, images=sevens, iterations=3, **TINY)
    before = snapshot(out)
    mode = {p: p.stat().st_mode for p in [out, *out.rglob("*")]}
    for path in mode:
        path.chmod(mode[path] & ~0o222)  # read-only, as a shared folder of pre-trained runs
    try:
        loaded = lh.train("wgan", out, images=sevens, iterations=3, **TINY)
    finally:
        for path, m in mode.items():
            path.chmod(m)
    assert snapshot(out) == before, "loading changed the run's files"
    assert loaded.trained == 0 and loaded.iterations == 3
    assert loaded.history["iteration"].tolist() == [1, 2, 3]
    assert int(loaded.trainer.critic_optimizer.iterations) == 15  # the state came back


HOLD = """
import sys, time
from labhelpers.runs import Run
with Run(sys.argv[1]).lock():
    print("holding", flush=True)
    time.sleep(60)
"""


@pytest.mark.slow
def test_a_second_process_training_into_the_same_folder_gets_one_clear_line(tmp_path, sevens):
    out = tmp_path / "run"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(RunInUse, match="being trained by another process") as err:
            lh.train("wgan", out, images=sevens, iterations=3, **TINY)
        assert "\n" not in str(err.value)
        assert not (out / "history.csv").exists()  # nothing of the other run was touched
    finally:
        holder.kill()
        holder.wait()
    # The lock goes with the process that held it: training now works.
    assert lh.train("wgan", out, images=sevens, iterations=3, **TINY).trained == 3


@pytest.mark.slow
def test_tensorboard_logs_losses_estimates_and_grids(tmp_path, sevens):
    import tensorflow as tf

    out = tmp_path / "run"
    heldout = lh.load_mnist(7, split="test")
    lh.train(
        "wgan-gp",
        out,
        images=sevens,
        heldout_images=heldout,
        iterations=6,
        tensorboard=True,
        **TINY,
    )
    scalars, images = {}, []
    for event_file in (out / "tensorboard").glob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(event_file)):
            for value in event.summary.value:
                if value.tag == "samples":
                    images.append(event.step)
                else:
                    number = float(tf.make_ndarray(value.tensor))
                    scalars.setdefault(value.tag, []).append((event.step, number))
    assert [s for s, _ in scalars["losses/critic_real"]] == [1, 2, 3, 4, 5, 6]
    history = Run(out).history()
    np.testing.assert_allclose([v for _, v in scalars["losses/gp"]], history["gp"], rtol=1e-6)
    estimate = -(history["critic_real"] + history["critic_fake"])
    logged = [v for _, v in scalars["losses/wasserstein_estimate"]]
    np.testing.assert_allclose(logged, estimate, rtol=1e-5)
    assert [s for s, _ in scalars["estimate/heldout"]] == images == [3, 6]  # per epoch


@pytest.mark.slow
def test_import_is_lazy():
    code = (
        "import sys, labhelpers; "
        "print(sorted(m for m in sys.modules if m.startswith('labhelpers.') or m == 'tensorflow'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "['labhelpers._quiet']", done.stdout + done.stderr[-500:]
    used = "import labhelpers as lh; lh.train; import sys; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", used], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "True" and "cuInit" not in done.stderr


def test_runs_live_in_the_course_folder_even_when_installed_elsewhere(tmp_path):
    """A plain (not editable) install puts the package in site-packages; its runs must
    still go to the course folder's runs/, never inside the package."""
    site = tmp_path / "site"
    (site / "labhelpers").mkdir(parents=True)
    for path in (ROOT / "labhelpers").glob("*.py"):
        (site / "labhelpers" / path.name).write_text(path.read_text())
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    code = "from labhelpers.settings import runs_root; print(runs_root())"
    env = {k: v for k, v in os.environ.items() if k != "WGAN_LAB_RUNS"}
    env.update(PYTHONPATH=str(site), HOME=str(tmp_path / "home"))

    def where(cwd):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env
        )
        assert done.returncode == 0, done.stderr[-1000:]
        return Path(done.stdout.strip())

    assert where(course / "notebooks") == course / "runs"
    assert where(tmp_path) == tmp_path / "home" / "wgan-lab-runs"
    env["WGAN_LAB_RUNS"] = str(tmp_path / "shared")
    assert where(course) == tmp_path / "shared"


def test_interrupted_write_keeps_the_old_file(tmp_path):
    from labhelpers.files import atomic_write

    path = tmp_path / "history.csv"
    path.write_text("old")

    def fail(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, fail)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["history.csv"]


def test_new_settings_leave_older_runs_their_identity():
    from labhelpers.spec import RunSpec, identity_of

    lab = RunSpec("wgan")
    assert "warmup" not in lab.identity() and "beta_1" not in lab.identity()
    # Runs saved before the lab's critic was renamed still match.
    assert identity_of({"spec": {**lab.identity(), "judge": "critic"}}) == lab.identity()
    paper = RunSpec("wgan", judge="critic-clip-all", warmup=True)
    assert paper.identity()["warmup"] is True
    assert RunSpec("wgan-gp", beta_1=0).identity()["beta_1"] == 0.0
    with pytest.raises(ValueError, match="beta_1 is for wgan-gp"):
        RunSpec("gan", beta_1=0.0)
