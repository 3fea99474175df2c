"""What ``make pretrain`` costs on this machine, part by part, measured in minutes
instead of hours; and the 2-D trainer's throughput against the float32 matmul ceiling.

    make pretrain-cost                                    # everything (~20 min on 2 cores)
    .venv/bin/python benchmarks/pretrain_cost.py --parts 2d   # only the 2-D part

**MNIST runs** (``labhelpers.course.COURSE_RUNS``): each kind of run (method, judge,
warm-up; seeds and beta_1 do not change the arithmetic) trains two epochs into a
temporary folder with the real callbacks (grids, held-out estimates, checkpoints).
Its ``estimates.csv`` gives the seconds at the end of each epoch: epoch 1 holds
the start-up (tracing) and, for the WGAN with the authors' warm-up, 25 warm-up
iterations; epoch 2 is a plain epoch. A full run is predicted as
``epoch 1 + (epochs - 1) x epoch 2``, plus, with the warm-up, one more warm-up
iteration (iteration 500) at the cost measured in epoch 1.

**2-D experiments** (``labhelpers.study.exact2d``): each configuration trains 100 and
then 300 generator iterations (each with its measurements every 100); the
difference gives the cost of 100 iterations, and a full run is predicted as
``t(100) + (ITERATIONS / 100 - 1) x cost of 100``. The known-answer experiment
is timed whole.

**Throughput.** For each method as published, the matrix products of one
iteration are counted (a dense layer's forward product is ``2 x batch x in x out``
FLOPs, its backward products twice that; the gradient penalty's
gradient-of-a-gradient counts as forward + input-gradient + twice both), and the
achieved rate is set against two ceilings measured in the same process: one
2048 x 2048 float32 matmul, and the 2-D model's own batched product
``(seeds, 256, WIDTH) @ (seeds, WIDTH, WIDTH)``. Biases, activations and the
optimiser are left out of the count, so the share is a slight underestimate.

A prediction, not the full run: measured on an idle machine it tells an
instructor what to expect before spending two hours, and on another CPU (AVX2
only, say) it measures that CPU.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import labhelpers as lh  # first: quiet TensorFlow import
import numpy as np
import tensorflow as tf
from labhelpers.study import exact2d
from labhelpers.course import COURSE_RUNS
from labhelpers.session import train_spec


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


# -- ceilings and the 2-D trainer's throughput -----------------------------------------------
def matmul_rate(a_shape: tuple, b_shape: tuple, seconds: float = 3.0) -> float:
    """Float32 GFLOP/s of ``a @ b`` (batched when 3-D), repeated for ``seconds``."""
    a = tf.random.normal(a_shape)
    b = tf.random.normal(b_shape)

    @tf.function
    def repeat(n):
        acc = tf.zeros([], "float32")
        for _ in tf.range(n):
            acc += tf.reduce_sum(tf.matmul(a, b)[..., :1, :1])
        return acc

    flops = 2.0 * np.prod(a_shape) * b_shape[-1]
    repeat(tf.constant(2)).numpy()  # trace
    n, dt = 2, 0.0
    while dt < 0.3:  # calibrate, then time about `seconds`
        n *= 2
        t0 = time.perf_counter()
        repeat(tf.constant(n)).numpy()
        dt = time.perf_counter() - t0
    n = max(n, int(n * seconds / dt))
    t0 = time.perf_counter()
    repeat(tf.constant(n)).numpy()
    return n * flops / (time.perf_counter() - t0) / 1e9


def mlp_flops(batch: int, d_in: int, d_out: int, width: int) -> float:
    """Forward matrix-product FLOPs of one seed's MLP on ``batch`` points."""
    sizes = [d_in, *[width] * exact2d.HIDDEN, d_out]
    return 2.0 * batch * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def iteration_flops(setup: exact2d.Setup, seeds: int, width: int) -> float:
    """Matrix-product FLOPs of one generator iteration of ``setup`` (module doc)."""
    half = exact2d.HALF
    gen = lambda b: mlp_flops(b, exact2d.LATENT, 2, width)  # noqa: E731
    judge = lambda b: mlp_flops(b, 2, 1, width)  # noqa: E731
    critic_update = gen(half) + 3 * judge(2 * half)  # fakes; forward + backward on real and fake
    if setup.method == "wgan-gp":
        # x_hat forward, its input gradient, then the gradient of both w.r.t. the weights
        critic_update += 2 * judge(half) + 2 * (2 * judge(half))
    generator_update = 3 * gen(2 * half) + 2 * judge(2 * half)  # critic: forward + input grad
    return seeds * (setup.n_critic * critic_update + generator_update)


def throughput(width: int, seeds: int, iterations: int = 100) -> list[dict]:
    """Each method's measured iterations/s and achieved GFLOP/s (its training step only)."""
    out = []
    for setup in exact2d.MAIN:
        run = exact2d.StackedRun(replace(setup, warmup=False), tuple(range(1, seeds + 1)), width)
        run.train(5)  # trace
        t0 = time.perf_counter()
        run.train(iterations)
        dt = time.perf_counter() - t0
        flops = iteration_flops(setup, seeds, width) * iterations
        out.append({"setup": setup.name, "it_per_s": iterations / dt, "gflops": flops / dt / 1e9})
    return out


