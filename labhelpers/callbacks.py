"""Keras callbacks that record, save and show a training run.

``fit`` calls them at the end of every iteration (``on_train_batch_end``)
and every epoch (``on_epoch_end``); they run in the order given, and
:func:`labhelpers.experiment.train` gives them in this order:

1. :class:`LossHistory` - keeps every iteration's losses, writes
   ``history.csv`` each epoch, and stops training on a non-finite loss;
2. :class:`SampleGrid` - a 10x10 grid of samples per epoch (PNG);
3. :class:`GeneratorCheckpoint` - the generator per epoch (``.keras``);
4. :class:`ResumeCheckpoint` - the full training state per epoch;
5. a progress display (:class:`TerminalProgress` or :class:`NotebookProgress`).

Nothing is saved from a run whose losses went non-finite, so the last good
files stay on disk.
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
from pathlib import Path

import keras
import numpy as np

from . import layout
from .checkpoints import atomic_save_model, save_training_state
from .latent import generate
from .plotting import save_image_grid


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the iteration and likely causes."""


def read_history(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a ``history.csv`` into ``{column: array}`` (empty dict if there is no file).

    Raises :class:`labhelpers.layout.DamagedRunFile` when the file cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows:
            return {}
        return {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, csv.Error) as err:
        raise layout.DamagedRunFile(path, f"{type(err).__name__}: {err}") from None


def history_rows(history: dict[str, np.ndarray]) -> list[dict]:
    """``{column: array}`` (as :func:`read_history` returns) back into one dict per row."""
    n = len(next(iter(history.values()))) if history else 0
    return [
        {k: (int(v[i]) if k in ("iteration", "epoch") else float(v[i])) for k, v in history.items()}
        for i in range(n)
    ]


def write_history(rows: list[dict], path: str | os.PathLike) -> None:
    """Write rows of losses to CSV atomically (temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.csv")
    with open(tmp, "w", newline="") as f:
        if rows:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    os.replace(tmp, path)


class LossHistory(keras.callbacks.Callback):
    """Record every iteration's losses; save them as CSV; stop on NaN/inf.

    ``rows`` holds one dict per iteration (``iteration``, ``epoch`` and the
    losses). When resuming, pass the rows already on disk so the history
    continues without a gap or a duplicate.
    """

    def __init__(self, out_dir: str | os.PathLike, rows: list[dict] | None = None):
        super().__init__()
        self.path = Path(out_dir) / layout.HISTORY_FILE
        self.rows = list(rows or [])
        self.diverged: str | None = None

    def on_train_batch_end(self, batch, logs=None):
        values = {k: float(v) for k, v in (logs or {}).items()}
        iteration = self.model.iteration
        self.rows.append({"iteration": iteration, "epoch": self.epoch + 1, **values})
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if bad and self.diverged is None:
            self.diverged = (
                f"Training stopped at iteration {iteration}: the loss {', '.join(bad)} became "
                f"{values[bad[0]]}. Likely causes: a learning rate too high for this method (e.g. "
                "Adam with weight clipping), a clip value or gradient-penalty weight changed to an "
                "extreme, or images not scaled to [-1, 1]. The files of the last good epoch are "
                "kept; lower the learning rate and train again with resume=False."
            )
            self.model.stop_training = True

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.diverged is None:
            write_history(self.rows, self.path)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The history so far as ``{column: array}``, like :func:`read_history`."""
        if not self.rows:
            return {}
        return {k: np.array([r.get(k, np.nan) for r in self.rows]) for k in self.rows[-1]}


class _EpochSaver(keras.callbacks.Callback):
    """Base for callbacks that save at epoch end, unless the losses diverged."""

    def __init__(self, out_dir: str | os.PathLike, history: LossHistory):
        super().__init__()
        self.out_dir = Path(out_dir)
        self.history = history

    def on_epoch_end(self, epoch, logs=None):
        if self.history.diverged is None:
            self.save(epoch + 1)

    def save(self, epoch: int) -> None:
        raise NotImplementedError


class SampleGrid(_EpochSaver):
    """Save a 10x10 grid of samples as ``grid_epoch_NNN.png`` after every epoch.

    The latent points are fixed at the start, so the grids of successive
    epochs show the *same* 100 latent points and can be compared directly.
    """

    def __init__(self, out_dir, history: LossHistory, latent_dim: int, method: str, seed: int = 0):
        super().__init__(out_dir, history)
        self.z = np.random.default_rng(seed).standard_normal((100, latent_dim)).astype("float32")
        self.method = method
        self.latest: Path | None = None

    def save(self, epoch: int) -> None:
        images = generate(self.model.generator, self.z)  # float32, whatever the precision
        title = (
            f"{self.method.upper()} samples after epoch {epoch} (iteration {self.model.iteration})"
        )
        self.latest = save_image_grid(images, layout.epoch_grid(self.out_dir, epoch), title)


class HeldOutEstimate(_EpochSaver):
    """Per epoch, the critic's estimate of the distance on training and on held-out images.

    With the critic in inference mode, once with ``n`` training images and once
    with ``n`` held-out images of the same digit, against the same ``n`` fakes
    (fixed latent points):

    * ``kind='wasserstein'`` (WGAN, WGAN-GP): ``mean D(real) - mean D(fake)``.
    * ``kind='jensen-shannon'`` (GAN): ``log 2 + (mean log D(real) + mean log(1 - D(fake))) / 2``,
      that is ``log 2 - (loss on real + loss on fake) / 2`` with the discriminator's
      cross-entropy losses: Goodfellow et al. (2014) show it equals the Jensen-Shannon
      divergence when the discriminator is optimal (0 when it cannot tell, up to log 2).

    A critic that overfits its training set scores training images higher than
    held-out ones, so the training estimate runs away from the held-out one:
    WGAN-GP (Gulrajani et al., 2017, §5.6) showed this on a 1,000-digit MNIST
    subset. Each row also records ``seconds``, the wall time spent in training
    steps so far (across resumes), for plots of quality against wall-clock time.
    The rows go to ``estimates.csv`` (resumed runs keep the rows of their
    completed epochs).
    """

    KINDS = ("wasserstein", "jensen-shannon")

    def __init__(
        self,
        out_dir,
        history: LossHistory,
        train_images: np.ndarray,
        heldout_images: np.ndarray,
        latent_dim: int,
        n: int = 500,
        seed: int = 0,
        start_epoch: int = 0,
        kind: str = "wasserstein",
    ):
        super().__init__(out_dir, history)
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, got {kind!r}.")
        self.kind = kind
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(train_images), min(n, len(train_images)), replace=False)
        self.train_images = np.asarray(train_images[pick], "float32")
        self.heldout_images = np.asarray(heldout_images[:n], "float32")
        self.z = rng.standard_normal((n, latent_dim)).astype("float32")
        self.path = self.out_dir / layout.ESTIMATES_FILE
        saved = history_rows(read_history(self.path))
        self.rows = [row for row in saved if row["epoch"] <= start_epoch]
        self.seconds = float(self.rows[-1].get("seconds", 0.0)) if self.rows else 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self._t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.seconds += time.perf_counter() - self._t0

    def _mean_score(self, images: np.ndarray, fake: bool = False) -> float:
        """Mean critic score, or for the GAN mean log D (real) / log(1 - D) (fake)."""
        critic = self.model.critic
        scores = np.concatenate(
            [
                np.asarray(critic(images[i : i + 250], training=False), "float64").ravel()
                for i in range(0, len(images), 250)
            ]
        )
        if self.kind == "jensen-shannon":
            p = np.clip(scores, 1e-7, 1 - 1e-7)  # as Keras's cross-entropy clips
            return float(np.mean(np.log1p(-p) if fake else np.log(p)))
        return float(np.mean(scores))

    def _estimate(self, real: np.ndarray, fake_term: float) -> float:
        if self.kind == "jensen-shannon":
            return float(np.log(2.0) + 0.5 * (self._mean_score(real) + fake_term))
        return self._mean_score(real) - fake_term

    def save(self, epoch: int) -> None:
        fake = self._mean_score(generate(self.model.generator, self.z), fake=True)
        self.rows.append(
            {
                "epoch": epoch,
                "iteration": self.model.iteration,
                "train": self._estimate(self.train_images, fake),
                "heldout": self._estimate(self.heldout_images, fake),
                "seconds": self.seconds,
            }
        )
        write_history(self.rows, self.path)


