"""Settings shared by every lesson: the seed and quick mode, set in one place.

* :func:`set_seed` seeds Python, NumPy, TensorFlow and Keras at once, so the
  same seed gives the same training run on the same machine.
* Quick mode (environment variable ``WGAN_LAB_QUICK=1``) makes every notebook
  train a tiny version: enough to run every code path in CI in seconds.
  Learners never set it; they get the real lesson.
* Runs live in ``runs/`` in the course's folder (``WGAN_LAB_RUNS`` moves them).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SEED = 1


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed every random number generator the course uses; return the seed."""
    from ._quiet import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    keras.utils.set_random_seed(int(seed))  # Python's random, NumPy, TensorFlow, Keras
    return int(seed)


def quick_mode() -> bool:
    """True when ``WGAN_LAB_QUICK=1``: notebooks then train tiny versions for CI."""
    return os.environ.get("WGAN_LAB_QUICK", "").strip().lower() in ("1", "true", "yes")


def describe_mode() -> str:
    """One sentence a notebook prints so the reader knows which mode it runs in."""
    if quick_mode():
        mode = (
            "QUICK MODE (WGAN_LAB_QUICK=1): tiny training runs that only check the code "
            "works. The pictures will be noise; unset WGAN_LAB_QUICK for the real lesson."
        )
    else:
        mode = "Full mode: the real lesson with the reference settings."
    return f"{mode}\n{describe_data()}"


FULL_MNIST_SEVENS = 6265  # training sevens in the full MNIST training split


def describe_data() -> str:
    """Which MNIST file the lessons read and how many training sevens it holds, so that
    every output says which data made it (the offline sample has 875 sevens)."""
    from .data import find_mnist_file, load_mnist_arrays

    try:
        images, labels = load_mnist_arrays()
    except Exception as err:  # the lesson's own loading gives the full message
        return f"Data: MNIST could not be read ({str(err).splitlines()[0]})"
    sevens = int((labels == 7).sum())
    source = find_mnist_file()
    name = source.name if source is not None else "mnist.npz"
    if sevens == FULL_MNIST_SEVENS:
        kind = "full MNIST"
    else:
        kind = f"a sample of MNIST (full MNIST has {FULL_MNIST_SEVENS:,} training sevens)"
    return f"Data: {name}, {len(images):,} training digits of which {sevens:,} sevens: {kind}."


def project_root() -> Path | None:
    """The course's folder (the one with ``notebooks/``), or None when there is none.

    The package's own parent when it sits in the course's checkout (as ``make lab``
    installs it); otherwise, e.g. after a plain ``pip install``, the nearest folder
    at or above the working directory that holds ``notebooks/``.
    """
    here = Path(__file__).resolve().parents[1]
    if (here / "notebooks").is_dir():
        return here
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "notebooks").is_dir():
            return folder
    return None


def runs_root() -> Path:
    """The folder that holds every run: the environment variable ``WGAN_LAB_RUNS``
    (a folder of models an instructor pre-trained, a shared drive, a test's own
    folder), else ``runs/`` in the course's folder (:func:`project_root`), else
    ``~/wgan-lab-runs``. Never inside the installed package."""
    if os.environ.get("WGAN_LAB_RUNS"):
        return Path(os.environ["WGAN_LAB_RUNS"]).expanduser()
    root = project_root()
    return root / "runs" if root is not None else Path.home() / "wgan-lab-runs"


def run_dir(method: str) -> Path:
    """Where a lesson's run of ``method`` lives: ``runs/<method>`` (``runs/quick/<method>``
    in quick mode, so CI never touches a real run). The CLI's ``--out runs/<method>``
    is the same folder, so models pre-trained by an instructor are found by the notebooks."""
    return runs_root() / ("quick" if quick_mode() else "") / method


# The reference lab's training budget: 970 generator updates in epochs of 97
# (6,265 sevens in full MNIST / 64), batches of 64. Everything else imports these.
REFERENCE_ITERATIONS = 970
REFERENCE_STEPS_PER_EPOCH = 97
REFERENCE_BATCH_SIZE = 64
QUICK_BUDGET = {"iterations": 4, "batch_size": 16, "steps_per_epoch": 2}


def lesson_budget() -> dict:
    """Training length for the lessons: the reference lab's, or a tiny one in quick mode."""
    if quick_mode():
        return dict(QUICK_BUDGET)
    return {
        "iterations": REFERENCE_ITERATIONS,
        "batch_size": REFERENCE_BATCH_SIZE,
        "steps_per_epoch": REFERENCE_STEPS_PER_EPOCH,
    }
