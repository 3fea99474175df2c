"""A whole training run in one call, :func:`train`, for the notebooks and the command line
(``wgan-lab-train``) alike: it trains, resumes from the last completed epoch, or loads a
complete run (:class:`labhelpers.runs.Run`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from . import callbacks as cb
from .course import course_spec
from .data import load_mnist
from .files import as_rows
from .methods import get_method
from .models import JUDGES, LATENT_DIM, build_generator
from .precision import building_in
from .runs import Run
from .settings import run_dir, set_seed
from .spec import RunSpec, identity_of
from .training import TRAINERS, AdversarialTrainer, make_dataset


def build_trainer(
    method: str = "wgan",
    latent_dim: int = LATENT_DIM,
    precision: str = "float32",
    generator: Callable[[], keras.Model] | None = None,
    critic: Callable[[], keras.Model] | None = None,
    **kwargs,
) -> AdversarialTrainer:
    """A compiled trainer for ``method`` (a name in :data:`labhelpers.methods.METHODS`)
    with fresh networks computing in ``precision`` ('float32' or 'bfloat16').

    ``generator`` and ``critic`` are optional builders (functions of no arguments
    that return a fresh model) replacing the method's own; ``kwargs`` go to the
    trainer (``n_critic``, ``gp_weight``, ``lr_scale``).
    """
    entry = get_method(method)
    with building_in(precision):
        g = generator() if generator is not None else build_generator(latent_dim)
        c = critic() if critic is not None else JUDGES[entry.judge]()
    trainer = TRAINERS[entry.name](g, c, **kwargs)
    trainer.compile()
    return trainer


@dataclass
class TrainResult:
    """What :func:`train` returns: the trainer, its history and its run folder."""

    trainer: AdversarialTrainer
    run: Run
    history: dict[str, np.ndarray]
    iterations: int
    wall_seconds: float = 0.0  # 0 when the run was complete already and only loaded
    precision: str = "float32"
    grids: list[Path] = field(default_factory=list)
    trained: int = 0  # iterations trained by this call (0: loaded)

    @property
    def generator(self) -> keras.Model:
        return self.trainer.generator

    @property
    def out_dir(self) -> Path:
        return self.run.folder

    @property
    def iterations_per_second(self) -> float:
        seconds, trained = self.wall_seconds, self.trained
        return trained / seconds if seconds > 0 and trained > 0 else float("nan")


def train(method: str = "wgan", out_dir: str | os.PathLike | None = None, **options) -> TrainResult:
    """Train ``method`` on MNIST into ``out_dir`` (default: the lesson's folder for it).

    ``options`` are the run's settings, the fields of :class:`labhelpers.spec.RunSpec`:
    ``digit`` (7 or 'all'), ``seed``, ``iterations`` (970 = the reference lab),
    ``batch_size`` (real + fake images per critic update), ``steps_per_epoch``
    (iterations between grids and checkpoints), ``lr_scale``, ``judge`` (e.g.
    'lab-critic'), ``warmup`` (the WGAN authors' critic warm-up), ``beta_1``
    (WGAN-GP's Adam) and ``precision`` ('float32', 'bfloat16' or 'auto'); and
    those of :func:`train_spec`: ``resume``, ``images`` (instead of MNIST),
    ``heldout_images`` (for the per-epoch held-out estimate; default: the digit's
    test split), ``progress`` ('notebook', 'terminal', 'none' or 'auto'),
    ``tensorboard`` (True: TensorBoard logs too) and ``extra_callbacks``.

    Raises:
        TrainingDiverged: a loss became non-finite (the last good epoch is kept).
        DamagedRunFile: a file of an earlier run cannot be read.
        RunInUse: another process is training into the same folder.
        ValueError: invalid settings, or ``out_dir`` holds a run of other settings.
    """
    fields = {f.name for f in dataclasses.fields(RunSpec)}
    spec = RunSpec(method, **{k: v for k, v in options.items() if k in fields})
    rest = {k: v for k, v in options.items() if k not in fields}
    return train_spec(spec, out_dir if out_dir is not None else run_dir(method), **rest)


def train_spec(
    spec: RunSpec,
    folder: str | os.PathLike,
    *,
    resume: bool = True,
    images: np.ndarray | None = None,
    heldout_images: np.ndarray | None = None,
    progress: str = "auto",
    tensorboard: bool = False,
    extra_callbacks: list | None = None,
) -> TrainResult:
    """:func:`train` for a :class:`labhelpers.spec.RunSpec` (see :func:`train` for the rest).
    Loads a complete run (writing nothing), resumes a partial one, or starts afresh."""
    run = Run(folder, spec)
    meta = _resumable(run) if resume else None
    precision = spec.resolved_precision()
    if meta is not None and meta["iteration"] >= spec.iterations:
        return _load(run, meta, precision, progress)  # complete: read, write nothing
    with run.lock():
        if meta is None:
            run.clear()
        set_seed(spec.seed)
        if images is None:
            images = load_mnist(spec.digit)
            heldout_images = load_mnist(spec.digit, split="test")
        trainer = _trainer(spec, precision)
        start_epoch = 0
        if meta is not None:
            start_epoch = run.restore_state(trainer)["epoch"]
            set_seed(spec.seed + start_epoch)  # fresh random numbers for the resumed epochs
        start = trainer.iteration
        rows = [r for r in as_rows(run.history()) if r["iteration"] <= start]
        callbacks = _callbacks(
            run, trainer, rows, images, heldout_images, start_epoch, precision, progress
        )
        if tensorboard:
            callbacks["tensorboard"] = cb.TensorBoardLog(
                run, callbacks["grid"], callbacks.get("estimate"), _is_wgan(spec)
            )
        t0 = time.perf_counter()
        dataset = make_dataset(
            images, spec.batch_size // 2, trainer.n_critic, spec.seed + start_epoch
        )
        trainer.fit(
            dataset,  # shuffles itself
            epochs=math.ceil(spec.iterations / spec.steps_per_epoch),
            initial_epoch=start_epoch,
            steps_per_epoch=spec.steps_per_epoch,
            callbacks=[*callbacks.values(), *(extra_callbacks or [])],
            verbose=0,
            shuffle=False,
        )
        wall = time.perf_counter() - t0
        history = callbacks["history"]
        if history.diverged:
            raise cb.TrainingDiverged(history.diverged)
        run.save_generator(trainer.generator)
        _plot_losses(run, history.as_arrays(), trainer.iteration)
    done = trainer.iteration
    arrays = history.as_arrays()
    return TrainResult(trainer, run, arrays, done, wall, precision, run.epoch_grids(), done - start)


def _resumable(run: Run) -> dict | None:
    """The saved state's settings if ``run`` holds a run of the same spec, else None;
    a run of other settings is refused (one line, what to do)."""
    meta = run.meta()
    if meta is not None and identity_of(meta) != run.spec.identity():
        raise ValueError(
            f"{run.folder} holds a run with other settings ({identity_of(meta)}). "
            "Use another folder, or resume=False to start this one afresh."
        )
    return meta


def _trainer(spec: RunSpec, precision: str) -> AdversarialTrainer:
    options = {} if spec.beta_1 is None else {"beta_1": spec.beta_1}
    return build_trainer(
        spec.method,
        precision=precision,
        critic=JUDGES[spec.judge],
        lr_scale=spec.lr_scale,
        **options,
    )


def _is_wgan(spec: RunSpec) -> bool:
    return get_method(spec.method).estimate == "wasserstein"


def _callbacks(run, trainer, rows, images, heldout, start_epoch, precision, progress) -> dict:
    """The course's callbacks by name, in the order ``fit`` calls them."""
    spec = run.spec
    history = cb.LossHistory(run, rows)
    grid = cb.SampleGrid(run, history, trainer.latent_dim, spec.method, spec.seed)
    callbacks: dict = {"history": history, "grid": grid}
    if heldout is not None and len(heldout):
        callbacks["estimate"] = cb.HeldOutEstimate(
            run,
            history,
            images,
            heldout,
            trainer.latent_dim,
            spec.seed,
            start_epoch,
            get_method(spec.method).estimate,
        )
    if spec.warmup:
        callbacks["warmup"] = cb.CriticWarmup(images, spec.batch_size // 2, spec.seed + 10_000)
    callbacks["checkpoint"] = cb.Checkpoint(run, history, precision)
    callbacks["stop"] = cb.StopAt(spec.iterations)
    mode = progress if progress != "auto" else ("notebook" if _in_notebook() else "terminal")
    if mode == "notebook":
        callbacks["progress"] = cb.NotebookProgress(spec.iterations, trainer.iteration, grid)
    elif mode == "terminal":
        callbacks["progress"] = cb.TerminalProgress(spec.iterations, trainer.iteration)
    return callbacks


def _load(run: Run, meta: dict, precision: str, progress: str) -> TrainResult:
    """A complete run, read from its folder (nothing is written)."""
    trainer = _trainer(run.spec, precision)
    run.restore_state(trainer)
    if progress != "none":
        print(
            f"{run} holds a complete run of {meta['iteration']} iterations: "
            "loaded it. To train again, pass resume=False (command line: --fresh)."
        )
    return TrainResult(
        trainer, run, run.history(), trainer.iteration, 0.0, precision, run.epoch_grids()
    )


def _plot_losses(run: Run, history: dict, iterations: int) -> None:
    import matplotlib.pyplot as plt

    from .plotting import plot_losses

    if history:
        title = f"{run.spec.method.upper()} losses over {iterations} iterations"
        plt.close(plot_losses(history, title, run.path(Run.LOSSES), estimate=_is_wgan(run.spec)))


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        return get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:
        return False


def course_run(name: str, **budget):
    """The course run ``name`` in the lesson's folder (:func:`labhelpers.settings.run_dir`):
    loaded when it is complete, otherwise trained or resumed. Returns a
    :class:`labhelpers.session.TrainResult`."""
    return train_spec(course_spec(name, **budget), run_dir(name))
