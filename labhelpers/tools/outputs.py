"""``wgan-lab-outputs`` (``make outputs``): run the notebooks in full mode and store their outputs.

It refuses while :func:`refusal` gives a reason (quick mode, stale runs or 2-D results),
executes each notebook in a fresh kernel, stamps each code cell with a hash of its source and
the notebook with the numerics versions, data and seconds, and writes it only if
:func:`problems` finds nothing. Current notebooks are skipped (``--force`` redoes them).
``tests/test_notebook_hygiene.py`` runs :func:`problems` on the committed notebooks.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from datetime import date
from pathlib import Path

import nbformat

from ..numerics import NUMERICS, NUMERICS_2D, recorded
from ..settings import describe_data, quick_mode

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"  # the course's checkout
NOTEBOOKS = ("01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan")
STAMP = "wgan_lab"  # the metadata key of the stamps
MAX_BYTES = 5_000_000
# A cell that draws a figure must store a picture of it.
FIGURE_CALL = re.compile(r"plt\.show\(|plot_[a-z_]+\(|show_images\(|image_grid\(")
WARNING_TEXT = re.compile(r"Warning:|Traceback \(most recent call last\)|\bWARNING\b")


def source_hash(source: str) -> str:
    """A short hash of a cell's exact text: the stamp that ties stored outputs to it
    (any edit, even to a comment, may change what the cell prints)."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _texts(output) -> list[str]:
    """Every piece of text in one output (stream text, plain-text results)."""
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    data = output.get("data", {})
    return [str(data.get("text/plain", ""))]


def problems(notebook: nbformat.NotebookNode, size: int | None = None) -> list[str]:
    """Everything that makes a notebook's stored outputs unfit to commit (empty if none)."""
    found = []
    meta = notebook.metadata.get(STAMP)
    if meta is None:
        return ["no output stamp: make the outputs with `make outputs`"]
    for key, now in (("numerics", NUMERICS), ("numerics_2d", NUMERICS_2D)):
        if recorded(meta, key) != now:
            found.append(
                f"outputs made at {key} version {recorded(meta, key)}, now {now}: "
                "run `make pretrain` and `make outputs`"
            )
    if size is not None and size > MAX_BYTES:
        found.append(f"{size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit")
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {i}"
        stamp = cell.metadata.get(STAMP, {}).get("source")
        if stamp != source_hash(cell.source):
            found.append(f"{where}: source edited since its outputs were made")
        if cell.execution_count is None:
            found.append(f"{where}: not executed")
        for output in cell.outputs:
            if output.output_type == "error":
                found.append(f"{where}: an error ({output.get('ename')})")
            if output.get("name") == "stderr":
                found.append(f"{where}: text on stderr: {output.get('text', '')[:80]!r}")
            for text in _texts(output):
                if WARNING_TEXT.search(text):
                    found.append(f"{where}: a warning or traceback in the output")
        if FIGURE_CALL.search(cell.source) and not any(
            "image/png" in o.get("data", {}) for o in cell.outputs
        ):
            found.append(f"{where}: draws a figure but stores no picture")
    return found


def is_current(path: Path) -> bool:
    """True when the notebook at ``path`` holds current outputs with no problems."""
    notebook = nbformat.read(path, as_version=4)
    return not problems(notebook, path.stat().st_size)


def execute(path: Path, timeout: int = 3600) -> nbformat.NotebookNode:
    """Run one notebook in full mode in a fresh kernel and stamp it."""
    from nbclient import NotebookClient

    os.environ.pop("WGAN_LAB_QUICK", None)  # the kernel inherits this environment
    notebook = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(
        notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - t0
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.metadata[STAMP] = {"source": source_hash(cell.source)}
    notebook.metadata[STAMP] = {
        "numerics": NUMERICS,
        "numerics_2d": NUMERICS_2D,
        "data": describe_data(),
        "seconds": round(seconds),
        "date": date.today().isoformat(),
    }
    return notebook


def refusal() -> str | None:
    """Why the outputs cannot be made now, or None."""
    from ..settings import runs_root
    from ..study import exact2d
    from .pretrain import stale_runs

    if quick_mode():
        return "unset WGAN_LAB_QUICK: committed outputs come from full mode."
    stale = stale_runs()
    if stale:
        listed = "; ".join(f"{name}: {why}" for name, why in stale.items())
        return f"these runs are not complete and current ({listed}). Run `make pretrain` first."
    if exact2d.missing(runs_root() / "exact2d"):
        return "the 2-D results are missing or stale (runs/exact2d). Run `make pretrain` first."
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wgan-lab-outputs", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebooks to make (default: all four)")
    parser.add_argument("--force", action="store_true", help="remake current notebooks too")
    args = parser.parse_args(argv)
    why = refusal()
    if why:
        print(f"make outputs: {why}", file=sys.stderr)
        return 2
    for name in args.names or NOTEBOOKS:
        path = NOTEBOOKS_DIR / f"{name.removesuffix('.ipynb')}.ipynb"
        if not args.force and is_current(path):
            print(f"{path.name}: outputs are current; skipped", flush=True)
            continue
        print(f"{path.name}: executing in full mode ...", flush=True)
        notebook = execute(path)
        text = nbformat.writes(notebook)
        found = problems(notebook, len(text.encode()))
        if found:
            print(f"{path.name}: not written:\n  " + "\n  ".join(found), file=sys.stderr)
            return 1
        tmp = path.with_suffix(".ipynb.tmp")
        tmp.write_text(text)
        tmp.replace(path)
        seconds = notebook.metadata[STAMP]["seconds"]
        print(f"{path.name}: written ({len(text) / 1e6:.2f} MB, {seconds} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
