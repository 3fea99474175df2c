"""Every run the notebooks load, named in one place, and the command that trains them.

``python -m labhelpers.pretrain`` (``make pretrain``) trains each run of
:data:`COURSE_RUNS` into ``runs/<name>`` (``WGAN_LAB_RUNS`` moves the folder),
one after the other, then the 2-D experiments of notebook 04
(:mod:`labhelpers.toy`). It is resumable: a run that is complete and was made
by the current training code is skipped, an interrupted one carries on from
its last epoch, and one made by other code is trained afresh. The wall time
of each run is recorded in ``runs/pretrain_times.json``.

:func:`stale_runs` tells whether the runs are complete and current; the command
that makes the committed notebook outputs (``make outputs``) refuses to run
otherwise.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import keras

from .checkpoints import read_state_meta
from .methods import METHODS
from .settings import REFERENCE_ITERATIONS, code_version, runs_root

# Seeds of the repeated runs (notebook 04); seed 1 is the lessons' own run.
SEEDS = (1, 2, 3)


@dataclass(frozen=True)
class CourseRun:
    """One pre-trained run: its folder name and how it is trained."""

    name: str
    method: str
    digit: int | str = 7
    seed: int = 1
    clip: str | None = None  # 'all': clip every critic parameter (wgan only)

    def train_kwargs(self) -> dict:
        """The keyword arguments of :func:`labhelpers.train` for this run."""
        from .models import build_critic

        kwargs: dict = {"digit": self.digit, "seed": self.seed}
        if self.clip == "all":
            kwargs["critic"] = functools.partial(build_critic, clip="all")
        return kwargs


def seed_run_name(method: str, seed: int) -> str:
    """``wgan`` for seed 1 (the run notebooks 01-03 use), ``wgan-seed2`` for seed 2."""
    return method if seed == 1 else f"{method}-seed{seed}"


COURSE_RUNS: tuple[CourseRun, ...] = (
    # The sevens, three seeds per method (01-03 use seed 1; 04 compares all).
    *(CourseRun(m, m, 7, 1) for m in METHODS),
    # Notebook 03: clipping every critic parameter, as the original WGAN code.
    CourseRun("wgan-clip-all", "wgan", 7, 1, clip="all"),
    *(CourseRun(seed_run_name(m, s), m, 7, s) for s in SEEDS[1:] for m in METHODS),
    # Notebook 04's mode coverage: all ten digits.
    *(CourseRun(f"{m}-all", m, "all", 1) for m in METHODS),
)


def get_run(name: str) -> CourseRun:
    """The entry of :data:`COURSE_RUNS` called ``name``."""
    for run in COURSE_RUNS:
        if run.name == name:
            return run
    raise ValueError(f"no course run called {name!r}; they are {[r.name for r in COURSE_RUNS]}.")


def course_run(name: str, **budget):
    """The course run ``name`` in the lesson's folder (:func:`labhelpers.settings.run_dir`):
    loaded when it is complete, otherwise trained or resumed with ``budget`` (the
    lesson's: :func:`labhelpers.settings.lesson_budget`). Returns :class:`TrainResult`."""
    from .experiment import train
    from .settings import run_dir

    run = get_run(name)
    return train(run.method, out_dir=run_dir(name), **run.train_kwargs(), **budget)


def run_status(name: str, root: Path | None = None, iterations: int = REFERENCE_ITERATIONS) -> str:
    """'complete', 'missing', 'partial (iteration N)' or 'stale (code X, now Y)'."""
    folder = (root or runs_root()) / name
    meta = read_state_meta(folder) if folder.is_dir() else None
    if meta is None:
        return "missing"
    if meta.get("code") != code_version():
        return f"stale (trained by code {meta.get('code')}, now {code_version()})"
    if int(meta.get("iteration", 0)) < iterations:
        return f"partial (iteration {meta.get('iteration')} of {iterations})"
    return "complete"


def stale_runs(root: Path | None = None) -> dict[str, str]:
    """The course runs that are not complete and current, with what is wrong."""
    status = {run.name: run_status(run.name, root) for run in COURSE_RUNS}
    return {name: s for name, s in status.items() if s != "complete"}


def pretrain(root: Path | None = None, iterations: int = REFERENCE_ITERATIONS) -> dict:
    """Train every course run not yet complete and current, then the 2-D experiments;
    return (and record in ``pretrain_times.json``) the wall seconds of each."""
    from .experiment import train

    root = root or runs_root()
    root.mkdir(parents=True, exist_ok=True)
    times_path = root / "pretrain_times.json"
    times = json.loads(times_path.read_text()) if times_path.is_file() else {}
    for i, run in enumerate(COURSE_RUNS, 1):
        status = run_status(run.name, root, iterations)
        print(f"[{i}/{len(COURSE_RUNS)}] {run.name}: {status}", flush=True)
        if status == "complete":
            continue
        keras.backend.clear_session()  # one process trains them all: start each one clean
        t0 = time.perf_counter()
        train(
            run.method,
            root / run.name,
            iterations=iterations,
            resume=not status.startswith("stale"),
            progress="terminal",
            precision="float32",
            **run.train_kwargs(),
        )
        times[run.name] = times.get(run.name, 0.0) * status.startswith("partial") + (
            time.perf_counter() - t0
        )
        times_path.write_text(json.dumps(times, indent=1))
    from . import toy

    t0 = time.perf_counter()
    if toy.run_all(root / "toy"):
        times["toy"] = time.perf_counter() - t0
        times_path.write_text(json.dumps(times, indent=1))
    total = sum(times.values())
    print(f"All course runs are complete; their training took {total / 60:.1f} minutes in all.")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m labhelpers.pretrain", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--status", action="store_true", help="only say which runs are missing or stale"
    )
    args = parser.parse_args(argv)
    if args.status:
        stale = stale_runs()
        for run in COURSE_RUNS:
            print(f"{run.name:16s} {stale.get(run.name, 'complete')}")
        return 1 if stale else 0
    pretrain()
    return 0


if __name__ == "__main__":
    sys.exit(main())
