"""Checkers for the code a learner writes in the notebooks (the way Kaggle Learn's do).

Each ``check_*`` function runs the learner's code next to the package's own
on the same inputs and random numbers, and prints one verdict: what agrees,
or the first thing that differs and what usually causes it. It returns
``True`` or ``False`` so a notebook cell (and the tests) can assert on it.
``tests/test_exercises.py`` proves that each checker accepts the right answer
and rejects the known wrong ones.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .models import build_critic, build_generator
from .settings import set_seed
from .training import WGAN


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def _close(a, b, tol: float, atol: float | None = None) -> bool:
    """Equal up to float rounding: ``|a - b| <= atol + tol * |b|`` (``atol`` defaults to tol)."""
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    atol = tol if atol is None else atol
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + tol * np.abs(b)))


def check_wgan(
    wgan_class: type,
    constraint: keras.constraints.Constraint | None = None,
    images: np.ndarray | None = None,
    iterations: int = 2,
    seed: int = 0,
    mirror: bool = False,
) -> bool:
    """Does ``wgan_class`` train exactly like :class:`labhelpers.training.WGAN`?

    Builds ``wgan_class(generator, critic)`` and the package's ``WGAN`` with
    identical initial weights (the learner's critic carries ``constraint``,
    the learner's clip constraint, if given), compiles both, and runs
    ``iterations`` calls of each ``train_step`` on the same real images with
    the same random numbers. Then compares the three logged losses and every
    weight of both networks (to float rounding).

    With ``mirror=True`` (notebook 01's exercise on the mirror convention) the
    learner's class uses real = +1, fake = -1, and its critic starts as
    ``D' = -D`` (the output layer negated): the losses must then be the same,
    and so must every weight, except the output layer's, which stay negated.
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
    set_seed(seed)
    half = 8
    if images is None:
        images = np.random.default_rng(seed).uniform(-1, 1, (4 * 5 * half, 28, 28, 1))
    images = np.asarray(images, "float32")
    generator, critic = build_generator(), build_critic()
    their_critic = build_critic(constraint=constraint) if constraint is not None else build_critic()
    theirs_g = build_generator()
    theirs_g.set_weights(generator.get_weights())
    their_critic.set_weights(critic.get_weights())
    output_layer = their_critic.layers[-1]
    if mirror:
        output_layer.set_weights([-w for w in output_layer.get_weights()])
    ours = WGAN(generator, critic)
    ours.compile()
    try:
        theirs = wgan_class(theirs_g, their_critic)
        theirs.compile()
    except Exception as err:  # the learner's class could not even be built
        return _verdict(
            False,
            f"building and compiling your class failed: {type(err).__name__}: "
            f"{err}. It should take (generator, critic) and compile() without arguments.",
        )
    n_critic = ours.n_critic
    for it in range(iterations):
        batch = images[it * n_critic * half : (it + 1) * n_critic * half]
        set_seed(seed + 1 + it)
        expected = {k: float(v) for k, v in ours.train_step(tf.constant(batch)).items()}
        set_seed(seed + 1 + it)
        try:
            got = theirs.train_step(tf.constant(batch))
        except Exception as err:
            return _verdict(False, f"train_step raised {type(err).__name__}: {err}")
        if not isinstance(got, dict) or not set(expected) <= set(got):
            return _verdict(
                False,
                "train_step should return a dict with the keys "
                f"{sorted(expected)}; yours returned {got!r:.120}.",
            )
        got = {k: float(got[k]) for k in expected}
        where = f"in iteration {it + 1}"
        if not _close(got["critic_real"], expected["critic_real"], 1e-3):
            if got["critic_real"] * expected["critic_real"] < 0:
                return _verdict(
                    False,
                    f"critic_real has the wrong sign {where}: "
                    + (
                        "in the mirror convention real images get label +1 and fakes -1 "
                        "(the generator too uses +1)."
                        if mirror
                        else "the label of real images is -1, so the loss on real is -mean D(real)."
                    ),
                )
            return _verdict(
                False,
                f"critic_real is {got['critic_real']:+.5f} {where}, expected "
                f"{expected['critic_real']:+.5f}: is every critic update on a fresh "
                "half batch of real images (tf.split into n_critic parts), and is the "
                "value averaged over the n_critic updates?",
            )
        if not _close(got["critic_fake"], expected["critic_fake"], 1e-3):
            return _verdict(
                False,
                f"critic_fake is {got['critic_fake']:+.5f} {where}, expected "
                f"{expected['critic_fake']:+.5f}: fakes get label +1, one half batch "
                "from generator(z, training=True) per critic update.",
            )
        if not _close(got["generator"], expected["generator"], 1e-3):
            return _verdict(
                False,
                f"the generator loss is {got['generator']:+.5f} {where}, "
                f"expected {expected['generator']:+.5f}: it is -mean D(G(z)) on a full "
                "batch (2 x half) of new fakes, with the real label -1.",
            )
        for name, a, b in (("critic", their_critic, critic), ("generator", theirs_g, generator)):
            for wa, wb in zip(a.weights, b.weights):
                sign = -1.0 if mirror and any(wa is v for v in output_layer.weights) else 1.0
                # An update moves a weight by about 1e-4 (RMSprop, 5e-5): compare finer.
                if not _close(sign * wa.numpy(), wb.numpy(), 1e-4, atol=1e-6):
                    hint = (
                        "the critic changes only in its n_critic updates (never in the "
                        "generator update), with RMSprop(5e-5) and the clip constraint on "
                        "its conv kernels"
                        if name == "critic"
                        else "the generator changes in one update per iteration, on its own "
                        "variables only, with RMSprop(5e-5)"
                    )
                    return _verdict(
                        False,
                        f"the {name}'s weight {wa.path} differs from the package's after "
                        f"iteration {it + 1}: {hint}.",
                    )
    return _verdict(
        True,
        f"{iterations} iterations of your WGAN gave the same losses and the "
        "same weights as labhelpers.training.WGAN"
        + (" (the critic's output layer negated: D' = -D)." if mirror else "."),
    )


def check_gradient_penalty(penalty_fn, seed: int = 0) -> bool:
    """Is ``penalty_fn(critic, real, fake)`` WGAN-GP's gradient penalty?

    Three checks, in order: the closed form for a linear critic, where the
    penalty must be ``(|w| - 1)^2``; the package's
    :func:`labhelpers.losses.gradient_penalty` on a real critic with the same
    random numbers; and a finite gradient with respect to the critic's weights
    when the critic's input gradient is exactly zero.
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
            return _verdict(False, f"your function raised {type(err).__name__}: {err}")
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
    set_seed(seed + 1)
    expected = float(gradient_penalty(critic, real, fake))
    set_seed(seed + 1)
    got = float(penalty_fn(critic, real, fake))
    if not _close(got, expected, 1e-3):
        return _verdict(
            False,
            f"on a non-linear critic your penalty is {got:.5f}, the "
            f"package's {expected:.5f} with the same random numbers. Interpolate "
            "with ONE eps ~ U[0, 1] per example (tf.random.uniform with shape "
            "(batch, 1, 1, 1)), drawn before anything else random, not per pixel "
            "and not from a normal distribution.",
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
        value = penalty_fn(flat, real, fake)
    grads = [tape.gradient(value, kernel)]
    if any(g is None for g in grads):
        return _verdict(
            False,
            "the penalty has no gradient with respect to the critic's "
            "weights: compute it with TensorFlow operations only (no .numpy()), "
            "so the critic update can differentiate it.",
        )
    if not all(np.all(np.isfinite(g.numpy())) for g in grads):
        return _verdict(
            False,
            "when the critic's input gradient is exactly zero, the penalty's "
            "gradient is NaN: sqrt has an infinite slope at 0 (tf.norm too). Add a "
            "small epsilon inside the square root.",
        )
    return _verdict(
        True,
        "your gradient penalty matches the closed form on a linear critic and "
        "the package's on a non-linear one, and stays finite at zero gradients.",
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
    """Is ``slerp_fn(z0, z1, t)`` spherical interpolation between two latent points?

    Checks the two ends (t = 0 gives z0, t = 1 gives z1), that the norm stays
    constant between two points of equal norm (a straight line's dips in the
    middle), and the values against the standard formula
    ``(sin((1-t) w) z0 + sin(t w) z1) / sin(w)``, ``w`` the angle between them.
    """
    rng = np.random.default_rng(seed)
    z0, z1 = rng.standard_normal(50), rng.standard_normal(50)
    z1 = z1 / np.linalg.norm(z1) * np.linalg.norm(z0)  # equal norms
    try:
        ends = [np.asarray(slerp_fn(z0, z1, t), "float64") for t in (0.0, 1.0)]
        middle = np.asarray(slerp_fn(z0, z1, 0.5), "float64")
    except Exception as err:
        return _verdict(False, f"your function raised {type(err).__name__}: {err}")
    if not (_close(ends[0], z0, 1e-5) and _close(ends[1], z1, 1e-5)):
        return _verdict(False, "t = 0 must give z0 and t = 1 must give z1.")
    norm = np.linalg.norm(z0)
    if abs(np.linalg.norm(middle) - norm) > 1e-3 * norm:
        return _verdict(
            False,
            f"halfway between two points of norm {norm:.2f} your point has "
            f"norm {np.linalg.norm(middle):.2f}: a straight line cuts inside the "
            "sphere. Walk along the great circle: weights sin((1-t)w)/sin(w) and "
            "sin(t w)/sin(w), w the angle between z0 and z1.",
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
