"""What training computes, as numbers: short seeded runs of every method.

A fingerprint of the training code's *behaviour*, not its text. ``record()``
writes it to ``tests/data/reference_numbers.json``; ``tests/test_code_version.py``
checks that the current code reproduces it. Run ``python tests/training_numbers.py`` to
record it anew, after a change that is meant to change the numbers (and then
retrain: ``make pretrain``).

Each run: 6 iterations of batch 16 on the first 256 training sevens, two epochs
of 3 iterations, seed 1, float32, with the held-out estimate on 64 test sevens.
The WGAN runs twice: clipping the kernels (the course default) and every
parameter (``clip="all"``). The 2-D experiments' trainer runs each method for
60 iterations on the ring.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).parent / "data" / "reference_numbers.json"
RUNS = {
    "wgan": {"method": "wgan"},
    "wgan-clip-all": {"method": "wgan", "clip": "all"},
    "wgan-gp": {"method": "wgan-gp"},
    "gan": {"method": "gan"},
}


def short_run(name: str) -> dict[str, list[float]]:
    """The history, held-out estimates and final generator weights' sums of one short run."""
    import keras

    import labhelpers as lh

    spec = RUNS[name]
    keras.backend.clear_session()
    images = lh.load_mnist(7)[:256]
    heldout = lh.load_mnist(7, split="test")[:64]
    kwargs = {}
    if spec.get("clip") == "all":
        import functools

        kwargs["critic"] = functools.partial(lh.models.build_critic, clip="all")
    with tempfile.TemporaryDirectory() as tmp:
        result = lh.train(
            spec["method"],
            Path(tmp) / name,
            iterations=6,
            batch_size=16,
            steps_per_epoch=3,
            seed=1,
            images=images,
            heldout_images=heldout,
            progress="none",
            precision="float32",
            **kwargs,
        )
        estimates = lh.callbacks.read_history(Path(tmp) / name / "estimates.csv")
        weights = [float(np.sum(w, dtype="float64")) for w in result.generator.get_weights()]
    out = {k: [float(x) for x in v] for k, v in result.history.items()}
    out.update(
        {f"estimate/{k}": [float(x) for x in v] for k, v in estimates.items() if k != "seconds"}
    )
    out["generator_weight_sums"] = weights
    return out


def short_toy_run(method: str) -> dict[str, list[float]]:
    """Summary numbers of the samples of a 2-D run of 60 iterations on the ring (seed 1)."""
    import keras

    from labhelpers import toy

    keras.backend.clear_session()
    points, _ = toy.train_toy(toy.Config("ring", "plain", method), seed=1, iterations=60)
    return {
        "mean": [float(x) for x in points.mean(axis=0, dtype="float64")],
        "std": [float(x) for x in points.std(axis=0, dtype="float64")],
        "first": [float(x) for x in points[0]],
    }


def compute() -> dict:
    numbers = {name: short_run(name) for name in RUNS}
    numbers.update({f"toy-{m}": short_toy_run(m) for m in ("wgan", "wgan-gp", "gan")})
    return numbers


def record(path: Path = REFERENCE) -> dict:
    numbers = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(numbers, indent=1) + "\n")
    return numbers


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE
    record(out)
    print(f"wrote {out}")
