"""The Makefile finds a supported Python, or says in one line why it cannot."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make(*args):
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "check-python", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_picks_a_python_tensorflow_supports():
    done = make()
    assert done.returncode == 0, done.stderr
    python = done.stdout.strip()
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert eval(version) in [(3, 10), (3, 11), (3, 12), (3, 13)]


def test_no_supported_python_is_one_clear_line():
    done = make("PYTHON_CANDIDATES=no-such-python")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "3.10-3.13" in errors[0] and "PYTHON=" in errors[0]


def test_unsupported_python_named_by_hand_is_refused():
    done = make("PYTHON=false")  # a command that exists but is no Python 3.10-3.13
    assert done.returncode != 0 and "is not Python 3.10-3.13" in done.stderr
