"""``wgan-lab-numbers``: does the training code still compute the same numbers?

Runs record the version of the training code that made them
(:func:`labhelpers.runs.code_version`, a hash of its syntax). A change to that
code's syntax makes every pre-trained run stale, unless it computes exactly
what the old code did, which this tool shows and then declares:

    wgan-lab-numbers            compare short seeded runs with the reference
    wgan-lab-numbers --accept   the same, and if they agree, declare the current
                                code equivalent to the reference's (runs stay current)
    wgan-lab-numbers --record   the numbers are meant to change: make the current
                                code the reference (then retrain: make pretrain)

The reference (``reference_numbers.json``) holds, for each method, the loss
history, the held-out estimates and the sums of the final generator weights of
a run of 6 iterations (batch 16, the first 256 training sevens, two epochs of
3, seed 1, float32, held-out estimate on 64 test sevens); the WGAN runs twice
(kernels clipped, every parameter clipped); and for the 2-D experiments
(:mod:`labhelpers.exact2d`), the logged estimates, exact W1 and high-quality
shares of tiny stacked runs of each method, and the known-answer experiment
on two thetas. On one machine these short runs come out identical (970-iteration
WGAN-GP runs need not: the README's "The same seed on the same machine"); across
CPUs the last digits may differ, hence the tolerance of :func:`differences`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from ..runs import (
    EQUIVALENT_VERSIONS_FILE,
    PACKAGE,
    TRAINING_CODE,
    code_version,
    syntax_hash,
)

REFERENCE = Path(__file__).parent / "reference_numbers.json"
RUNS = {
    "wgan": {"method": "wgan"},
    "wgan-clip-all": {"method": "wgan", "judge": "critic-clip-all"},
    "wgan-gp": {"method": "wgan-gp"},
    "gan": {"method": "gan"},
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
    from .. import exact2d

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


def compute() -> dict[str, dict[str, list[float]]]:
    """The numbers of every short run (about a minute on 2 CPU cores)."""
    numbers = {name: short_run(name) for name in RUNS}
    numbers["exact2d"] = short_exact2d_runs()
    return numbers


def differences(
    reference: dict, numbers: dict, rtol: float = 1e-4, atol: float = 1e-6
) -> list[str]:
    """Where ``numbers`` differ from ``reference`` by more than float rounding."""
    found = []
    for run in sorted(set(reference) | set(numbers)):
        a, b = reference.get(run), numbers.get(run)
        if a is None or b is None:
            found.append(f"{run}: only in {'the reference' if b is None else 'the new numbers'}")
            continue
        for key in sorted(set(a) | set(b)):
            x, y = a.get(key), b.get(key)
            if x is None or y is None or len(x) != len(y):
                found.append(f"{run} {key}: {x} against {y}")
            elif not np.allclose(x, y, rtol=rtol, atol=atol):
                worst = int(np.argmax(np.abs(np.subtract(x, y))))
                found.append(f"{run} {key}[{worst}]: {x[worst]!r} against {y[worst]!r}")
    return found


def read_reference(path: Path = REFERENCE) -> dict:
    return json.loads(path.read_text())


def current_versions() -> dict[str, str]:
    """The syntax hashes of the current training code and 2-D experiment code."""
    from .. import exact2d, toy

    training = [PACKAGE / name for name in TRAINING_CODE]
    return {
        "code": syntax_hash(training),
        "exact2d_code": "exact2d-" + syntax_hash([Path(exact2d.__file__), Path(toy.__file__)]),
    }


def accept(reference: dict) -> dict[str, str]:
    """Declare the current code's versions equivalent to the reference's."""
    table = json.loads(EQUIVALENT_VERSIONS_FILE.read_text())
    for key, version in current_versions().items():
        if version != reference[key]:
            table["same_numbers"][version] = reference[key]
    EQUIVALENT_VERSIONS_FILE.write_text(json.dumps(table, indent=1) + "\n")
    return table["same_numbers"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wgan-lab-numbers", description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--accept", action="store_true", help="declare same numbers, same version")
    what.add_argument("--record", action="store_true", help="make these numbers the reference")
    args = parser.parse_args(argv)
    numbers = compute()
    if args.record:
        from .. import exact2d

        entry = {"code": code_version(), "exact2d_code": exact2d.code_version(), "runs": numbers}
        REFERENCE.write_text(json.dumps(entry, indent=1) + "\n")
        print(f"recorded {REFERENCE}: the pre-trained runs are stale now (make pretrain).")
        return 0
    reference = read_reference()
    found = differences(reference["runs"], numbers)
    if found:
        print("The numbers changed:\n  " + "\n  ".join(found[:20]), file=sys.stderr)
        print(
            "If that is meant, run wgan-lab-numbers --record, then make pretrain.", file=sys.stderr
        )
        return 1
    print("Same numbers as the reference.")
    if args.accept:
        accept(reference)
        print(f"Declared the current code equivalent in {EQUIVALENT_VERSIONS_FILE.name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
