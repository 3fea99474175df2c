"""2-D experiments where the answer is exact (W1 by optimal assignment, :func:`exact_w1`):
:func:`known_answer` (WGAN paper's Example 1, §2) and :func:`train_runs` on the WGAN-GP
toy data (§4.1, ``gan_toy.py``). Settings as published (:data:`labhelpers.methods.METHODS`,
the constants below) except the width and the budget; every seed's network is stacked
into one model, and seeds never mix. Samples are scored by
:func:`labhelpers.study.toy.score_samples`.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ..methods import get_method
from ..training import WARMUP_CRITIC_UPDATES, WARMUP_EVERY, WARMUP_ITERATIONS
from .toy import DATASETS, N_EVAL, ToyData, score_samples

SEEDS = tuple(range(1, 6))  # five seeds per configuration, trained as one stacked model
WIDTH = 128  # units per hidden layer (gan_toy.py's DIM is 512: 16 times the arithmetic)
HIDDEN = 3  # hidden ReLU layers (gan_toy.py)
LATENT = 2  # gan_toy.py's noise dimension
HALF = 256  # real points per critic update, and as many fakes (gan_toy.py's BATCH_SIZE)
ITERATIONS = 2000  # generator iterations per run (gan_toy.py: 100,000)
LOG_EVERY = 100  # iterations between measurements
N_W1 = 500  # samples per side for the exact W1
GP_WEIGHT = 10.0  # the WGAN-GP paper's lambda (gan_toy.py: 0.1)
CLIP = 0.01  # the WGAN paper's clipping bound


# -- what is measured -------------------------------------------------------------------
def exact_w1(a: np.ndarray, b: np.ndarray) -> float:
    """The exact Wasserstein-1 distance between two equal-size samples ``(n, d)`` (uniform
    weights): the mean distance of the optimal one-to-one assignment (Birkhoff - von
    Neumann). Between their distributions it is biased upward (:func:`w1_floor`).
    Raises ValueError for samples of different or non-2-D shapes.
    """
    from scipy.optimize import linear_sum_assignment

    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(
            f"exact_w1 needs two samples of equal shape (n, d); got {a.shape}, {b.shape}."
        )
    cost = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def w1_floor(data: ToyData, n: int = N_W1, repeats: int = 10, seed: int = 0) -> float:
    """The mean exact W1 between two independent samples of ``n`` real points: what a
    perfect generator would measure."""
    rng = np.random.default_rng(seed)
    return float(
        np.mean([exact_w1(data.sample(n, rng), data.sample(n, rng)) for _ in range(repeats)])
    )


def chance_baseline(data: ToyData, n: int = N_EVAL, repeats: int = 200, seed: int = 0) -> dict:
    """What a diffuse blob scores: a Gaussian with the data's mean and covariance,
    scored by :func:`score_samples` ``repeats`` times. Returns the mean high-quality
    share, its 99th percentile, and the most modes any repeat covered."""
    rng = np.random.default_rng(seed)
    real = data.sample(100_000, rng)
    mean, cov = real.mean(axis=0), np.cov(real.T)
    scores = [
        score_samples(rng.multivariate_normal(mean, cov, size=n), data) for _ in range(repeats)
    ]
    hq = np.array([s["high_quality"] for s in scores])
    return {
        "high_quality": float(hq.mean()),
        "high_quality_p99": float(np.percentile(hq, 99)),
        "modes_max": int(max(s["modes"] for s in scores)),
    }


# -- stacked networks: one set of weights per seed ------------------------------------------
def _mlp_weights(rng: np.random.Generator, sizes: list[int], seeds: int) -> list[np.ndarray]:
    """He-initialised weights (``gan_toy.py``'s 'he') and zero biases, one set per seed."""
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        out.append(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(seeds, n_in, n_out)))
        out.append(np.zeros((seeds, 1, n_out)))
    return out


