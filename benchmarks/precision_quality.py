"""Does bfloat16 keep quality? Each method, several seeds, float32 and bfloat16.

    make precision-quality                      # 3 seeds x 3 methods x 2 precisions
    .venv/bin/python benchmarks/precision_quality.py --seeds 1,2,3 --methods wgan

Trains every (method, precision, seed) at the reference budget on the sevens
into ``runs/precision/<method>-<precision>-s<seed>`` with the command line's
own ``train()``, scores the final generator with the course's quality score
(Fréchet distance in the course classifier's features, 1,000 samples against
the training sevens, as notebook 04 does), and appends one line per run to
``runs/precision/results.jsonl``. Runs already scored are skipped, so the
script can be stopped and started again. At the end it prints, per method,
each precision's scores per seed and says whether every bfloat16 score lies
within the float32 seeds' range (the criterion ``bfloat16_auto`` in
``labhelpers/methods.py`` is set from).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import labhelpers as lh
from labhelpers import quality
from labhelpers.latent import generate, latent_points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--methods", default=",".join(lh.methods.METHODS))
    parser.add_argument("--precisions", default="float32,bfloat16")
    args = parser.parse_args()
    root = lh.settings.runs_root() / "precision"
    root.mkdir(parents=True, exist_ok=True)
    results_path = root / "results.jsonl"
    done = {}
    if results_path.is_file():
        for line in results_path.read_text().splitlines():
            row = json.loads(line)
            done[(row["method"], row["precision"], row["seed"])] = row
    try:
        sevens = lh.load_mnist(7)
    except lh.MnistDataError as err:
        sys.exit(f"error: {err}")
    code = lh.settings.code_version()  # the code this process runs, read before any edit
    classifier, accuracy = quality.train_classifier()
    real = quality.features(classifier, sevens)
    seeds = [int(s) for s in args.seeds.split(",")]
    for method in args.methods.split(","):
        for seed in seeds:
            for precision in args.precisions.split(","):
                if (method, precision, seed) in done:
                    continue
                out = root / f"{method}-{precision}-s{seed}"
                print(f"{method} {precision} seed {seed} -> {out}", flush=True)
                try:
                    run = lh.train(method, out, seed=seed, precision=precision, progress="terminal")
                    z = latent_points(1000, run.trainer.latent_dim, seed)
                    score = quality.frechet_distance(
                        real, quality.features(classifier, generate(run.generator, z))
                    )
                except lh.callbacks.TrainingDiverged as err:
                    print(f"  diverged: {err}", flush=True)
                    score, run = float("inf"), None
                row = {
                    "method": method,
                    "precision": precision,
                    "seed": seed,
                    "fid": score,
                    "it_per_s": run.iterations_per_second if run else None,
                    "wall_s": run.wall_seconds if run else None,
                    "classifier_accuracy": accuracy,
                    "code": code,
                }
                with open(results_path, "a") as f:
                    f.write(json.dumps(row) + "\n")
                done[(method, precision, seed)] = row
    print(
        f"\nFréchet distance after the reference budget (lower is better); classifier "
        f"accuracy {accuracy:.3f}; data: {len(sevens)} training sevens"
    )
    for method in args.methods.split(","):
        scores = {
            p: [done[(method, p, s)]["fid"] for s in seeds if (method, p, s) in done]
            for p in ("float32", "bfloat16")
        }
        for p, values in scores.items():
            print(f"{method:8s} {p:9s} " + "  ".join(f"{v:7.2f}" for v in values))
        if all(len(v) == len(seeds) for v in scores.values()):
            low, high = min(scores["float32"]), max(scores["float32"])
            holds = all(low <= v <= high for v in scores["bfloat16"])
            mean = {p: sum(v) / len(v) for p, v in scores.items()}
            print(
                f"{method:8s} float32 range [{low:.2f}, {high:.2f}], means float32 "
                f"{mean['float32']:.2f} / bfloat16 {mean['bfloat16']:.2f}: bfloat16 "
                + ("within the float32 range" if holds else "OUTSIDE the float32 range")
            )


if __name__ == "__main__":
    main()
