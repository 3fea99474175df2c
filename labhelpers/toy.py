"""The 2-D experiments of notebook 04: claims tested on many seeds in CPU minutes.

MNIST runs cost minutes each, so notebook 04 can afford three seeds per method
there. On the WGAN-GP paper's toy data (Gulrajani et al. 2017, §3.1 and Fig. 1;
``gan_toy.py`` of their code) a run costs seconds, so each claim gets
:data:`SEEDS` seeds per method:

* **ring**: 8 Gaussians, centres on a circle of radius 2 at angles k·45°,
  standard deviation 0.02, then every point divided by 1.414;
* **grid**: 25 Gaussians, centres at (2i, 2j) for i, j in -2..2, standard
  deviation 0.05, then every point divided by 2.828.

The three methods are trained by the course's own trainers
(:mod:`labhelpers.training`, through ``fit``) with their published optimisers
and both learning rates x :data:`LR_SCALE` (the same factor for all three, so
that :data:`ITERATIONS` iterations get somewhere), on small MLPs that are the
same for all three: the generator and the critic have :data:`HIDDEN` ReLU
layers of :data:`WIDTH` units (``gan_toy.py``: three of 512) and a linear
output; the GAN's discriminator ends in a sigmoid; the WGAN's critic clamps
every parameter to ±0.01, as ``gan_toy.py`` does;
WGAN-GP uses ``gan_toy.py``'s penalty weight λ = 0.1 (the paper states λ = 10 for all
its experiments, §4).

**What is measured** on :data:`N_EVAL` samples of each trained generator
(the rule of later papers, e.g. VEEGAN and PacGAN, with the thresholds stated
here): a sample is *high quality* if it lies within three standard
deviations (of the scaled data) of its nearest centre; a mode is *covered*
if at least :data:`MIN_PER_MODE` high-quality samples fall nearest to it.

**Architectures.** Both papers test robustness by changing the architecture,
among other things by *removing* batch normalisation from a DCGAN generator
(WGAN §4.3, Fig. 6; WGAN-GP §5.2). Here the same pair is compared from the
other side: ``plain`` is ``gan_toy.py``'s generator, without batch
normalisation; ``bn`` adds it after each hidden layer, as the course's MNIST
generator has it. ``beta1-0`` trains WGAN-GP with Adam β1 = 0 (the paper's
Algorithm 1) instead of 0.5 (its MNIST code), to see whether that setting
matters.

``run_all(folder)`` (called by ``make pretrain``) trains every configuration
of :data:`EXPERIMENTS` into ``results.csv``, resumably (finished rows are
kept; rows made by other code are redone), keeps the first seed's samples for
the plots, and trains the critics of the value-surface figure
(:func:`value_surfaces`).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .losses import gradient_penalty, interpolate_gradient_norms, wasserstein_loss
from .methods import METHODS
from .models import ClipConstraint
from .runs import PACKAGE, TRAINING_CODE, canonical_version, syntax_hash, write_rows
from .settings import quick_mode, set_seed

SEEDS = tuple(range(1, 11))  # ten seeds per configuration
WIDTH = 128  # units per hidden layer
HIDDEN = 3  # hidden ReLU layers
LATENT = 2  # gan_toy.py's noise dimension
BATCH = 256  # 128 real and 128 fake per critic update (gan_toy.py: 256 + 256)
ITERATIONS = 1000  # generator updates per run (gan_toy.py: 100,000)
N_EVAL = 2500  # samples scored per trained generator
MIN_PER_MODE = 20  # high-quality samples a mode needs to count as covered
GP_WEIGHT = 0.1  # gan_toy.py's lambda for the toy problems
CLIP = 0.01
# Both learning rates of every method x LR_SCALE (the same factor for all three):
# the published rates need tens of thousands of iterations, more than CPU minutes allow.
LR_SCALE = 10.0
STEPS_PER_CALL = 50


@dataclass(frozen=True)
class ToyData:
    """A mixture of equal Gaussians in the plane, after the scaling of ``gan_toy.py``."""

    name: str
    centres: np.ndarray  # (K, 2), already scaled
    std: float  # of each scaled component

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` points of the mixture (NumPy; for evaluation and plots)."""
        which = rng.integers(len(self.centres), size=n)
        noise = rng.normal(size=(n, 2)) * self.std
        return (self.centres[which] + noise).astype("float32")

    def sample_tf(self, n: int) -> tf.Tensor:
        """``n`` points drawn inside the TensorFlow graph (the training pipeline)."""
        which = tf.random.uniform([n], 0, len(self.centres), dtype=tf.int32)
        centres = tf.gather(tf.constant(self.centres, "float32"), which)
        return centres + tf.random.normal([n, 2], stddev=self.std)


