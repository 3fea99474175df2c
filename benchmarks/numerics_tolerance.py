"""Measure what the same-numbers check's tolerance must separate (a few minutes a line).

For each numerics path on this machine (the default; oneDNN off; one intra-op thread)
and for each deliberate change of 20 % to one training setting, it computes the short
runs of ``wgan-lab-numbers`` in a fresh process and prints, per run, the largest
deviation from the reference (``labhelpers.tools.same_numbers.deviation``). Numbers
recorded on other machines (``--other FILE``, the ``runs`` of a reference file, e.g.
``benchmarks/numbers_xeon_avx512.json``) are compared too. The tolerance must lie
above every path's deviation and below every change's:

    python benchmarks/numerics_tolerance.py [--other FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHS = {
    "default": {},
    "oneDNN off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "1 intra-op thread": {"TF_NUM_INTRAOP_THREADS": "1"},
}
# Each deliberate change, as code run before computing: 20 % to one setting.
LEARNING_RATE = (
    "m = METHODS[{0!r}]\n"
    "METHODS[{0!r}] = replace(m, optimizer=replace(m.optimizer, learning_rate={1}))"
)
CHANGES = {
    "RMSprop 5e-5 -> 6e-5": LEARNING_RATE.format("wgan", 6e-5),
    "GAN Adam 2e-4 -> 2.4e-4": LEARNING_RATE.format("gan", 2.4e-4),
    "gp_weight 10 -> 12": (
        "init = training.WGANGP.__init__\n"
        "training.WGANGP.__init__ = lambda self, *a, gp_weight=12.0, **k: "
        "init(self, *a, gp_weight=gp_weight, **k)"
    ),
}
PROGRAM = """
import json, sys
from dataclasses import replace
from labhelpers import training
from labhelpers.methods import METHODS
from labhelpers.tools import same_numbers
{change}
json.dump(same_numbers.compute(with_2d={with_2d}), open(sys.argv[1], "w"))
"""


def computed(env: dict, change: str = "", with_2d: bool = True) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "numbers.json"
        code = PROGRAM.format(change=change, with_2d=with_2d)
        subprocess.run(
            [sys.executable, "-c", code, str(out)],
            env={**os.environ, **env},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return json.loads(out.read_text())


def worst(reference: dict, numbers: dict) -> dict[str, float]:
    from labhelpers.tools.same_numbers import deviation

    return {
        run: max(deviation(reference[run][k], numbers[run][k]) for k in reference[run])
        for run in numbers
        if run in reference
    }


def main() -> int:
    from labhelpers.tools import same_numbers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", nargs="*", default=[], help="numbers from other machines")
    args = parser.parse_args()
    reference = same_numbers.read_reference()["runs"]
    rows = {f"path: {name}": worst(reference, computed(env)) for name, env in PATHS.items()}
    for path in args.other:
        rows[f"other machine: {Path(path).stem}"] = worst(
            reference, json.loads(Path(path).read_text())["runs"]
        )
    for name, change in CHANGES.items():
        rows[f"change: {name}"] = worst(reference, computed({}, change, with_2d=False))
    runs = sorted({run for row in rows.values() for run in row})
    print(f"{'largest deviation from the reference':40s}" + "".join(f"{r:>14s}" for r in runs))
    for name, row in rows.items():
        print(f"{name:40s}" + "".join(f"{row.get(r, float('nan')):14.2g}" for r in runs))
    print(f"tolerance (same_numbers.TOLERANCE): {same_numbers.TOLERANCE:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
