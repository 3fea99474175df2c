"""labhelpers.tools.outputs.problems catches what must never be committed."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from labhelpers.numerics import NUMERICS, NUMERICS_2D
from labhelpers.tools import outputs


def stamped(*cells):
    notebook = new_notebook(cells=list(cells))
    notebook.metadata[outputs.STAMP] = {"numerics": NUMERICS, "numerics_2d": NUMERICS_2D}
    for i, cell in enumerate(notebook.cells, 1):
        cell.execution_count = i
        cell.metadata[outputs.STAMP] = {"source": outputs.source_hash(cell.source)}
    return notebook


def png():
    return new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})


def test_a_clean_notebook_passes():
    nb = stamped(
        new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]),
        new_code_cell("plt.show()", outputs=[png()]),
    )
    assert outputs.problems(nb, 1000) == []


def test_each_problem_is_named():
    nb = stamped(
        new_code_cell("x = 1"),
        new_code_cell("plt.show()"),
        new_code_cell("f()", outputs=[new_output("stream", name="stderr", text="oops")]),
        new_code_cell("g()", outputs=[new_output("stream", name="stdout", text="UserWarning: x")]),
        new_code_cell(
            "h()", outputs=[new_output("error", ename="ValueError", evalue="", traceback=[])]
        ),
    )
    nb.cells[0].source = "x = 2"  # edited after the run
    nb.cells[1].execution_count = None
    found = outputs.problems(nb, outputs.MAX_BYTES + 1)
    text = "\n".join(found)
    for expected in (
        "cell 0: source edited",
        "cell 1: not executed",
        "cell 1: draws a figure",
        "cell 2: text on stderr",
        "cell 3: a warning",
        "cell 4: an error",
        "MB",
    ):
        assert expected in text, expected


def test_outputs_of_other_numerics_versions_are_refused():
    nb = stamped(new_code_cell("x = 1"))
    assert outputs.problems(nb) == []
    nb.metadata[outputs.STAMP]["numerics_2d"] = NUMERICS_2D + 1
    assert "numerics_2d version" in outputs.problems(nb)[0]
    nb.metadata[outputs.STAMP] = {"code": "000000000000"}
    assert "numerics version" in outputs.problems(nb)[0]
    del nb.metadata[outputs.STAMP]
    assert "no output stamp" in outputs.problems(nb)[0]
    nbformat.validate(stamped(new_code_cell("x = 1")))