def _ring() -> ToyData:
    angles = np.arange(8) * np.pi / 4
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return ToyData("ring", centres / 1.414, 0.02 / 1.414)


def _grid() -> ToyData:
    centres = np.array([(2.0 * i, 2.0 * j) for i in range(-2, 3) for j in range(-2, 3)])
    return ToyData("grid", centres / 2.828, 0.05 / 2.828)


DATASETS: dict[str, ToyData] = {d.name: d for d in (_ring(), _grid())}


# -- models -------------------------------------------------------------------
def build_toy_generator(batch_norm: bool = False, name: str = "toy_generator") -> keras.Model:
    """Latent point (2-D) -> :data:`HIDDEN` ReLU layers -> a point in the plane."""
    stack: list = [keras.Input(shape=(LATENT,))]
    for _ in range(HIDDEN):
        stack.append(keras.layers.Dense(WIDTH))
        if batch_norm:
            stack.append(keras.layers.BatchNormalization())
        stack.append(keras.layers.ReLU())
    stack.append(keras.layers.Dense(2))
    return keras.Sequential(stack, name=name)


def build_toy_critic(method: str, name: str = "toy_critic") -> keras.Model:
    """The same MLP for the three methods; only the output and the clipping differ."""
    clip = ClipConstraint(CLIP) if method == "wgan" else None
    stack: list = [keras.Input(shape=(2,))]
    for _ in range(HIDDEN):
        stack += [
            keras.layers.Dense(WIDTH, kernel_constraint=clip, bias_constraint=clip),
            keras.layers.ReLU(),
        ]
    activation = "sigmoid" if method == "gan" else None
    stack.append(
        keras.layers.Dense(1, activation=activation, kernel_constraint=clip, bias_constraint=clip)
    )
    return keras.Sequential(stack, name=name)


