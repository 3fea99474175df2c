"""``wgan-lab-numbers``: does the code still compute the numbers of its numerics version?

    wgan-lab-numbers            compare short seeded runs with the reference
    wgan-lab-numbers --record   make this machine's numbers the reference

The reference (``reference_numbers.json``) holds the numbers of short seeded runs of every
method and of the 2-D experiments, their numerics versions (:mod:`labhelpers.numerics`) and
the machine that recorded them (:func:`machine`). There they must agree to :data:`ROUNDING`,
elsewhere within :data:`TOLERANCE`; a machine no measurement covers is not judged
(:func:`cannot_judge`). Exit code 1 when they differ or the versions do. ``--record`` refuses
while the numbers differ at the reference's numerics version: bump the version first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np

from ..numerics import NUMERICS, NUMERICS_2D

REFERENCE = Path(__file__).parent / "reference_numbers.json"
RUNS = {
    "wgan": {"method": "wgan"},
    "wgan-clip-all": {"method": "wgan", "judge": "critic-clip-all"},
    "wgan-gp": {"method": "wgan-gp"},
    "gan": {"method": "gan"},
}
# The largest deviation (see deviation()) allowed on the recording machine, and on others
# (measured: benchmarks/numerics_tolerance.py; CONTRIBUTING.md, "Changing the training code").
ROUNDING = 1e-6
TOLERANCE = 0.015
CPU_FEATURES = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile", "amx_bf16")


def machine() -> dict:
    """What decides the last digits of a float32 computation on this machine."""
    import keras
    import tensorflow as tf

    flags: set[str] = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    return {
        "arch": platform.machine(),
        "cpu_features": [f for f in CPU_FEATURES if f in flags],
        "threads": os.cpu_count(),
        "intra_op_threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }


def short_run(name: str) -> dict[str, list[float]]:
    """The history, held-out estimates and generator weight sums of one short run."""
    import keras

    from ..data import load_mnist
    from ..session import train

    keras.backend.clear_session()
    images = load_mnist(7)[:256]
    heldout = load_mnist(7, split="test")[:64]
    with tempfile.TemporaryDirectory() as tmp:
        result = train(
            out_dir=Path(tmp) / name,
            images=images,
            heldout_images=heldout,
            progress="none",
            iterations=6,
            batch_size=16,
            steps_per_epoch=3,
            seed=1,
            precision="float32",
            **RUNS[name],
        )
        estimates = result.run.estimates()
        weights = [float(np.sum(w, dtype="float64")) for w in result.generator.get_weights()]
    out = {k: [float(x) for x in v] for k, v in result.history.items()}
    out.update({f"estimate/{k}": [float(x) for x in v] for k, v in estimates.items()})
    out.pop("estimate/seconds", None)  # wall time, not a number training computes
    out["generator_weight_sums"] = weights
    return out


def short_exact2d_runs() -> dict[str, list[float]]:
    """Summary numbers of tiny 2-D runs (two stacked seeds, 6 iterations, width 8) of each
    method, and of the known-answer experiment (two thetas, 20 judge updates)."""
    from ..study import exact2d

    out = {}
    for method in exact2d.METHOD_NAMES:
        result = exact2d.train_runs(
            exact2d.Setup(method), seeds=(1, 2), iterations=6, log_every=3, width=8
        )
        for key in ("estimate", "w1", "high_quality"):
            out[f"{method}/{key}"] = [float(x) for x in result[key].ravel()]
    known = exact2d.known_answer(thetas=(0.0, 1.0), steps=20, width=8)
    out.update({f"known/{k}": [float(x) for x in np.ravel(v)] for k, v in known.items()})
    return out


def compute(runs: tuple[str, ...] = tuple(RUNS), with_2d: bool = True) -> dict:
    """The numbers of the short runs ``runs`` (and of the 2-D ones)."""
    numbers = {name: short_run(name) for name in runs}
    if with_2d:
        numbers["exact2d"] = short_exact2d_runs()
    return numbers


def deviation(x: list[float], y: list[float]) -> float:
    """How far the series ``y`` is from ``x``: the largest difference, relative to the
    largest magnitude in ``x`` (at least 1e-3, so that series near zero compare
    absolutely)."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if x.shape != y.shape or not np.array_equal(np.isfinite(x), np.isfinite(y)):
        return float("inf")
    finite = np.isfinite(x)
    scale = max(float(np.max(np.abs(x[finite]), initial=0.0)), 1e-3)
    return float(np.max(np.abs(x[finite] - y[finite]), initial=0.0)) / scale


