"""Worked solutions of the notebooks' exercises, printed by
:func:`labhelpers.exercises.show_solution` (try your own first).

Each is written the way the notebook's own code is, so it can be pasted into the
exercise's cell; ``tests/test_exercises.py`` runs each one through its checker.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def wasserstein(label, scores):
    """``mean(label * scores)``, as in notebook 01."""
    return tf.reduce_mean(label * scores)


class MirrorWGAN(keras.Model):
    """Notebook 01, exercise 1: the WGAN in the mirror convention, real = +1, fake = -1.

    Only the three labels change; the estimate is still
    ``-(critic_real + critic_fake)``, and the logged losses are those of the
    course's convention when the critic starts as ``D' = -D``.
    """

    def __init__(self, generator, critic, n_critic=5):
        super().__init__()
        self.generator, self.critic, self.n_critic = generator, critic, n_critic

    def compile(self):
        super().compile()
        self.c_opt, self.g_opt = keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)

    def train_step(self, real_images):
        c_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        reals, fakes = [], []
        for real in tf.split(real_images, self.n_critic):
            fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
            with tf.GradientTape() as tape:
                reals.append(wasserstein(+1.0, self.critic(real, training=True)))  # was -1
                fakes.append(wasserstein(-1.0, self.critic(fake, training=True)))  # was +1
                loss = reals[-1] + fakes[-1]
            self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        z = tf.random.normal([2 * tf.shape(real)[0], 50])
        with tf.GradientTape() as tape:  # the generator wants the real label: now +1
            l_gen = wasserstein(+1.0, self.critic(self.generator(z, training=True), training=True))
        self.g_opt.apply_gradients(zip(tape.gradient(l_gen, g_vars), g_vars))
        return {
            "critic_real": tf.reduce_mean(reals),
            "critic_fake": tf.reduce_mean(fakes),
            "generator": l_gen,
        }


def slerp(z0, z1, t):
    """Notebook 02: spherical interpolation, along the great circle at an even speed."""
    omega = np.arccos(np.clip(np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1))
    if omega < 1e-6:  # (almost) the same direction: the straight line is the arc
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def penalty(critic, real, fake):
    """WGAN-GP's gradient penalty, interpolated as the authors' code writes it:
    ``real + eps (fake - real)``, the same distribution as ``eps real + (1 - eps) fake``."""
    eps = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])  # one per example
    x_hat = real + eps * (fake - real)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    # + 1e-12: a safeguard (sqrt has an infinite slope at 0); the authors' code has none.
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


class MyWGANGP(keras.Model):
    """Notebook 03's exercise: notebook 01's ``MyWGAN`` with three changes: Adam
    instead of RMSprop, no clipping (a critic without a constraint), and
    ``gp_weight`` x the penalty added to each critic update's loss."""

    def __init__(self, generator, critic, n_critic=5, gp_weight=10.0):
        super().__init__()
        self.generator, self.critic, self.n_critic = generator, critic, n_critic
        self.gp_weight = gp_weight

    def compile(self):
        super().compile()
        self.c_opt = keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)  # change 1
        self.g_opt = keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)

    def train_step(self, real_images):
        c_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        reals, fakes, gps = [], [], []
        for real in tf.split(real_images, self.n_critic):
            fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
            with tf.GradientTape() as tape:
                reals.append(wasserstein(-1.0, self.critic(real, training=True)))
                fakes.append(wasserstein(+1.0, self.critic(fake, training=True)))
                gps.append(penalty(self.critic, real, fake))  # change 3
                loss = reals[-1] + fakes[-1] + self.gp_weight * gps[-1]
            self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        z = tf.random.normal([2 * tf.shape(real)[0], 50])
        with tf.GradientTape() as tape:
            l_gen = wasserstein(-1.0, self.critic(self.generator(z, training=True), training=True))
        self.g_opt.apply_gradients(zip(tape.gradient(l_gen, g_vars), g_vars))
        return {
            "critic_real": tf.reduce_mean(reals),
            "critic_fake": tf.reduce_mean(fakes),
            "generator": l_gen,
            "gp": tf.reduce_mean(gps),
        }


class MyGAN(keras.Model):
    """Notebook 04's exercise: the standard GAN in the same shape. A sigmoid
    discriminator, binary cross-entropy, one discriminator update per generator
    update, the non-saturating generator loss, Adam 2e-4 with beta_1 = 0.5."""

    def __init__(self, generator, discriminator, n_critic=1):
        super().__init__()
        self.generator, self.critic, self.n_critic = generator, discriminator, n_critic
        self.bce = keras.losses.BinaryCrossentropy()

    def compile(self):
        super().compile()
        self.c_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)

    def train_step(self, real_images):
        c_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        reals, fakes = [], []
        for real in tf.split(real_images, self.n_critic):
            fake = self.generator(tf.random.normal([tf.shape(real)[0], 50]), training=True)
            with tf.GradientTape() as tape:
                p_real = self.critic(real, training=True)
                p_fake = self.critic(fake, training=True)
                reals.append(self.bce(tf.ones_like(p_real), p_real))  # real: 1
                fakes.append(self.bce(tf.zeros_like(p_fake), p_fake))  # fake: 0
                loss = reals[-1] + fakes[-1]
            self.c_opt.apply_gradients(zip(tape.gradient(loss, c_vars), c_vars))
        z = tf.random.normal([2 * tf.shape(real)[0], 50])
        with tf.GradientTape() as tape:  # non-saturating: the generator asks for "real"
            p_gen = self.critic(self.generator(z, training=True), training=True)
            l_gen = self.bce(tf.ones_like(p_gen), p_gen)
        self.g_opt.apply_gradients(zip(tape.gradient(l_gen, g_vars), g_vars))
        return {
            "critic_real": tf.reduce_mean(reals),
            "critic_fake": tf.reduce_mean(fakes),
            "generator": l_gen,
        }


# What show_solution prints for each exercise, in order.
SOLUTIONS = {
    "mirror_wgan": (wasserstein, MirrorWGAN),
    "slerp": (slerp,),
    "wgan_gp": (wasserstein, penalty, MyWGANGP),
    "gan": (MyGAN,),
}
