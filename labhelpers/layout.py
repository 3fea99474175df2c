"""The files of a run folder, named in one place.

Every module and notebook that reads or writes a run uses these names, so a
rename happens here and nowhere else. A run folder holds:

==============================  ==================================================
``generator.keras``             the final generator (notebook 02 loads it)
``generator_epoch_NNN.keras``   the generator after each epoch
``grid_epoch_NNN.png``          10x10 samples after each epoch
``history.csv``                 every iteration's losses
``losses.png``                  the loss plot at the end
``training_state.npz``          what ``resume`` needs to carry on
``estimates.csv``               per epoch, the critic's estimate on training and held-out data
``training.gif``                the per-epoch grids as an animation (notebook 04)
==============================  ==================================================
"""

from __future__ import annotations

from pathlib import Path

GENERATOR_FILE = "generator.keras"
HISTORY_FILE = "history.csv"
LOSSES_FILE = "losses.png"
STATE_FILE = "training_state.npz"
ANIMATION_FILE = "training.gif"
ESTIMATES_FILE = "estimates.csv"
EPOCH_GENERATOR_GLOB = "generator_epoch_*.keras"
EPOCH_GRID_GLOB = "grid_epoch_*.png"


def epoch_generator(run: str | Path, epoch: int) -> Path:
    """``run/generator_epoch_NNN.keras``: the generator after ``epoch``."""
    return Path(run) / f"generator_epoch_{int(epoch):03d}.keras"


def epoch_grid(run: str | Path, epoch: int) -> Path:
    """``run/grid_epoch_NNN.png``: the sample grid after ``epoch``."""
    return Path(run) / f"grid_epoch_{int(epoch):03d}.png"


def epoch_of(path: str | Path) -> int:
    """The epoch number in a per-epoch file name (``..._epoch_007.keras`` -> 7)."""
    return int(Path(path).stem.rsplit("_", 1)[1])


def epoch_generators(run: str | Path) -> list[Path]:
    """The per-epoch generators of a run, in epoch order."""
    return sorted(Path(run).glob(EPOCH_GENERATOR_GLOB))


def epoch_grids(run: str | Path) -> list[Path]:
    """The per-epoch sample grids of a run, in epoch order."""
    return sorted(Path(run).glob(EPOCH_GRID_GLOB))


def run_files(run: str | Path) -> list[Path]:
    """Every file of a run that :func:`labhelpers.train` writes (to clear a run)."""
    run = Path(run)
    fixed = [
        run / name
        for name in (GENERATOR_FILE, HISTORY_FILE, LOSSES_FILE, STATE_FILE, ANIMATION_FILE)
    ]
    return [p for p in fixed if p.exists()] + epoch_generators(run) + epoch_grids(run)


class DamagedRunFile(ValueError):
    """A file of an earlier run cannot be read; the message names it and what to do."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(
            f"{path} is damaged or not a file of this course ({reason}). Start the run afresh "
            "(command line: --fresh; notebook: resume=False), or delete that file."
        )