def differences(reference: dict, numbers: dict, tolerance: float) -> list[str]:
    """Each series of ``numbers`` that deviates from ``reference`` by more than
    ``tolerance``, as a line naming it (empty when all agree). Only the runs in
    ``numbers`` are compared."""
    found = []
    for run in sorted(numbers):
        a, b = reference.get(run), numbers[run]
        if a is None:
            found.append(f"{run}: not in the reference")
            continue
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                found.append(f"{run} {key}: only in {'the reference' if key in a else 'these'}")
                continue
            d = deviation(a[key], b[key])
            if d > tolerance:
                worst = int(np.argmax(np.abs(np.subtract(a[key], b[key]))))
                found.append(
                    f"{run} {key}[{worst}]: {b[key][worst]!r} against {a[key][worst]!r} "
                    f"(deviation {d:.2g} > {tolerance:g})"
                )
    return found


def cannot_judge(reference: dict, here: dict) -> str | None:
    """Why the tolerance does not cover this machine, or None when it does."""
    recorded = reference["machine"]
    for key in ("arch", "tensorflow", "keras"):
        if here[key] != recorded[key]:
            return (
                f"the reference numbers were recorded with {key} {recorded[key]} and this "
                f"machine has {here[key]}; no tolerance was measured across that change"
            )
    return None


def verdict(reference: dict, numbers: dict, here: dict | None = None) -> tuple[str, list[str]]:
    """``(mode, differences)``: mode 'exact' on the recording machine, 'tolerance' on
    others, or a one-line reason why this machine cannot be judged (no differences)."""
    here = here or machine()
    if here == reference["machine"]:
        return "exact", differences(reference["runs"], numbers, ROUNDING)
    why = cannot_judge(reference, here)
    if why:
        return f"cannot judge: {why}", []
    return "tolerance", differences(reference["runs"], numbers, TOLERANCE)


def read_reference(path: Path = REFERENCE) -> dict:
    return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wgan-lab-numbers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="make these numbers the reference")
    args = parser.parse_args(argv)
    reference = read_reference()
    numbers = compute()
    mode, found = verdict(reference, numbers)
    same_version = (reference["numerics"], reference["numerics_2d"]) == (NUMERICS, NUMERICS_2D)
    if args.record:
        if found and same_version:
            print(
                "The numbers changed but the numerics versions did not: bump NUMERICS (or "
                "NUMERICS_2D) in labhelpers/numerics.py first, then record.\n  "
                + "\n  ".join(found[:20]),
                file=sys.stderr,
            )
            return 1
        entry = {
            "numerics": NUMERICS,
            "numerics_2d": NUMERICS_2D,
            "machine": machine(),
            "runs": numbers,
        }
        REFERENCE.write_text(json.dumps(entry, indent=1) + "\n")
        print(f"Recorded {REFERENCE.name} on this machine.")
        if not same_version:
            print("The pre-trained runs are stale now: make pretrain.")
        return 0
    if not same_version:
        print("The reference belongs to other numerics versions: record it.", file=sys.stderr)
        return 1
    if found:
        print(f"The numbers changed ({mode}):\n  " + "\n  ".join(found[:20]), file=sys.stderr)
        print("If that is meant, bump NUMERICS and run wgan-lab-numbers --record.", file=sys.stderr)
        return 1
    print(f"Same numbers as the reference ({mode}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