class StackedMLP:
    """An MLP of ``hidden`` ReLU layers for each of several seeds at once: input
    ``(seeds, batch, d_in)``, output ``(seeds, batch, d_out)``."""

    def __init__(
        self,
        d_in: int,
        d_out: int,
        seeds: tuple[int, ...],
        width: int,
        salt: int,
        hidden: int = HIDDEN,
    ):
        sizes = [d_in, *[width] * hidden, d_out]
        per_seed = [
            _mlp_weights(np.random.default_rng([s, salt]), sizes, 1) for s in seeds
        ]  # each seed's weights from its own generator, whatever else is stacked with it
        self.variables = [
            tf.Variable(np.concatenate([w[i] for w in per_seed]).astype("float32"))
            for i in range(len(per_seed[0]))
        ]

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        v = self.variables
        for i in range(0, len(v), 2):
            x = tf.matmul(x, v[i]) + v[i + 1]
            if i < len(v) - 2:
                x = tf.nn.relu(x)
        return x


def clip_all(variables: list, bound: float = CLIP) -> None:
    """The WGAN's constraint: every critic parameter clipped to ``[-bound, bound]``."""
    for v in variables:
        v.assign(tf.clip_by_value(v, -bound, bound))


def gradient_penalty(critic, real: tf.Tensor, fake: tf.Tensor) -> tf.Tensor:
    """Per seed: mean (||grad D(x_hat)|| - 1)^2 at interpolates with alpha ~ U[0, 1] per
    point (WGAN-GP, Algorithm 1)."""
    alpha = tf.random.uniform(tf.concat([tf.shape(real)[:-1], [1]], 0))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), -1) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0), -1)


# -- the three methods, stacked ------------------------------------------------------------
METHOD_NAMES = ("wgan", "wgan-gp", "gan")


def optimizer(method: str, lr_scale: float = 1.0, beta_1: float | None = None):
    """The method's published optimiser (:data:`labhelpers.methods.METHODS`), learning
    rate x ``lr_scale``, Adam's ``beta_1`` replaced where given."""
    return get_method(method).optimizer.build(lr_scale, beta_1)


def judge_terms(method: str, critic, real: tf.Tensor, fake: tf.Tensor):
    """Per seed: the judge's loss and its estimate of the distance (training mode).

    WGAN and WGAN-GP: loss ``mean D(fake) - mean D(real)`` (+ λ x penalty for
    WGAN-GP), estimate ``mean D(real) - mean D(fake)``. GAN: binary cross-entropy on
    logits, estimate ``log 2 + (mean log D(real) + mean log(1 - D(fake))) / 2``, the
    Jensen-Shannon lower bound of Goodfellow et al. (2014, Theorem 1), which is
    negative whenever the discriminator does worse than a coin.
    """
    d_real, d_fake = critic(real)[..., 0], critic(fake)[..., 0]
    if method == "gan":
        log_d_real = -tf.nn.softplus(-d_real)  # log sigmoid
        log_1m_d_fake = -tf.nn.softplus(d_fake)  # log (1 - sigmoid)
        loss = -tf.reduce_mean(log_d_real, -1) - tf.reduce_mean(log_1m_d_fake, -1)
        estimate = np.log(2.0) + (-loss) / 2.0
        return loss, estimate
    estimate = tf.reduce_mean(d_real, -1) - tf.reduce_mean(d_fake, -1)
    loss = -estimate
    if method == "wgan-gp":
        loss += GP_WEIGHT * gradient_penalty(critic, real, fake)
    return loss, estimate


def generator_loss(method: str, fake_scores: tf.Tensor, minimax: bool = False) -> tf.Tensor:
    """Per seed: the generator's loss. GAN: non-saturating ``-mean log D(G(z))``, or
    with ``minimax`` the original ``mean log(1 - D(G(z)))``; WGANs: ``-mean D(G(z))``."""
    s = fake_scores[..., 0]
    if method == "gan":
        return (
            -tf.reduce_mean(tf.nn.softplus(s), -1)
            if minimax
            else tf.reduce_mean(tf.nn.softplus(-s), -1)
        )
    return -tf.reduce_mean(s, -1)


