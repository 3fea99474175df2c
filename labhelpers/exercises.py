"""Checkers for the code a learner writes in the notebooks (the way Kaggle Learn's do).

Each ``check_*`` function runs the learner's code beside the package's on the same inputs
and random numbers, prints one verdict (what agrees, or the first difference and its usual
cause) and returns ``True`` or ``False``. :func:`show_solution` prints a worked solution.

**The contract on random numbers.** While a checker runs, every call of
``tf.random.normal`` / ``tf.random.uniform`` (or ``keras.random``'s) is served from a fixed
stream *per kind and shape* (:func:`served_noise`): the k-th normal draw of shape ``(32, 50)``
is the same numbers in the learner's code and the package's, whenever it is made. So draw
each batch of noise with its own call, of that batch's shape (or all ``n_critic`` half batches
of one kind in one call); draws of different shapes (the fakes' noise, the penalty's
interpolation weights, the generator's noise) may come in any order, and draws of one shape
in the order of the updates that use them.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import keras
import numpy as np
import tensorflow as tf

from .methods import METHODS
from .models import build_critic, build_discriminator, build_generator, build_gp_critic
from .settings import set_seed
from .training import GAN, WGAN, WGANGP


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def _close(a, b, tol: float, atol: float | None = None) -> bool:
    """Equal up to float rounding: ``|a - b| <= atol + tol * |b|`` (``atol`` defaults to tol)."""
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    atol = tol if atol is None else atol
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + tol * np.abs(b)))


@contextlib.contextmanager
def served_noise(
    seed: int = 0, flip_uniform: bool = False, split: tuple[int, int] | None = None
) -> Iterator[None]:
    """While the block runs, serve ``tf.random`` and ``keras.random`` ``normal`` / ``uniform``
    from fixed streams: the k-th draw of a kind and shape gets the same numbers whoever makes
    it and whatever was drawn before. Integer draws pass through.

    ``flip_uniform`` serves ``1 - u`` for ``u`` (``real + u (fake - real)`` then meets
    ``u real + (1 - u) fake``). ``split=(n, half)`` serves a draw of ``n * half`` rows as the
    next ``n`` draws of ``half`` rows, stacked.
    """
    counts: dict[tuple, int] = {}
    originals = {
        (tf.random, "normal"): tf.random.normal,
        (tf.random, "uniform"): tf.random.uniform,
        (keras.random, "normal"): keras.random.normal,
        (keras.random, "uniform"): keras.random.uniform,
    }

    def numbers(kind: str, shape) -> np.ndarray:
        dims = tuple(int(d) for d in np.asarray(tf.convert_to_tensor(shape)).ravel())
        if split and split[0] > 1 and dims and dims[0] == split[0] * split[1]:
            return np.concatenate([one(kind, (split[1], *dims[1:])) for _ in range(split[0])])
        return one(kind, dims)

    def one(kind: str, dims: tuple[int, ...]) -> np.ndarray:
        key = (kind, dims)
        k = counts[key] = counts.get(key, -1) + 1
        rng = np.random.default_rng([seed, 1 if kind == "normal" else 2, k, *dims])
        if kind == "normal":
            return rng.standard_normal(dims)
        u = rng.random(dims)
        return 1.0 - u if flip_uniform else u

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
        dtype = dtype or keras.config.floatx()
        return tf.cast(numbers("normal", shape), dtype) * stddev + mean

    def uniform_like(original):
        def uniform(shape, minval=0.0, maxval=None, dtype=None, seed=None, name=None, **kw):
            dtype = tf.as_dtype(dtype or keras.config.floatx())
            if dtype.is_integer:
                return original(shape, minval, maxval, dtype=dtype, seed=seed)
            maxval = 1.0 if maxval is None else maxval
            return tf.cast(numbers("uniform", shape), dtype) * (maxval - minval) + minval

        return uniform

    try:
        for (module, name), original in originals.items():
            setattr(module, name, normal if name == "normal" else uniform_like(original))
        yield
    finally:
        for (module, name), original in originals.items():
            setattr(module, name, original)


@dataclass(frozen=True)
class _Method:
    """What a trainer checker needs to know about one method: how to build the
    package's trainer and its judge, and what to say when something differs."""

    label: str  # what the learner's class is, in messages ("your WGAN")
    reference: Callable
    build_judge: Callable
    real_hint: str
    fake_hint: str
    generator_hint: str
    critic_update_hint: str
    generator_update_hint: str
    drift_hint: str = ""  # added where an averaged critic loss differs
    real_value_hint: str = (
        "is every critic update on a fresh half batch of real images (tf.split into "
        "n_critic parts), and is the value averaged over the n_critic updates?"
    )


