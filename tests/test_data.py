"""The MNIST loader: range, shape, digit filter, source order and error messages."""

import os
from pathlib import Path

import numpy as np
import pytest

from labhelpers.data import MnistDataError, load_mnist, load_mnist_with_labels


@pytest.fixture(scope="module")
def labels() -> dict[str, np.ndarray]:
    """The labels of the MNIST file the loader reads (MNIST_NPZ), counted directly."""
    path = os.environ.get("MNIST_NPZ", "")
    if not Path(path).is_file():
        pytest.skip("no MNIST file: set MNIST_NPZ (tests/conftest.py looks in ../shared/data)")
    with np.load(path) as f:
        return {"train": f["y_train"], "test": f["y_test"]}


def test_sevens_are_scaled_to_minus_one_one(sevens, labels):
    assert sevens.shape == ((labels["train"] == 7).sum(), 28, 28, 1)
    assert sevens.dtype == np.float32
    assert sevens.min() == -1.0 and sevens.max() == 1.0


def test_all_digits_and_test_split(labels):
    assert load_mnist("all").shape == (len(labels["train"]), 28, 28, 1)
    images, found = load_mnist_with_labels(split="test")
    assert len(images) == len(found) == len(labels["test"]) and set(found) == set(range(10))
    np.testing.assert_array_equal(found, labels["test"])


@pytest.mark.parametrize("digit", [10, -1, "seven", 3.5, True])
def test_wrong_digit_is_a_clear_error(digit):
    with pytest.raises(ValueError, match="digit must be a whole number from 0 to 9"):
        load_mnist(digit)


def test_explicit_path_wins_over_environment(tmp_path, monkeypatch):
    path = tmp_path / "tiny.npz"
    x = np.zeros((3, 28, 28), np.uint8)
    np.savez(path, x_train=x, y_train=np.array([7, 7, 1], np.uint8), x_test=x, y_test=x[:, 0, 0])
    assert load_mnist(7, path=path).shape == (2, 28, 28, 1)
    monkeypatch.setenv("MNIST_NPZ", str(path))
    assert load_mnist(1).shape == (1, 28, 28, 1)


def test_missing_file_says_how_to_fix(monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", "/nowhere/mnist.npz")
    with pytest.raises(MnistDataError) as err:
        load_mnist()
    message = str(err.value)
    assert (
        "/nowhere/mnist.npz" in message and "MNIST_NPZ" in message and ".keras/datasets" in message
    )


def test_offline_without_any_file_is_one_clear_error(monkeypatch, tmp_path):
    """No MNIST_NPZ, no cache, and a download that fails (as offline): one MnistDataError."""
    import keras

    monkeypatch.delenv("MNIST_NPZ", raising=False)
    monkeypatch.setattr("labhelpers.data.KERAS_CACHE", tmp_path / "mnist.npz")

    def no_network():
        raise OSError("network is unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(MnistDataError, match="downloading it failed.*network is unreachable"):
        load_mnist()


def test_file_that_is_not_mnist(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(MnistDataError, match="not a Keras-format mnist.npz"):
        load_mnist(path=other)
    wrong_shape = tmp_path / "wrong.npz"
    np.savez(wrong_shape, x_train=np.zeros((2, 32, 32)), y_train=np.zeros(2))
    with pytest.raises(MnistDataError, match="does not hold MNIST digits"):
        load_mnist(path=wrong_shape)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(MnistDataError, match="could not be read"):
        load_mnist(path=text)