class GeneratorCheckpoint(_EpochSaver):
    """Save the generator as ``generator_epoch_NNN.keras`` after every epoch."""

    def save(self, epoch: int) -> None:
        atomic_save_model(self.model.generator, layout.epoch_generator(self.out_dir, epoch))


class ResumeCheckpoint(_EpochSaver):
    """Save the full training state (``training_state.npz``) after every epoch."""

    def __init__(self, out_dir, history: LossHistory, config: dict, precision: str = "float32"):
        super().__init__(out_dir, history)
        self.config = config
        self.precision = precision

    def save(self, epoch: int) -> None:
        save_training_state(self.model, self.out_dir, epoch, self.config, precision=self.precision)


def _loss_text(logs: dict) -> str:
    return "  ".join(f"{k}={float(v):+.3f}" for k, v in logs.items())


class _Progress(keras.callbacks.Callback):
    """Shared by both progress displays: every ``every`` iterations, call :meth:`show`
    with the iterations done, the iterations per second and the current losses."""

    def __init__(self, total: int, start: int = 0, every: int = 5):
        super().__init__()
        self.total, self.start, self.every = total, start, every

    def on_train_begin(self, logs=None):
        self.t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        done = self.model.iteration
        if done % self.every == 0 or done == self.total:
            rate = (done - self.start) / max(time.perf_counter() - self.t0, 1e-9)
            self.show(done, rate, _loss_text(logs or {}))

    def show(self, done: int, rate: float, losses: str) -> None:
        raise NotImplementedError


