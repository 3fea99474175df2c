"""The registry of training methods: the one place that states each method's facts.

Which critics (or discriminators) suit it, its optimiser as published, its judge
updates per generator update, the distance its held-out estimate measures, whether
``precision='auto'`` may train it in bfloat16 and whether the WGAN authors' critic
warm-up applies. The trainers (:data:`labhelpers.training.TRAINERS`), the critics
(:data:`labhelpers.models.JUDGES`), the command line, ``make pretrain``, the 2-D
experiments and the exercise checkers read them from here. Plain data, no TensorFlow:
the command line answers ``--help`` at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


def _short(x: float) -> str:
    """5e-05 -> '5e-5', 0.0001 -> '1e-4', 0.5 -> '0.5'."""
    if x == 0 or 1e-3 <= abs(x) < 1e3:
        return f"{x:g}"
    mantissa, exponent = f"{x:e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


@dataclass(frozen=True)
class Recipe:
    """An optimiser with its published settings (Adam's betas where given)."""

    name: str  # 'RMSprop' or 'Adam'
    learning_rate: float
    beta_1: float | None = None
    beta_2: float | None = None

    def build(self, lr_scale: float = 1.0, beta_1: float | None = None):
        """A fresh Keras optimiser, its learning rate times ``lr_scale`` (``beta_1``
        replaces the recipe's)."""
        from ._quiet import import_tensorflow_quietly

        import_tensorflow_quietly()
        import keras

        recipe = self if beta_1 is None else replace(self, beta_1=beta_1)
        optimizer = getattr(keras.optimizers, self.name)
        return optimizer(learning_rate=self.learning_rate * lr_scale, **recipe._betas())

    def _betas(self) -> dict[str, float]:
        betas = {"beta_1": self.beta_1, "beta_2": self.beta_2}
        return {k: v for k, v in betas.items() if v is not None}

    def __str__(self) -> str:
        """As a learner writes it: ``Adam(1e-4, beta_1=0.5, beta_2=0.9)``."""
        betas = [f"{k}={_short(v)}" for k, v in self._betas().items()]
        return f"{self.name}({', '.join([_short(self.learning_rate), *betas])})"


@dataclass(frozen=True)
class Method:
    """One training method of the course."""

    name: str  # as typed on the command line and used for run folders
    judges: tuple[str, ...]  # the critics that suit it (names in models.JUDGES), its own first
    optimizer: Recipe  # for both networks
    n_critic: int  # judge updates per generator update
    # The distance its held-out estimate measures (labhelpers.callbacks.HeldOutEstimate).
    estimate: str
    # True when runs in bfloat16 were measured to reach the quality of float32 runs
    # (benchmarks/precision_quality.py; CONTRIBUTING.md, "Precision"); 'auto' keeps
    # float32 for the others.
    bfloat16_auto: bool
    # The WGAN authors' critic warm-up (``main.py``): 100 critic updates per generator
    # iteration for the first 25 and every 500th (labhelpers.training.critic_updates).
    can_warm_up: bool = False

    @property
    def judge(self) -> str:
        """Its own critic (or discriminator)."""
        return self.judges[0]


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        # Measured with 3 seeds each (CONTRIBUTING.md, "Precision"): bfloat16 held for none.
        # The reference lab's critic clips only the kernels; the paper's WGAN clips every
        # parameter (critic-clip-all) with the warm-up (course.COURSE_RUNS 'wgan-lipschitz').
        # RMSprop: the WGAN paper (§3) reports momentum made clipping unstable.
        Method(
            "wgan",
            ("lab-critic", "critic-clip-all"),
            Recipe("RMSprop", 5e-5),
            n_critic=5,
            estimate="wasserstein",
            bfloat16_auto=False,
            can_warm_up=True,
        ),
        # Adam as the authors' MNIST code (gan_mnist.py); beta_1 = 0 is Algorithm 1's.
        Method(
            "wgan-gp",
            ("gp-critic",),
            Recipe("Adam", 1e-4, beta_1=0.5, beta_2=0.9),
            n_critic=5,
            estimate="wasserstein",
            bfloat16_auto=False,
        ),
        # The DCGAN paper's settings: one discriminator update, Adam 2e-4, beta_1 0.5.
        Method(
            "gan",
            ("discriminator",),
            Recipe("Adam", 2e-4, beta_1=0.5),
            n_critic=1,
            estimate="jensen-shannon",
            bfloat16_auto=False,
        ),
    )
}


def get_method(name: str) -> Method:
    """The registry entry for ``name``, or one clear error listing the choices."""
    if name not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {name!r}.")
    return METHODS[name]
