"""Critics on the plane, where the WGAN-GP paper (Gulrajani et al. 2017) makes its case
against weight clipping, at the settings of its toy code (``gan_toy.py``):

* :func:`fixed_generator_critics` - critics trained against a "generator" held at the
  real data plus unit Gaussian noise (``FIXED_GENERATOR``; §3.1, Fig. 1a), with
  :func:`value_surface` and :func:`shape_share` (how close a critic's shape comes to the
  optimal one's, whatever its scale);
* :func:`coupling_check` - Proposition 1 (§3, proof in Appendix A): on optimally coupled
  pairs the optimal critic's gradient has norm 1 and points from the fake point to its
  real partner;
* :func:`depth_gradients` - WGAN training with 12-layer ReLU MLPs on the Swiss roll
  (§3.2, Fig. 1b left): the norm of the critic loss's gradient with respect to each
  hidden layer's activations.

Every seed's network is stacked into one model (:class:`exact2d.StackedMLP`).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from ..methods import get_method
from .exact2d import StackedMLP, clip_all, exact_w1, gradient_penalty
from .toy import DATASETS

WIDTH = 512  # gan_toy.py's DIM
HALF = 256  # gan_toy.py's BATCH_SIZE: real points per critic update, and as many fakes
TOY_LAMBDA = 0.1  # gan_toy.py's LAMBDA (the paper's default elsewhere is 10)
NOISE = 1.0  # gan_toy.py's FIXED_GENERATOR: real data + N(0, NOISE^2)
RANGE = 3.0  # gan_toy.py's plots cover [-RANGE, RANGE]^2
CLIPS = (0.1, 0.01, 0.001)  # the clipping bounds of §3.2
DEEP = 12  # §3.2: "Both generator and critic are 12-layer ReLU MLPs"
KINDS = ("clip", "penalty")
PLANE_DATA = ("8 Gaussians", "25 Gaussians", "Swiss roll")


def swiss_roll(n: int, rng: np.random.Generator, noise: float = 0.25) -> np.ndarray:
    """``gan_toy.py``'s Swiss roll: scikit-learn's ``make_swiss_roll(n, noise)`` (its x and z
    coordinates, each with Gaussian noise of std ``noise``) divided by 7.5."""
    t = 1.5 * np.pi * (1 + 2 * rng.random(n))
    points = np.stack([t * np.cos(t), t * np.sin(t)], axis=1)
    return ((points + noise * rng.normal(size=(n, 2))) / 7.5).astype("float32")


def sample(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of one of :data:`PLANE_DATA`. Raises ValueError for another name."""
    if name == "Swiss roll":
        return swiss_roll(n, rng)
    toy = {"8 Gaussians": "ring", "25 Gaussians": "grid"}.get(name)
    if toy is None:
        raise ValueError(f"data must be one of {', '.join(PLANE_DATA)}; got {name!r}.")
    return DATASETS[toy].sample(n, rng)


def _optimizer(kind: str):
    """``gan_toy.py``'s optimisers, as the methods' recipes: RMSprop(5e-5) for clipping,
    Adam(1e-4, beta_1=0.5, beta_2=0.9) for the penalty."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}.")
    return get_method("wgan" if kind == "clip" else "wgan-gp").optimizer.build()


def _critic_step(critic, opt, kind, real, fake, clip, lam):
    with tf.GradientTape() as tape:
        gap = tf.reduce_mean(critic(real)[..., 0], -1) - tf.reduce_mean(critic(fake)[..., 0], -1)
        loss = -gap + (lam * gradient_penalty(critic, real, fake) if kind == "penalty" else 0.0)
        total = tf.reduce_sum(loss)  # seeds add up: each one's gradient is its own
    opt.apply_gradients(zip(tape.gradient(total, critic.variables), critic.variables))
    if kind == "clip":
        clip_all(critic.variables, clip)


# -- Fig. 1a: critics trained against a fixed "generator" ------------------------------------
def fixed_generator_critics(
    data: str,
    kind: str,
    steps: int,
    seeds: tuple[int, ...] = (1, 2, 3),
    width: int = WIDTH,
    log_every: int = 250,
    clip: float = 0.01,
    lam: float = TOY_LAMBDA,
    n_eval: int = 2048,
) -> dict:
    """Train a critic of ``kind`` ('clip' or 'penalty') for each seed for ``steps`` updates
    against real data plus N(0, 1) noise, on one of :data:`PLANE_DATA`.

    Returns ``critic`` (the stacked model), ``step`` (L,), ``estimate`` (seeds, L):
    mean D(real) - mean D(fake) on fixed evaluation samples ``real`` and ``fake``
    (n_eval, 2), and ``w1``: their exact Wasserstein-1 distance.
    """
    keras.backend.clear_session()
    tf.random.set_seed(seeds[0])
    critic = StackedMLP(2, 1, tuple(seeds), width, salt=4)
    opt = _optimizer(kind)
    opt.build(critic.variables)
    rng = np.random.default_rng([seeds[0], 5])
    real_eval = sample(data, n_eval, rng)
    fake_eval = sample(data, n_eval, rng) + NOISE * rng.normal(size=(n_eval, 2)).astype("float32")
    n = len(seeds)

    @tf.function
    def train(real):
        for i in tf.range(tf.shape(real)[0]):
            batch = real[i]
            # gan_toy.py's fixed generator perturbs the very real batch it is compared with.
            _critic_step(
                critic,
                opt,
                kind,
                batch,
                batch + NOISE * tf.random.normal(tf.shape(batch)),
                clip,
                lam,
            )

    def estimate() -> np.ndarray:
        return critic_values(critic, real_eval).mean(-1) - critic_values(critic, fake_eval).mean(-1)

    if kind == "clip":
        clip_all(critic.variables, clip)
    done, logged, estimates = 0, [0], [estimate()]
    while done < steps:
        k = min(log_every, steps - done)
        real = sample(data, k * n * HALF, rng).reshape(k, n, HALF, 2)
        train(tf.constant(real))
        done += k
        logged.append(done)
        estimates.append(estimate())
    w1 = exact_w1(real_eval[:1024], fake_eval[:1024])
    return {
        "critic": critic,
        "step": np.asarray(logged),
        "estimate": np.asarray(estimates).T,
        "real": real_eval,
        "fake": fake_eval,
        "w1": w1,
    }


def _grid(extent: float, points: int) -> np.ndarray:
    """The ``points`` x ``points`` grid over [-extent, extent]^2, (points^2, 2), row by row."""
    axis = np.linspace(-extent, extent, points, dtype="float32")
    xx, yy = np.meshgrid(axis, axis)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def _for_every_seed(critic, points: np.ndarray) -> tf.Tensor:
    """``points`` (n, 2) repeated for each seed of a stacked critic: (seeds, n, 2)."""
    n = critic.variables[0].shape[0]
    return tf.constant(np.broadcast_to(np.asarray(points, "float32"), (n, *points.shape)))


def critic_values(critic, points: np.ndarray) -> np.ndarray:
    """Each seed's critic at ``points`` (n, 2): shape (seeds, n)."""
    return critic(_for_every_seed(critic, points))[..., 0].numpy()


