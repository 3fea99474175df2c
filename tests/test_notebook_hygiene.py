"""The committed notebooks follow the output policy of tests/clean_notebooks.py."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan"]


def test_course_notebooks_present():
    present = [p.stem for p in NOTEBOOKS]
    assert present == [name for name in EXPECTED if name in present] and present[:2] == EXPECTED[:2]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_only_on_checked_cells(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert "NBVAL_SKIP" not in cell.source, f"cell {i}: NBVAL_SKIP hides failures"
        checked = cell.source.startswith("# NBVAL_CHECK_OUTPUT")
        assert (cell.execution_count is not None) == checked, f"cell {i}: execution count"
        assert bool(cell.outputs) == checked, (
            f"cell {i}: {'missing expected output' if checked else 'output committed'}; "
            "run python tests/clean_notebooks.py"
        )
        assert all(o.output_type != "error" and o.get("name") != "stderr" for o in cell.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_cell_is_preceded_by_prose(path):
    """Teaching documents: prose first, and code cells kept short."""
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 25, f"cell {i} is long; split it"