_ITERATION_HINT = (
    " (The checker serves your code and the package's the same random numbers per "
    "call and shape: draw each batch of noise with its own call of the batch's shape, "
    "or all n_critic half batches of one kind in one call.)"
)


def _same_step(theirs: np.ndarray, ours: np.ndarray, start: np.ndarray) -> bool:
    """Did a weight move as the package's did since ``start``, to within 1 % of the package's
    movement (as a vector)?"""
    moved = np.linalg.norm(ours - start)
    return bool(np.linalg.norm(theirs - ours) <= 0.01 * moved + 1e-6 * np.sqrt(ours.size))


def _biases_before_batchnorm(model: keras.Model) -> set[int]:
    """The ids of the biases whose layer feeds a BatchNormalization directly: the
    normalisation subtracts any constant, so their true gradient is zero."""
    found = set()
    for layer, following in zip(model.layers, model.layers[1:]):
        bias = getattr(layer, "bias", None)
        if bias is not None and isinstance(following, keras.layers.BatchNormalization):
            found.add(id(bias))
    return found


def _explain(err: Exception) -> str:
    """A learner's exception as one line that says where to look."""
    text = f"{err}".splitlines()[0][:160] if f"{err}" else type(err).__name__
    if "No gradients provided" in text:
        return (
            f"{text} - the loss you differentiate was not recorded by the tape: compute "
            "all of it (the penalty too) inside the `with tf.GradientTape() as tape:` block."
        )
    if "None" in text and ("convert" in text or "NoneType" in text or "None values" in text):
        return (
            f"{text} - a gradient came back as None. Is everything you differentiate "
            "computed inside the `with tf.GradientTape() as tape:` block (the penalty "
            "too), and does the inner tape watch the interpolated images (tape.watch)?"
        )
    if "shape" in text.lower() or "Incompatible" in text or "Dimensions" in text:
        return (
            f"{text} - two tensors do not fit together. Check the shapes: real and fake "
            "half batches are (half, 28, 28, 1), eps (half, 1, 1, 1), z (n, latent_dim)."
        )
    return text


