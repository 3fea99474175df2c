"""Settings shared by every lesson: the seed and quick mode, set in one place.

* :func:`set_seed` seeds Python, NumPy, TensorFlow and Keras at once, so the
  same seed gives the same training run on the same machine.
* Quick mode (environment variable ``WGAN_LAB_QUICK=1``) makes every notebook
  train a tiny version: enough to run every code path in CI in seconds.
  Learners never set it; they get the real lesson.
"""

from __future__ import annotations

import os

import keras

DEFAULT_SEED = 1


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed every random number generator the course uses; return the seed."""
    keras.utils.set_random_seed(int(seed))  # Python's random, NumPy, TensorFlow, Keras
    return int(seed)


def quick_mode() -> bool:
    """True when ``WGAN_LAB_QUICK=1``: notebooks then train tiny versions for CI."""
    return os.environ.get("WGAN_LAB_QUICK", "").strip().lower() in ("1", "true", "yes")


def describe_mode() -> str:
    """One sentence a notebook prints so the reader knows which mode it runs in."""
    if quick_mode():
        return ("QUICK MODE (WGAN_LAB_QUICK=1): tiny training runs that only check the code "
                "works. The pictures will be noise; unset WGAN_LAB_QUICK for the real lesson.")
    return "Full mode: the real lesson with the reference settings."
