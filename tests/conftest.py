"""Shared test set-up: offline MNIST, and what the notebooks' nbval pass left behind.

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
    from labhelpers import MnistDataError, load_mnist

    try:
        return load_mnist(7)
    except MnistDataError as err:
        pytest.skip(f"no MNIST file to test with: {str(err).splitlines()[0]}")


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


# -- the runs folder nbval filled -------------------------------------------------------

COURSE = ("01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan")
_nbval = {"passed": set(), "failed": set()}


class _NbvalWatcher:
    """Notes which notebooks nbval ran in this session, and whether every cell passed. A
    plugin, not a conftest hook: conftest hooks see only the items under their folder."""

    @staticmethod
    def pytest_runtest_logreport(report):
        notebook = Path(report.fspath).stem if str(report.fspath).endswith(".ipynb") else None
        if notebook and report.failed:
            _nbval["failed"].add(notebook)
        elif notebook and report.when == "call" and report.passed:
            _nbval["passed"].add(notebook)


def pytest_configure(config):
    config.pluginmanager.register(_NbvalWatcher(), "wgan-lab-nbval-watcher")


@pytest.fixture
def nbval_filled_runs() -> Path | None:
    """The runs folder that nbval filled in this session (quick mode, all four notebooks
    run earlier in this session with no failing cell), or None."""
    if os.environ.get("WGAN_LAB_QUICK") != "1":
        return None
    if _nbval["failed"] or not _nbval["passed"] >= set(COURSE):
        return None
    from labhelpers.settings import runs_root

    return runs_root()
