"""One function that runs a whole training session: :func:`train`.

Notebooks and the command line (``python -m labhelpers.train``) both call
it, so a run started from either writes the same files into its run folder
(listed in :mod:`labhelpers.layout`). Running :func:`train` again on the same
folder resumes from the last completed epoch (weights, optimizers, iteration
count and history), unless ``resume=False`` asks for a fresh start.
"""

from __future__ import annotations

import functools
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import callbacks as cb
from . import layout
from .checkpoints import atomic_save_model, read_state_meta, restore_training_state
from .data import check_digit, load_mnist
from .methods import get_method
from .models import LATENT_DIM, build_generator
from .plotting import plot_losses
from .precision import building_in, resolve
from .settings import (
    REFERENCE_BATCH_SIZE,
    REFERENCE_ITERATIONS,
    REFERENCE_STEPS_PER_EPOCH,
    run_dir,
    set_seed,
)
from .training import WGAN, AdversarialTrainer


def build_trainer(
    method: str = "wgan",
    latent_dim: int = LATENT_DIM,
    precision: str = "float32",
    generator: Callable[[], keras.Model] | None = None,
    critic: Callable[[], keras.Model] | None = None,
    **kwargs,
) -> AdversarialTrainer:
    """A compiled trainer for ``method`` (a name in :data:`labhelpers.methods.METHODS`)
    with fresh networks computing in ``precision`` ('float32', 'bfloat16' or 'auto').

    ``generator`` and ``critic`` are optional builders (functions of no arguments
    that return a fresh model) replacing the method's own, e.g.
    ``critic=functools.partial(build_critic, clip="all")``; ``kwargs`` go to the
    trainer (``n_critic``, ``gp_weight``, ``lr_scale``).
    """
    entry = get_method(method)
    with building_in(resolve(precision, entry.bfloat16_auto)):
        g = generator() if generator is not None else build_generator(latent_dim)
        c = critic() if critic is not None else entry.build_judge()
    trainer = entry.trainer(g, c, **kwargs)
    trainer.compile()
    return trainer


def describe_builder(builder: Callable) -> str:
    """A readable, stable name for a model builder (recorded with a run's settings):
    ``build_critic(clip='all')`` for a ``functools.partial``, else the function's name."""
    if isinstance(builder, functools.partial):
        args = [repr(a) for a in builder.args] + [f"{k}={v!r}" for k, v in builder.keywords.items()]
        return f"{describe_builder(builder.func)}({', '.join(args)})"
    return getattr(builder, "__qualname__", type(builder).__name__)


