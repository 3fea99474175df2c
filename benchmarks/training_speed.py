"""Training speed: the reference lab's loop against labhelpers' trainers, in one process.

    make benchmark                                      # WGAN, WGAN-GP, GAN; 20 iterations
    .venv/bin/python benchmarks/training_speed.py --iterations 20 --methods wgan --profile

Timed in one run, after a warm-up (tracing) of a few iterations each:

(a) **reference loop**: the reference lab's WGAN exactly as it wrote it, ported
    to Keras 3, **with the lab's own layers**: Keras's ``BatchNormalization``
    and a plain ``Conv2D(1, 7)`` as the generator's last layer (not the
    course's faster but equivalent layers). Per iteration: 5 x
    [train_on_batch on 32 real, generator.predict of 32 fakes, train_on_batch
    on them], then train_on_batch of the composite critic(generator(z)) on 64
    latent points. The Keras 2 trick of freezing the critic before compiling
    the composite is ported so that it works in Keras 3 (the script checks
    that the critic learns and that the composite leaves it alone).
(b) **labhelpers, float32**: the course's ``train_step`` driven by ``fit``;
(c) **labhelpers, bfloat16**: the same under Keras's ``mixed_bfloat16`` policy.

For each it prints iterations/s, achieved GFLOP/s (FLOPs of one iteration
counted from the layers; a backward pass counts twice its forward pass) and
that as a percentage of two practical ceilings measured in the same run: a
4096 x 4096 matmul in float32 and in bfloat16. ``--profile`` also traces a few
labhelpers iterations with ``tf.profiler.experimental`` and prints where the
time went.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import labhelpers as lh  # first: quiet TensorFlow import
import keras
import tensorflow as tf
from labhelpers.session import build_trainer, make_dataset
from labhelpers.losses import wasserstein_loss
from labhelpers.models import LATENT_DIM, build_critic

BATCH, N_CRITIC = 64, 5


def build_lab_generator() -> keras.Sequential:
    """The reference lab's generator with its own (Keras) layers."""
    layers, init = keras.layers, keras.initializers.RandomNormal(stddev=0.02)
    return keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            layers.Dense(128 * 7 * 7, kernel_initializer=init),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same", kernel_initializer=init),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same", kernel_initializer=init),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, 7, padding="same", activation="tanh", kernel_initializer=init),
        ]
    )


def build_lab_critic() -> keras.Sequential:
    """The reference lab's critic with its own layers (clipped conv kernels, Keras BatchNorm)."""
    critic = build_critic()
    layers = [keras.Input((28, 28, 1))] + [
        keras.layers.BatchNormalization()
        if isinstance(layer, keras.layers.BatchNormalization)
        else layer.__class__.from_config(layer.get_config())
        for layer in critic.layers
    ]
    return keras.Sequential(layers)


def forward_flops(model: keras.Model) -> float:
    """Floating-point operations of one forward pass for ONE image (2 per multiply-add)."""
    total = 0.0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose):
            h, w, c_in = layer.input.shape[1:]
            kh, kw = layer.kernel_size
            total += 2.0 * h * w * c_in * kh * kw * layer.filters
        elif isinstance(layer, keras.layers.Conv2D):
            h, w, c_out = layer.output.shape[1:]
            kh, kw = layer.kernel_size
            total += 2.0 * h * w * c_out * kh * kw * layer.input.shape[-1]
        elif isinstance(layer, keras.layers.Dense):
            total += 2.0 * layer.input.shape[-1] * layer.units
    return total


def iteration_flops(generator, critic, n_critic: int, gp: bool = False) -> float:
    """FLOPs of one iteration; a backward pass is counted as twice its forward pass."""
    g, c, half = forward_flops(generator), forward_flops(critic), BATCH // 2
    critic_update = half * g + 2 * half * 3 * c  # make fakes; critic fwd+bwd on real and fake
    if gp:
        critic_update += half * 3 * c * 2  # gradient at the interpolates, and its gradient
    generator_update = BATCH * 3 * (g + c)
    return n_critic * critic_update + generator_update


