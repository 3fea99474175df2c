"""A class can share one read-only folder of pre-trained runs: all four notebooks run
against it with no error and without changing a file.

In quick mode it copies the runs that nbval made earlier in the same session (``make
test`` runs the notebooks first) or, run on its own, fills a folder by running the
notebooks once; then it makes the copy read-only and runs them against it. To check the
full lesson against complete pre-trained runs (``make pretrain``), point
``WGAN_LAB_READONLY_RUNS`` at them: the test then runs the notebooks in full mode on a
read-only copy (minutes).
"""

import os
import shutil
import stat
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ("01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan")


def run_all(runs: Path) -> list[str]:
    """Execute the four notebooks with ``runs`` as the runs folder; return what they printed."""
    printed = []
    for name in NAMES:
        notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        NotebookClient(
            notebook, timeout=1800, resources={"metadata": {"path": str(NOTEBOOKS)}}
        ).execute()
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", f"{name}: {output.get('evalue')}"
                printed.append(output.get("text", ""))
    return printed


def set_writable(folder: Path, writable: bool) -> None:
    bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


# What quick-mode notebooks write under the runs folder: the runs (quick/) and the
# quality score's classifier.
QUICK_PARTS = ("quick", "classifier")


@pytest.mark.slow
def test_notebooks_run_against_a_read_only_runs_folder(
    tmp_path, monkeypatch, snapshot, nbval_filled_runs
):
    complete = os.environ.get("WGAN_LAB_READONLY_RUNS")
    shared = tmp_path / "runs"
    if complete:  # full mode on a copy of complete pre-trained runs
        monkeypatch.delenv("WGAN_LAB_QUICK", raising=False)
        shutil.copytree(complete, shared)
        monkeypatch.setenv("WGAN_LAB_RUNS", str(shared))
    elif nbval_filled_runs is not None:  # quick mode: the runs nbval just made
        for part in QUICK_PARTS:
            shutil.copytree(nbval_filled_runs / part, shared / part)
        monkeypatch.setenv("WGAN_LAB_RUNS", str(shared))
    else:  # quick mode on its own: fill the folder first
        monkeypatch.setenv("WGAN_LAB_QUICK", "1")
        monkeypatch.setenv("WGAN_LAB_RUNS", str(shared))
        run_all(shared)
    before = snapshot(shared)
    assert before, "no runs to share"
    set_writable(shared, False)
    try:
        printed = "".join(run_all(shared))
    finally:
        set_writable(shared, True)
    assert snapshot(shared) == before, "a notebook changed a file of the shared runs"
    # (Run as root, the permissions stop nothing; the unchanged files are the check.)
    assert printed.count("holds a complete run") >= 3, "the notebooks did not load the runs"
