"""Runs stay current when only words change, and go stale when numbers change; and this
code computes the numbers recorded in the reference (labhelpers/tools/same_numbers.py)."""

import shutil
from pathlib import Path

import pytest

from labhelpers.runs import PACKAGE, TRAINING_CODE, Run, RunSpec, code_version, syntax_hash
from labhelpers.tools import same_numbers


@pytest.fixture
def copy(tmp_path) -> list[Path]:
    """The training code, copied to edit."""
    paths = []
    for name in TRAINING_CODE:
        shutil.copy(PACKAGE / name, tmp_path / name)
        paths.append(tmp_path / name)
    return paths


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_words_and_formatting_keep_the_version(copy):
    training = copy[TRAINING_CODE.index("training.py")]
    models = copy[TRAINING_CODE.index("models.py")]
    edit(training, '"""The three training algorithms', '"""The three training methods, reworded')
    edit(training, "# -- set-up --", "# -- set-up (a comment added) --")
    edit(
        models,
        "    def __call__(self, weights):",
        "\n    # a note\n    def __call__(self, weights):",
    )
    edit(models, "LATENT_DIM = 50", "LATENT_DIM = (50)  # the reference lab's")
    assert code_version(copy) == code_version()


@pytest.mark.parametrize(
    "module, old, new",
    [
        ("training.py", "learning_rate=5e-5", "learning_rate=1e-4"),  # WGAN's RMSprop rate
        ("models.py", "negative_slope=0.2", "negative_slope=0.1"),
        ("training.py", "gp_weight: float = 10.0", "gp_weight: float = 1.0"),
        ("losses.py", "eps: float = 1e-12", "eps: float = 1e-8"),
    ],
)
def test_a_change_to_what_training_computes_makes_runs_stale(copy, module, old, new):
    edit(copy[TRAINING_CODE.index(module)], old, new)
    assert code_version(copy) != code_version()


def test_a_run_of_other_code_is_stale_and_of_equivalent_code_current(tmp_path, sevens):
    import json

    import numpy as np

    from labhelpers import train

    out = tmp_path / "run"
    tiny = dict(iterations=3, batch_size=16, steps_per_epoch=3)
    train("wgan", out, images=sevens, progress="none", **tiny)
    spec = RunSpec("wgan", **tiny)
    assert Run(out, spec).status() == "complete"
    state = dict(np.load(out / "training_state.npz"))
    for code, expected in [("0123456789ab", "stale"), ("a944fe124517", "complete")]:
        meta = json.loads(str(state["meta"]))
        state["meta"] = np.array(json.dumps({**meta, "code": code}))
        np.savez(out / "training_state.npz", **state)
        assert Run(out, spec).status().startswith(expected), code


def test_the_current_code_is_the_reference_or_declared_equivalent():
    """Fails after any change to the syntax of the training code until someone has run
    `wgan-lab-numbers --accept` (same numbers: runs stay current) or `--record` (new
    numbers: retrain). So a change that alters the numbers cannot go unnoticed."""
    reference = same_numbers.read_reference()
    from labhelpers import exact2d

    assert code_version() == reference["code"], "run `make numbers` (wgan-lab-numbers)"
    assert exact2d.code_version() == reference["exact2d_code"], "run `make numbers`"


def test_the_code_computes_the_reference_numbers():
    """Short seeded runs of every method (and of the 2-D trainer) give the recorded numbers
    (identical on the machine that recorded them; float rounding elsewhere)."""
    found = same_numbers.differences(same_numbers.read_reference()["runs"], same_numbers.compute())
    assert not found, "\n".join(found[:10])


def test_differences_catches_a_changed_number():
    reference = {"gan": {"generator": [0.5, 0.6]}}
    assert same_numbers.differences(reference, {"gan": {"generator": [0.5, 0.6000001]}}) == []
    assert same_numbers.differences(reference, {"gan": {"generator": [0.5, 0.61]}})
    assert same_numbers.differences(reference, {"gan": {}})


def test_syntax_hash_is_of_the_code_not_its_place(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for folder in (a, b):
        (folder / "m.py").write_text("x = 1\n")
    assert syntax_hash([a / "m.py"]) == syntax_hash([b / "m.py"])
