"""Each checker accepts the right answer and rejects the known wrong ones."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers import solutions
from labhelpers.exercises import (
    check_gan,
    check_gradient_penalty,
    check_slerp,
    check_wgan,
    check_wgan_gp,
    served_noise,
    show_solution,
)


class Clip(keras.constraints.Constraint):
    """The learner's clip constraint, as written in notebook 01."""

    def __init__(self, c=0.01):
        self.c = c

    def __call__(self, w):
        return keras.ops.clip(w, -self.c, self.c)


class MyWGAN(keras.Model):
    """The learner's WGAN, as written in notebook 01 (the right answer)."""

    real_label, fake_label = -1.0, 1.0
    split_real = True

    def __init__(self, generator, critic, n_critic=5):
        super().__init__()
        self.generator, self.critic, self.n_critic = generator, critic, n_critic
        self.latent_dim = generator.input_shape[-1]

    def compile(self):
        super().compile()
        self.critic_optimizer = keras.optimizers.RMSprop(learning_rate=5e-5)
        self.generator_optimizer = keras.optimizers.RMSprop(learning_rate=5e-5)

    def wasserstein(self, label, scores):
        return tf.reduce_mean(label * scores)

    def generator_variables(self):
        return self.generator.trainable_variables

    def train_step(self, real_images):
        batches = tf.split(real_images, self.n_critic)
        if not self.split_real:
            batches = [batches[0]] * self.n_critic
        real_losses, fake_losses = [], []
        for real in batches:
            z = tf.random.normal([tf.shape(real)[0], self.latent_dim])
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                loss_real = self.wasserstein(self.real_label, self.critic(real, training=True))
                loss_fake = self.wasserstein(self.fake_label, self.critic(fake, training=True))
                loss = loss_real + loss_fake
            grads = tape.gradient(loss, self.critic.trainable_variables)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
            real_losses.append(loss_real)
            fake_losses.append(loss_fake)
        z = tf.random.normal([2 * tf.shape(real)[0], self.latent_dim])
        variables = self.generator_variables()
        with tf.GradientTape() as tape:
            scores = self.critic(self.generator(z, training=True), training=True)
            gen_loss = self.wasserstein(self.real_label, scores)
        grads = tape.gradient(gen_loss, variables)
        self.generator_optimizer.apply_gradients(zip(grads, variables))
        return {
            "critic_real": tf.reduce_mean(real_losses),
            "critic_fake": tf.reduce_mean(fake_losses),
            "generator": gen_loss,
        }


class SwappedLabels(MyWGAN):
    real_label, fake_label = 1.0, -1.0


class ReusedRealBatch(MyWGAN):
    split_real = False


class GeneratorStepAlsoMovesCritic(MyWGAN):
    def generator_variables(self):
        return self.generator.trainable_variables + self.critic.trainable_variables


class NoClip(keras.constraints.Constraint):
    def __call__(self, w):
        return w


def test_the_right_answer_passes(capsys):
    assert check_wgan(MyWGAN, Clip())
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong, constraint, hint",
    [
        (SwappedLabels, Clip(), "wrong sign"),
        (ReusedRealBatch, Clip(), "fresh"),
        (GeneratorStepAlsoMovesCritic, Clip(), "critic's weight"),
        (MyWGAN, NoClip(), "should clip every weight"),
    ],
)
def test_known_mistakes_are_caught_with_a_hint(wrong, constraint, hint, capsys):
    assert not check_wgan(wrong, constraint)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and hint in out


class Mirror(MyWGAN):
    real_label, fake_label = 1.0, -1.0


@pytest.mark.slow
def test_mirror_convention_checker(capsys):
    assert check_wgan(Mirror, Clip(), mirror=True)
    assert "D' = -D" in capsys.readouterr().out
    assert not check_wgan(MyWGAN, Clip(), mirror=True)  # the course's labels are not the mirror
    assert "mirror convention" in capsys.readouterr().out


def right_penalty(critic, real, fake):
    """The learner's gradient penalty, as written in notebook 03 (the right answer)."""
    eps = tf.random.uniform([tf.shape(real)[0], 1, 1, 1], 0.0, 1.0)
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def _penalty(eps_fn=None, norm_fn=None):
    def penalty(critic, real, fake):
        eps = (eps_fn or (lambda b: tf.random.uniform([b, 1, 1, 1])))(tf.shape(real)[0])
        x_hat = eps * real + (1.0 - eps) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat, training=True)
        grads = tape.gradient(scores, x_hat)
        default = lambda g: tf.sqrt(tf.reduce_sum(tf.square(g), axis=[1, 2, 3]) + 1e-12)  # noqa: E731
        return tf.reduce_mean(tf.square((norm_fn or default)(grads) - 1.0))

    return penalty


