"""A training run: what it is (:class:`RunSpec`) and the folder that holds it (:class:`Run`).

* :class:`RunSpec` - a frozen description of a run; the same specification computes the
  same numbers on the same machine.
* :class:`Run` - the one owner of a run folder (notebooks and tools never use its file
  names): atomic writes (:func:`atomic_write`), history, estimates, the state to resume
  from, the status, the generators, and a lock against two writers.
* :data:`COURSE_RUNS` - every run the notebooks load (:func:`labhelpers.session.course_run`).

A run is stale once :data:`labhelpers.numerics.NUMERICS` moves from the version it
recorded. Its folder: ``generator.keras`` and ``generator_epoch_NNN.keras`` (plain Keras
layers), ``grid_epoch_NNN.png``, ``history.csv`` (per iteration), ``estimates.csv`` (per
epoch), ``losses.png``, ``training_state.npz`` (for resuming), ``tensorboard/`` (if asked
for). Loading a complete run writes nothing, so the folder may be read-only.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import keras
import numpy as np

from .data import check_digit
from .files import DamagedRunFile, atomic_write, read_rows, write_rows
from .methods import get_method
from .models import IMAGE_SHAPE, JUDGES, plain_copy
from .numerics import NUMERICS, recorded
from .precision import PRECISIONS, resolve
from .settings import (
    REFERENCE_BATCH_SIZE,
    REFERENCE_ITERATIONS,
    REFERENCE_STEPS_PER_EPOCH,
    runs_root,
)

# -- what a run is -----------------------------------------------------------------------


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

    def build_judge(self) -> keras.Model:
        return JUDGES[self.judge]()


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


class RunInUse(RuntimeError):
    """Another process is training into the same run folder."""


class NotAGeneratorError(ValueError):
    """A model file was found but it is not a generator of 28x28x1 images."""


# -- the run folder ----------------------------------------------------------------------


class Run:
    """The folder of one run, and everything read from or written to it.

    ``Run(folder, spec)``; ``spec`` is needed to train and to judge the status,
    not to read what is there.
    """

    GENERATOR = "generator.keras"
    HISTORY = "history.csv"
    ESTIMATES = "estimates.csv"
    LOSSES = "losses.png"
    STATE = "training_state.npz"
    TENSORBOARD = "tensorboard"
    LOCK = ".lock"

    def __init__(self, folder: str | os.PathLike, spec: RunSpec | None = None):
        self.folder = Path(folder)
        self.spec = spec
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(
                f"{self.folder} is a file, not a folder: name a folder for the run's files."
            )

    def __repr__(self) -> str:
        return f"Run({str(self.folder)!r}, {self.spec!r})"

    def __str__(self) -> str:
        """The folder as a reader should see it: ``runs/wgan`` for a folder in the
        runs folder, not the absolute path of the machine that ran it."""
        root = runs_root()
        try:
            return str(Path(root.name) / self.folder.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(self.folder)

    # file names
    def path(self, name: str) -> Path:
        return self.folder / name

    def epoch_generator_path(self, epoch: int) -> Path:
        return self.folder / f"generator_epoch_{int(epoch):03d}.keras"

    def epoch_grid_path(self, epoch: int) -> Path:
        return self.folder / f"grid_epoch_{int(epoch):03d}.png"

    def epoch_generators(self) -> list[Path]:
        """The per-epoch generator files, in epoch order."""
        return sorted(self.folder.glob("generator_epoch_*.keras"))

    def epoch_grids(self) -> list[Path]:
        """The per-epoch sample grids (PNG), in epoch order."""
        return sorted(self.folder.glob("grid_epoch_*.png"))

    @staticmethod
    def epoch_of(path: str | os.PathLike) -> int:
        """The epoch in a per-epoch file's name (``generator_epoch_007.keras`` -> 7)."""
        return int(Path(path).stem.rsplit("_", 1)[1])

    def files(self) -> list[Path]:
        """Every file of this run that training writes (what :meth:`clear` removes)."""
        fixed = [
            self.path(n)
            for n in (self.GENERATOR, self.HISTORY, self.ESTIMATES, self.LOSSES, self.STATE)
        ]
        events = sorted(self.path(self.TENSORBOARD).rglob("*")) if self.has_tensorboard() else []
        existing = [p for p in fixed if p.exists()]
        return existing + self.epoch_generators() + self.epoch_grids() + events

    def has_tensorboard(self) -> bool:
        return self.path(self.TENSORBOARD).is_dir()

    def clear(self) -> None:
        """Remove the files of an earlier run (only files training writes)."""
        for path in reversed(self.files()):
            if path.is_file():
                path.unlink()
        if self.has_tensorboard():
            for folder in sorted(self.path(self.TENSORBOARD).rglob("*"), reverse=True):
                folder.rmdir()
            self.path(self.TENSORBOARD).rmdir()

    # what is recorded
    def history(self) -> dict[str, np.ndarray]:
        """Every iteration's losses as ``{column: array}`` (empty when none yet)."""
        return read_rows(self.path(self.HISTORY))

    def estimates(self) -> dict[str, np.ndarray]:
        """Per epoch, the critic's estimate on training and held-out images, and the
        training seconds so far (empty when none yet)."""
        return read_rows(self.path(self.ESTIMATES))

    def write_history(self, rows: list[dict]) -> None:
        write_rows(rows, self.path(self.HISTORY))

    def write_estimates(self, rows: list[dict]) -> None:
        write_rows(rows, self.path(self.ESTIMATES))

    def meta(self) -> dict | None:
        """The settings, epoch, iteration and numerics version of the saved state, or None."""
        if not self.path(self.STATE).is_file():
            return None
        arrays, meta = _open_state(self.path(self.STATE))
        arrays.close()
        return meta

    def status(self) -> str:
        """'complete', 'missing', 'partial (...)', 'stale (...)' or 'other settings (...)',
        judged against :attr:`spec` and the current :data:`labhelpers.numerics.NUMERICS`."""
        meta = self.meta() if self.folder.is_dir() else None
        if meta is None:
            return "missing"
        if self.spec is not None and identity_of(meta) != self.spec.identity():
            return f"other settings ({identity_of(meta)})"
        made_by = recorded(meta)
        if made_by != NUMERICS:
            return f"stale (trained at numerics version {made_by}, now {NUMERICS})"
        iterations = self.spec.iterations if self.spec is not None else REFERENCE_ITERATIONS
        if int(meta.get("iteration", 0)) < iterations:
            return f"partial (iteration {meta.get('iteration')} of {iterations})"
        return "complete"

    # generators
    def save_generator(self, model: keras.Model, epoch: int | None = None) -> Path:
        """Save ``model`` as the final generator, or as that of ``epoch``: plain Keras
        layers in float32 (:func:`labhelpers.models.plain_copy`), loadable anywhere."""
        path = self.path(self.GENERATOR) if epoch is None else self.epoch_generator_path(epoch)
        copy = plain_copy(model)
        return atomic_write(path, copy.save)

    def load_generator(self, epoch: int | None = None) -> keras.Model:
        """The final generator, or that of ``epoch`` (see :func:`load_generator`)."""
        path = self.path(self.GENERATOR) if epoch is None else self.epoch_generator_path(epoch)
        return load_generator(path)

    # the state to resume from
    def save_state(self, trainer, epoch: int, precision: str = "float32") -> Path:
        """Save what carrying on after ``epoch`` needs (weights, optimizer slots, settings, a
        signature per variable) in one ``.npz`` replaced at once. ValueError without a spec."""
        if self.spec is None:
            raise ValueError("saving a training state needs the run's RunSpec.")
        arrays, signature = {}, {}
        for name, (variables, lines) in _parts(trainer).items():
            arrays.update({f"{name}/{i}": np.asarray(v.numpy()) for i, v in enumerate(variables)})
            signature[name] = lines
        meta = {
            "spec": self.spec.identity(),
            "epoch": int(epoch),
            "iteration": trainer.iteration,
            "precision": precision,
            "numerics": NUMERICS,
            "signature": signature,
        }
        arrays["meta"] = np.array(json.dumps(meta))
        return atomic_write(self.path(self.STATE), lambda tmp: np.savez(tmp, **arrays))

    def restore_state(self, trainer) -> dict:
        """Load the saved state into a compiled trainer; return its settings. Raises ValueError
        for a state saved by other models, :class:`DamagedRunFile` for a damaged file."""
        path = self.path(self.STATE)
        arrays, meta = _open_state(path)
        with arrays:
            saved = meta.get("signature") or {}
            for name, (variables, lines) in _parts(trainer).items():
                if saved.get(name) != lines:
                    first = next(
                        (
                            f"saved {a!r}, model {b!r}"
                            for a, b in zip(saved.get(name) or [], lines)
                            if a != b
                        ),
                        f"{len(saved.get(name) or [])} saved variables, the model has {len(lines)}",
                    )
                    raise ValueError(
                        f"{path} was saved by a different {name.replace('_', ' ')} ({first}): "
                        "the models changed since. Start afresh (command line: --fresh; "
                        "notebook: resume=False)."
                    )
                try:
                    for i, variable in enumerate(variables):
                        variable.assign(arrays[f"{name}/{i}"])
                except Exception as err:
                    raise DamagedRunFile(path, f"{type(err).__name__}: {err}") from None
        return meta

    # one writer at a time
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for training; a second process gets :class:`RunInUse`. The lock
        (``flock`` on ``.lock``) dies with its process: a crash leaves no stale lock."""
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.path(self.LOCK), "w")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                raise RunInUse(
                    f"{self.folder} is being trained by another process right now (another "
                    "notebook kernel or command). Wait for it to finish, stop it, or train "
                    "into another folder."
                ) from None
            yield
        finally:
            handle.close()


def _open_state(path: Path):
    """``np.load`` of a state file, with any failure turned into :class:`DamagedRunFile`."""
    try:
        arrays = np.load(path, allow_pickle=False)
        meta = json.loads(str(arrays["meta"]))
        if not isinstance(meta, dict) or "epoch" not in meta:
            raise ValueError("no epoch in its settings")
        return arrays, meta
    except Exception as err:  # zip, pickle, JSON and key errors all mean the same here
        raise DamagedRunFile(path, f"{type(err).__name__}: {err}") from None


def _signature(network: keras.Model) -> list[str]:
    """One line per variable, stable across processes (Keras numbers layer names per
    process, so names like ``conv2d_3`` are not used): ``index:class/name shape``."""
    return [
        f"{index}:{type(layer).__name__}/{variable.name} {tuple(variable.shape)}"
        for index, layer in enumerate(network.layers)
        for variable in layer.variables
    ]


def _optimizer_signature(optimizer) -> list[str]:
    """Shapes only: slot names carry per-process layer numbers, and the slots follow
    the network's trainable variables, whose signature is checked already."""
    return [f"{type(optimizer).__name__} {tuple(v.shape)}" for v in optimizer.variables]


