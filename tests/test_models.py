"""Shapes, the clip constraint and the fast one-filter convolution."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers.models import (
    ClipConstraint,
    FusedBatchNormalization,
    SingleFilterConv2D,
    build_critic,
    build_discriminator,
    build_generator,
    build_gp_critic,
)


def test_generator_makes_images_in_tanh_range():
    images = build_generator(50)(tf.random.normal([3, 50])).numpy()
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1


@pytest.mark.parametrize("build", [build_critic, build_gp_critic, build_discriminator])
def test_judges_give_one_number_per_image(build):
    assert build()(tf.zeros([5, 28, 28, 1])).shape == (5, 1)


def test_critic_clips_conv_kernels_only_and_gp_critic_has_no_batchnorm():
    critic = build_critic()
    convs = [layer for layer in critic.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(convs) == 2
    assert all(isinstance(layer.kernel_constraint, ClipConstraint) for layer in convs)
    assert critic.layers[-1].activation.__name__ == "linear"
    gp = build_gp_critic()
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in gp.layers)
    assert not any(getattr(layer, "kernel_constraint", None) for layer in gp.layers)


def test_clip_constraint_clips_and_round_trips():
    c = ClipConstraint(0.01)
    clipped = c(tf.constant([-1.0, -0.005, 0.02]))
    np.testing.assert_allclose(clipped.numpy(), [-0.01, -0.005, 0.01])
    assert ClipConstraint.from_config(c.get_config()).clip_value == 0.01
    with pytest.raises(ValueError, match="positive"):
        ClipConstraint(0)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_single_filter_conv_matches_plain_conv2d(padding):
    x = tf.random.normal([2, 28, 28, 16])
    fast = SingleFilterConv2D(7, padding=padding, activation="tanh")
    plain = keras.layers.Conv2D(1, 7, padding=padding, activation="tanh")
    fast(x), plain(x)
    plain.set_weights(fast.get_weights())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y_fast, y_plain = fast(x), plain(x)
    np.testing.assert_allclose(y_fast.numpy(), y_plain.numpy(), atol=1e-5)
    for a, b in zip(
        tape.gradient(y_fast, [x, fast.kernel]), tape.gradient(y_plain, [x, plain.kernel])
    ):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-4)


def test_bad_latent_size_is_a_clear_error():
    with pytest.raises(ValueError, match="latent_dim"):
        build_generator(0)


def test_fused_batch_norm_matches_keras_batch_norm():
    x = tf.random.normal([4, 9, 9, 16]) * 3 + 1
    fused, plain = FusedBatchNormalization(), keras.layers.BatchNormalization()
    fused.build(x.shape)
    plain.build(x.shape)
    fused.gamma.assign(tf.random.normal([16]))
    fused.beta.assign(tf.random.normal([16]))
    plain.set_weights(fused.get_weights())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y_fused, y_plain = fused(x, training=True), plain(x, training=True)
        loss_fused, loss_plain = tf.reduce_sum(y_fused**3), tf.reduce_sum(y_plain**3)
    np.testing.assert_allclose(y_fused.numpy(), y_plain.numpy(), atol=1e-5)
    for a, b in zip(fused.get_weights(), plain.get_weights()):  # incl. moving mean and variance
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    grads_fused = tape.gradient(loss_fused, [x, fused.gamma, fused.beta])
    grads_plain = tape.gradient(loss_plain, [x, plain.gamma, plain.beta])
    for a, b in zip(grads_fused, grads_plain):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(fused(x).numpy(), plain(x).numpy(), atol=1e-5)  # inference mode
