"""The loss signs and the gradient penalty, checked against hand-computed values."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers.losses import FAKE_LABEL, REAL_LABEL, gradient_penalty, wasserstein_loss


def test_convention_is_real_minus_one_fake_plus_one():
    assert (REAL_LABEL, FAKE_LABEL) == (-1.0, 1.0)


def test_wasserstein_loss_signs():
    real_scores = tf.constant([[3.0], [5.0]])  # the critic likes these: mean 4
    fake_scores = tf.constant([[-1.0], [-3.0]])  # and dislikes these: mean -2
    real_loss = float(wasserstein_loss(REAL_LABEL, real_scores))
    fake_loss = float(wasserstein_loss(FAKE_LABEL, fake_scores))
    assert real_loss == -4.0  # -mean D(real)
    assert fake_loss == -2.0  # +mean D(fake)
    # The critic minimises real_loss + fake_loss = D(fake) - D(real); minus it
    # is the Wasserstein estimate, positive when real scores beat fake scores.
    assert -(real_loss + fake_loss) == 6.0
    # The generator wants its fakes scored as real: its loss is -D(fake).
    assert float(wasserstein_loss(REAL_LABEL, fake_scores)) == 2.0


def test_critic_gradient_pushes_real_up_and_fake_down():
    score = tf.Variable([[0.0]])
    with tf.GradientTape(persistent=True) as tape:
        real_loss = wasserstein_loss(REAL_LABEL, score)
        fake_loss = wasserstein_loss(FAKE_LABEL, score)
    # gradient descent moves the score against the gradient
    assert float(tape.gradient(real_loss, score)[0, 0]) < 0  # real score goes up
    assert float(tape.gradient(fake_loss, score)[0, 0]) > 0  # fake score goes down


def linear_critic(w: np.ndarray) -> keras.Model:
    """D(x) = w . x (no bias): its gradient is w everywhere."""
    critic = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)]
    )
    critic.layers[-1].set_weights([w.reshape(-1, 1)])
    return critic


@pytest.mark.parametrize("norm", [0.3, 1.0, 2.5])
def test_gradient_penalty_of_linear_critic_is_closed_form(norm):
    rng = np.random.default_rng(0)
    w = rng.standard_normal(28 * 28).astype("float32")
    w *= norm / np.linalg.norm(w)
    real = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)).astype("float32"))
    fake = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)).astype("float32"))
    penalty = float(gradient_penalty(linear_critic(w), real, fake))
    assert penalty == pytest.approx((norm - 1.0) ** 2, abs=1e-4)


def test_gradient_penalty_is_finite_for_a_zero_gradient():
    critic = linear_critic(np.zeros(28 * 28, "float32"))
    x = tf.zeros((4, 28, 28, 1))
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(critic, x, x)
    grads = tape.gradient(penalty, critic.trainable_variables)
    assert float(penalty) == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.isfinite(grads[0].numpy()))
