"""Does bfloat16 keep quality? Each method, several seeds, float32 and bfloat16.

    make precision-quality                      # 3 seeds x 3 methods x 2 precisions
    .venv/bin/python benchmarks/precision_quality.py --seeds 1,2,3 --methods wgan
    .venv/bin/python benchmarks/precision_quality.py --rescore   # score again, print

Trains every (method, precision, seed) at the reference budget on the sevens
into ``runs/precision/<method>-<precision>-s<seed>`` with ``labhelpers.train``
and appends one line per run (wall time, it/s, the numerics version) to
``runs/precision/results.jsonl``. Runs already there are skipped, so the
script can be stopped and started again. Then it scores every final
generator with the course's quality score (:mod:`labhelpers.study.quality`: as many
samples as there are training sevens, against the held-out sevens, next to
the real-data floor) and prints, per method, each precision's score per seed
and whether every bfloat16 score lies within the float32 seeds' range: the
criterion that ``bfloat16_auto`` in ``labhelpers/methods.py`` is set from.
``--rescore`` skips training and only scores (after the score changed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import labhelpers as lh
from labhelpers.study import quality
from labhelpers.latent import generate, latent_points


def train_missing(root, methods, seeds, precisions, done: dict) -> None:
    """Train every run that ``results.jsonl`` does not list yet."""
    numerics = lh.numerics.NUMERICS  # what this process computes, read before any edit
    for method in methods:
        for seed in seeds:
            for precision in precisions:
                if (method, precision, seed) in done:
                    continue
                out = root / f"{method}-{precision}-s{seed}"
                print(f"{method} {precision} seed {seed} -> {out}", flush=True)
                try:
                    run = lh.train(method, out, seed=seed, precision=precision, progress="terminal")
                    rate, wall = run.iterations_per_second, run.wall_seconds
                except lh.callbacks.TrainingDiverged as err:
                    print(f"  diverged: {err}", flush=True)
                    rate = wall = None
                row = {
                    "method": method,
                    "precision": precision,
                    "seed": seed,
                    "it_per_s": rate,
                    "wall_s": wall,
                    "numerics": numerics,
                }
                with open(root / "results.jsonl", "a") as f:
                    f.write(json.dumps(row) + "\n")
                done[(method, precision, seed)] = row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--methods", default=",".join(lh.methods.METHODS))
    parser.add_argument("--precisions", default="float32,bfloat16")
    parser.add_argument("--rescore", action="store_true", help="only score the runs there are")
    args = parser.parse_args()
    root = lh.settings.runs_root() / "precision"
    root.mkdir(parents=True, exist_ok=True)
    done = {}
    if (root / "results.jsonl").is_file():
        for line in (root / "results.jsonl").read_text().splitlines():
            row = json.loads(line)
            done[(row["method"], row["precision"], row["seed"])] = row
    try:
        sevens = lh.load_mnist(7)
    except lh.MnistDataError as err:
        sys.exit(f"error: {err}")
    methods, seeds = args.methods.split(","), [int(s) for s in args.seeds.split(",")]
    precisions = args.precisions.split(",")
    if not args.rescore:
        train_missing(root, methods, seeds, precisions, done)

    classifier, accuracy = quality.train_classifier()
    reference = quality.heldout_reference(classifier, 7)
    n = len(sevens)
    floor = quality.real_floor(classifier, reference, 7)
    print(
        f"\nQuality score (Fréchet distance to {len(reference)} held-out sevens, {n} samples; "
        f"lower is better; classifier accuracy {accuracy:.1%}); real training sevens: "
        f"{floor:.2f} (the floor). Data: {n} training sevens of the offline sample."
    )
    scores: dict = {}
    for (method, precision, seed), row in sorted(done.items()):
        generator_file = lh.Run(root / f"{method}-{precision}-s{seed}").path(lh.Run.GENERATOR)
        if row.get("wall_s") is None or not generator_file.is_file():
            scores[(method, precision, seed)] = float("inf")  # diverged: no final generator
            continue
        generator = lh.load_generator(generator_file)
        fakes = generate(generator, latent_points(n, generator.input_shape[-1], seed))
        scores[(method, precision, seed)] = quality.frechet_distance(
            reference, quality.features(classifier, fakes)
        )
    for method in methods:
        per = {p: [scores.get((method, p, s)) for s in seeds] for p in ("float32", "bfloat16")}
        for p, values in per.items():
            text = "  ".join("   -   " if v is None else f"{v:7.2f}" for v in values)
            rates = [done[(method, p, s)]["it_per_s"] for s in seeds if (method, p, s) in done]
            speed = (
                f"  ({sum(r for r in rates if r) / max(len(rates), 1):.2f} it/s)" if rates else ""
            )
            print(f"{method:8s} {p:9s} seeds {seeds}: {text}{speed}")
        if all(v is not None for values in per.values() for v in values):
            low, high = min(per["float32"]), max(per["float32"])
            holds = all(low <= v <= high for v in per["bfloat16"])
            means = {p: sum(v) / len(v) for p, v in per.items()}
            print(
                f"{method:8s} float32 range [{low:.2f}, {high:.2f}]; means float32 "
                f"{means['float32']:.2f}, bfloat16 {means['bfloat16']:.2f}: bfloat16 "
                + ("within the float32 range" if holds else "OUTSIDE the float32 range")
            )


if __name__ == "__main__":
    main()