def matmul_gflops(dtype: str, n: int = 4096, repeats: int = 5) -> float:
    """A large matmul in ``dtype``: the practical ceiling of this machine (best of ``repeats``)."""
    a = tf.cast(tf.random.normal([n, n]), dtype)
    mm = tf.function(lambda: tf.matmul(a, a), autograph=False)
    mm().numpy()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        mm().numpy()
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def reference_loop(images: np.ndarray, warmup: int):
    """The reference lab's loop with its own layers, in Keras 3, warmed up.

    Returns ``run(n)``, which trains ``n`` more iterations and returns the seconds taken.
    """
    half = BATCH // 2
    critic, generator = build_lab_critic(), build_lab_generator()
    critic.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(learning_rate=5e-5))
    composite = keras.Sequential([generator, critic])
    rng = np.random.default_rng(0)

    def critic_updates():
        for _ in range(N_CRITIC):
            real = images[rng.integers(0, len(images), half)]
            critic.train_on_batch(real, -np.ones((half, 1), "float32"))
            z = rng.standard_normal((half, LATENT_DIM)).astype("float32")
            fake = generator.predict(z, verbose=0)
            critic.train_on_batch(fake, np.ones((half, 1), "float32"))

    def generator_update():
        z = rng.standard_normal((BATCH, LATENT_DIM)).astype("float32")
        composite.train_on_batch(z, -np.ones((BATCH, 1), "float32"))

    # Trace each train function with the trainable flags it needs (Keras 3 fixes
    # the trainable variables at that moment): the critic's with the critic
    # trainable, the composite's with the critic frozen.
    critic_updates()
    critic.trainable = False
    composite.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(learning_rate=5e-5))
    before = [w.copy() for w in critic.get_weights()]
    generator_update()
    after = critic.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after)), (
        "the composite changed the critic"
    )
    critic.trainable = True
    for _ in range(warmup):
        critic_updates()
        generator_update()

    def run(n: int) -> float:
        before = [w.copy() for w in critic.get_weights()]
        t0 = time.perf_counter()
        for _ in range(n):
            critic_updates()
            generator_update()
        seconds = time.perf_counter() - t0
        after = critic.get_weights()
        assert not all(np.array_equal(a, b) for a, b in zip(before, after)), (
            "the critic did not learn"
        )
        return seconds

    return run, generator, critic


