"""Writing files so that an interruption never leaves half a file, and tables of numbers.

Every file of a run and every figure the course saves goes through
:func:`atomic_write`; runs keep their loss history and estimates as CSV
(:func:`write_rows`, :func:`read_rows`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary_path)``, then rename the result to ``path``.

    ``os.replace`` is atomic, so an interruption (Ctrl-C, a crash, a sleeping laptop)
    leaves the previous good file in place, never half a file. Every file of a run,
    and every figure the course saves, is written through here.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{''.join(path.suffixes)}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_rows(rows: list[dict], path: str | os.PathLike) -> Path:
    """Rows of numbers to CSV, atomically."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as f:
            if rows:
                writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)

    return atomic_write(path, write)


def read_rows(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """A CSV of numbers as ``{column: array}`` (empty when there is no file).

    Raises :class:`DamagedRunFile` when the file cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows:
            return {}
        return {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, csv.Error) as err:
        raise DamagedRunFile(path, f"{type(err).__name__}: {err}") from None


def as_rows(columns: dict[str, np.ndarray]) -> list[dict]:
    """``{column: array}`` (as :func:`read_rows` returns) back into one dict per row."""
    n = len(next(iter(columns.values()))) if columns else 0
    return [
        {k: (int(v[i]) if k in ("iteration", "epoch") else float(v[i])) for k, v in columns.items()}
        for i in range(n)
    ]


class DamagedRunFile(ValueError):
    """A file of an earlier run cannot be read; the message names it and what to do."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(
            f"{path} is damaged or not a file of this course ({reason}). Start the run afresh "
            "(command line: --fresh; notebook: resume=False), or delete that file."
        )