def _parts(trainer) -> dict:
    """The four groups of variables in a training state, in a fixed order."""
    return {
        "generator": (trainer.generator.variables, _signature(trainer.generator)),
        "critic": (trainer.critic.variables, _signature(trainer.critic)),
        "generator_optimizer": (
            trainer.generator_optimizer.variables,
            _optimizer_signature(trainer.generator_optimizer),
        ),
        "critic_optimizer": (
            trainer.critic_optimizer.variables,
            _optimizer_signature(trainer.critic_optimizer),
        ),
    }


def load_generator(path: str | os.PathLike, latent_dim: int | None = None) -> keras.Model:
    """Load a generator saved by the course and check that it is one. Raises
    FileNotFoundError (saying how to make one) for a missing file, :class:`NotAGeneratorError`
    for another model (a critic, a classifier) or, given ``latent_dim``, another latent size.
    """
    from . import models  # noqa: F401  (older files name the course's fast layers)

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No trained generator at {path}. Run notebook 01_train_wgan first, or pre-train one "
            f"with: wgan-lab-train wgan --out {path.parent}"
        )
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as err:
        raise NotAGeneratorError(
            f"{path} could not be loaded as a Keras model ({type(err).__name__}: {err}). "
            "Pass a .keras file written by labhelpers (e.g. runs/wgan/generator.keras)."
        ) from None
    in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
    if len(in_shape) != 2 or out_shape[1:] != IMAGE_SHAPE:
        raise NotAGeneratorError(
            f"{path} holds a model that maps {in_shape[1:]} to {out_shape[1:]}, but a generator "
            f"maps a latent vector (d,) to an image {IMAGE_SHAPE}. Did you pick the critic's file? "
            "Use generator.keras or generator_epoch_NNN.keras."
        )
    if latent_dim is not None and in_shape[1] != latent_dim:
        raise NotAGeneratorError(
            f"{path} is a generator for latent vectors of size {in_shape[1]}, not {latent_dim}. "
            f"Draw latent points with latent_dim={in_shape[1]}."
        )
    return model


