"""The losses of the course, in the reference lab's convention: **real = -1, fake = +1**,
``loss = mean(labels * scores)``. The critic minimises ``mean D(fake) - mean D(real)``,
minus which is its Wasserstein estimate; the generator minimises ``-mean D(G(z))``.
Labels give the direction to push a score, not a target.
"""

from __future__ import annotations

import tensorflow as tf

REAL_LABEL = -1.0
FAKE_LABEL = 1.0


def wasserstein_loss(labels, scores) -> tf.Tensor:
    """``mean(labels * scores)`` (the +-1 label trick), in float32 whatever the scores' dtype."""
    scores = tf.cast(scores, "float32")
    return tf.reduce_mean(tf.cast(labels, "float32") * scores)


def interpolate_gradient_norms(
    critic, real: tf.Tensor, fake: tf.Tensor, eps: float = 1e-12, training: bool = True
) -> tf.Tensor:
    """``||grad D(x_hat)||_2`` (float32) per example, at ``x_hat = a * real + (1 - a) * fake``
    with one ``a ~ U[0, 1]`` per example (WGAN-GP paper, Algorithm 1).

    ``eps`` inside the square root keeps the norm's gradient finite at a zero gradient;
    ``critic`` is called with ``training`` (False: BatchNorm's moving statistics).
    """
    batch = tf.shape(real)[0]
    fake = tf.cast(fake, real.dtype)  # a bfloat16 generator's images, in the data's float32
    rank = len(real.shape)  # images (4) or points (2): one a per example either way
    alpha = tf.random.uniform([batch] + [1] * (rank - 1), 0.0, 1.0, dtype=real.dtype)
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=training)
    grads = tf.cast(tape.gradient(scores, x_hat), "float32")
    return tf.sqrt(tf.reduce_sum(tf.square(grads), axis=list(range(1, rank))) + eps)


def gradient_penalty(critic, real: tf.Tensor, fake: tf.Tensor, eps: float = 1e-12) -> tf.Tensor:
    """WGAN-GP penalty ``mean((||grad D(x_hat)||_2 - 1)^2)`` at random interpolates
    (:func:`interpolate_gradient_norms`)."""
    norms = interpolate_gradient_norms(critic, real, fake, eps)
    return tf.reduce_mean(tf.square(norms - 1.0))
