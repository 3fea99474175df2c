"""Training in float32 or in bfloat16 ("mixed precision"), and choosing between them.

bfloat16 keeps float32's exponent range with an 8-bit mantissa. Processors
with bfloat16 instructions (x86 CPUs with AVX-512 BF16 or AMX, NVIDIA GPUs
from the Ampere generation on) multiply such numbers about twice as fast as
float32 ones. Keras's ``mixed_bfloat16`` policy computes each layer in
bfloat16 while keeping the **weights in float32**, so the optimizers update
float32 numbers and no loss scaling is needed.

What the course keeps in float32 whatever the precision:

* the critic's (discriminator's) last layer, so its scores, the losses and
  the gradient penalty are float32 numbers;
* every saved generator (:func:`labhelpers.models.plain_copy`): a ``.keras`` file from a
  bfloat16 run is a plain float32 generator that any process loads;
* images for grids and plots (:func:`labhelpers.latent.generate` casts).

``auto`` picks bfloat16 only where the hardware has bfloat16 instructions
and only for the methods whose quality was measured to hold in bfloat16
(:data:`labhelpers.methods.METHODS`); float32 everywhere else.
"""

from __future__ import annotations

import contextlib
import functools
import platform
from collections.abc import Iterator

from ._quiet import import_tensorflow_quietly

PRECISIONS = ("auto", "float32", "bfloat16")
_POLICY = {"float32": "float32", "bfloat16": "mixed_bfloat16"}


@functools.lru_cache(maxsize=1)
def bfloat16_is_fast() -> bool:
    """True on a GPU of compute capability 8.0 or more, or a CPU with bfloat16
    instructions (Linux ``/proc/cpuinfo`` flags ``avx512_bf16`` or ``amx_bf16``)."""
    import_tensorflow_quietly()
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        if capability and tuple(capability) >= (8, 0):
            return True
    if tf.config.list_physical_devices("GPU"):
        return False  # an older GPU: float32
    if platform.system() != "Linux":
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(
                (line.split(":", 1)[1].split() for line in f if line.startswith("flags")), []
            )
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve(precision: str, bfloat16_allowed: bool = True) -> str:
    """``'float32'`` or ``'bfloat16'`` for a requested ``precision``.

    ``auto`` gives bfloat16 where :func:`bfloat16_is_fast` and the method
    allows it (``bfloat16_allowed``), float32 elsewhere. An explicit choice
    is honoured as given.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}.")
    if precision == "auto":
        return "bfloat16" if bfloat16_allowed and bfloat16_is_fast() else "float32"
    return precision


@contextlib.contextmanager
def building_in(precision: str) -> Iterator[None]:
    """Build models inside this block to compute in ``precision`` ('float32' or
    'bfloat16'); the global Keras policy is restored afterwards."""
    if precision not in _POLICY:
        raise ValueError(
            f"build in 'float32' or 'bfloat16', not {precision!r} ('auto' is decided once per "
            "run: labhelpers.precision.resolve)."
        )
    import_tensorflow_quietly()
    import keras

    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(_POLICY[precision])
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)