def input_gradients(critic, points: np.ndarray) -> np.ndarray:
    """Each seed's input gradient at ``points`` (n, 2): shape (seeds, n, 2)."""
    x = _for_every_seed(critic, points)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(critic(x))
    return tape.gradient(total, x).numpy()


def value_surface(critic, points: int = 128, extent: float = RANGE) -> np.ndarray:
    """Each seed's critic on a ``points`` x ``points`` grid over [-extent, extent]^2:
    shape (seeds, points, points), rows along the second coordinate (as ``imshow``)."""
    return critic_values(critic, _grid(extent, points)).reshape(-1, points, points)


def largest_slope(critic, extent: float = RANGE + 1, points: int = 256) -> np.ndarray:
    """Each seed's largest input-gradient norm on a ``points`` x ``points`` grid over
    [-extent, extent]^2: an estimate (from below) of the critic's Lipschitz constant there."""
    return np.linalg.norm(input_gradients(critic, _grid(extent, points)), axis=-1).max(-1)


def shape_share(estimate: np.ndarray, slope: np.ndarray, w1: float) -> np.ndarray:
    """estimate / (slope x W1): the share of the distance W1 that a critic's *shape* reaches.
    By the Kantorovich-Rubinstein duality a critic f with Lipschitz constant K has
    E f(real) - E f(fake) <= K W1, with equality for an optimal critic, so this is at most
    1 (when ``slope`` is K) and 1 for the optimum, whatever the critic's scale."""
    return np.asarray(estimate) / (np.asarray(slope) * w1)