class TerminalProgress(_Progress):
    """A one-line progress bar on stderr: iterations, it/s, time left, current losses."""

    def __init__(self, total: int, start: int = 0, every: int = 5, stream=None):
        super().__init__(total, start, every)
        self.stream = stream or sys.stderr

    def show(self, done, rate, losses):
        left = (self.total - done) / rate if rate > 0 else float("nan")
        filled = int(30 * done / self.total)
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(
            f"\r[{bar}] {done}/{self.total} it  {rate:.2f} it/s  ~{left:.0f}s left  {losses}"
        )
        self.stream.flush()

    def on_train_end(self, logs=None):
        self.stream.write("\n")
        self.stream.flush()


class NotebookProgress(_Progress):
    """A live display for notebooks: a progress bar, the current losses and the
    latest sample grid, all updating in place (ipywidgets) instead of
    thousands of printed lines."""

    def __init__(self, total: int, start: int = 0, grid: SampleGrid | None = None, every: int = 5):
        super().__init__(total, start, every)
        import ipywidgets as widgets
        from IPython.display import display

        self.grid = grid
        self.bar = widgets.IntProgress(value=start, min=0, max=total, description="iterations")
        self.label = widgets.HTML()
        # Hidden until the first grid exists (an empty image would show as broken).
        self.image = widgets.Image(format="png", width=420, layout=widgets.Layout(display="none"))
        display(widgets.VBox([widgets.HBox([self.bar, self.label]), self.image]))

    def show(self, done, rate, losses):
        self.bar.value = min(done, self.total)
        self.label.value = (
            f"{done}/{self.total} &nbsp; {rate:.2f} it/s &nbsp; <code>{losses}</code>"
        )

    def on_epoch_end(self, epoch, logs=None):
        if self.grid is not None and self.grid.latest is not None:
            self.image.value = self.grid.latest.read_bytes()
            self.image.layout.display = None
