"""Loading MNIST for the lessons: digits as float32 in [-1, 1] (the generator's ``tanh``
range), shape ``(N, 28, 28, 1)``, from a local ``mnist.npz`` or Keras's download.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

KERAS_CACHE = Path.home() / ".keras" / "datasets" / "mnist.npz"

HOW_TO_FIX = (
    "To fix it, do one of these:\n"
    "  * connect to the internet once and run `keras.datasets.mnist.load_data()`, which caches\n"
    f"    the file as {KERAS_CACHE};\n"
    f"  * copy a Keras-format mnist.npz to {KERAS_CACHE};\n"
    "  * set the environment variable MNIST_NPZ to the path of an mnist.npz, e.g.\n"
    "    `export MNIST_NPZ=/path/to/mnist.npz` (in a notebook: os.environ['MNIST_NPZ'] = ...)."
)


class MnistDataError(RuntimeError):
    """The MNIST data could not be found or read. The message says how to fix it."""


def _read_npz(path: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read one split of a Keras-format ``mnist.npz`` and check its shape."""
    if not path.is_file():
        raise MnistDataError(f"No MNIST file at {path}.\n{HOW_TO_FIX}")
    try:
        with np.load(path) as npz:
            images, labels = npz[f"x_{split}"], npz[f"y_{split}"]
    except KeyError as err:
        raise MnistDataError(
            f"{path} is not a Keras-format mnist.npz: it has no array {err}. "
            "Expected x_train, y_train, x_test and y_test.\n" + HOW_TO_FIX
        ) from None
    except (OSError, ValueError) as err:
        raise MnistDataError(
            f"{path} could not be read as a NumPy .npz file ({err}).\n" + HOW_TO_FIX
        ) from None
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(labels) != len(images):
        raise MnistDataError(
            f"{path} does not hold MNIST digits: x_{split} has shape {images.shape} "
            f"and y_{split} {labels.shape}; expected (N, 28, 28) and (N,).\n" + HOW_TO_FIX
        )
    return images, labels


def find_mnist_file(path: str | os.PathLike | None = None) -> Path | None:
    """The first of ``path``, ``$MNIST_NPZ`` and Keras's cache (:data:`KERAS_CACHE`), or
    ``None`` (then Keras downloads). ``path`` or ``MNIST_NPZ`` is returned even if missing,
    so that the error names the file the learner asked for.
    """
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get("MNIST_NPZ"):
        return Path(os.environ["MNIST_NPZ"]).expanduser()
    if KERAS_CACHE.is_file():
        return KERAS_CACHE
    return None


def load_mnist_arrays(
    path: str | os.PathLike | None = None, split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """The raw ``uint8`` images ``(N, 28, 28)`` and labels of one split.
    Raises ValueError for another ``split``, MnistDataError when MNIST cannot be had."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}.")
    local = find_mnist_file(path)
    if local is not None:
        return _read_npz(local, split)
    try:  # Keras downloads into its cache, then we read that file.
        import keras

        keras.datasets.mnist.load_data()
    except Exception as err:  # no network, proxy, disk full, ...
        raise MnistDataError(
            f"MNIST is not on this machine and downloading it failed ({type(err).__name__}: "
            f"{err}).\n{HOW_TO_FIX}"
        ) from None
    return _read_npz(KERAS_CACHE, split)


def check_digit(digit: int | str | None) -> int | None:
    """Turn ``7``, ``"7"``, ``"all"`` or ``None`` into a digit or ``None`` (all digits).
    Raises ValueError for anything else."""
    if digit is None or (isinstance(digit, str) and digit.lower() == "all"):
        return None
    try:
        value = int(digit)
    except (TypeError, ValueError):
        value = -1
    if isinstance(digit, bool) or value not in range(10) or str(value) != str(digit).strip():
        raise ValueError(f"digit must be a whole number from 0 to 9, or 'all'; got {digit!r}.")
    return value


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 pixels in [0, 255] -> float32 in [-1, 1] with a channel axis."""
    return (images.astype("float32")[..., np.newaxis] - 127.5) / 127.5


def load_mnist(
    digit: int | str | None = 7,
    path: str | os.PathLike | None = None,
    split: str = "train",
) -> np.ndarray:
    """Load MNIST images as float32 in [-1, 1], shape ``(N, 28, 28, 1)``.

    Args:
        digit: keep only this digit (0-9, default 7 as the reference lab); ``None`` or
            ``"all"`` keeps all ten.
        path: a Keras-format ``mnist.npz``; by default :func:`find_mnist_file`'s choice.
        split: ``"train"`` or ``"test"``.

    Raises:
        MnistDataError: the data cannot be found or read (the message says how to fix it).
        ValueError: a bad ``digit`` or ``split``.
    """
    wanted = check_digit(digit)
    images, labels = load_mnist_arrays(path, split)
    if wanted is not None:
        images = images[labels == wanted]
    return scale_images(images)


def load_mnist_with_labels(
    path: str | os.PathLike | None = None, split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """All digits in [-1, 1] with their integer labels (for the quality-score classifier)."""
    images, labels = load_mnist_arrays(path, split)
    return scale_images(images), labels.astype("int64")
