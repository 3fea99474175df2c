"""The folder that holds a training run (:class:`Run`), and loading a saved generator.

:class:`Run` is the one owner of a run folder (notebooks and tools never use its file
names): atomic writes, history, estimates, the state to resume from, the status, the
generators, and a lock against two writers. What a run is lives in ``spec.py``
(:class:`RunSpec`), the course's list of runs in ``course.py``.

A run is stale once :data:`labhelpers.numerics.NUMERICS` moves from the version it
recorded. Its folder: ``generator.keras`` and ``generator_epoch_NNN.keras`` (plain Keras
layers), ``grid_epoch_NNN.png``, ``history.csv`` (per iteration), ``estimates.csv`` (per
epoch), ``losses.png``, ``training_state.npz`` (for resuming), ``tensorboard/`` (if asked
for). Loading a complete run writes nothing, so the folder may be read-only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np

# The course's list of runs by its old address (``lh.runs.COURSE_RUNS``), as the
# notebooks' committed cells read it until their outputs are next made.
from .course import COURSE_RUNS, SEEDS, course_spec, seed_run_name  # noqa: F401
from .files import DamagedRunFile, atomic_write, read_rows, write_rows
from .models import IMAGE_SHAPE, plain_copy
from .numerics import NUMERICS, recorded
from .settings import REFERENCE_ITERATIONS, runs_root
from .spec import RunSpec, identity_of

__all__ = ["NotAGeneratorError", "Run", "RunInUse", "RunSpec", "identity_of", "load_generator"]


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
