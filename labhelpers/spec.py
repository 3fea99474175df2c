"""What a run is: :class:`RunSpec`, a frozen description of a run's settings (no
TensorFlow). The same specification computes the same numbers on the same machine.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

from .data import check_digit
from .methods import get_method
from .precision import PRECISIONS, resolve
from .settings import REFERENCE_BATCH_SIZE, REFERENCE_ITERATIONS, REFERENCE_STEPS_PER_EPOCH


@dataclass(frozen=True)
class RunSpec:
    """Everything that decides what a run computes (frozen, checked when made).

    ``judge`` names a critic or discriminator in :data:`labhelpers.models.JUDGES` (``None``:
    the method's own); ``precision`` is 'float32', 'bfloat16' or 'auto'. Raises ValueError
    for a bad value or a setting the method does not take.
    """

    method: str = "wgan"
    digit: int | str | None = 7
    seed: int = 1
    iterations: int = REFERENCE_ITERATIONS
    batch_size: int = REFERENCE_BATCH_SIZE
    steps_per_epoch: int = REFERENCE_STEPS_PER_EPOCH
    lr_scale: float = 1.0
    judge: str | None = None
    precision: str = "auto"
    warmup: bool | None = None  # the WGAN authors' critic warm-up; None: the method's
    beta_1: float | None = None  # WGAN-GP's Adam beta_1; None: the trainer's (0.5)

    def __post_init__(self):
        entry = get_method(self.method)  # one clear error for an unknown method
        set_ = functools.partial(object.__setattr__, self)
        set_("digit", check_digit(self.digit))
        for name in ("iterations", "batch_size", "steps_per_epoch"):
            value = getattr(self, name)
            if int(value) != value or int(value) < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value}.")
            set_(name, int(value))
        if self.batch_size % 2:
            raise ValueError(
                f"batch_size must be even (half real, half fake per critic update), "
                f"got {self.batch_size}."
            )
        if not float(self.lr_scale) > 0:
            raise ValueError(f"lr_scale must be positive, got {self.lr_scale}.")
        set_("lr_scale", float(self.lr_scale))
        set_("judge", self.judge or entry.judge)
        if self.judge not in entry.judges:
            raise ValueError(
                f"judge {self.judge!r} does not suit {self.method}; it takes "
                f"{' or '.join(entry.judges)}."
            )
        set_("warmup", bool(self.warmup))
        if self.warmup and not entry.can_warm_up:
            raise ValueError(f"the critic warm-up is for wgan only, not {self.method}.")
        if self.beta_1 is not None:
            if self.method != "wgan-gp":
                raise ValueError(f"beta_1 is for wgan-gp only, not {self.method}.")
            if not 0 <= float(self.beta_1) < 1:
                raise ValueError(f"beta_1 must be in [0, 1), got {self.beta_1}.")
            set_("beta_1", float(self.beta_1))
        if self.precision not in PRECISIONS:
            raise ValueError(
                f"precision must be one of {', '.join(PRECISIONS)}; got {self.precision!r}."
            )

    def identity(self) -> dict:
        """The settings a resumed run must share (budget and precision may differ)."""
        out = asdict(self)
        del out["iterations"], out["precision"]
        # Settings added later appear only where they differ from what runs did
        # before they existed, so older runs keep their identity.
        if not out["warmup"]:
            del out["warmup"]
        if out["beta_1"] is None:
            del out["beta_1"]
        return out

    def resolved_precision(self) -> str:
        """'float32' or 'bfloat16' for this run on this machine."""
        return resolve(self.precision, get_method(self.method).bfloat16_auto)


# Judge names in older runs' files (a printed functools.partial from before RunSpec was
# recorded; 'critic' from before the lab's critic was renamed), mapped to JUDGES.
_LEGACY_JUDGES = {"build_critic(clip='all')": "critic-clip-all", "critic": "lab-critic"}
_LEGACY_DEFAULT_JUDGES = {"wgan": "lab-critic", "wgan-gp": "gp-critic", "gan": "discriminator"}


def identity_of(meta: dict) -> dict:
    """The :meth:`RunSpec.identity` of a saved run, from its state's settings."""
    if "spec" in meta:
        spec = dict(meta["spec"])
        spec["judge"] = _LEGACY_JUDGES.get(spec.get("judge"), spec.get("judge"))
        return spec
    method = meta.get("method")
    legacy = {k: meta.get(k) for k in ("method", "digit", "seed", "batch_size", "steps_per_epoch")}
    legacy["lr_scale"] = float(meta.get("lr_scale", 1.0))
    critic = meta.get("critic")
    default = _LEGACY_DEFAULT_JUDGES.get(method)  # the judges then: no warm-up, no beta_1
    legacy["judge"] = _LEGACY_JUDGES.get(critic, critic) if critic else default
    if any(k in meta for k in ("generator", "n_critic", "gp_weight")):
        legacy["other"] = {k: meta[k] for k in ("generator", "n_critic", "gp_weight") if k in meta}
    return legacy