# -- predicted wall time of make pretrain ------------------------------------------------
def kinds_of_runs() -> dict:
    """One course run per kind of arithmetic, and the runs it stands for."""
    kinds: dict = {}
    for name, spec in COURSE_RUNS.items():
        key = (spec.method, spec.judge, spec.warmup)
        kinds.setdefault(key, []).append(name)
    return kinds


def mnist_costs(folder: Path) -> list[dict]:
    out = []
    for names in kinds_of_runs().values():
        spec = replace(COURSE_RUNS[names[0]], precision="float32")
        epochs = spec.iterations // spec.steps_per_epoch
        short = replace(spec, iterations=2 * spec.steps_per_epoch)
        run_dir = folder / names[0]
        tf.keras.backend.clear_session()
        train_spec(short, run_dir, resume=False, progress="none")
        with open(run_dir / "estimates.csv") as f:
            seconds = [float(r["seconds"]) for r in csv.DictReader(f)]
        first, plain = seconds[0], seconds[1] - seconds[0]
        predicted = first + (epochs - 1) * plain
        if spec.warmup:  # iteration 500 is a warm-up iteration too
            per_warm = max(first - plain, 0.0) / lh.training.WARMUP_ITERATIONS
            extra = sum(
                1
                for i in range(lh.training.WARMUP_ITERATIONS, spec.iterations)
                if i % lh.training.WARMUP_EVERY == 0
            )
            predicted += extra * per_warm
        out.append({"runs": names, "epoch_1": first, "epoch": plain, "predicted_each": predicted})
        print(
            f"  {', '.join(names)}: epoch 1 {first:.0f} s, then {plain:.0f} s per epoch; "
            f"predicted {predicted / 60:.1f} min each",
            flush=True,
        )
    return out


def exact2d_costs() -> list[dict]:
    out = []
    t0 = time.perf_counter()
    exact2d.known_answer()
    known = time.perf_counter() - t0
    out.append({"name": "known_answer", "predicted": known})
    print(f"  known answer: {known:.0f} s (measured whole)", flush=True)
    per = exact2d.LOG_EVERY
    for setup in exact2d.EXPERIMENTS:
        t1 = exact2d.train_runs(setup, iterations=per)["seconds"].item()
        t3 = exact2d.train_runs(setup, iterations=3 * per)["seconds"].item()
        cost = (t3 - t1) / 2
        predicted = t1 + (exact2d.ITERATIONS / per - 1) * cost
        out.append({"name": setup.name, "predicted": predicted})
        print(
            f"  {setup.name}: {cost:.1f} s per {per} iterations; predicted {predicted:.0f} s",
            flush=True,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["throughput", "2d", "mnist"],
        choices=["throughput", "2d", "mnist"],
    )
    args = parser.parse_args(argv)
    print(
        f"CPU: {cpu_name()}, {os.cpu_count()} cores visible; TensorFlow {tf.__version__}",
        flush=True,
    )
    total = 0.0
    if "throughput" in args.parts:
        big = matmul_rate((2048, 2048), (2048, 2048))
        w, s = exact2d.WIDTH, len(exact2d.SEEDS)
        small = matmul_rate((s, exact2d.HALF, w), (s, w, w))
        print(
            f"float32 matmul ceiling: {big:.0f} GFLOP/s (2048 x 2048); "
            f"{small:.0f} GFLOP/s at the 2-D shape ({s}, {exact2d.HALF}, {w}) @ ({s}, {w}, {w})"
        )
        for r in throughput(w, s):
            print(
                f"  {r['setup']:28s} {r['it_per_s']:6.1f} it/s  {r['gflops']:6.1f} GFLOP/s  "
                f"= {r['gflops'] / big:5.1%} of the 2048 ceiling, "
                f"{r['gflops'] / small:5.1%} of the 2-D-shape ceiling",
                flush=True,
            )
    if "2d" in args.parts:
        print("2-D experiments (make pretrain's exact2d part):", flush=True)
        two_d = sum(r["predicted"] for r in exact2d_costs())
        print(f"2-D part predicted: {two_d / 60:.1f} min", flush=True)
        total += two_d
    if "mnist" in args.parts:
        print("MNIST runs (two epochs of each kind, real callbacks):", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            costs = mnist_costs(Path(tmp))
        mnist = sum(c["predicted_each"] * len(c["runs"]) for c in costs)
        print(f"MNIST part predicted: {mnist / 60:.1f} min for {len(COURSE_RUNS)} runs", flush=True)
        total += mnist
    if "2d" in args.parts and "mnist" in args.parts:
        print(f"make pretrain predicted: {total / 60:.0f} min in all (idle machine assumed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