@dataclass(frozen=True)
class Setup:
    """One configuration of a 2-D run (trained for every seed of :data:`SEEDS` at once)."""

    method: str
    data: str = "ring"
    lr_scale: float = 1.0
    n_critic: int | None = None  # judge updates per generator update; None: the method's
    beta_1: float | None = None  # WGAN-GP's Adam beta_1; None: the method's
    warmup: bool | None = None  # the authors' critic warm-up; None: on for the WGAN

    def __post_init__(self):
        if self.method not in METHOD_NAMES:
            raise ValueError(
                f"method must be one of {', '.join(METHOD_NAMES)}; got {self.method!r}."
            )
        if self.data not in DATASETS:
            raise ValueError(f"data must be one of {', '.join(DATASETS)}; got {self.data!r}.")
        set_ = object.__setattr__
        set_(self, "n_critic", int(self.n_critic or get_method(self.method).n_critic))
        set_(self, "warmup", bool(self.method == "wgan" if self.warmup is None else self.warmup))

    @property
    def name(self) -> str:
        """A file name for the run: ``ring_wgan-gp_lr1_n5``."""
        extra = "" if self.beta_1 is None else f"_b{self.beta_1:g}"
        extra += "_warmup" if self.warmup and self.method != "wgan" else ""
        extra += "_nowarmup" if self.method == "wgan" and not self.warmup else ""
        return f"{self.data}_{self.method}_lr{self.lr_scale:g}_n{self.n_critic}{extra}"


class StackedRun:
    """A generator and a judge for every seed, trained together (module doc)."""

    def __init__(self, setup: Setup, seeds: tuple[int, ...], width: int = WIDTH):
        self.setup, self.seeds = setup, tuple(seeds)
        self.data = DATASETS[setup.data]
        self.generator = StackedMLP(LATENT, 2, self.seeds, width, salt=1)
        self.critic = StackedMLP(2, 1, self.seeds, width, salt=2)
        self.g_opt = optimizer(setup.method, setup.lr_scale, setup.beta_1)
        self.d_opt = optimizer(setup.method, setup.lr_scale, setup.beta_1)
        self.g_opt.build(self.generator.variables)
        self.d_opt.build(self.critic.variables)
        self._clip()
        self.iteration = 0

    def _clip(self):
        if self.setup.method == "wgan":
            clip_all(self.critic.variables)

    @tf.function
    def _train(self, start, steps):
        setup, n = self.setup, len(self.seeds)
        estimate_sum = tf.zeros([n])
        for i in tf.range(start, start + steps):
            updates = tf.constant(setup.n_critic)
            if setup.warmup:
                warm = tf.logical_or(i < WARMUP_ITERATIONS, i % WARMUP_EVERY == 0)
                updates = tf.where(warm, max(WARMUP_CRITIC_UPDATES, setup.n_critic), updates)
            estimate = tf.zeros([n])
            for _ in tf.range(updates):
                real = tf.reshape(self.data.sample_tf(n * HALF), [n, HALF, 2])
                fake = self.generator(tf.random.normal([n, HALF, LATENT]))
                with tf.GradientTape() as tape:
                    loss, estimate = judge_terms(setup.method, self.critic, real, fake)
                    total = tf.reduce_sum(loss)  # seeds add up: each one's gradient is its own
                grads = tape.gradient(total, self.critic.variables)
                self.d_opt.apply_gradients(zip(grads, self.critic.variables))
                self._clip()
            estimate_sum += estimate
            with tf.GradientTape() as tape:
                fake = self.generator(tf.random.normal([n, HALF, LATENT]))
                total = tf.reduce_sum(generator_loss(setup.method, self.critic(fake)))
            grads = tape.gradient(total, self.generator.variables)
            self.g_opt.apply_gradients(zip(grads, self.generator.variables))
        return estimate_sum / tf.cast(steps, "float32")

    def train(self, steps: int) -> np.ndarray:
        """Train ``steps`` generator iterations; return each seed's training-mode
        estimate averaged over them (the last judge update of each iteration)."""
        out = self._train(tf.constant(self.iteration), tf.constant(steps))
        self.iteration += steps
        return out.numpy()

    def samples(self, n: int = N_EVAL) -> np.ndarray:
        """``n`` samples of each seed's generator, shape ``(seeds, n, 2)``, from fixed
        latent points (seed s draws the same ones every time)."""
        z = np.stack([np.random.default_rng([s, 3]).normal(size=(n, LATENT)) for s in self.seeds])
        return self.generator(tf.constant(z, "float32")).numpy()


