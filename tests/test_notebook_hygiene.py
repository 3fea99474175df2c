"""The committed notebooks: the four lessons, with current full-mode outputs, prose first."""

from pathlib import Path

import nbformat
import pytest

from labhelpers.tools import outputs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan"]


def test_the_course_is_exactly_the_four_notebooks():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_are_current_and_clean(path):
    """Outputs from a full run of the current code (labhelpers/tools/outputs.py, `make outputs`):
    every code cell stamped with its source's hash, no error, traceback, warning or stderr,
    a picture in every figure cell, under 5 MB."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    found = outputs.problems(notebook, path.stat().st_size)
    assert not found, f"{path.name}: " + "; ".join(found[:5]) + " (run `make outputs`)"
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert "NBVAL_SKIP" not in cell.source, f"cell {i}: NBVAL_SKIP hides failures"
    # the outputs say which data made them
    assert "Data: " in outputs_text(notebook)


def outputs_text(notebook) -> str:
    return "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_cell_is_preceded_by_prose(path):
    """Teaching documents: prose first, and code cells kept short."""
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 25, f"cell {i} is long; split it"