def test_gradient_penalty_checker_accepts_the_right_answer(capsys):
    assert check_gradient_penalty(right_penalty)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_penalty(eps_fn=lambda b: tf.random.uniform([b, 28, 28, 1])), "per example"),  # per pixel
        (_penalty(eps_fn=lambda b: tf.random.normal([b, 1, 1, 1])), "normal distribution"),
        (_penalty(norm_fn=lambda g: tf.reduce_sum(tf.square(g), axis=[1, 2, 3])), "not its square"),
    ],
)
def test_gradient_penalty_checker_catches_known_mistakes(wrong, hint, capsys):
    assert not check_gradient_penalty(wrong)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and hint in out


def right_slerp(z0, z1, t):
    omega = np.arccos(np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1)))
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def nlerp(z0, z1, t):  # a straight line pushed back onto the sphere
    z = (1 - t) * z0 + t * z1
    return z / np.linalg.norm(z) * np.linalg.norm(z0)


def test_slerp_checker(capsys):
    assert check_slerp(right_slerp)
    assert capsys.readouterr().out.startswith("Correct")
    for wrong, hint in (
        (lambda z0, z1, t: (1 - t) * z0 + t * z1, "cuts inside the sphere"),
        (nlerp, "uneven speed"),
        (lambda z0, z1, t: right_slerp(z0, z1, 1 - t), "t = 0 must give z0"),
    ):
        assert not check_slerp(wrong)
        assert hint in capsys.readouterr().out


# -- equivalent code: other draw orders, the other interpolation, the authors' formula --------
class NoiseDrawnFirst(MyWGAN):
    """Draws all its noise before any update, the generator's first: another order
    of draws than the package's (which draws each batch where it is used)."""

    def train_step(self, real_images):
        batches = tf.split(real_images, self.n_critic)
        half = tf.shape(batches[0])[0]
        z_gen = tf.random.normal([2 * half, self.latent_dim])
        z_critic = [tf.random.normal([half, self.latent_dim]) for _ in batches]
        real_losses, fake_losses = [], []
        for real, z in zip(batches, z_critic):
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                loss_real = self.wasserstein(-1.0, self.critic(real, training=True))
                loss_fake = self.wasserstein(1.0, self.critic(fake, training=True))
                loss = loss_real + loss_fake
            grads = tape.gradient(loss, self.critic.trainable_variables)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
            real_losses.append(loss_real)
            fake_losses.append(loss_fake)
        with tf.GradientTape() as tape:
            gen_loss = self.wasserstein(
                -1.0, self.critic(self.generator(z_gen, training=True), training=True)
            )
        variables = self.generator.trainable_variables
        self.generator_optimizer.apply_gradients(zip(tape.gradient(gen_loss, variables), variables))
        return {
            "critic_real": tf.reduce_mean(real_losses),
            "critic_fake": tf.reduce_mean(fake_losses),
            "generator": gen_loss,
        }


def test_served_noise_depends_on_kind_shape_and_count_not_on_order():
    with served_noise(3):
        a1, b1, a2 = tf.random.normal([4, 2]), tf.random.uniform([3]), tf.random.normal([4, 2])
    with served_noise(3):
        b2, c1 = keras.random.uniform((3,)), tf.random.normal([4, 2])
    np.testing.assert_array_equal(a1, c1)  # the first normal (4, 2) draw, whenever made
    np.testing.assert_array_equal(b1, b2)  # tf and keras draws share the stream
    assert not np.array_equal(a1, a2)  # the second draw of a shape is new numbers
    with served_noise(3, flip_uniform=True):
        np.testing.assert_allclose(tf.random.uniform([3]), 1.0 - b1.numpy(), atol=1e-7)
    ints = tf.random.uniform([5], 0, 8, dtype=tf.int32)  # outside: TensorFlow's own again
    assert ints.dtype == tf.int32


def test_wgan_checker_accepts_another_draw_order(capsys):
    assert check_wgan(NoiseDrawnFirst, Clip())
    assert capsys.readouterr().out.startswith("Correct")


def authors_penalty(critic, real, fake):
    """The authors' code's formula: real + alpha (fake - real), no epsilon in the sqrt."""
    alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
    x_hat = real + alpha * (fake - real)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tf.reshape(tape.gradient(scores, x_hat), [tf.shape(real)[0], -1])
    return tf.reduce_mean(tf.square(tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1)) - 1.0))


def test_penalty_checker_accepts_the_authors_formula_with_a_note(capsys):
    assert check_gradient_penalty(authors_penalty)
    out = capsys.readouterr().out
    assert out.startswith("Correct") and "numerical safeguard" in out


