"""The losses of the course, in one sign convention.

Convention (the reference lab's): **real = -1, fake = +1**, and
``wasserstein_loss(labels, scores) = mean(labels * scores)``.

* Critic loss on real images:  ``mean(-1 * D(real)) = -mean D(real)``
* Critic loss on fake images:  ``mean(+1 * D(fake)) = +mean D(fake)``
* The critic minimises their sum, ``mean D(fake) - mean D(real)``, which
  pushes real scores up and fake scores down. Minus that sum is the critic's
  estimate of the Wasserstein distance: ``W ~ mean D(real) - mean D(fake)``.
* Generator loss: ``mean(-1 * D(G(z)))`` - the generator wants its fakes to
  be scored like real images.

The mirror convention (real = +1, fake = -1) flips every sign and is just as
correct. The labels never are targets: a perfect critic does not output -1
and +1, the label only says in which direction to push the score.
"""

from __future__ import annotations

import tensorflow as tf

REAL_LABEL = -1.0
FAKE_LABEL = 1.0


def wasserstein_loss(labels, scores) -> tf.Tensor:
    """``mean(labels * scores)``: the +-1 label trick for a Keras-style loss.

    Computed in float32 whatever the critic's precision (bfloat16 scores are cast).
    """
    scores = tf.cast(scores, "float32")
    return tf.reduce_mean(tf.cast(labels, "float32") * scores)


def interpolate_gradient_norms(
    critic, real: tf.Tensor, fake: tf.Tensor, eps: float = 1e-12, training: bool = True
) -> tf.Tensor:
    """``||grad D(x_hat)||_2`` for each example, at random points between real and fake.

    ``x_hat = a * real + (1 - a) * fake`` with one ``a ~ U[0, 1]`` per example
    (not per pixel, not normal: both are reported bugs of public code). Pairing
    real and fake images at random is WGAN-GP's heuristic; the paper's
    Proposition 1 (norm 1 on the lines) is about optimally coupled pairs. The
    small ``eps`` inside the square root keeps the gradient finite when a
    gradient is exactly zero (sqrt'(0) is infinite). ``training=False`` measures
    a critic with BatchNorm as one function of each image (its moving
    statistics); in training mode each example's gradient mixes in the batch's.
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
