"""Training speed: the reference lab's loop against labhelpers' trainers, in one process.

    make benchmark BENCH_ARGS="--iterations 20 --xla"
    .venv/bin/python benchmarks/training_speed.py [--iterations 20] [--methods wgan,wgan-gp,gan] [--xla]

(a) **reference loop**: the reference lab's WGAN loop, corrected for Keras 3.
    Per iteration: 5 x [train_on_batch on 32 real, generator.predict of 32
    fakes, train_on_batch on them], then train_on_batch of the composite
    model critic(generator(z)) on 64 latent points. The Keras 2 trick of
    freezing the critic before compiling the composite is ported so that it
    works in Keras 3: each model's train function is traced while the
    critic's ``trainable`` flag has the value that model needs (the script
    checks that the critic learns and that the composite leaves it alone).
(b) **labhelpers**: the course's ``train_step`` driven by ``fit``, the same
    models, batch size, n_critic and number of iterations.

Both run after a warm-up (tracing) of a few iterations. The script prints
iterations/s, their ratio, and achieved GFLOP/s (FLOPs of one iteration
counted from the layers) against a plain large matmul on the same machine,
the practical ceiling.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import labhelpers as lh  # noqa: E402  (quiet TensorFlow import)
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from labhelpers.experiment import build_trainer, make_dataset  # noqa: E402
from labhelpers.losses import wasserstein_loss  # noqa: E402
from labhelpers.models import build_critic, build_generator  # noqa: E402


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


def iteration_flops(generator, critic, batch: int, n_critic: int, gp: bool = False) -> float:
    """FLOPs of one iteration; a backward pass is counted as twice its forward pass."""
    g, c, half = forward_flops(generator), forward_flops(critic), batch // 2
    critic_update = half * g + 2 * half * 3 * c  # make fakes; critic fwd+bwd on real and fake
    if gp:
        critic_update += half * 3 * c * 2  # gradient at the interpolates, and its gradient
    generator_update = batch * 3 * (g + c)
    return n_critic * critic_update + generator_update


def matmul_gflops(n: int = 2048, repeats: int = 10) -> float:
    a = tf.random.normal([n, n])
    mm = tf.function(lambda: tf.matmul(a, a))
    mm().numpy()
    t0 = time.perf_counter()
    for _ in range(repeats):
        out = mm()
    out.numpy()
    return 2 * n**3 * repeats / (time.perf_counter() - t0) / 1e9


def reference_loop(images: np.ndarray, iterations: int, warmup: int, batch: int = 64,
                   n_critic: int = 5) -> float:
    """The reference lab's loop in Keras 3; returns iterations per second."""
    half = batch // 2
    critic, generator = build_critic(), build_generator()
    critic.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(learning_rate=5e-5))
    composite = keras.Sequential([generator, critic])
    rng = np.random.default_rng(0)

    def critic_updates():
        for _ in range(n_critic):
            real = images[rng.integers(0, len(images), half)]
            critic.train_on_batch(real, -np.ones((half, 1), "float32"))
            fake = generator.predict(rng.standard_normal((half, 50)).astype("float32"), verbose=0)
            critic.train_on_batch(fake, np.ones((half, 1), "float32"))

    def generator_update():
        z = rng.standard_normal((batch, 50)).astype("float32")
        composite.train_on_batch(z, -np.ones((batch, 1), "float32"))

    # Trace each train function with the trainable flags it needs (Keras 3 fixes
    # the trainable variables at that moment): the critic's with the critic
    # trainable, the composite's with the critic frozen.
    critic_updates()
    critic.trainable = False
    composite.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(learning_rate=5e-5))
    before = [w.copy() for w in critic.get_weights()]
    generator_update()
    assert all(np.array_equal(a, b) for a, b in zip(before, critic.get_weights())), \
        "the composite update changed the critic"
    critic.trainable = True
    for _ in range(warmup):
        critic_updates()
        generator_update()
    before = [w.copy() for w in critic.get_weights()]
    t0 = time.perf_counter()
    for _ in range(iterations):
        critic_updates()
        generator_update()
    seconds = time.perf_counter() - t0
    assert not all(np.array_equal(a, b) for a, b in zip(before, critic.get_weights())), \
        "the critic did not learn in the reference loop"
    return iterations / seconds


def labhelpers_loop(method: str, images: np.ndarray, iterations: int, warmup: int,
                    batch: int = 64, xla: bool = False) -> tuple[float, lh.training.AdversarialTrainer]:
    """labhelpers' trainer driven by fit; returns (iterations per second, trainer).
    With ``xla``, the training step is compiled by XLA (``jit_compile=True``)."""
    trainer = build_trainer(method)
    if xla:
        trainer.compile(jit_compile=True)
    data = make_dataset(images, batch // 2, trainer.n_critic, seed=0)
    trainer.fit(data, epochs=1, steps_per_epoch=warmup, verbose=0, shuffle=False)
    t0 = time.perf_counter()
    trainer.fit(data, epochs=1, steps_per_epoch=iterations, verbose=0, shuffle=False)
    return iterations / (time.perf_counter() - t0), trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--methods", default="wgan,wgan-gp,gan")
    parser.add_argument("--xla", action="store_true",
                        help="also time each trainer with its step compiled by XLA (jit_compile)")
    args = parser.parse_args()
    lh.set_seed(0)
    try:
        images = lh.load_mnist(7)
    except lh.MnistDataError as err:
        sys.exit(f"error: {err}")
    ceiling = matmul_gflops()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, devices: "
          f"{[d.device_type for d in tf.config.list_physical_devices()]}")
    print(f"plain 2048x2048 matmul: {ceiling:.1f} GFLOP/s (practical ceiling)")
    print(f"timing {args.iterations} iterations after {args.warmup} warm-up iterations, batch 64\n")

    rows = []
    reference_rate = None
    if "wgan" in args.methods.split(","):
        reference_rate = reference_loop(images, args.iterations, args.warmup)
        flops = iteration_flops(build_generator(), build_critic(), 64, 5)
        rows.append(("wgan", "reference loop", reference_rate, flops))
    for method in args.methods.split(","):
        rate, trainer = labhelpers_loop(method, images, args.iterations, args.warmup)
        flops = iteration_flops(trainer.generator, trainer.critic, 64, trainer.n_critic,
                                gp=method == "wgan-gp")
        rows.append((method, "labhelpers", rate, flops))
        if args.xla:
            rate, _ = labhelpers_loop(method, images, args.iterations, args.warmup, xla=True)
            rows.append((method, "labhelpers+XLA", rate, flops))

    print(f"{'method':8s} {'loop':15s} {'it/s':>7s} {'GFLOP/it':>9s} {'GFLOP/s':>8s} {'% of matmul':>11s}")
    for method, loop, rate, flops in rows:
        print(f"{method:8s} {loop:15s} {rate:7.3f} {flops / 1e9:9.1f} {rate * flops / 1e9:8.1f} "
              f"{100 * rate * flops / 1e9 / ceiling:10.0f}%")
    ours = next((r for m, l, r, _ in rows if m == "wgan" and l == "labhelpers"), None)
    if reference_rate and ours:
        print(f"\nspeed-up of labhelpers' WGAN over the reference loop: {ours / reference_rate:.2f}x")


if __name__ == "__main__":
    main()