def _compare_trainers(
    learner_class: type,
    method: _Method,
    constraint: keras.constraints.Constraint | None = None,
    images: np.ndarray | None = None,
    iterations: int = 2,
    seed: int = 0,
    mirror: bool = False,
    flip_uniform: bool = False,
) -> tuple[bool, str]:
    """Train the learner's class and the package's trainer side by side; return
    (agree?, the message). ``flip_uniform`` flips the package's uniform draws only."""
    if learner_class.train_step is keras.Model.train_step:
        return False, (
            f"{learner_class.__name__} has no train_step of its own yet: write one "
            "(the exercise above says what it does)."
        )
    set_seed(seed)
    half = 8
    generator, judge = build_generator(), method.build_judge()
    their_judge = method.build_judge(constraint) if constraint is not None else method.build_judge()
    theirs_g = build_generator()
    theirs_g.set_weights(generator.get_weights())
    their_judge.set_weights(judge.get_weights())
    output_layer = their_judge.layers[-1]
    if mirror:
        output_layer.set_weights([-w for w in output_layer.get_weights()])
    ours = method.reference(generator, judge)
    ours.compile()
    try:
        theirs = learner_class(theirs_g, their_judge)
        theirs.compile()
    except Exception as err:  # the learner's class could not even be built
        return False, (
            f"building and compiling your class failed: {type(err).__name__}: "
            f"{err}. It should take (generator, critic) and compile() without arguments."
        )
    n_critic = ours.n_critic
    if images is None:
        images = np.random.default_rng(seed).uniform(
            -1, 1, (iterations * n_critic * half, 28, 28, 1)
        )
    images = np.asarray(images, "float32")
    split = (n_critic, half)
    # Biases before a BatchNorm have a zero true gradient: left out, the rest is compared.
    skipped = _biases_before_batchnorm(generator) | _biases_before_batchnorm(judge)
    start = {id(w): w.numpy().copy() for w in generator.weights + judge.weights}
    for it in range(iterations):
        batch = tf.constant(images[it * n_critic * half : (it + 1) * n_critic * half])
        with served_noise(seed + 1 + it, flip_uniform, split):
            expected = {k: float(v) for k, v in ours.train_step(batch).items()}
        with served_noise(seed + 1 + it, split=split):  # the learner's code: never flipped
            try:
                got = theirs.train_step(batch)
            except Exception as err:
                return False, f"train_step raised {type(err).__name__}: {_explain(err)}"
        keys = ("critic_real", "critic_fake", "generator")
        if not isinstance(got, dict) or not set(keys) <= set(got):
            return False, (
                f"train_step should return a dict with the keys {list(keys)}; yours "
                f"returned {got!r:.120}."
            )
        got = {k: float(v) for k, v in got.items() if k in expected}
        where = f"in iteration {it + 1}"
        if not _close(got["critic_real"], expected["critic_real"], 1e-3):
            if got["critic_real"] * expected["critic_real"] < 0:
                return False, f"critic_real has the wrong sign {where}: {method.real_hint}"
            return False, (
                f"critic_real is {got['critic_real']:+.5f} {where}, expected "
                f"{expected['critic_real']:+.5f}: {method.real_value_hint}" + method.drift_hint
            )
        if not _close(got["critic_fake"], expected["critic_fake"], 1e-3):
            return False, (
                f"critic_fake is {got['critic_fake']:+.5f} {where}, expected "
                f"{expected['critic_fake']:+.5f}: {method.fake_hint}"
                + method.drift_hint
                + _ITERATION_HINT
            )
        if not _close(got["generator"], expected["generator"], 1e-3):
            return False, (
                f"the generator loss is {got['generator']:+.5f} {where}, expected "
                f"{expected['generator']:+.5f}: {method.generator_hint}" + _ITERATION_HINT
            )
        if "gp" in got and not _close(got["gp"], expected["gp"], 1e-3):
            return False, (
                f"the logged penalty gp is {got['gp']:.5f} {where}, expected "
                f"{expected['gp']:.5f}: log the penalty itself, without lambda, averaged "
                "over the n_critic updates."
            )
        for name, a, b in (("critic", their_judge, judge), ("generator", theirs_g, generator)):
            for wa, wb in zip(a.weights, b.weights):
                if id(wb) in skipped:
                    continue
                sign = -1.0 if mirror and any(wa is v for v in output_layer.weights) else 1.0
                if not _same_step(sign * wa.numpy(), wb.numpy(), start[id(wb)]):
                    hint = (
                        method.critic_update_hint
                        if name == "critic"
                        else method.generator_update_hint
                    )
                    return False, (
                        f"the {name}'s weight {wa.path} differs from the package's after "
                        f"iteration {it + 1}: {hint}."
                    )
    return True, (
        f"{iterations} iterations of your {method.label} gave the same losses "
        f"and the same weights as labhelpers.training.{type(ours).__name__}"
    )


_RECIPE = {name: str(method.optimizer) for name, method in METHODS.items()}  # as written

_WGAN = _Method(
    label="WGAN",
    reference=WGAN,
    build_judge=lambda constraint=None: build_critic(constraint=constraint),
    real_hint="the label of real images is -1, so the loss on real is -mean D(real).",
    fake_hint="fakes get label +1, one half batch from generator(z, training=True) per "
    "critic update.",
    generator_hint="it is -mean D(G(z)) on a full batch (2 x half) of new fakes, with the "
    "real label -1.",
    critic_update_hint="the critic changes only in its n_critic updates (never in the "
    f"generator update), with {_RECIPE['wgan']} and the clip constraint on its conv kernels",
    generator_update_hint="the generator changes in one update per iteration, on its own "
    f"variables only, with {_RECIPE['wgan']}",
)

