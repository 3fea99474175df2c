"""Keras callbacks that record, save and show a training run, in the order
:func:`labhelpers.session.train` builds them. Files go into the run's folder through
:class:`labhelpers.runs.Run`; nothing is saved from an epoch whose losses went non-finite.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np

from .files import as_rows
from .latent import generate
from .runs import Run


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the iteration and likely causes."""


class LossHistory(keras.callbacks.Callback):
    """Record every iteration's losses; save them each epoch; stop on NaN/inf (the reason
    is in ``diverged``). ``rows``: one dict per iteration already on disk, when resuming.
    """

    def __init__(self, run: Run, rows: list[dict] | None = None):
        super().__init__()
        self.run = run
        self.rows = list(rows or [])
        self.diverged: str | None = None
        self.epoch = 0

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
            self.run.write_history(self.rows)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The history so far as ``{column: array}``, like :meth:`Run.history`."""
        if not self.rows:
            return {}
        return {k: np.array([r.get(k, np.nan) for r in self.rows]) for k in self.rows[-1]}


class _EpochSaver(keras.callbacks.Callback):
    """Base for callbacks that save at epoch end, unless the losses diverged."""

    def __init__(self, run: Run, history: LossHistory):
        super().__init__()
        self.run = run
        self.history = history

    def on_epoch_end(self, epoch, logs=None):
        if self.history.diverged is None:
            self.save(epoch + 1)

    def save(self, epoch: int) -> None:
        raise NotImplementedError


class SampleGrid(_EpochSaver):
    """Save a 10x10 grid of samples as ``grid_epoch_NNN.png`` after every epoch, always of
    the same 100 latent points (drawn from ``seed``)."""

    def __init__(self, run: Run, history: LossHistory, latent_dim: int, method: str, seed: int):
        super().__init__(run, history)
        self.z = np.random.default_rng(seed).standard_normal((100, latent_dim)).astype("float32")
        self.method = method
        self.latest: Path | None = None
        self.latest_images: np.ndarray | None = None

    def save(self, epoch: int) -> None:
        from .plotting import save_image_grid

        self.latest_images = generate(self.model.generator, self.z)  # float32 always
        title = f"{self.method.upper()} after epoch {epoch} (iteration {self.model.iteration})"
        self.latest = save_image_grid(self.latest_images, self.run.epoch_grid_path(epoch), title)


class HeldOutEstimate(_EpochSaver):
    """Per epoch, the critic's estimate (inference mode) on ``n`` training and on ``n``
    held-out images against the same ``n`` fakes, to show overfitting (WGAN-GP paper §5.6).

    ``kind='wasserstein'``: ``mean D(real) - mean D(fake)``; ``kind='jensen-shannon'``
    (GAN): ``log 2 + (mean log D(real) + mean log(1 - D(fake))) / 2`` (Goodfellow et al.
    2014). Each row: ``epoch``, ``iteration``, ``train``, ``heldout`` and ``seconds`` (time
    in training steps, across resumes). Raises ValueError for an unknown ``kind``.
    """

    KINDS = ("wasserstein", "jensen-shannon")

    def __init__(
        self,
        run: Run,
        history: LossHistory,
        train_images: np.ndarray,
        heldout_images: np.ndarray,
        latent_dim: int,
        seed: int,
        start_epoch: int = 0,
        kind: str = "wasserstein",
        n: int = 500,
    ):
        super().__init__(run, history)
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, got {kind!r}.")
        self.kind = kind
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(train_images), min(n, len(train_images)), replace=False)
        self.train_images = np.asarray(train_images[pick], "float32")
        self.heldout_images = np.asarray(heldout_images[:n], "float32")
        self.z = rng.standard_normal((n, latent_dim)).astype("float32")
        self.rows = [row for row in as_rows(run.estimates()) if row["epoch"] <= start_epoch]
        self.seconds = float(self.rows[-1].get("seconds", 0.0)) if self.rows else 0.0
        self.latest: dict | None = None

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
        self.latest = {
            "epoch": epoch,
            "iteration": self.model.iteration,
            "train": self._estimate(self.train_images, fake),
            "heldout": self._estimate(self.heldout_images, fake),
            "seconds": self.seconds,
        }
        self.rows.append(self.latest)
        self.run.write_estimates(self.rows)


class Checkpoint(_EpochSaver):
    """After every epoch: the generator (``generator_epoch_NNN.keras``), then the full
    training state, written last so that it never names an epoch whose files are missing."""

    def __init__(self, run: Run, history: LossHistory, precision: str):
        super().__init__(run, history)
        self.precision = precision

    def save(self, epoch: int) -> None:
        self.run.save_generator(self.model.generator, epoch)
        self.run.save_state(self.model, epoch, self.precision)


class CriticWarmup(keras.callbacks.Callback):
    """The WGAN authors' critic warm-up (``main.py``; WGAN paper §3): before generator
    iterations 0-24 and every 500th, extra critic updates to 100 in all
    (:func:`labhelpers.training.critic_updates`), each on a fresh half batch of ``images``.
    """

    def __init__(self, images: np.ndarray, half_batch: int, seed: int):
        super().__init__()
        self.images, self.half_batch, self.seed = images, half_batch, seed
        self._stream = None

    def on_train_begin(self, logs=None):
        import tensorflow as tf

        from .training import make_dataset

        stream = make_dataset(self.images, self.half_batch, 1, self.seed + self.model.iteration)
        self._stream = iter(stream)
        self._update = tf.function(self.model.critic_update)

    def on_train_batch_begin(self, batch, logs=None):
        from .training import critic_updates

        trainer = self.model
        extra = critic_updates(trainer.iteration, trainer.n_critic, True) - trainer.n_critic
        for _ in range(extra):
            self._update(next(self._stream))


class StopAt(keras.callbacks.Callback):
    """Stop ``fit`` once the trainer has made ``iterations`` generator updates
    (the last epoch may be shorter than ``steps_per_epoch``)."""

    def __init__(self, iterations: int):
        super().__init__()
        self.iterations = iterations

    def on_train_batch_end(self, batch, logs=None):
        if self.model.iteration >= self.iterations:
            self.model.stop_training = True


class TerminalProgress(keras.callbacks.Callback):
    """Keras's own progress bar (``keras.utils.Progbar``) counting iterations, with
    the current losses; it ends with the wall time and the iterations per second."""

    def __init__(self, total: int, start: int = 0):
        super().__init__()
        self.total, self.start = total, start

    def on_train_begin(self, logs=None):
        self.bar = keras.utils.Progbar(self.total, unit_name="iteration")
        self.bar.update(self.start)
        self.t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        losses = [(k, float(v)) for k, v in (logs or {}).items()]
        self.bar.update(self.model.iteration, values=losses, finalize=False)

    def on_train_end(self, logs=None):
        seconds = time.perf_counter() - self.t0
        done = self.model.iteration - self.start
        self.bar.update(self.model.iteration, finalize=True)
        if done > 0:
            print(f"{done} iterations in {seconds:.1f} s ({done / seconds:.2f} it/s)")


class NotebookProgress(keras.callbacks.Callback):
    """A live notebook display (ipywidgets): a progress bar, the current losses and the
    latest sample grid, updating in place."""

    def __init__(self, total: int, start: int = 0, grid: SampleGrid | None = None, every: int = 5):
        super().__init__()
        import ipywidgets as widgets
        from IPython.display import display

        self.total, self.start, self.every, self.grid = total, start, every, grid
        self.bar = widgets.IntProgress(value=start, min=0, max=total, description="iterations")
        self.label = widgets.HTML()
        # Hidden until the first grid exists (an empty image would show as broken).
        self.image = widgets.Image(format="png", width=420, layout=widgets.Layout(display="none"))
        display(widgets.VBox([widgets.HBox([self.bar, self.label]), self.image]))

    def on_train_begin(self, logs=None):
        self.t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        done = self.model.iteration
        if done % self.every and done != self.total:
            return
        rate = (done - self.start) / max(time.perf_counter() - self.t0, 1e-9)
        losses = "  ".join(f"{k}={float(v):+.3f}" for k, v in (logs or {}).items())
        self.bar.value = min(done, self.total)
        self.label.value = (
            f"{done}/{self.total} &nbsp; {rate:.2f} it/s &nbsp; <code>{losses}</code>"
        )

    def on_epoch_end(self, epoch, logs=None):
        if self.grid is not None and self.grid.latest is not None:
            self.image.value = self.grid.latest.read_bytes()
            self.image.layout.display = None


class TensorBoardLog(keras.callbacks.Callback):
    """Logs for ``tensorboard --logdir runs`` in the run's ``tensorboard/`` folder: every
    iteration's losses (WGANs: and ``-(critic_real + critic_fake)``), per epoch the grid and
    the held-out estimates. Raises ImportError without the tensorboard package."""

    def __init__(self, run: Run, grid: SampleGrid, estimate: HeldOutEstimate | None, wgan: bool):
        super().__init__()
        import importlib.util

        import tensorflow as tf

        if importlib.util.find_spec("tensorboard") is None:
            raise ImportError(
                "tensorboard=True needs the tensorboard package: pip install 'tensorboard>=2.21' "
                "(make lab installs it), or train without tensorboard=True."
            )

        self.writer = tf.summary.create_file_writer(str(run.path(Run.TENSORBOARD)))
        self.grid, self.estimate, self.wgan = grid, estimate, wgan

    def on_train_batch_end(self, batch, logs=None):
        import tensorflow as tf

        logs = {k: float(v) for k, v in (logs or {}).items()}
        if self.wgan and "critic_real" in logs:
            logs["wasserstein_estimate"] = -(logs["critic_real"] + logs["critic_fake"])
        with self.writer.as_default(step=self.model.iteration):
            for name, value in logs.items():
                tf.summary.scalar(f"losses/{name}", value)

    def on_epoch_end(self, epoch, logs=None):
        import tensorflow as tf

        from .plotting import mosaic

        with self.writer.as_default(step=self.model.iteration):
            if self.grid.latest_images is not None:
                picture = (1.0 - mosaic(self.grid.latest_images, cols=10)) / 2.0  # ink dark
                tf.summary.image("samples", picture[np.newaxis, ..., np.newaxis])
            if self.estimate is not None and self.estimate.latest is not None:
                for key in ("train", "heldout"):
                    tf.summary.scalar(f"estimate/{key}", self.estimate.latest[key])
        self.writer.flush()

    def on_train_end(self, logs=None):
        self.writer.close()