# -- what is measured -----------------------------------------------------------
def score_samples(points: np.ndarray, data: ToyData) -> dict:
    """Fraction of high-quality samples and number of covered modes (rule: module doc)."""
    distances = np.linalg.norm(points[:, None, :] - data.centres[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances.min(axis=1) <= 3.0 * data.std
    per_mode = np.bincount(nearest[good], minlength=len(data.centres))
    return {
        "high_quality": float(good.mean()),
        "modes": int((per_mode >= MIN_PER_MODE).sum()),
    }


# -- the experiments ------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """One cell of the experiment table: trained over :data:`SEEDS`."""

    data: str  # 'ring' or 'grid'
    arch: str  # 'plain', 'bn' (generator with BatchNorm) or 'beta1-0' (WGAN-GP only)
    method: str


EXPERIMENTS: tuple[Config, ...] = (
    *(Config(d, "plain", m) for d in DATASETS for m in METHODS),
    *(Config("ring", "bn", m) for m in METHODS),
    Config("ring", "beta1-0", "wgan-gp"),
)


def point_stream(data: ToyData, n_critic: int) -> tf.data.Dataset:
    """Endless fresh real points: each element holds the ``n_critic`` half batches that
    one iteration's critic updates use (as :func:`labhelpers.session.make_dataset`)."""
    per_step = n_critic * (BATCH // 2)
    return tf.data.Dataset.from_tensors(0).repeat().map(lambda _: data.sample_tf(per_step))


def train_toy(config: Config, seed: int, iterations: int = ITERATIONS) -> tuple[np.ndarray, float]:
    """Train one configuration with one seed; return ``N_EVAL`` samples and the seconds."""
    set_seed(seed)
    data = DATASETS[config.data]
    trainer_class = METHODS[config.method].trainer
    kwargs = {"gp_weight": GP_WEIGHT} if config.method == "wgan-gp" else {}
    trainer = trainer_class(
        build_toy_generator(batch_norm=config.arch == "bn"),
        build_toy_critic(config.method),
        lr_scale=LR_SCALE,
        **kwargs,
    )
    optimizers = {}
    if config.arch == "beta1-0":
        optimizers = {
            name: keras.optimizers.Adam(learning_rate=1e-4 * LR_SCALE, beta_1=0.0, beta_2=0.9)
            for name in ("critic_optimizer", "generator_optimizer")
        }
    # Many iterations per call into TensorFlow: the models are tiny, so Python's
    # per-step overhead would otherwise cost more than the arithmetic.
    trainer.compile(steps_per_execution=STEPS_PER_CALL, **optimizers)
    dataset = point_stream(data, trainer.n_critic)
    t0 = time.perf_counter()
    trainer.fit(dataset, epochs=1, steps_per_epoch=iterations, verbose=0, shuffle=False)
    seconds = time.perf_counter() - t0
    z = np.random.default_rng(seed).normal(size=(N_EVAL, LATENT)).astype("float32")
    points = trainer.generator.predict(z, batch_size=N_EVAL, verbose=0)
    return points, seconds


FIELDS = ("data", "arch", "method", "seed", "modes", "high_quality", "seconds", "code")


def toy_code_version() -> str:
    """The version of this module's code and of the training code (their syntax, so
    correcting prose keeps the results; see :func:`labhelpers.runs.code_version`):
    rows made by other code are redone."""
    paths = [Path(__file__), *(PACKAGE / name for name in TRAINING_CODE)]
    return canonical_version("toy-" + syntax_hash(paths))


def read_results(folder: Path) -> list[dict]:
    """The rows of ``folder/results.csv`` (numbers converted), or [] if none yet."""
    path = Path(folder) / "results.csv"
    if not path.is_file():
        return []
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["seed"], row["modes"] = int(row["seed"]), int(row["modes"])
        row["high_quality"], row["seconds"] = float(row["high_quality"]), float(row["seconds"])
    return rows


def _write_results(folder: Path, rows: list[dict]) -> None:
    write_rows([{k: row[k] for k in FIELDS} for row in rows], folder / "results.csv")


def run_all(
    folder: Path,
    seeds: tuple[int, ...] = SEEDS,
    iterations: int = ITERATIONS,
    surface_steps: int = 3000,
) -> bool:
    """Train every configuration of :data:`EXPERIMENTS` for every seed into ``folder``,
    skipping rows already made by the current code; then the value surfaces.
    Return True if anything was trained."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    code = toy_code_version()
    rows = [r for r in read_results(folder) if r["code"] == code]
    done = {(r["data"], r["arch"], r["method"], r["seed"]) for r in rows}
    todo = [(c, s) for c in EXPERIMENTS for s in seeds if (c.data, c.arch, c.method, s) not in done]
    # Many small models in one process: TensorFlow warns that their functions are traced
    # again and again, which is expected here, not a slip in the code.
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")
    try:
        trained = _train_missing(folder, todo, rows, iterations, code, seeds[0])
        surfaces = folder / "surfaces.npz"
        if not surfaces.is_file() or np.load(surfaces)["code"].item() != code:
            np.savez(surfaces, code=np.array(code), **value_surfaces(steps=surface_steps))
            trained = True
    finally:
        logger.setLevel(level)
    return trained


def _train_missing(folder, todo, rows, iterations, code, first_seed) -> bool:
    for i, (config, seed) in enumerate(todo, 1):
        keras.backend.clear_session()
        points, seconds = train_toy(config, seed, iterations)
        score = score_samples(points, DATASETS[config.data])
        row = {**vars(config), "seed": seed, **score, "seconds": round(seconds, 2), "code": code}
        rows.append(row)
        _write_results(folder, rows)
        if seed == first_seed:
            np.save(folder / f"samples_{config.data}_{config.arch}_{config.method}.npy", points)
        print(
            f"2-D [{i}/{len(todo)}] {config.data} {config.arch} {config.method} seed {seed}: "
            f"{score['modes']} modes, {score['high_quality']:.0%} high quality, {seconds:.0f} s",
            flush=True,
        )
    return bool(todo)


# -- the value surfaces of the paper's Figure 1 ---------------------------------------
SURFACE_EXTENT = 2.0  # the surface is drawn on [-2, 2] x [-2, 2]
SURFACE_RESOLUTION = 101


def train_fixed_critic(
    data: ToyData, penalty: bool, steps: int, seed: int = 1
) -> tuple[keras.Model, float]:
    """Train a critic against a fixed "generator": the real points plus unit Gaussian
    noise, as for the WGAN-GP paper's Figure 1. ``penalty`` False: clipping at ±0.01
    with RMSprop; True: no clipping, gradient penalty λ = 0.1, Adam (0.5, 0.9); the
    learning rates of the runs (5e-5 and 1e-4, ×:data:`LR_SCALE`).
    Return the critic and the mean input-gradient norm at interpolates at the end."""
    set_seed(seed)
    critic = build_toy_critic("wgan-gp" if penalty else "wgan")
    if penalty:
        optimizer = keras.optimizers.Adam(learning_rate=1e-4 * LR_SCALE, beta_1=0.5, beta_2=0.9)
    else:
        optimizer = keras.optimizers.RMSprop(learning_rate=5e-5 * LR_SCALE)
    half = BATCH // 2

    @tf.function
    def step():
        real = data.sample_tf(half)
        fake = data.sample_tf(half) + tf.random.normal([half, 2])
        with tf.GradientTape() as tape:
            loss = wasserstein_loss(-1.0, critic(real, training=True)) + wasserstein_loss(
                1.0, critic(fake, training=True)
            )
            if penalty:
                loss += GP_WEIGHT * gradient_penalty(critic, real, fake)
        grads = tape.gradient(loss, critic.trainable_variables)
        optimizer.apply_gradients(zip(grads, critic.trainable_variables))

    for _ in range(steps):
        step()
    real = data.sample_tf(1000)
    fake = data.sample_tf(1000) + tf.random.normal([1000, 2])
    norm = float(tf.reduce_mean(interpolate_gradient_norms(critic, real, fake)))
    return critic, norm


def value_surfaces(steps: int = 3000) -> dict:
    """Critic values on a grid over the plane for clipping and the penalty, per dataset
    (arrays named ``<data>_<clip|gp>``), with the mean gradient norms (``*_norm``)."""
    axis = np.linspace(-SURFACE_EXTENT, SURFACE_EXTENT, SURFACE_RESOLUTION, dtype="float32")
    xx, yy = np.meshgrid(axis, axis)
    plane = np.stack([xx.ravel(), yy.ravel()], axis=1)
    out: dict = {"axis": axis}
    for data in DATASETS.values():
        for penalty, label in ((False, "clip"), (True, "gp")):
            keras.backend.clear_session()
            critic, norm = train_fixed_critic(data, penalty, steps)
            values = critic.predict(plane, batch_size=len(plane), verbose=0)
            out[f"{data.name}_{label}"] = values.reshape(xx.shape)
            out[f"{data.name}_{label}_norm"] = np.array(norm)
    return out


def summarise(rows: list[dict]) -> list[dict]:
    """Per configuration: seeds, mean and 95 % interval (Student t over seeds) of the
    modes covered and of the high-quality fraction, the interval cut to the values
    that are possible (0 to the number of modes; 0 to 1)."""
    from .stats import t_interval

    table = []
    for config in EXPERIMENTS:
        mine = [
            r
            for r in rows
            if (r["data"], r["arch"], r["method"]) == (config.data, config.arch, config.method)
        ]
        if not mine:
            continue
        entry = {**vars(config), "seeds": len(mine)}
        for key in ("modes", "high_quality"):
            values = np.array([r[key] for r in mine], dtype=float)
            entry[key] = values
            top = len(DATASETS[config.data].centres) if key == "modes" else 1.0
            mean, (low, high) = t_interval(values)
            entry[f"{key}_mean"], entry[f"{key}_ci"] = mean, (max(low, 0.0), min(high, top))
        entry["seconds_mean"] = float(np.mean([r["seconds"] for r in mine]))
        table.append(entry)
    return table


def quick_settings() -> dict:
    """Tiny settings for CI's quick mode: every code path, a few seconds."""
    return {"seeds": (1, 2), "iterations": 20, "surface_steps": 20}


def default_settings() -> dict:
    """The settings of the current mode (quick in CI, full otherwise)."""
    if quick_mode():
        return quick_settings()
    return {"seeds": SEEDS, "iterations": ITERATIONS, "surface_steps": 3000}