# -- the runs of the course --------------------------------------------------------------

SEEDS = (1, 2, 3)  # seeds of the repeated runs (notebook 04); seed 1 is the lessons' own


def seed_run_name(method: str, seed: int) -> str:
    """``wgan`` for seed 1 (the run notebooks 01-03 use), ``wgan-seed2`` for seed 2."""
    return method if seed == 1 else f"{method}-seed{seed}"


COURSE_RUNS: dict[str, RunSpec] = {
    # Notebooks 01-03: the reference lab's WGAN (only the kernels clipped, no warm-up).
    "wgan": RunSpec("wgan"),
    # Notebooks 03 and 04, three seeds each: the paper's WGAN (every parameter clipped, the
    # warm-up), WGAN-GP with Adam beta_1 = 0.5 (gan_mnist.py) and 0 (Algorithm 1), the GAN.
    **{
        seed_run_name(name, s): replace(spec, seed=s)
        for name, spec in (
            ("wgan-lipschitz", RunSpec("wgan", judge="critic-clip-all", warmup=True)),
            ("wgan-gp", RunSpec("wgan-gp")),
            ("wgan-gp-beta0", RunSpec("wgan-gp", beta_1=0.0)),
            ("gan", RunSpec("gan")),
        )
        for s in SEEDS
    },
}


def course_spec(name: str, **budget) -> RunSpec:
    """The :class:`RunSpec` of course run ``name`` with ``budget`` (iterations, batch_size,
    steps_per_epoch; :func:`labhelpers.settings.lesson_budget`). ValueError for other names."""
    if name not in COURSE_RUNS:
        raise ValueError(f"no course run called {name!r}; they are {', '.join(COURSE_RUNS)}.")
    return replace(COURSE_RUNS[name], **budget)
