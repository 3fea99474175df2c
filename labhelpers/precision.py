"""Training in float32 or in bfloat16 (Keras's ``mixed_bfloat16``: bfloat16 arithmetic,
float32 weights), and choosing between them (:func:`resolve`). The judge's last layer,
saved generators and plotted images stay float32 either way.
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
    """``'float32'`` or ``'bfloat16'`` for a requested ``precision`` (one of :data:`PRECISIONS`).

    ``auto`` gives bfloat16 where :func:`bfloat16_is_fast` and ``bfloat16_allowed`` (the
    method's choice), float32 elsewhere. Raises ValueError for an unknown ``precision``.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}.")
    if precision == "auto":
        return "bfloat16" if bfloat16_allowed and bfloat16_is_fast() else "float32"
    return precision


@contextlib.contextmanager
def building_in(precision: str) -> Iterator[None]:
    """Build models inside this block to compute in ``precision`` ('float32' or
    'bfloat16'; else ValueError); the global Keras policy is restored afterwards."""
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