# -- WGAN-GP and GAN trainers: the solutions, equivalent code and known mistakes ----------
class PenaltyFirst(solutions.MyWGANGP):
    """The penalty's random numbers drawn before the fakes' noise; the course's
    interpolation eps real + (1 - eps) fake."""

    def train_step(self, real_images):
        c_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        reals, fakes, gps = [], [], []
        for real in tf.split(real_images, self.n_critic):
            eps = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
            fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
            with tf.GradientTape() as tape:
                reals.append(solutions.wasserstein(-1.0, self.critic(real, training=True)))
                fakes.append(solutions.wasserstein(1.0, self.critic(fake, training=True)))
                x_hat = eps * real + (1.0 - eps) * fake
                with tf.GradientTape() as inner:
                    inner.watch(x_hat)
                    scores = self.critic(x_hat, training=True)
                g = inner.gradient(scores, x_hat)
                norms = tf.sqrt(tf.reduce_sum(tf.square(g), axis=[1, 2, 3]) + 1e-12)
                gps.append(tf.reduce_mean(tf.square(norms - 1.0)))
                loss = reals[-1] + fakes[-1] + 10.0 * gps[-1]
            self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        z = tf.random.normal([2 * tf.shape(real)[0], 50])
        with tf.GradientTape() as tape:
            l_gen = solutions.wasserstein(
                -1.0, self.critic(self.generator(z, training=True), training=True)
            )
        self.g_opt.apply_gradients(zip(tape.gradient(l_gen, g_vars), g_vars))
        return {
            "critic_real": tf.reduce_mean(reals),
            "critic_fake": tf.reduce_mean(fakes),
            "generator": l_gen,
            "gp": tf.reduce_mean(gps),
        }


class NoPenalty(solutions.MyWGANGP):
    def __init__(self, generator, critic):
        super().__init__(generator, critic, gp_weight=0.0)


class RMSpropGP(solutions.MyWGANGP):
    def compile(self):
        super().compile()
        self.c_opt = keras.optimizers.RMSprop(1e-4)
        self.g_opt = keras.optimizers.RMSprop(1e-4)


class Unfinished(keras.Model):
    pass


@pytest.mark.slow
def test_wgan_gp_checker(capsys):
    for right in (solutions.MyWGANGP, PenaltyFirst):  # either interpolation, either order
        assert check_wgan_gp(right)
        assert capsys.readouterr().out.startswith("Correct")
    for wrong, hint in (
        (NoPenalty, "10 x penalty"),
        (RMSpropGP, "Adam(1e-4"),
        (Unfinished, "no train_step of its own"),
    ):
        assert not check_wgan_gp(wrong)
        out = capsys.readouterr().out
        assert out.startswith("Not yet") and hint in out


class SwappedGANLabels(solutions.MyGAN):
    def __init__(self, generator, discriminator):
        super().__init__(generator, discriminator)
        bce = keras.losses.BinaryCrossentropy()
        self.bce = lambda y, p: bce(1.0 - y, p)


def test_gan_checker(capsys):
    assert check_gan(solutions.MyGAN)
    assert capsys.readouterr().out.startswith("Correct")
    assert not check_gan(SwappedGANLabels)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "against 1" in out
    assert not check_gan(Unfinished)
    assert "no train_step" in capsys.readouterr().out


def test_every_solution_passes_its_checker_and_is_shown(capsys):
    assert check_wgan(solutions.MirrorWGAN, Clip(), mirror=True)
    assert check_slerp(solutions.slerp)
    assert check_gradient_penalty(solutions.penalty)
    capsys.readouterr()
    for name in solutions.SOLUTIONS:
        show_solution(name)
        shown = capsys.readouterr().out
        assert "def " in shown or "class " in shown
    show_solution("wgan_gp")
    assert "def penalty" in capsys.readouterr().out  # what the class needs comes with it
    with pytest.raises(ValueError, match="choose one of"):
        show_solution("nope")


class GANNoiseFirst(solutions.MyGAN):
    """Draws the generator update's noise before the discriminator's: another order."""

    def train_step(self, real_images):
        c_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        real = real_images
        z_gen = tf.random.normal([2 * tf.shape(real)[0], 50])
        fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
        with tf.GradientTape() as tape:
            p_real, p_fake = self.critic(real, training=True), self.critic(fake, training=True)
            real_loss = self.bce(tf.ones_like(p_real), p_real)
            fake_loss = self.bce(tf.zeros_like(p_fake), p_fake)
            loss = real_loss + fake_loss
        self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        with tf.GradientTape() as tape:
            p_gen = self.critic(self.generator(z_gen, training=True), training=True)
            l_gen = self.bce(tf.ones_like(p_gen), p_gen)
        self.g_opt.apply_gradients(zip(tape.gradient(l_gen, g_vars), g_vars))
        return {"critic_real": real_loss, "critic_fake": fake_loss, "generator": l_gen}