class _Stamps(keras.callbacks.Callback):
    """The time at the end of every iteration (``fit`` batch)."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


def labhelpers_loop(method: str, precision: str, images: np.ndarray, warmup: int):
    """labhelpers' trainer driven by ``fit``, warmed up; returns ``(run, trainer)``
    where ``run(n, profile_dir=None)`` trains ``n`` iterations and returns the seconds.

    The first iteration of each ``fit`` call carries seconds of one-off work (it
    doubled the time of 10 iterations in one measurement; re-tracing the step is
    the likely cause), which a real run pays once; so ``run`` times from the end
    of the first iteration of its ``fit`` to the end of the last one.
    """
    trainer = build_trainer(method, precision=precision)
    data = make_dataset(images, BATCH // 2, trainer.n_critic, seed=0)
    trainer.fit(data, epochs=1, steps_per_epoch=warmup, verbose=0, shuffle=False)
    stamps = _Stamps()

    def run(n: int, profile_dir: str | None = None) -> float:
        if profile_dir:
            tf.profiler.experimental.start(profile_dir)
        trainer.fit(
            data, epochs=1, steps_per_epoch=n + 1, verbose=0, shuffle=False, callbacks=[stamps]
        )
        if profile_dir:
            tf.profiler.experimental.stop()
        return stamps.times[-1] - stamps.times[0]

    return run, trainer


CATEGORIES = [  # (label, substring of the op's scope or type), first match wins
    ("transposed convolutions", "conv2d_transpose"),
    ("one-filter convolution (last layer)", "single_filter"),
    ("BatchNorm", "batch_norm"),
    ("casts", "Cast"),
    ("critic convolutions", "conv2d"),
    ("dense layers", "dense"),
    ("LeakyReLU", "leaky_re_lu"),
]


def profile_breakdown(profile_dir: str, iterations: int, rate: float) -> None:
    """Print where an iteration's time went, from a ``tf.profiler`` trace (an XSpace file)."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    path = sorted(Path(profile_dir).glob("**/*.xplane.pb"))[-1]
    space = xplane_pb2.XSpace()
    space.ParseFromString(path.read_bytes())
    totals: collections.Counter = collections.Counter()
    for plane in space.planes:
        names = {k: v.name for k, v in plane.event_metadata.items()}
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = names.get(event.metadata_id, "")
                if ":" not in name or "::" in name:
                    continue  # executor bookkeeping around the ops, not an op
                label = next((lab for lab, key in CATEGORIES if key in name), "other ops")
                totals[label] += event.duration_ps / 1e9 / iterations  # ms per iteration
    ops = sum(totals.values())
    wall = 1000 / rate
    print(
        f"\nWhere the time of one labhelpers WGAN iteration went ({wall:.0f} ms wall; "
        f"op time summed over TensorFlow's threads {ops:.0f} ms):"
    )
    for label, ms in totals.most_common():
        print(f"  {label:38s} {ms:7.1f} ms  {100 * ms / ops:5.1f} % of op time")
    print("  (Python, callbacks and waiting between ops are the wall time the ops leave idle.)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=10, help="iterations per timing")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timings per loop, interleaved; the best is reported"
    )
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--methods", default=",".join(lh.methods.METHODS))
    parser.add_argument("--precisions", default="float32,bfloat16")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="trace labhelpers' WGAN with tf.profiler and print the breakdown",
    )
    args = parser.parse_args()
    lh.set_seed(0)
    try:
        images = lh.load_mnist(7)
    except lh.MnistDataError as err:
        sys.exit(f"error: {err}")
    ceilings = {d: matmul_gflops(d) for d in ("float32", "bfloat16")}
    print(
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, devices: "
        f"{[d.device_type for d in tf.config.list_physical_devices()]}; bfloat16 fast here: "
        f"{lh.precision.bfloat16_is_fast()}; precision='auto' picks "
        + ", ".join(
            f"{m} {lh.precision.resolve('auto', e.bfloat16_auto)}"
            for m, e in lh.methods.METHODS.items()
        )
    )
    ceiling_text = ", ".join(f"{d} {g:.0f} GFLOP/s" for d, g in ceilings.items())
    print(f"4096x4096 matmul ceilings (best of 5): {ceiling_text}")
    print(
        f"best of {args.repeats} interleaved timings of {args.iterations} iterations each, "
        f"after {args.warmup} warm-up iterations, batch {BATCH}\n"
    )

    loops = []  # (method, loop, precision, run, flops)
    methods = args.methods.split(",")
    if "wgan" in methods:
        run, generator, critic = reference_loop(images, args.warmup)
        loops.append(
            (
                "wgan",
                "reference loop, lab layers",
                "float32",
                run,
                iteration_flops(generator, critic, N_CRITIC),
            )
        )
    for method in methods:
        for precision in args.precisions.split(","):
            run, trainer = labhelpers_loop(method, precision, images, args.warmup)
            flops = iteration_flops(
                trainer.generator, trainer.critic, trainer.n_critic, gp=method == "wgan-gp"
            )
            loops.append((method, "labhelpers", precision, run, flops))
    seconds = [[] for _ in loops]
    for _ in range(args.repeats):  # interleaved, so a slow spell of the machine hits all loops
        for i, loop in enumerate(loops):
            seconds[i].append(loop[3](args.iterations))

    print(
        f"{'method':8s} {'loop':27s} {'precision':9s} {'it/s':>6s} {'(worst)':>7s} "
        f"{'GFLOP/it':>8s} {'GFLOP/s':>7s} {'% f32 ceiling':>13s} {'% bf16 ceiling':>14s}"
    )
    rates = {}
    for (method, loop, precision, _, flops), times in zip(loops, seconds):
        rate, worst = args.iterations / min(times), args.iterations / max(times)
        rates[(method, loop, precision)] = rate
        achieved = rate * flops / 1e9
        print(
            f"{method:8s} {loop:27s} {precision:9s} {rate:6.2f} {worst:7.2f} {flops / 1e9:8.1f} "
            f"{achieved:7.0f} {100 * achieved / ceilings['float32']:12.0f}% "
            f"{100 * achieved / ceilings['bfloat16']:13.0f}%"
        )
    reference = rates.get(("wgan", "reference loop, lab layers", "float32"))
    if reference:
        print()
        for (method, loop, precision), rate in rates.items():
            if method == "wgan" and loop == "labhelpers":
                print(
                    f"labhelpers' WGAN in {precision} / reference loop with the lab's layers: "
                    f"{rate / reference:.2f}x"
                )
    if args.profile:
        precision = lh.precision.resolve("auto")
        run, _ = labhelpers_loop("wgan", precision, images, args.warmup)
        with tempfile.TemporaryDirectory() as tmp:
            rate = 5 / run(5, profile_dir=tmp)
            print(f"\n(profile of {precision}, 5 iterations)", end="")
            profile_breakdown(tmp, 5, rate)


if __name__ == "__main__":
    main()
