"""The networks of the course: one generator and three judges.

* :func:`build_generator` - latent vector -> 28x28x1 image in [-1, 1]
  (the reference lab's generator, shared by all three methods so that the
  comparison in notebook 04 is fair).
* :func:`build_critic` - the WGAN critic with weight clipping (notebook 01).
* :func:`build_gp_critic` - the WGAN-GP critic: the same convolutions, no
  clipping and no BatchNorm (notebook 03).
* :func:`build_discriminator` - a DCGAN discriminator with a sigmoid output
  for the standard GAN (notebook 04).

All layers take their sizes from arguments whose defaults are the reference
lab's values. Models are plain ``keras.Sequential`` stacks so that
``model.summary()`` reads like the outline.
"""

from __future__ import annotations

import keras

LATENT_DIM = 50
IMAGE_SHAPE = (28, 28, 1)
CLIP_VALUE = 0.01


@keras.saving.register_keras_serializable(package="labhelpers")
class ClipConstraint(keras.constraints.Constraint):
    """Clip every weight of a kernel to ``[-clip_value, clip_value]``.

    Why: the WGAN critic must be (roughly) 1-Lipschitz for its score
    difference to estimate the Wasserstein distance. The WGAN paper enforces
    this crudely by clamping the weights after every update, so the critic
    can only be a function with bounded slope.

    How: Keras calls a constraint right after each optimizer update of the
    variable it is attached to, so attaching it as ``kernel_constraint``
    clips after every critic update with no extra code in the training loop.
    The course, like the reference lab, clips the convolution kernels only;
    the original WGAN code clamps every parameter (BatchNorm's scale and
    offset too). Notebook 03 shows what this choice means.
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
    """``Conv2D`` with one output filter, computed in a way that is faster on CPUs.

    Same weights, same configuration, same output (to float rounding) as
    ``keras.layers.Conv2D(1, ...)``; only the arithmetic is arranged
    differently. A one-filter convolution is a per-channel (depthwise)
    convolution followed by a sum over the channels, and TensorFlow's CPU
    kernels differentiate that about 4x faster than a plain ``Conv2D`` with
    a single filter: on a 2-core CPU this layer's backward pass took 680 ms a
    batch of 64 as ``Conv2D`` and 180 ms this way, a quarter of the whole
    training iteration. Used for the generator's last layer (7x7, 128 -> 1).
    """

    def __init__(self, kernel_size, **kwargs):
        kwargs.pop("filters", None)
        super().__init__(1, kernel_size, **kwargs)

    def call(self, inputs):
        if self.strides != (1, 1) or self.dilation_rate != (1, 1) or self.data_format != "channels_last":
            return super().call(inputs)
        per_channel = keras.ops.depthwise_conv(
            inputs, self.kernel, padding=self.padding  # kernel (kh, kw, channels, 1)
        )
        outputs = keras.ops.sum(per_channel, axis=-1, keepdims=True)
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)


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
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            # 14x14 -> 28x28
            layers.Conv2DTranspose(128, 4, strides=2, padding="same", kernel_initializer=_init()),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            # one grey channel in [-1, 1], like the scaled training images
            # = layers.Conv2D(1, 7, ...), computed faster on CPUs (see SingleFilterConv2D)
            SingleFilterConv2D(7, padding="same", activation="tanh", kernel_initializer=_init()),
        ],
        name=name,
    )


def _judge(
    name: str,
    batch_norm: bool,
    clip_value: float | None,
    output_activation: str | None,
    filters: int = 64,
) -> keras.Sequential:
    """Two strided convolutions and one output unit: the shape all three judges share."""
    layers = keras.layers
    constraint = ClipConstraint(clip_value) if clip_value else None
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
            )
        )
        if batch_norm:
            stack.append(layers.BatchNormalization())
        stack.append(layers.LeakyReLU(negative_slope=0.2))
    stack += [layers.Flatten(), layers.Dense(1, activation=output_activation)]
    return keras.Sequential(stack, name=name)


def build_critic(clip_value: float = CLIP_VALUE, name: str = "critic") -> keras.Sequential:
    """The reference WGAN critic: linear output (a score, not a probability) and
    conv kernels clipped to ``[-clip_value, clip_value]`` after every update."""
    return _judge(name, batch_norm=True, clip_value=clip_value, output_activation=None)


def build_gp_critic(name: str = "gp_critic") -> keras.Sequential:
    """The WGAN-GP critic: the same convolutions with no clipping and no BatchNorm.

    The gradient penalty is defined per sample; BatchNorm mixes the samples of
    a batch, so the gradient of one output would depend on the other inputs.
    Gulrajani et al. (2017) drop it (their MNIST critic has no normalisation).
    """
    return _judge(name, batch_norm=False, clip_value=None, output_activation=None)


def build_discriminator(name: str = "discriminator") -> keras.Sequential:
    """A DCGAN discriminator: the critic's layers with a sigmoid probability output."""
    return _judge(name, batch_norm=True, clip_value=None, output_activation="sigmoid")
