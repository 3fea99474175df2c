"""``wgan-lab-readme-images`` (``make readme-images``): the README's training animations.

Writes ``images/training_<method>.gif`` from the per-epoch grids of the seed-1 runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..methods import METHODS
from ..plotting import make_animation
from ..runs import Run
from ..settings import runs_root

IMAGES = Path(__file__).resolve().parents[2] / "images"  # the course's checkout


def refresh(runs: Path | None = None, images: Path = IMAGES) -> list[Path]:
    """Write one GIF per method from ``runs/<method>``'s grids; return their paths. Raises
    FileNotFoundError when a run has no grids."""
    runs = runs or runs_root()
    missing = [m for m in METHODS if not Run(runs / m).epoch_grids()]
    if missing:
        raise FileNotFoundError(
            f"No sample grids in {', '.join(str(runs / m) for m in missing)}: "
            "pre-train the runs first (make pretrain)."
        )
    return [
        make_animation(Run(runs / m).epoch_grids(), images / f"training_{m}.gif") for m in METHODS
    ]


def main(argv: list[str] | None = None) -> int:
    try:
        for path in refresh():
            print(f"wrote {path}")
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
