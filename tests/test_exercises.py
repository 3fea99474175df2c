"""Each checker accepts the right answer and rejects the known wrong ones."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers.exercises import check_gradient_penalty, check_slerp, check_wgan


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
        (
            _penalty(norm_fn=lambda g: tf.norm(tf.reshape(g, [tf.shape(g)[0], -1]), axis=1)),
            "epsilon inside the square root",
        ),
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
