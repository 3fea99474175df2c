"""Shared test set-up: offline MNIST and quiet TensorFlow.

The tests never touch the network: unless MNIST_NPZ is already set, they use
the 10,000-digit sample in ../shared/data (the layout CI and developers have).
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "mnist-10k.npz"

if not os.environ.get("MNIST_NPZ") and SHARED_SAMPLE.is_file():
    os.environ["MNIST_NPZ"] = str(SHARED_SAMPLE)


@pytest.fixture(scope="session")
def sevens():
    """The training sevens of the offline sample, in [-1, 1]."""
    from labhelpers import load_mnist

    return load_mnist(7)


@pytest.fixture
def snapshot():
    """A function: every file under a folder with its content hash and modification
    time, to show that something changed no file."""
    import hashlib

    def take(folder: Path) -> dict:
        return {
            str(p.relative_to(folder)): (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                p.stat().st_mtime_ns,
            )
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    return take
