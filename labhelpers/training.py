"""The three training algorithms as ``keras.Model`` subclasses of :class:`AdversarialTrainer`.

``train_step`` is one **iteration** (``fit``'s step; WGAN paper, Algorithm 1): ``n_critic``
critic updates, each on a fresh half batch of real and one of fake images, then one generator
update on a full batch of fakes. It takes the ``n_critic`` real half batches at once, shape
``(n_critic * half, 28, 28, 1)`` (:func:`make_dataset`). Each update names the variables it
changes and never toggles ``trainable`` (Keras 3's frozen-critic trap).
"""

from __future__ import annotations

from dataclasses import replace

import keras
import numpy as np
import tensorflow as tf

from .losses import FAKE_LABEL, REAL_LABEL, gradient_penalty, wasserstein_loss
from .methods import Recipe, get_method


class AdversarialTrainer(keras.Model):
    """A generator, a critic (or discriminator) and the update rule between them.

    Subclasses define :meth:`critic_losses` and :meth:`generator_loss`. Every iteration logs
    ``critic_real``, ``critic_fake`` (means over the ``n_critic`` updates) and ``generator``.
    Raises ValueError for ``n_critic < 1`` or ``lr_scale <= 0``.
    """

    method = ""  # its entry in labhelpers.methods.METHODS: optimiser, judge updates

    def __init__(
        self,
        generator: keras.Model,
        critic: keras.Model,
        n_critic: int | None = None,
        lr_scale: float = 1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = generator
        self.critic = critic
        self.latent_dim = int(generator.input_shape[-1])
        self.n_critic = int(n_critic or get_method(self.method).n_critic)
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be at least 1, got {self.n_critic}.")
        # Multiplies both default learning rates (notebook 04's sensitivity test).
        self.lr_scale = float(lr_scale)
        if not self.lr_scale > 0:
            raise ValueError(f"lr_scale must be positive, got {lr_scale}.")
        # Both networks are already built (they start with keras.Input); saying so
        # stops fit from "building" the trainer by calling it on a batch of images.
        self.built = True

    # -- set-up -----------------------------------------------------------------
    def compile(self, critic_optimizer=None, generator_optimizer=None, **kwargs):
        """Attach one optimizer per network (the defaults are the method's published ones)."""
        super().compile(**kwargs)
        self.critic_optimizer = critic_optimizer or self.default_critic_optimizer()
        self.generator_optimizer = generator_optimizer or self.default_generator_optimizer()
        # Create the optimizers' slots now (inside a distribution strategy's scope if
        # there is one), not lazily in the middle of the first training step.
        self.critic_optimizer.build(self.critic.trainable_variables)
        self.generator_optimizer.build(self.generator.trainable_variables)

    def call(self, z, training=False):
        """Calling the trainer generates images from latent points."""
        return self.generator(z, training=training)

    @property
    def iteration(self) -> int:
        """How many iterations (generator updates) have been made so far."""
        return int(self.generator_optimizer.iterations.numpy())

    # -- the loop ---------------------------------------------------------------
    def train_step(self, real_images):
        """One iteration: ``n_critic`` critic updates, then one generator update."""
        real_batches = tf.split(real_images, self.n_critic)  # a fresh real batch per update
        half_batch = tf.shape(real_batches[0])[0]

        real_losses, fake_losses, extras = [], [], []
        for real in real_batches:  # unrolled by tf.function: no Python in the hot loop
            real_loss, fake_loss, extra = self.critic_update(real, half_batch)
            real_losses.append(real_loss)
            fake_losses.append(fake_loss)
            extras.append(extra)

        z = tf.random.normal([2 * half_batch, self.latent_dim])
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            gen_loss = self.generator_loss(self.critic(fake, training=True))
        grads = tape.gradient(gen_loss, self.generator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))

        logs = {
            "critic_real": tf.reduce_mean(real_losses),
            "critic_fake": tf.reduce_mean(fake_losses),
            "generator": gen_loss,
        }
        logs.update(self.extra_logs(tf.reduce_mean(extras)))
        return logs

    def critic_update(self, real, half_batch=None):
        """One critic update on a half batch of ``real`` images and as many fakes."""
        half_batch = tf.shape(real)[0] if half_batch is None else half_batch
        z = tf.random.normal([half_batch, self.latent_dim])
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            real_loss, fake_loss, extra = self.critic_losses(real, fake)
            loss = real_loss + fake_loss + extra
        grads = tape.gradient(loss, self.critic.trainable_variables)
        # Any weight clipping happens here too: Keras applies each variable's
        # constraint right after the optimizer has updated it.
        self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
        return real_loss, fake_loss, extra

    # -- what differs between the methods ---------------------------------------
    def critic_losses(self, real, fake):
        """Return ``(loss on real, loss on fake, extra term)`` for one critic update."""
        raise NotImplementedError

    def generator_loss(self, fake_scores):
        """The generator's loss from the critic's scores of its fakes."""
        raise NotImplementedError

    def extra_logs(self, extra) -> dict:
        """Extra per-iteration values to log (the gradient penalty, for WGAN-GP)."""
        return {}

    def recipe(self) -> Recipe:
        """The optimiser of both networks: the method's (labhelpers.methods)."""
        return get_method(self.method).optimizer

    def default_critic_optimizer(self):
        return self.recipe().build(self.lr_scale)

    def default_generator_optimizer(self):
        return self.recipe().build(self.lr_scale)


