"""The networks of the course: one generator (:func:`build_generator`, shared by all
methods) and the judges (:func:`build_critic`, :func:`build_gp_critic`,
:func:`build_discriminator`), as ``keras.Sequential`` stacks with the reference lab's sizes.
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import tensorflow as tf

LATENT_DIM = 50
IMAGE_SHAPE = (28, 28, 1)
CLIP_VALUE = 0.01


@keras.saving.register_keras_serializable(package="labhelpers")
class ClipConstraint(keras.constraints.Constraint):
    """Clip every weight of a variable to ``[-clip_value, clip_value]`` (WGAN paper,
    Algorithm 1). As a Keras constraint it applies after every optimizer update.

    Raises ValueError if ``clip_value`` is not positive.
    """

    def __init__(self, clip_value: float = CLIP_VALUE):
        if clip_value <= 0:
            raise ValueError(f"clip_value must be positive, got {clip_value}.")
        self.clip_value = float(clip_value)

    def __call__(self, weights):
        return keras.ops.clip(weights, -self.clip_value, self.clip_value)

    def get_config(self) -> dict:
        return {"clip_value": self.clip_value}


@keras.saving.register_keras_serializable(package="labhelpers")
class SingleFilterConv2D(keras.layers.Conv2D):
    """``Conv2D`` with one output filter, computed faster on CPUs.

    Same weights, configuration and output (to float rounding) as
    ``keras.layers.Conv2D(1, ...)``: a matmul gives each pixel's ``kh * kw`` tap values,
    a depthwise convolution with a fixed one-hot kernel shifts them and a sum adds them.
    Strides, dilation or ``channels_first`` fall back to ``Conv2D``.
    """

    def __init__(self, kernel_size, **kwargs):
        kwargs.pop("filters", None)
        super().__init__(1, kernel_size, **kwargs)

    def call(self, inputs):
        if (
            self.strides != (1, 1)
            or self.dilation_rate != (1, 1)
            or self.data_format != "channels_last"
        ):
            return super().call(inputs)
        kh, kw, channels, _ = self.kernel.shape
        taps = keras.ops.reshape(
            keras.ops.transpose(self.kernel, (2, 0, 1, 3)), (channels, kh * kw)
        )
        per_tap = keras.ops.matmul(inputs, keras.ops.cast(taps, inputs.dtype))  # (N, H, W, kh*kw)
        one_hot = np.eye(kh * kw, dtype="float32").reshape(kh, kw, kh * kw, 1)
        shifted = keras.ops.depthwise_conv(
            per_tap, keras.ops.cast(one_hot, inputs.dtype), padding=self.padding
        )
        outputs = keras.ops.sum(shifted, axis=-1, keepdims=True)
        if self.use_bias:
            outputs = outputs + keras.ops.cast(self.bias, outputs.dtype)
        return self.activation(outputs)


@keras.saving.register_keras_serializable(package="labhelpers")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """``BatchNormalization`` whose training-mode pass is TensorFlow's ``FusedBatchNormV3``.

    Same weights, configuration, outputs and moving statistics (to float rounding) as
    ``keras.layers.BatchNormalization``. Inference mode and options the course never uses
    (masks, renorm, synchronized, other axes) fall back to Keras's own code.
    """

    def call(self, inputs, training=None, mask=None):
        fusable = (
            training
            and self.trainable
            and mask is None
            and not self.renorm
            and not self.synchronized
            and len(inputs.shape) == 4
            and self.axis in (-1, 3)
            and self.center
            and self.scale
        )
        if not fusable:
            return super().call(inputs, training=training, mask=mask)
        x = tf.cast(inputs, self.compute_dtype)  # bfloat16 or float32; statistics in float32
        empty = tf.constant([], "float32")
        outputs, mean, unbiased_variance, *_ = tf.raw_ops.FusedBatchNormV3(
            x=x,
            scale=tf.cast(self.gamma, "float32"),
            offset=tf.cast(self.beta, "float32"),
            mean=empty,
            variance=empty,
            epsilon=self.epsilon,
            is_training=True,
        )
        # The op returns the Bessel-corrected variance; Keras tracks the plain one.
        n = tf.cast(tf.reduce_prod(tf.shape(x)[:3]), "float32")
        variance = unbiased_variance * (n - 1.0) / n
        momentum = self.momentum
        self.moving_mean.assign(
            self.moving_mean * momentum + tf.stop_gradient(mean) * (1.0 - momentum)
        )
        self.moving_variance.assign(
            self.moving_variance * momentum + tf.stop_gradient(variance) * (1.0 - momentum)
        )
        return outputs


# Each fast layer and the plain Keras layer it computes the same as (same weights,
# same configuration): saved files use the plain ones (see :func:`plain_copy`).
PLAIN_EQUIVALENTS = {
    "SingleFilterConv2D": keras.layers.Conv2D,
    "FusedBatchNormalization": keras.layers.BatchNormalization,
}


def plain_copy(model: keras.Model) -> keras.Model:
    """A float32 copy of ``model`` with the same weights, built from Keras's own layers only
    (:data:`PLAIN_EQUIVALENTS`), so it loads without this package. Draws no random numbers
    (Python's and NumPy's states are restored), so saving never changes a run.
    """
    import random

    def plain(layer: keras.layers.Layer) -> keras.layers.Layer:
        cls = PLAIN_EQUIVALENTS.get(type(layer).__name__, layer.__class__)
        return cls.from_config({**layer.get_config(), "dtype": "float32"})

    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        copy = keras.models.clone_model(model, clone_function=plain)
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
    copy.set_weights(model.get_weights())
    return copy


def _init() -> keras.initializers.Initializer:
    """The reference lab's weight initialisation: Normal(0, 0.02), as in DCGAN."""
    return keras.initializers.RandomNormal(stddev=0.02)