_GP_ADAM = _RECIPE["wgan-gp"]
_WGAN_GP = replace(
    _WGAN,  # the WGAN's labels and generator loss; the critic, its update and Adam differ
    label="WGAN-GP",
    reference=WGANGP,
    build_judge=lambda constraint=None: build_gp_critic(),
    fake_hint="fakes get label +1, one half batch from generator(z, training=True) per "
    "critic update; the penalty is not part of critic_fake.",
    generator_hint="it is -mean D(G(z)) on a full batch (2 x half) of new fakes, as in the WGAN.",
    critic_update_hint="each critic update minimises critic_real + critic_fake + "
    f"10 x penalty (the penalty on the same real and fake half batches), with {_GP_ADAM} "
    "and no clipping",
    generator_update_hint="the generator changes in one update per iteration, on its own "
    f"variables only, with {_GP_ADAM}",
    drift_hint=" The logged losses average the n_critic updates, so a critic that learns "
    "differently shows here too: does each update's loss add 10 x penalty, and do both "
    f"networks use {_GP_ADAM}?",
)

_GAN = _Method(
    label="GAN",
    reference=GAN,
    build_judge=lambda constraint=None: build_discriminator(),
    real_hint="the discriminator's loss on real images is the binary cross-entropy against 1.",
    real_value_hint="the discriminator's loss on real images is the binary cross-entropy "
    "of D(real) against 1, and the label of fakes 0.",
    fake_hint="the loss on fakes is the binary cross-entropy of D(G(z)) against 0, on a "
    "half batch of fakes from generator(z, training=True).",
    generator_hint="the non-saturating loss is the binary cross-entropy of D(G(z)) "
    "against 1 (real), on a full batch (2 x half) of new fakes.",
    critic_update_hint="the discriminator changes in one update per iteration (n_critic "
    f"= 1), never in the generator update, with {_RECIPE['gan']}",
    generator_update_hint="the generator changes in one update per iteration, on its own "
    f"variables only, with {_RECIPE['gan']}",
)


def check_wgan(
    wgan_class: type,
    constraint: keras.constraints.Constraint | None = None,
    images: np.ndarray | None = None,
    iterations: int = 2,
    seed: int = 0,
    mirror: bool = False,
) -> bool:
    """Does ``wgan_class`` train exactly like :class:`labhelpers.training.WGAN`?

    Checks ``constraint`` (the learner's clip constraint for its critic, if given), then
    runs ``iterations`` ``train_step`` calls of ``wgan_class(generator, critic)`` and of the
    package's ``WGAN`` from identical weights, on the same images and random numbers (module
    doc), and compares the three logged losses and every weight. With ``mirror=True`` the
    learner's class uses real = +1, fake = -1 and a critic ``D' = -D``: the losses and weights
    must be the same, except the output layer's, which stay negated.
    """
    if constraint is not None:
        probe = np.asarray(constraint(tf.constant([-1.0, -0.005, 0.0, 0.02])))
        if not _close(probe, [-0.01, -0.005, 0.0, 0.01], 1e-6):
            return _verdict(
                False,
                f"your clip constraint turns [-1, -0.005, 0, 0.02] into "
                f"{np.round(probe, 4).tolist()}; it should clip every weight to "
                "[-0.01, 0.01] and leave smaller ones alone.",
            )
    method = _WGAN
    if mirror:
        method = replace(
            method,
            real_hint="in the mirror convention real images get label +1 and fakes -1 "
            "(the generator too uses +1).",
            generator_hint="in the mirror convention the generator wants its fakes scored "
            "as real, label +1: its loss is +mean D'(G(z)) on a full batch (2 x half) of "
            "new fakes.",
        )
    ok, message = _compare_trainers(
        wgan_class, method, constraint, images, iterations, seed, mirror=mirror
    )
    if ok:
        message += " (the critic's output layer negated: D' = -D)." if mirror else "."
    return _verdict(ok, message)


