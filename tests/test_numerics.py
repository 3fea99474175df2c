"""Runs are current while the numerics version is (labhelpers/numerics.py), whatever
words change; and this code computes the reference numbers, on any CPU
(labhelpers/tools/same_numbers.py)."""

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from labhelpers import methods, numerics
from labhelpers.runs import Run
from labhelpers.spec import RunSpec
from labhelpers.tools import same_numbers

PACKAGE = Path(numerics.__file__).parent
TINY = dict(iterations=3, batch_size=16, steps_per_epoch=3)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, sevens):
    """A complete 3-iteration WGAN run made by this code."""
    from labhelpers import train

    out = tmp_path_factory.mktemp("numerics") / "run"
    train("wgan", out, images=sevens, progress="none", **TINY)
    return out


def status_in_copy(tmp_path: Path, run: Path, edits: list[tuple[str, str, str]]) -> str:
    """The run's status judged by an edited copy of the package, in a fresh process."""
    copy = tmp_path / "copy"
    shutil.copytree(PACKAGE, copy / "labhelpers", ignore=shutil.ignore_patterns("__pycache__"))
    for module, old, new in edits:
        path = copy / "labhelpers" / module
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import labhelpers\n"
        "assert labhelpers.__file__.startswith(sys.argv[1]), labhelpers.__file__\n"
        "from labhelpers.runs import Run, RunSpec\n"
        f"print(Run(sys.argv[2], RunSpec('wgan', **{TINY!r})).status())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(copy), str(run)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_edited_words_and_run_lists_keep_runs_current(tmp_path, tiny_run):
    edits = [
        ("data.py", "To fix it, do one of these:", "Any one of these fixes it:"),  # a message
        ("callbacks.py", 'description="iterations"', 'description="steps"'),  # a widget label
        ("callbacks.py", 'print(f"{done} iterations in', 'print(f"{done} steps in'),  # a log
        ("course.py", "SEEDS = (1, 2, 3)", "SEEDS = (1, 2)"),  # the list of course runs
        ("session.py", "holds a complete run of", "has a finished run of"),
    ]
    assert status_in_copy(tmp_path, tiny_run, edits) == "complete"


def test_a_bumped_numerics_version_makes_runs_stale(tmp_path, tiny_run):
    bump = [("numerics.py", "NUMERICS = 1\n", "NUMERICS = 2\n")]
    assert status_in_copy(tmp_path, tiny_run, bump).startswith("stale")


def test_runs_of_the_hashed_code_before_numerics_versions_stay_current(tmp_path, tiny_run):
    out = tmp_path / "run"
    shutil.copytree(tiny_run, out)
    spec = RunSpec("wgan", **TINY)
    state = dict(np.load(out / "training_state.npz"))
    meta = json.loads(str(state["meta"]))
    assert meta["numerics"] == numerics.NUMERICS
    del meta["numerics"]
    for code, expected in [("935e906cecaa", "complete"), ("0123456789ab", "stale")]:
        state["meta"] = np.array(json.dumps({**meta, "code": code}))
        np.savez(out / "training_state.npz", **state)
        assert Run(out, spec).status().startswith(expected), code


# -- the same numbers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return same_numbers.read_reference()


@pytest.fixture(scope="module")
def numbers():
    return same_numbers.compute()


def test_the_reference_is_of_the_current_numerics_versions(reference):
    assert (reference["numerics"], reference["numerics_2d"]) == (
        numerics.NUMERICS,
        numerics.NUMERICS_2D,
    ), "bumped a numerics version? Record its numbers: wgan-lab-numbers --record"


@pytest.mark.slow
def test_the_code_computes_the_reference_numbers(reference, numbers):
    """Exact on the machine that recorded them; within the measured tolerance elsewhere;
    where no tolerance was measured for this machine, the reason is shown (pytest -rs)."""
    mode, found = same_numbers.verdict(reference, numbers)
    assert not found, f"{mode}:\n" + "\n".join(found[:10])
    if mode.startswith("cannot judge"):
        pytest.skip(mode)


@pytest.mark.slow
def test_a_small_change_to_training_is_caught_in_both_modes(reference, monkeypatch):
    """RMSprop 5e-5 -> 6e-5: caught on the recording machine and on any other."""

    wgan = methods.METHODS["wgan"]
    faster = replace(wgan, optimizer=replace(wgan.optimizer, learning_rate=6e-5))
    monkeypatch.setitem(methods.METHODS, "wgan", faster)
    changed = same_numbers.compute(runs=("wgan", "wgan-clip-all"), with_2d=False)
    other = {**reference["machine"], "threads": -1}  # the same packages, another machine
    for machine, mode in [(reference["machine"], "exact"), (other, "tolerance")]:
        found_mode, found = same_numbers.verdict(reference, changed, machine)
        assert found_mode == mode
        assert {line.split()[0] for line in found} == {"wgan", "wgan-clip-all"}, found


def test_the_modes(reference):
    """Rounding passes everywhere; 1 % passes only on other machines, 5 % nowhere."""
    gan = reference["runs"]["gan"]

    def scaled(factor: float) -> dict:
        return {"gan": {**gan, "generator": [x * factor for x in gan["generator"]]}}

    recorder = reference["machine"]
    other = {**recorder, "cpu_features": ["avx2"], "threads": 64}
    assert same_numbers.verdict(reference, scaled(1 + 2e-7), recorder) == ("exact", [])
    assert same_numbers.verdict(reference, scaled(1.01), recorder)[1]
    assert same_numbers.verdict(reference, scaled(1.01), other) == ("tolerance", [])
    assert same_numbers.verdict(reference, scaled(1.05), other)[1]
    newer = {**recorder, "tensorflow": "9.9.9"}
    mode, found = same_numbers.verdict(reference, scaled(1.05), newer)
    assert mode.startswith("cannot judge") and "tensorflow" in mode and found == []
    assert same_numbers.verdict(reference, {"gan": {}}, recorder)[1]