# The WGAN authors' critic warm-up (``main.py`` of martinarjovsky/WassersteinGAN; WGAN paper
# §3): generator iterations 0-24, and every 500th, get 100 critic updates instead of 5.
WARMUP_ITERATIONS = 25
WARMUP_EVERY = 500
WARMUP_CRITIC_UPDATES = 100


def critic_updates(iteration: int, n_critic: int, warmup: bool) -> int:
    """How many critic updates generator iteration ``iteration`` (counted from 0) gets."""
    if warmup and (iteration < WARMUP_ITERATIONS or iteration % WARMUP_EVERY == 0):
        return max(WARMUP_CRITIC_UPDATES, n_critic)
    return n_critic


class WGAN(AdversarialTrainer):
    """WGAN with weight clipping (Arjovsky et al., 2017).

    Losses ``mean(label * score)`` with real = -1, fake = +1. Clipping is the critic's
    ``ClipConstraint``: kernels only (``lab-critic``, the reference lab's) or every parameter
    (``critic-clip-all``, the authors' code). Optimiser and critic updates: the method's
    (:data:`labhelpers.methods.METHODS`); warm-up: :class:`labhelpers.callbacks.CriticWarmup`.
    """

    method = "wgan"

    def critic_losses(self, real, fake):
        real_loss = wasserstein_loss(REAL_LABEL, self.critic(real, training=True))
        fake_loss = wasserstein_loss(FAKE_LABEL, self.critic(fake, training=True))
        return real_loss, fake_loss, 0.0

    def generator_loss(self, fake_scores):
        # The generator wants its fakes scored as real: label -1.
        return wasserstein_loss(REAL_LABEL, fake_scores)


class WGANGP(WGAN):
    """WGAN-GP (Gulrajani et al., 2017): the Wasserstein loss plus a gradient penalty.

    Critic loss ``mean D(fake) - mean D(real) + gp_weight * penalty``; use a critic without
    clipping or BatchNorm (``build_gp_critic``). Adam's ``beta_1``: ``None`` for the method's
    (0.5, ``gan_mnist.py``), 0 for Algorithm 1's; ValueError outside [0, 1).
    """

    method = "wgan-gp"

    def __init__(
        self,
        generator,
        critic,
        n_critic=None,
        gp_weight: float = 10.0,
        beta_1: float | None = None,
        **kwargs,
    ):
        super().__init__(generator, critic, n_critic=n_critic, **kwargs)
        self.gp_weight = float(gp_weight)
        self.beta_1 = float(get_method(self.method).optimizer.beta_1 if beta_1 is None else beta_1)
        if not 0 <= self.beta_1 < 1:
            raise ValueError(f"beta_1 must be in [0, 1), got {beta_1}.")

    def critic_losses(self, real, fake):
        real_loss, fake_loss, _ = super().critic_losses(real, fake)
        penalty = gradient_penalty(self.critic, real, fake)
        return real_loss, fake_loss, self.gp_weight * penalty

    def extra_logs(self, extra) -> dict:
        return {"gp": extra / self.gp_weight}

    def recipe(self) -> Recipe:
        return replace(super().recipe(), beta_1=self.beta_1)


class GAN(AdversarialTrainer):
    """The standard GAN (DCGAN-style): a sigmoid discriminator and binary cross-entropy.

    Losses ``BCE(D(real), 1)`` and ``BCE(D(fake), 0)``; the generator's is the non-saturating
    ``BCE(D(G(z)), 1)``. Optimiser and updates: the method's (:data:`labhelpers.methods.METHODS`,
    the DCGAN paper's).
    """

    method = "gan"

    def __init__(self, generator, critic, n_critic=None, **kwargs):
        super().__init__(generator, critic, n_critic=n_critic, **kwargs)
        self.bce = keras.losses.BinaryCrossentropy()

    def critic_losses(self, real, fake):
        p_real = tf.cast(self.critic(real, training=True), "float32")
        p_fake = tf.cast(self.critic(fake, training=True), "float32")
        real_loss = self.bce(tf.ones_like(p_real), p_real)
        fake_loss = self.bce(tf.zeros_like(p_fake), p_fake)
        return real_loss, fake_loss, 0.0

    def generator_loss(self, fake_scores):
        fake_scores = tf.cast(fake_scores, "float32")
        return self.bce(tf.ones_like(fake_scores), fake_scores)


def make_dataset(images: np.ndarray, half_batch: int, n_critic: int, seed: int) -> tf.data.Dataset:
    """Endless shuffled real images, ``n_critic`` half batches per element (one iteration).
    Raises ValueError for fewer images than one half batch."""
    if len(images) < half_batch:
        raise ValueError(f"Only {len(images)} training images; a half batch needs {half_batch}.")
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(half_batch * n_critic, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


# The trainer of each method in labhelpers.methods.METHODS.
TRAINERS: dict[str, type[AdversarialTrainer]] = {t.method: t for t in (WGAN, WGANGP, GAN)}