def check_wgan_gp(wgan_gp_class: type, iterations: int = 2, seed: int = 0) -> bool:
    """Does ``wgan_gp_class`` train exactly like :class:`labhelpers.training.WGANGP`
    (λ = 10, Adam 1e-4 with beta = (0.5, 0.9), the critic without BatchNorm)? As
    :func:`check_wgan`; ``eps real + (1 - eps) fake`` and ``real + eps (fake - real)`` (the
    authors' code, keras.io's) are both accepted, and a logged ``gp`` is compared too."""
    results = [
        _compare_trainers(wgan_gp_class, _WGAN_GP, None, None, iterations, seed, flip_uniform=f)
        for f in (False, True)
    ]
    ok = any(r[0] for r in results)
    message = next(m for r, m in results if r) if ok else results[0][1]
    return _verdict(ok, message + ("." if ok else ""))


def check_gan(gan_class: type, iterations: int = 2, seed: int = 0) -> bool:
    """Does ``gan_class`` train exactly like :class:`labhelpers.training.GAN` (binary
    cross-entropy, the non-saturating generator loss, one discriminator update per
    generator update, Adam 2e-4 with beta_1 = 0.5)? As :func:`check_wgan`."""
    ok, message = _compare_trainers(gan_class, _GAN, None, None, iterations, seed)
    return _verdict(ok, message + ("." if ok else ""))


def check_gradient_penalty(penalty_fn, seed: int = 0) -> bool:
    """Is ``penalty_fn(critic, real, fake)`` WGAN-GP's gradient penalty?

    Checks, in order: ``(|w| - 1)^2`` for a linear critic; the package's
    :func:`labhelpers.losses.gradient_penalty` on a non-linear critic with the same random
    numbers (module doc; the interpolation written either way); a gradient with respect to
    the critic's weights where its input gradient is zero. A NaN gradient there (no epsilon
    inside the square root, as in the authors' code) passes with a note.
    """
    from .losses import gradient_penalty

    rng = np.random.default_rng(seed)
    real = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)), "float32")
    fake = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)), "float32")
    linear = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)]
    )
    for norm in (0.5, 1.0, 3.0):
        w = rng.standard_normal((784, 1)).astype("float32")
        linear.layers[-1].set_weights([w * norm / np.linalg.norm(w)])
        try:
            got = float(penalty_fn(linear, real, fake))
        except Exception as err:
            return _verdict(False, f"your function raised {type(err).__name__}: {_explain(err)}")
        if not _close(got, (norm - 1) ** 2, 1e-3):
            return _verdict(
                False,
                f"for a linear critic with |w| = {norm} the penalty must be "
                f"(|w| - 1)^2 = {(norm - 1) ** 2:.4f}; yours gave {got:.4f}. Take the "
                "norm over all pixels of each example (not its square), then the "
                "mean of (norm - 1)^2 over the batch.",
            )
    # A small critic that bends strongly, so the penalty depends on where x_hat lies.
    set_seed(seed)
    critic = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                32,
                activation="tanh",
                kernel_initializer=keras.initializers.RandomNormal(stddev=0.2),
            ),
            keras.layers.Dense(1, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),
        ]
    )
    with served_noise(seed + 1):
        try:
            got = float(penalty_fn(critic, real, fake))
        except Exception as err:
            return _verdict(False, f"your function raised {type(err).__name__}: {_explain(err)}")
    expected = []
    for flip in (False, True):  # eps real + (1 - eps) fake, or real + eps (fake - real)
        with served_noise(seed + 1, flip_uniform=flip):
            expected.append(float(gradient_penalty(critic, real, fake)))
    if not any(_close(got, e, 1e-3) for e in expected):
        return _verdict(
            False,
            f"on a non-linear critic your penalty is {got:.5f}, the "
            f"package's {expected[0]:.5f} with the same random numbers. Interpolate "
            "with ONE eps ~ U[0, 1] per example (tf.random.uniform with shape "
            "(batch, 1, 1, 1)), not per pixel and not from a normal distribution.",
        )
    flat = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, kernel_initializer="zeros"),
        ]
    )
    kernel = flat.layers[-1].kernel  # the bias cannot change an input gradient
    with tf.GradientTape() as tape:
        try:
            value = penalty_fn(flat, real, fake)
        except Exception as err:
            return _verdict(False, f"your function raised {type(err).__name__}: {_explain(err)}")
    grad = tape.gradient(value, kernel)
    if grad is None:
        return _verdict(
            False,
            "the penalty has no gradient with respect to the critic's "
            "weights: compute it with TensorFlow operations only (no .numpy()), "
            "so the critic update can differentiate it.",
        )
    note = ""
    if not np.all(np.isfinite(grad.numpy())):
        note = (
            " One note: where the critic's input gradient is exactly zero, the "
            "penalty's own gradient is NaN (sqrt has an infinite slope at 0; tf.norm "
            "too). The authors' code has the same formula and it rarely matters; a "
            "small epsilon inside the square root (+ 1e-12) is a numerical safeguard."
        )
    return _verdict(
        True,
        "your gradient penalty matches the closed form on a linear critic and "
        "the package's on a non-linear one"
        + ("." if note else ", and stays finite at zero gradients.")
        + note,
    )