# -- Proposition 1 -------------------------------------------------------------------
def coupling_check(
    gradient: Callable[[np.ndarray], np.ndarray],
    real: np.ndarray,
    fake: np.ndarray,
    rng: np.random.Generator,
) -> dict:
    """Proposition 1 on samples: pair each fake point x with a real point y by the optimal
    assignment (the coupling of the exact W1), take x_t = t x + (1 - t) y with t ~ U[0, 1],
    and compare the critic's ``gradient`` there (a function (n, 2) -> (n, 2)) with the
    unit vector from x to y; the same for random pairs.

    Returns per pairing ('coupled', 'random') the median gradient norm and the median
    cosine between the gradient and (y - x) / ||y - x||.
    """
    from scipy.optimize import linear_sum_assignment

    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have one shape; got {real.shape}, {fake.shape}.")
    cost = np.linalg.norm(fake[:, None, :] - real[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    out = {}
    for name, partner in (
        ("coupled", real[cols[np.argsort(rows)]]),
        ("random", real[rng.permutation(len(real))]),
    ):
        t = rng.random((len(fake), 1))
        x_t = (t * fake + (1 - t) * partner).astype("float32")
        g = np.asarray(gradient(x_t), "float64")
        d = partner - fake
        keep = np.linalg.norm(d, axis=1) > 1e-9
        g, d = g[keep], d[keep]
        norm = np.linalg.norm(g, axis=1)
        cosine = np.sum(g * d, axis=1) / (norm * np.linalg.norm(d, axis=1) + 1e-12)
        out[name] = {"norm": float(np.median(norm)), "cosine": float(np.median(cosine))}
    return out


def critic_gradient(critic, seed_index: int) -> Callable[[np.ndarray], np.ndarray]:
    """The input gradient of one seed's critic, as :func:`coupling_check` takes it."""
    return lambda points: input_gradients(critic, points)[seed_index]


# -- Fig. 1b (left): gradients through deep critics ---------------------------------------
def _activations(mlp: StackedMLP, x: tf.Tensor, tape: tf.GradientTape) -> tuple[list, tf.Tensor]:
    """The output of ``mlp`` and each hidden layer's activations (after the ReLU), watched."""
    v, hidden = mlp.variables, []
    for i in range(0, len(v), 2):
        x = tf.matmul(x, v[i]) + v[i + 1]
        if i < len(v) - 2:
            x = tf.nn.relu(x)
            tape.watch(x)
            hidden.append(x)
    return hidden, x


def depth_gradients(
    clip: float | None,
    iterations: int,
    seeds: tuple[int, ...] = (1, 2, 3),
    width: int = WIDTH,
    depth: int = DEEP,
    n_critic: int = 5,
    log_every: int = 10,
    lam: float = TOY_LAMBDA,
) -> dict:
    """Train a WGAN on the Swiss roll, generator and critic both ``depth``-layer ReLU MLPs
    without batch normalisation: clipping at ``clip`` with RMSprop, or (``clip=None``) the
    penalty with Adam (``gan_toy.py``'s optimisers, its order: critic updates after each
    generator update). Every ``log_every`` iterations, on a fresh batch, the norm of the
    gradient of the critic's loss mean D(fake) - mean D(real) with respect to each hidden
    layer's activations.

    Returns ``iteration`` (L,) and ``norms`` (seeds, L, depth), layer 1 nearest the input.
    """
    keras.backend.clear_session()
    tf.random.set_seed(seeds[0])
    kind = "penalty" if clip is None else "clip"
    n, seeds = len(seeds), tuple(seeds)
    generator = StackedMLP(2, 2, seeds, width, salt=6, hidden=depth)
    critic = StackedMLP(2, 1, seeds, width, salt=7, hidden=depth)
    g_opt, d_opt = _optimizer(kind), _optimizer(kind)
    g_opt.build(generator.variables)
    d_opt.build(critic.variables)
    rng = np.random.default_rng([seeds[0], 8])

    @tf.function
    def train(real, first):
        if not first:
            with tf.GradientTape() as tape:
                fake = generator(tf.random.normal([n, HALF, 2]))
                total = -tf.reduce_sum(tf.reduce_mean(critic(fake)[..., 0], -1))
            grads = tape.gradient(total, generator.variables)
            g_opt.apply_gradients(zip(grads, generator.variables))
        for i in tf.range(n_critic):
            fake = generator(tf.random.normal([n, HALF, 2]))
            _critic_step(critic, d_opt, kind, real[i], fake, clip or 0.0, lam)

    def norms() -> np.ndarray:
        real = tf.constant(swiss_roll(n * HALF, rng).reshape(n, HALF, 2))
        fake = generator(tf.random.normal([n, HALF, 2]))
        with tf.GradientTape(persistent=True) as tape:
            h_real, d_real = _activations(critic, real, tape)
            h_fake, d_fake = _activations(critic, fake, tape)
            loss = tf.reduce_sum(
                tf.reduce_mean(d_fake[..., 0], -1) - tf.reduce_mean(d_real[..., 0], -1)
            )
        out = []
        for a, b in zip(h_real, h_fake):
            ga, gb = tape.gradient(loss, [a, b])
            out.append(tf.sqrt(tf.reduce_sum(ga**2, [1, 2]) + tf.reduce_sum(gb**2, [1, 2])))
        del tape
        return tf.stack(out, -1).numpy()

    if kind == "clip":
        clip_all(critic.variables, clip)
    logged, found = [], []
    for iteration in range(iterations):
        real = swiss_roll(n_critic * n * HALF, rng).reshape(n_critic, n, HALF, 2)
        train(tf.constant(real), tf.constant(iteration == 0))
        if (iteration + 1) % log_every == 0:
            logged.append(iteration + 1)
            found.append(norms())
    return {"iteration": np.asarray(logged), "norms": np.stack(found, 1)}


def decades_per_layer(norms: np.ndarray) -> np.ndarray:
    """How the norms of ``norms`` (..., depth; layer 1 nearest the input) change per layer
    going back from the output to the input, in decades (least-squares slope of log10):
    positive where gradients grow on the way back (explode), negative where they shrink
    (vanish), near 0 where they do neither."""
    back = np.arange(norms.shape[-1], dtype="float64")[::-1]  # layers counted from the output
    logs = np.log10(np.maximum(norms, 1e-30))
    centred = back - back.mean()
    return np.sum((logs - logs.mean(-1, keepdims=True)) * centred, -1) / np.sum(centred**2)