def measure(points: np.ndarray, data: ToyData, rng: np.random.Generator) -> dict:
    """High-quality share, modes covered and exact W1 (first :data:`N_W1` points against
    as many fresh real ones) of one generator's samples; a generator that produced
    non-finite numbers scores nothing and gets W1 = NaN."""
    real = data.sample(N_W1, rng)
    if not np.all(np.isfinite(points)):
        return {"high_quality": 0.0, "modes": 0, "w1": float("nan")}
    return {**score_samples(points, data), "w1": exact_w1(points[:N_W1], real)}


def train_runs(
    setup: Setup,
    seeds: tuple[int, ...] = SEEDS,
    iterations: int = ITERATIONS,
    log_every: int = LOG_EVERY,
    width: int = WIDTH,
) -> dict:
    """Train ``setup`` for every seed (one stacked model); every ``log_every`` iterations
    log each seed's estimate, exact W1, modes and high-quality share.

    Returns arrays: ``iteration`` (L,), ``estimate``, ``w1``, ``modes``,
    ``high_quality`` (seeds, L), the final ``samples`` (seeds, N_EVAL, 2), ``seeds``
    and the wall ``seconds``.
    """
    with _quiet_retracing():
        return _train_runs(setup, seeds, iterations, log_every, width)


def _train_runs(setup, seeds, iterations, log_every, width) -> dict:
    keras.backend.clear_session()
    tf.random.set_seed(seeds[0])
    run = StackedRun(setup, seeds, width)
    rng = np.random.default_rng(0)
    logs: dict[str, list] = {
        k: [] for k in ("iteration", "estimate", "w1", "modes", "high_quality")
    }
    t0 = time.perf_counter()
    while run.iteration < iterations:
        estimate = run.train(min(log_every, iterations - run.iteration))
        points = run.samples()
        scores = [measure(p, run.data, rng) for p in points]
        logs["iteration"].append(run.iteration)
        logs["estimate"].append(estimate)
        for key in ("w1", "modes", "high_quality"):
            logs[key].append([s[key] for s in scores])
    out = {
        k: np.asarray(v, "float64").T if k != "iteration" else np.asarray(v)
        for k, v in logs.items()
    }
    out.update(
        samples=points, seeds=np.asarray(seeds), seconds=np.asarray(time.perf_counter() - t0)
    )
    return out


# -- a known answer: the WGAN paper's Example 1 ------------------------------------------------
THETAS = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
JUDGE_STEPS = 2000  # judge updates against each fixed theta
N_KNOWN = 8192  # points per side for the final estimate and gradient


def example_1(thetas: tf.Tensor, n: int) -> tuple[tf.Tensor, tf.Tensor]:
    """Real points ``(0, z)`` and fake points ``(theta, z)``, ``z ~ U[0, 1]``, for each
    theta: shapes ``(len(thetas), n, 2)`` (Arjovsky et al. 2017, Example 1)."""
    k = tf.shape(thetas)[0]
    real = tf.stack([tf.zeros([k, n]), tf.random.uniform([k, n])], -1)
    fake_x = tf.broadcast_to(thetas[:, None], [k, n])
    fake = tf.stack([fake_x, tf.random.uniform([k, n])], -1)
    return real, fake


