"""Keep the committed notebooks clean: ``python tests/clean_notebooks.py``.

The policy (README, "Notebook outputs"): committed notebooks carry **no
outputs**, except the few deterministic teaching cells marked
``# NBVAL_CHECK_OUTPUT``, whose stored output is the expected answer that
nbval compares against on every test run. This script executes each notebook
in quick mode, keeps the outputs of the checked cells, drops all others and
clears execution counts. ``tests/test_notebook_hygiene.py`` enforces the result.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MARK = "# NBVAL_CHECK_OUTPUT"


def clean(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    NotebookClient(
        executed, timeout=1200, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell, ran in zip(notebook.cells, executed.cells):
        if cell.cell_type != "code":
            continue
        checked = cell.source.startswith(MARK)
        # nbval refuses stored outputs without an execution count, so checked cells keep theirs
        cell.execution_count = ran.execution_count if checked else None
        cell.outputs = ran.outputs if checked else []
    nbformat.write(notebook, path)


if __name__ == "__main__":
    os.environ["WGAN_LAB_QUICK"] = "1"
    for name in sys.argv[1:] or sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")):
        print(f"cleaning {name}")
        clean(NOTEBOOKS / name)
