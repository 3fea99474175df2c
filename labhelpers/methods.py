"""The registry of training methods and critics: the one place that names them.

The command line, ``make pretrain``, the tests, the 2-D experiments and notebook
04 all take their list of methods from :data:`METHODS`. Each entry says which
trainer runs the method, which critic (or discriminator) of :data:`JUDGES` it
pairs with the shared generator, which distance its held-out estimate is, and
whether ``precision='auto'`` may train it in bfloat16.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import keras

from .models import build_critic, build_discriminator, build_gp_critic
from .training import GAN, WGAN, WGANGP, AdversarialTrainer

# The critics (and the discriminator) by name: a run records the name, not the code.
JUDGES: dict[str, Callable[[], keras.Model]] = {
    # Clips every parameter, as the WGAN authors' code does: a Lipschitz critic.
    "critic-clip-all": functools.partial(build_critic, clip="all"),
    # Clips only the convolution kernels, as the reference lab does. The BatchNorm
    # after each convolution divides their scale out and its own scale and the final
    # Dense layer are free, so this critic is *not* Lipschitz-constrained (notebook 03).
    "lab-critic": build_critic,
    "gp-critic": build_gp_critic,
    "discriminator": build_discriminator,
}


@dataclass(frozen=True)
class Method:
    """One training method of the course."""

    name: str  # as typed on the command line and used for run folders
    trainer: type[AdversarialTrainer]
    judge: str  # its critic or discriminator, a name in JUDGES
    # The distance its held-out estimate measures (labhelpers.callbacks.HeldOutEstimate).
    estimate: str
    # True when runs in bfloat16 were measured to reach the quality of float32
    # runs: every bfloat16 seed's score inside the range of the float32 seeds'
    # (benchmarks/precision_quality.py; CONTRIBUTING.md, "Precision"). 'auto' keeps
    # float32 for the others.
    bfloat16_auto: bool
    # The WGAN authors' critic warm-up (``main.py``): 100 critic updates per
    # generator iteration for the first 25 and every 500th (labhelpers.training).
    warmup: bool = False

    def build_judge(self) -> keras.Model:
        """A fresh critic (or discriminator) of this method."""
        return JUDGES[self.judge]()


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        # Measured with 3 seeds each (CONTRIBUTING.md, "Precision"): bfloat16 held for none.
        # As the reference lab: only the kernels clipped, no warm-up. The paper's WGAN
        # is judge='critic-clip-all' with warmup=True (COURSE_RUNS 'wgan-lipschitz').
        Method("wgan", WGAN, "lab-critic", "wasserstein", bfloat16_auto=False),
        Method("wgan-gp", WGANGP, "gp-critic", "wasserstein", bfloat16_auto=False),
        Method("gan", GAN, "discriminator", "jensen-shannon", bfloat16_auto=False),
    )
}


def get_method(name: str) -> Method:
    """The registry entry for ``name``, or one clear error listing the choices."""
    if name not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {name!r}.")
    return METHODS[name]