def _reference_slerp(z0: np.ndarray, z1: np.ndarray, t: float) -> np.ndarray:
    """Spherical linear interpolation (Shoemake's slerp), as White (2016) suggests for
    latent points: along the great circle from z0 to z1 at an even angular speed."""
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
    if omega < 1e-6:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def check_slerp(slerp_fn, seed: int = 0) -> bool:
    """Is ``slerp_fn(z0, z1, t)`` spherical interpolation between two latent points? Checks
    the ends (t = 0 gives z0, t = 1 gives z1), a constant norm between points of equal norm,
    and the values of ``(sin((1-t) w) z0 + sin(t w) z1) / sin(w)``, ``w`` their angle.
    """
    rng = np.random.default_rng(seed)
    z0, z1 = rng.standard_normal(50), rng.standard_normal(50)
    z1 = z1 / np.linalg.norm(z1) * np.linalg.norm(z0)  # equal norms
    try:
        ends = [np.asarray(slerp_fn(z0, z1, t), "float64") for t in (0.0, 1.0)]
        middle = np.asarray(slerp_fn(z0, z1, 0.5), "float64")
    except Exception as err:
        return _verdict(False, f"your function raised {type(err).__name__}: {err}")
    angle_hint = (
        "Is the angle between z0 and z1 taken between unit vectors? Its cosine is the dot "
        "product of z0 / |z0| and z1 / |z1|, always in [-1, 1]."
    )
    if not all(np.all(np.isfinite(x)) for x in (*ends, middle)):
        return _verdict(False, f"your function returned NaN or infinity. {angle_hint}")
    if not (_close(ends[0], z0, 1e-5) and _close(ends[1], z1, 1e-5)):
        return _verdict(False, "t = 0 must give z0 and t = 1 must give z1.")
    norm, got = np.linalg.norm(z0), np.linalg.norm(middle)
    if got > 1.5 * norm:
        return _verdict(
            False,
            f"halfway between two points of norm {norm:.2f} your point has norm {got:.3g}. "
            + angle_hint,
        )
    if abs(got - norm) > 1e-3 * norm:
        return _verdict(
            False,
            f"halfway between two points of norm {norm:.2f} your point has norm {got:.2f}: "
            "a straight line cuts inside the sphere. Walk along the great circle between "
            "them: each point's weights depend on the angle between z0 and z1.",
        )
    for t in (0.1, 0.3, 0.5, 0.8):
        if not _close(slerp_fn(z0, z1, t), _reference_slerp(z0, z1, t), 1e-4):
            return _verdict(
                False,
                f"at t = {t} your point is not on the great circle at "
                f"{t:.0%} of the angle: normalising a straight line keeps the norm "
                "but moves at an uneven speed; use the sin weights.",
            )
    return _verdict(
        True, "your slerp keeps the norm and moves along the great circle at an even speed."
    )


def show_solution(exercise: str) -> None:
    """Print a worked solution (:mod:`labhelpers.solutions`) of ``"mirror_wgan"`` (01),
    ``"slerp"`` (02), ``"wgan_gp"`` (03) or ``"gan"`` (04); ValueError for other names."""
    from . import solutions

    if exercise not in solutions.SOLUTIONS:
        raise ValueError(
            f"no solution named {exercise!r}; choose one of {', '.join(solutions.SOLUTIONS)}."
        )
    print("\n\n".join(inspect.getsource(obj) for obj in solutions.SOLUTIONS[exercise]))