def make_dataset(images: np.ndarray, half_batch: int, n_critic: int, seed: int) -> tf.data.Dataset:
    """Endless shuffled real images, ``n_critic`` half batches per element (one iteration).

    tf.data shuffles and batches in C++ threads while the previous iteration
    trains, so feeding the data costs the training loop almost nothing.
    """
    per_iteration = half_batch * n_critic
    if len(images) < half_batch:
        raise ValueError(f"Only {len(images)} training images; a half batch needs {half_batch}.")
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(per_iteration, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


@dataclass
class TrainResult:
    """What :func:`train` returns: the trained trainer, its history and its files."""

    trainer: AdversarialTrainer
    out_dir: Path
    history: dict[str, np.ndarray]
    iterations: int
    wall_seconds: float
    iterations_per_second: float
    grids: list[Path] = field(default_factory=list)
    precision: str = "float32"

    @property
    def generator(self) -> keras.Model:
        return self.trainer.generator


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        return get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:
        return False


def train(
    method: str = "wgan",
    out_dir: str | os.PathLike | None = None,
    digit: int | str | None = 7,
    iterations: int = REFERENCE_ITERATIONS,
    batch_size: int = REFERENCE_BATCH_SIZE,
    steps_per_epoch: int = REFERENCE_STEPS_PER_EPOCH,
    seed: int = 1,
    resume: bool = True,
    images: np.ndarray | None = None,
    progress: str = "auto",
    extra_callbacks: list | None = None,
    precision: str = "auto",
    generator: Callable[[], keras.Model] | None = None,
    critic: Callable[[], keras.Model] | None = None,
    heldout_images: np.ndarray | None = None,
    **trainer_kwargs,
) -> TrainResult:
    """Train ``method`` on MNIST and save everything into ``out_dir``.

    Args:
        method: 'wgan' (clipping), 'wgan-gp' or 'gan' (see :mod:`labhelpers.methods`).
        out_dir: folder for the generator, grids, history and checkpoints; by
            default the lesson's run folder, :func:`labhelpers.settings.run_dir`.
        digit: train on one digit (default 7) or on 'all'.
        iterations: generator updates in total (970 = the reference lab).
        batch_size: real + fake images per critic update (half each), and
            fakes per generator update.
        steps_per_epoch: iterations between grids/checkpoints (97 as in the reference).
        seed: seeds everything (see :func:`labhelpers.settings.set_seed`).
        resume: carry on from ``out_dir/training_state.npz`` if it exists.
        images: train on these images instead of loading MNIST.
        progress: 'notebook', 'terminal', 'none' or 'auto'.
        extra_callbacks: more Keras callbacks to run after the course's own.
        precision: 'float32', 'bfloat16' or 'auto' (bfloat16 where the hardware runs
            it fast and the method's quality was shown to hold; see :mod:`labhelpers.precision`).
        generator, critic: builders of other networks than the method's own (see
            :func:`build_trainer`); their names are recorded with the run's settings.
        heldout_images: images the critic never trains on; each epoch compares the
            critic's estimate (Wasserstein for the WGANs, Jensen-Shannon for the GAN)
            on them with that on training images (``estimates.csv``). By default the
            digit's test split, when ``images`` is not given.
        trainer_kwargs: passed to the trainer (e.g. ``n_critic``, ``gp_weight``).

    Raises:
        TrainingDiverged: a loss became non-finite (the last good epoch is kept).
        DamagedRunFile: a file of an earlier run in ``out_dir`` cannot be read.
    """
    entry = get_method(method)
    for name, value in (
        ("iterations", iterations),
        ("batch_size", batch_size),
        ("steps_per_epoch", steps_per_epoch),
    ):
        if int(value) < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value}.")
    if batch_size % 2:
        raise ValueError(
            f"batch_size must be even (half real, half fake per critic update), got {batch_size}."
        )
    out_dir = Path(out_dir) if out_dir is not None else run_dir(method)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} is a file, not a folder: name a folder for the run's files.")
    precision = resolve(precision, entry.bfloat16_auto)
    config = {
        "method": method,
        "digit": check_digit(digit),
        "batch_size": int(batch_size),
        "steps_per_epoch": int(steps_per_epoch),
        "seed": int(seed),
        **trainer_kwargs,
        **{
            name: describe_builder(b)
            for name, b in (("generator", generator), ("critic", critic))
            if b is not None
        },
    }

    meta = read_state_meta(out_dir) if resume else None
    if meta is not None and {k: meta.get(k) for k in config} != config:
        raise ValueError(
            f"{out_dir} holds a run with other settings ({ {k: meta.get(k) for k in config} }). "
            "Use another out_dir, or resume=False to start this one afresh."
        )
    if meta is None and out_dir.exists():
        _clear_run(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    set_seed(seed)
    if images is None:
        images = load_mnist(digit)
        if heldout_images is None:
            heldout_images = load_mnist(digit, split="test")
    trainer = build_trainer(
        method, precision=precision, generator=generator, critic=critic, **trainer_kwargs
    )
    rows: list[dict] = []
    if meta is not None:
        restore_training_state(trainer, out_dir)
        start_epoch = meta["epoch"]
        set_seed(seed + start_epoch)  # fresh random numbers for the resumed epochs
        rows = [
            r
            for r in cb.history_rows(cb.read_history(out_dir / layout.HISTORY_FILE))
            if r["iteration"] <= trainer.iteration
        ]
    else:
        start_epoch = 0
    start = trainer.iteration

    history = cb.LossHistory(out_dir, rows)
    grid = cb.SampleGrid(out_dir, history, trainer.latent_dim, method, seed=seed)
    callbacks = [
        history,
        grid,
        cb.GeneratorCheckpoint(out_dir, history),
        cb.ResumeCheckpoint(out_dir, history, config, precision=precision),
        _StopAt(iterations),
    ]
    if heldout_images is not None and len(heldout_images):
        callbacks.insert(
            2,
            cb.HeldOutEstimate(
                out_dir,
                history,
                images,
                heldout_images,
                trainer.latent_dim,
                seed=seed,
                start_epoch=start_epoch,
                kind="wasserstein" if issubclass(entry.trainer, WGAN) else "jensen-shannon",
            ),
        )
    mode = progress if progress != "auto" else ("notebook" if _in_notebook() else "terminal")
    if start >= iterations and mode != "none":
        print(
            f"{out_dir} already holds a complete run of {start} iterations: loaded it. "
            "To train again, pass resume=False (CLI: --fresh)."
        )
    elif mode == "notebook":
        callbacks.append(cb.NotebookProgress(iterations, start, grid))
    elif mode == "terminal":
        callbacks.append(cb.TerminalProgress(iterations, start))
    callbacks += extra_callbacks or []

    epochs = math.ceil(iterations / steps_per_epoch)
    t0 = time.perf_counter()
    wall = 0.0
    if start < iterations:
        dataset = make_dataset(images, batch_size // 2, trainer.n_critic, seed + start_epoch)
        trainer.fit(
            dataset,
            epochs=epochs,
            initial_epoch=start_epoch,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks,
            verbose=0,
            shuffle=False,
        )  # the dataset shuffles itself
        wall = time.perf_counter() - t0
    if history.diverged:
        raise cb.TrainingDiverged(history.diverged)

    atomic_save_model(trainer.generator, out_dir / layout.GENERATOR_FILE)
    done = trainer.iteration
    arrays = history.as_arrays()
    if arrays:
        fig = plot_losses(
            arrays,
            f"{method.upper()} losses over {done} iterations",
            out_dir / layout.LOSSES_FILE,
            estimate=issubclass(entry.trainer, WGAN),  # the WGANs: plot their estimate
        )
        import matplotlib.pyplot as plt

        plt.close(fig)
    return TrainResult(
        trainer,
        out_dir,
        arrays,
        done,
        wall,
        (done - start) / wall if wall > 0 and done > start else float("nan"),
        layout.epoch_grids(out_dir),
        precision,
    )


class _StopAt(keras.callbacks.Callback):
    """Stop ``fit`` once the trainer has made ``iterations`` generator updates
    (the last epoch may be shorter than ``steps_per_epoch``)."""

    def __init__(self, iterations: int):
        super().__init__()
        self.iterations = iterations

    def on_train_batch_end(self, batch, logs=None):
        if self.model.iteration >= self.iterations:
            self.model.stop_training = True


def _clear_run(out_dir: Path) -> None:
    """Remove the files of an earlier run in ``out_dir`` (only files this package writes)."""
    for path in layout.run_files(out_dir):
        path.unlink()