def test_gan_checker_accepts_another_draw_order(capsys):
    assert check_gan(GANNoiseFirst)
    assert capsys.readouterr().out.startswith("Correct")


# -- correct answers the checkers must accept, mistakes that need a useful hint ---------
def rounded_penalty(critic, real, fake):
    """A correct penalty with other arithmetic (g * g, 1e-10): other rounding."""
    eps = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    g = tape.gradient(scores, x_hat)
    return tf.reduce_mean((tf.sqrt(tf.reduce_sum(g * g, axis=[1, 2, 3]) + 1e-10) - 1.0) ** 2)


class OtherRounding(solutions.MyWGANGP):
    """Correct: only the penalty's arithmetic differs. A generator bias before a
    BatchNorm has a true gradient of zero; Adam turns rounding noise there into
    full-size steps, which the checker must not hold against the learner."""

    def train_step(self, real_images):
        original = solutions.penalty
        solutions.penalty = rounded_penalty
        try:
            return super().train_step(real_images)
        finally:
            solutions.penalty = original


class NoiseInOneCall(MyWGAN):
    """Correct: the n_critic half batches of noise drawn in one call, then split."""

    def train_step(self, real_images):
        half = tf.shape(real_images)[0] // self.n_critic
        zs = tf.split(tf.random.normal([self.n_critic * half, self.latent_dim]), self.n_critic)
        real_losses, fake_losses = [], []
        for real, z in zip(tf.split(real_images, self.n_critic), zs):
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                loss_real = self.wasserstein(-1.0, self.critic(real, training=True))
                loss_fake = self.wasserstein(1.0, self.critic(fake, training=True))
                loss = loss_real + loss_fake
            grads = tape.gradient(loss, self.critic.trainable_variables)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
            real_losses.append(loss_real)
            fake_losses.append(loss_fake)
        z = tf.random.normal([2 * half, self.latent_dim])
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            gen_loss = self.wasserstein(-1.0, self.critic(fake, training=True))
        grads = tape.gradient(gen_loss, self.generator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {
            "critic_real": tf.reduce_mean(real_losses),
            "critic_fake": tf.reduce_mean(fake_losses),
            "generator": gen_loss,
        }


@pytest.mark.slow
def test_correct_variants_pass(capsys):
    assert check_wgan_gp(OtherRounding), capsys.readouterr().out
    assert check_wgan(NoiseInOneCall, Clip()), capsys.readouterr().out


def unwatched_penalty(critic, real, fake):
    eps = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        scores = critic(x_hat, training=True)  # no tape.watch(x_hat)
    g = tape.gradient(scores, x_hat)
    return tf.reduce_mean((tf.sqrt(tf.reduce_sum(tf.square(g), axis=[1, 2, 3])) - 1.0) ** 2)


class PenaltyAfterTheTape(solutions.MyWGANGP):
    """The penalty computed after the tape closed: the critic's update misses it."""

    def train_step(self, real_images):
        c_vars = self.critic.trainable_variables
        for real in tf.split(real_images, self.n_critic):
            fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
            with tf.GradientTape() as tape:
                loss = solutions.wasserstein(-1.0, self.critic(real, training=True))
                loss += solutions.wasserstein(1.0, self.critic(fake, training=True))
            loss += self.gp_weight * solutions.penalty(self.critic, real, fake)
            self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        return {"critic_real": loss, "critic_fake": loss, "generator": loss}


class MirrorGeneratorLabelLeft(Mirror):
    """The mirror convention, but the generator still uses the course's label -1."""

    def train_step(self, real_images):
        self._in_generator = False
        return super().train_step(real_images)

    def wasserstein(self, label, scores):
        if label == 1.0 and getattr(self, "_in_generator", False):
            label = -1.0
        return tf.reduce_mean(label * scores)

    def generator_variables(self):
        self._in_generator = True
        return self.generator.trainable_variables


def test_mistakes_get_a_hint_not_a_raw_error(capsys):
    assert not check_gradient_penalty(unwatched_penalty)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "tape.watch" in out
    assert not check_wgan_gp(PenaltyAfterTheTape)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and ("GradientTape" in out or "penalty" in out), out
    assert not check_wgan(MirrorGeneratorLabelLeft, Clip(), mirror=True)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "mirror convention" in out, out


def slerp_without_unit_vectors(z0, z1, t):
    omega = np.arccos(np.clip(np.dot(z0, z1), -1, 1))  # the dot of points of norm about 7
    with np.errstate(all="ignore"):
        return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def test_slerp_hints_name_the_mistake_without_the_formula(capsys):
    assert not check_slerp(slerp_without_unit_vectors)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "unit vectors" in out, out
    assert not check_slerp(lambda z0, z1, t: (1 - t) * z0 + t * z1)  # a straight line
    out = capsys.readouterr().out
    assert "great circle" in out and "sin" not in out, out
