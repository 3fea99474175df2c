"""The course as a learner sees it: JupyterLab in a real (headless) browser.

For each notebook, in course order, the test opens it in JupyterLab, runs
Run -> Run All Cells from the menu (quick mode), waits for the last cell and
then checks what is on the page: every code cell ran, no cell shows an error
or anything on stderr, every figure loaded, and (01) the live training
display rendered (a progress bar per training run, filled to the end). In
02 it moves the explorer's "seed A" slider with the keyboard, as a learner
would with the mouse, and checks that the digit redraws (a screenshot of the
image before and after differs).

It drives Debian's ``chromium`` (``/usr/bin/chromium``, or ``$CHROMIUM``)
through Playwright's Python package; no browser is downloaded. Without
Chromium or Playwright the test is skipped and says why (``pytest -rs``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_train_wgan", "02_inference_wgan", "03_wgan_gp", "04_gan_vs_wgan"]
CELL_TIMEOUT_S = 900  # the slowest notebook (04) takes a few minutes in quick mode
TRAINS = {"01_train_wgan": 1, "03_wgan_gp": 1, "04_gan_vs_wgan": 3}  # live progress displays
TOKEN = "wgan-lab-browser-test"

# What JupyterLab should not do during the test: virtualise cells that are off
# screen (the test reads every cell from the page) or ask about news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": (
        '{"fetchNews": "false", "checkForUpdates": false}'
    ),
}


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.skip("browser test skipped: no Chromium found (Debian: apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed")
    return path


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory, chromium_path):
    """A JupyterLab server on localhost, in quick mode, with its own settings folder."""
    home = tmp_path_factory.mktemp("lab")
    for name, text in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # JupyterLab saves the notebooks it runs: give it copies, never the course's own files.
    shutil.copytree(ROOT / "notebooks", home / "course" / "notebooks")
    port = free_port()
    # Its own runs folder, so the notebooks really train (with live progress) in the browser.
    env = dict(
        os.environ,
        WGAN_LAB_QUICK="1",
        WGAN_LAB_RUNS=str(home / "runs"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            "--allow-root",
            f"--ServerApp.root_dir={home / 'course'}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail(
                    "JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:]
                )
            time.sleep(1)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def page(chromium_path, lab_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def open_and_run_all(page, lab_url: str, name: str) -> None:
    """Open a notebook, wait for its kernel, then Run -> Run All Cells."""
    page.goto(f"{lab_url}/lab/tree/notebooks/{name}.ipynb?token={TOKEN}&reset")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
    # The kernel is ready when the status bar says "Python 3 (ipykernel) | Idle".
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Run All marks every code cell [*] at once; that shows the click took effect.
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt", has_text="[*]"
    ).first.wait_for(timeout=30_000)


def page_state(page) -> dict:
    """What the open notebook shows: prompts of code cells, errors, figures."""
    return page.evaluate("""() => {
        const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
            .map(p => p.textContent.trim());
        const stderr = [...panel.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(e => e.textContent.slice(0, 500));
        const images = [...panel.querySelectorAll('.jp-OutputArea-output img')];
        return {
            prompts,
            stderr,
            images: images.length,
            broken_images: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
            progress_bars: panel.querySelectorAll('.widget-hprogress').length,
            progress_full: [...panel.querySelectorAll('.widget-hprogress .progress-bar')]
                .filter(b => b.style.width === '100%').length,
        };
    }""")


def wait_until_done(page, name: str) -> dict:
    """Poll until every code cell has an execution number; fail at the first error,
    or when the kernel sits idle with cells left unrun."""
    deadline = time.time() + CELL_TIMEOUT_S
    idle_since = None
    while True:
        state = page_state(page)
        assert not state["stderr"], f"{name}: a cell wrote to stderr:\n" + "\n".join(
            state["stderr"]
        )
        numbers = [int(p[1:-2]) for p in state["prompts"] if p[1:-2].isdigit()]
        if numbers and len(numbers) == len(state["prompts"]) and numbers == sorted(set(numbers)):
            return state
        idle = "*" not in "".join(state["prompts"])
        idle_since = (idle_since or time.time()) if idle else None
        assert not idle_since or time.time() - idle_since < 30, (
            f"{name}: execution stopped with cells unrun: {state['prompts']}"
        )
        assert time.time() < deadline, (
            f"{name}: not finished after {CELL_TIMEOUT_S} s: {state['prompts']}"
        )
        page.wait_for_timeout(1000)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(page, lab_url, name):
    start = time.time()
    open_and_run_all(page, lab_url, name)
    state = wait_until_done(page, name)
    page.wait_for_timeout(1000)  # let the last images decode
    state = page_state(page)
    print(
        f"{name}: {len(state['prompts'])} code cells ran in {time.time() - start:.0f} s, "
        f"{state['images']} images, {state['progress_bars']} progress bars"
    )
    assert state["images"] >= 2, f"{name}: expected figures on the page, found {state['images']}"
    assert state["broken_images"] == 0, f"{name}: {state['broken_images']} images did not render"
    assert state["progress_bars"] >= TRAINS.get(name, 0), (
        f"{name}: the live training display is missing"
    )
    assert state["progress_full"] == state["progress_bars"], f"{name}: a progress bar stopped short"
    if name == "02_inference_wgan":
        check_explorer_redraws(page)


def check_explorer_redraws(page) -> None:
    """Move the explorer's "seed A" slider with the keyboard; the digit must change."""
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    explorer = panel.locator(".widget-hbox", has=page.locator(".widget-slider")).last
    image = explorer.locator("img").first
    image.scroll_into_view_if_needed()
    before = image.screenshot()
    handle = explorer.locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    readout = explorer.locator(".widget-readout").first
    page.wait_for_function(
        "el => el.textContent.trim() === '3'", arg=readout.element_handle(), timeout=10_000
    )
    deadline = time.time() + 30
    while image.screenshot() == before:
        assert time.time() < deadline, "the explorer's digit did not redraw after the slider moved"
        page.wait_for_timeout(500)