def build_generator(latent_dim: int = LATENT_DIM, name: str = "generator") -> keras.Sequential:
    """The reference generator: latent vector -> 7x7x128 -> 14x14 -> 28x28x1 (tanh)."""
    if int(latent_dim) < 1:
        raise ValueError(f"latent_dim must be a positive whole number, got {latent_dim}.")
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(int(latent_dim),)),
            layers.Dense(128 * 7 * 7, kernel_initializer=_init()),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            # 7x7 -> 14x14
            layers.Conv2DTranspose(128, 4, strides=2, padding="same", kernel_initializer=_init()),
            FusedBatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            # 14x14 -> 28x28
            layers.Conv2DTranspose(128, 4, strides=2, padding="same", kernel_initializer=_init()),
            FusedBatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            # one grey channel in [-1, 1], like the scaled training images
            # = layers.Conv2D(1, 7, ...), computed faster on CPUs (see SingleFilterConv2D)
            SingleFilterConv2D(7, padding="same", activation="tanh", kernel_initializer=_init()),
        ],
        name=name,
    )


CLIP_SCOPES = ("kernels", "all")


def _judge(
    name: str,
    batch_norm: bool,
    constraint: keras.constraints.Constraint | None,
    output_activation: str | None,
    filters: int = 64,
    clip: str = "kernels",
) -> keras.Sequential:
    """Two strided convolutions and one output unit: the shape all three judges share.
    ``constraint`` goes on the kernels; with ``clip="all"`` on every parameter as well.
    Raises ValueError for a ``clip`` not in :data:`CLIP_SCOPES`."""
    if clip not in CLIP_SCOPES:
        raise ValueError(f"clip must be one of {', '.join(CLIP_SCOPES)}; got {clip!r}.")
    layers = keras.layers
    every = constraint if clip == "all" else None
    stack: list = [keras.Input(shape=IMAGE_SHAPE)]
    for _ in range(2):  # 28x28 -> 14x14 -> 7x7
        stack.append(
            layers.Conv2D(
                filters,
                4,
                strides=2,
                padding="same",
                kernel_initializer=_init(),
                kernel_constraint=constraint,
                bias_constraint=every,
            )
        )
        if batch_norm:
            stack.append(FusedBatchNormalization(gamma_constraint=every, beta_constraint=every))
        stack.append(layers.LeakyReLU(negative_slope=0.2))
    # The output layer always computes in float32 (the scores, the losses and the
    # gradient penalty need float32 precision), even in a bfloat16 model.
    output = layers.Dense(
        1,
        activation=output_activation,
        dtype="float32",
        kernel_constraint=every,
        bias_constraint=every,
    )
    stack += [layers.Flatten(), output]
    return keras.Sequential(stack, name=name)


def build_critic(
    clip_value: float = CLIP_VALUE,
    name: str = "critic",
    clip: str = "kernels",
    constraint: keras.constraints.Constraint | None = None,
) -> keras.Sequential:
    """The reference WGAN critic: a linear score output, weights clipped to
    ``[-clip_value, clip_value]`` after every update.

    ``clip="kernels"`` (default, as the reference lab) clips the convolution kernels only;
    ``clip="all"`` every parameter, as the original WGAN code does. ``constraint``
    replaces :class:`ClipConstraint` (for a learner's own).
    """
    return _judge(
        name,
        batch_norm=True,
        output_activation=None,
        clip=clip,
        constraint=constraint or ClipConstraint(clip_value),
    )


def build_gp_critic(name: str = "gp_critic") -> keras.Sequential:
    """The WGAN-GP critic: the same convolutions with no clipping and no BatchNorm (the
    penalty is per sample, which batch statistics would mix; Gulrajani et al. 2017)."""
    return _judge(name, batch_norm=False, constraint=None, output_activation=None)


def build_discriminator(name: str = "discriminator") -> keras.Sequential:
    """A DCGAN discriminator: the critic's layers with a sigmoid probability output."""
    return _judge(name, batch_norm=True, constraint=None, output_activation="sigmoid")


# The critics (and the discriminator) by name: a run records the name, not the code;
# labhelpers.methods says which suit which method.
JUDGES = {
    # Clips only the convolution kernels, as the reference lab does: BatchNorm divides
    # their scale out, so this critic is *not* Lipschitz-constrained (notebook 03).
    "lab-critic": build_critic,
    # Clips every parameter, as the WGAN authors' code does: a Lipschitz critic.
    "critic-clip-all": functools.partial(build_critic, clip="all"),
    "gp-critic": build_gp_critic,
    "discriminator": build_discriminator,
}
