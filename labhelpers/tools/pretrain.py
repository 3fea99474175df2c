"""``wgan-lab-pretrain`` (``make pretrain``): train every run the notebooks load.

Trains each run of :data:`labhelpers.course.COURSE_RUNS` into ``runs/<name>`` (float32), then
the 2-D experiments (:mod:`labhelpers.study.exact2d`, ``runs/exact2d``), and records their
wall seconds in ``runs/pretrain_times.json``. Complete, current runs are skipped, interrupted
ones carry on, stale ones start afresh. ``--status`` prints :func:`stale_runs` (exit code 1
when any), which ``make outputs`` requires to be empty.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..course import COURSE_RUNS
from ..files import atomic_write
from ..runs import Run
from ..settings import runs_root


def stale_runs(root: Path | None = None) -> dict[str, str]:
    """The course runs that are not complete and current, with what is wrong."""
    root = root or runs_root()
    status = {name: Run(root / name, spec).status() for name, spec in COURSE_RUNS.items()}
    return {name: s for name, s in status.items() if s != "complete"}


def _write_times(path: Path, times: dict) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(times, indent=1)))


def pretrain(root: Path | None = None) -> dict:
    """Train every course run not yet complete and current, then the 2-D experiments;
    return (and record in ``pretrain_times.json``) the wall seconds of each."""
    import keras

    from ..session import train_spec
    from ..study import exact2d

    root = root or runs_root()
    root.mkdir(parents=True, exist_ok=True)
    times_path = root / "pretrain_times.json"
    times = json.loads(times_path.read_text()) if times_path.is_file() else {}
    for i, (name, spec) in enumerate(COURSE_RUNS.items(), 1):
        spec = replace(spec, precision="float32")  # the course's runs: float32 everywhere
        status = Run(root / name, spec).status()
        print(f"[{i}/{len(COURSE_RUNS)}] {name}: {status}", flush=True)
        if status == "complete":
            continue
        keras.backend.clear_session()  # one process trains them all: start each one clean
        t0 = time.perf_counter()
        train_spec(spec, root / name, resume=status.startswith("partial"), progress="terminal")
        resumed = times.get(name, 0.0) if status.startswith("partial") else 0.0
        times[name] = resumed + time.perf_counter() - t0
        _write_times(times_path, times)
    t0 = time.perf_counter()
    if exact2d.run_all(root / "exact2d"):
        times["exact2d"] = time.perf_counter() - t0
        _write_times(times_path, times)
    total = sum(times.values())
    print(f"All course runs are complete; their training took {total / 60:.1f} minutes in all.")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wgan-lab-pretrain", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--status", action="store_true", help="only say which runs are missing or stale"
    )
    args = parser.parse_args(argv)
    if args.status:
        stale = stale_runs()
        for name in COURSE_RUNS:
            print(f"{name:16s} {stale.get(name, 'complete')}")
        return 1 if stale else 0
    pretrain()
    return 0


if __name__ == "__main__":
    sys.exit(main())
