"""Settings shared by every lesson: the seed, quick mode and where runs live.

Quick mode (``WGAN_LAB_QUICK=1``, for CI) makes every notebook train a tiny version. Runs
live in ``runs/`` in the course's folder (``WGAN_LAB_RUNS`` moves them).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SEED = 1


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed Python, NumPy, TensorFlow and Keras at once; return the seed."""
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
    """One line: which MNIST file the lessons read and how many training sevens it holds."""
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
    """The course's folder (the one with ``notebooks/``): the package's parent in a checkout,
    else the nearest folder at or above the working directory with ``notebooks/``, else None.
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
    """The folder of every run: ``WGAN_LAB_RUNS`` if set, else ``runs/`` in the course's
    folder (:func:`project_root`), else ``~/wgan-lab-runs``; never inside the package."""
    if os.environ.get("WGAN_LAB_RUNS"):
        return Path(os.environ["WGAN_LAB_RUNS"]).expanduser()
    root = project_root()
    return root / "runs" if root is not None else Path.home() / "wgan-lab-runs"


def run_dir(method: str) -> Path:
    """Where a lesson's run of ``method`` lives: ``runs/<method>``, the CLI's ``--out
    runs/<method>`` (``runs/quick/<method>`` in quick mode, so CI never touches a real run)."""
    return runs_root() / ("quick" if quick_mode() else "") / method


# The reference lab's training budget (CONTRIBUTING.md, "How the course counts training").
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