def known_answer(
    thetas: tuple[float, ...] = THETAS,
    steps: int = JUDGE_STEPS,
    width: int = WIDTH,
    seed: int = 1,
) -> dict[str, np.ndarray]:
    """Train each method's judge (the generator held fixed) against Example 1 for every
    theta; return its estimate and the gradient the generator would get.

    Keys: ``theta``, ``w1`` (= |theta|) and ``js`` (log 2 for theta != 0), exact; per
    method ``<m>/estimate`` (training mode, :data:`N_KNOWN` fresh points; GAN: the
    Jensen-Shannon lower bound), ``<m>/estimate_half`` (after half the steps) and
    ``<m>/grad`` (the generator loss's derivative in theta); ``gan/grad_minimax`` for the
    GAN's original ``mean log(1 - D)``.
    """
    with _quiet_retracing():
        return _known_answer(thetas, steps, width, seed)


@contextlib.contextmanager
def _quiet_retracing():
    """Each judge gets its own compiled training function, which TensorFlow reports as
    "excessive retracing": expected here, not a slip, so its warnings are held back."""
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def _known_answer(thetas, steps, width, seed) -> dict[str, np.ndarray]:
    tf.random.set_seed(seed)
    theta = tf.constant(thetas, "float32")
    out: dict[str, np.ndarray] = {
        "theta": np.asarray(thetas),
        "w1": np.abs(thetas),
        "js": np.where(np.asarray(thetas) != 0, np.log(2.0), 0.0),
    }
    for method in METHOD_NAMES:
        keras.backend.clear_session()
        seeds = tuple(seed * 100 + i for i in range(len(thetas)))
        critic = StackedMLP(2, 1, seeds, width, salt=2)
        opt = optimizer(method)
        opt.build(critic.variables)
        if method == "wgan":
            clip_all(critic.variables)

        @tf.function
        def fit(n_steps, critic=critic, opt=opt, method=method):
            for _ in tf.range(n_steps):
                real, fake = example_1(theta, HALF)
                with tf.GradientTape() as tape:
                    loss, _ = judge_terms(method, critic, real, fake)
                    total = tf.reduce_sum(loss)
                grads = tape.gradient(total, critic.variables)
                opt.apply_gradients(zip(grads, critic.variables))
                if method == "wgan":
                    clip_all(critic.variables)

        def measure_judge(critic=critic, method=method):
            real, fake = example_1(theta, N_KNOWN)
            _, estimate = judge_terms("gan" if method == "gan" else "wgan", critic, real, fake)
            shift = tf.Variable(tf.zeros_like(theta))
            with tf.GradientTape(persistent=True) as tape:
                moved = fake + tf.stack([shift, tf.zeros_like(shift)], -1)[:, None, :]
                scores = critic(moved)
                loss = tf.reduce_sum(generator_loss(method, scores))
                minimax = tf.reduce_sum(generator_loss(method, scores, minimax=True))
            grads = {"grad": tape.gradient(loss, shift).numpy()}
            if method == "gan":
                grads["grad_minimax"] = tape.gradient(minimax, shift).numpy()
            return estimate.numpy(), grads

        fit(tf.constant(steps // 2))
        out[f"{method}/estimate_half"], _ = measure_judge()
        fit(tf.constant(steps - steps // 2))
        estimate, grads = measure_judge()
        out[f"{method}/estimate"] = estimate
        out.update({f"{method}/{k}": v for k, v in grads.items()})
    return out


# -- the experiments, run and stored --------------------------------------------------------
MAIN = tuple(Setup(m) for m in METHOD_NAMES)  # each method as published
# Learning rates far too high, as in the lower half of the WGAN paper's Fig. 3.
FAILING = (Setup("wgan", lr_scale=30.0), Setup("wgan-gp", lr_scale=30.0))
LR_SWEEP = tuple(Setup(m, lr_scale=s) for m in METHOD_NAMES for s in (0.3, 1.0, 3.0, 10.0))
# Judge strength: 1, 5 or 25 judge updates per generator update (does a judge trained
# closer to optimality help or hurt?).
JUDGE_STRENGTH = tuple(Setup(m, n_critic=k) for m in ("gan", "wgan-gp") for k in (1, 5, 25))
EXPERIMENTS = tuple(dict.fromkeys((*MAIN, *FAILING, *LR_SWEEP, *JUDGE_STRENGTH)))


def _stored(path: Path) -> dict | None:
    """The result stored at ``path`` when it was made at the current numerics version."""
    from ..numerics import NUMERICS_2D, recorded

    if not path.is_file():
        return None
    with np.load(path) as f:
        result = dict(f)
    return result if recorded(result, "numerics_2d") == NUMERICS_2D else None


def run_all(
    folder: Path,
    setups: tuple[Setup, ...] = EXPERIMENTS,
    seeds: tuple[int, ...] = SEEDS,
    iterations: int = ITERATIONS,
    judge_steps: int = JUDGE_STEPS,
    width: int = WIDTH,
) -> bool:
    """The known-answer experiment and every run of ``setups`` into ``folder``
    (``known_answer.npz``, ``<setup.name>.npz``), skipping those already stored at the
    current numerics version. Returns True when anything was computed."""
    from ..files import atomic_write
    from ..numerics import NUMERICS_2D

    folder = Path(folder)
    todo: list = [] if _stored(folder / "known_answer.npz") else ["known answer"]
    todo += [s for s in setups if _stored(folder / f"{s.name}.npz") is None]
    for i, item in enumerate(todo, 1):
        t0 = time.perf_counter()
        if item == "known answer":
            name, result = "known_answer", known_answer(steps=judge_steps, width=width)
        else:
            name, result = item.name, train_runs(item, seeds, iterations, width=width)
        result["numerics_2d"] = np.asarray(NUMERICS_2D)
        atomic_write(folder / f"{name}.npz", lambda tmp, r=result: np.savez(tmp, **r))
        print(f"2-D [{i}/{len(todo)}] {name}: {time.perf_counter() - t0:.0f} s", flush=True)
    return bool(todo)


def load(folder: Path, setup: Setup | str) -> dict[str, np.ndarray]:
    """A stored result: a :class:`Setup`'s run, or ``'known_answer'``."""
    name = setup if isinstance(setup, str) else setup.name
    with np.load(Path(folder) / f"{name}.npz") as f:
        return dict(f)


def tracking(result: dict) -> dict:
    """How a run's logged estimate follows the exact W1: per seed, the correlation of
    their *changes* between logs (a shared trend cannot make it;
    :func:`labhelpers.study.stats.change_correlation`), and its mean over seeds with a 95 %
    interval; seeds whose generator produced non-finite numbers are left out."""
    from .stats import change_correlation, mean_correlation

    per_seed = np.array(
        [change_correlation(e, w) for e, w in zip(result["estimate"], result["w1"])]
    )
    finite = per_seed[np.isfinite(per_seed)]
    summary = mean_correlation(finite) if len(finite) >= 2 else (float("nan"), (np.nan, np.nan))
    return {"per_seed": per_seed, "mean": summary[0], "interval": summary[1]}


def missing(folder: Path, setups: tuple[Setup, ...] = EXPERIMENTS) -> list[str]:
    """The stored results of :func:`run_all` that are missing from ``folder`` or were
    made at another numerics version (``make outputs`` refuses to start without them)."""
    names = ["known_answer", *(s.name for s in setups)]
    return [n for n in names if _stored(Path(folder) / f"{n}.npz") is None]
