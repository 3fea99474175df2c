"""The 2-D toy data of the WGAN-GP authors (``gan_toy.py``) and how samples are scored.

* **ring**: 8 Gaussians on a circle of radius 2 (angles k·45°), std 0.02, all / 1.414;
* **grid**: 25 Gaussians at (2i, 2j), i, j in -2..2, std 0.05, all / 2.828.

A sample is *high quality* within three (scaled) standard deviations of its nearest
centre; a mode is *covered* when at least :data:`MIN_PER_MODE` high-quality samples fall
nearest to it (VEEGAN's and PacGAN's rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

N_EVAL = 2500  # samples scored per generator
MIN_PER_MODE = 20  # high-quality samples a mode needs to count as covered


@dataclass(frozen=True)
class ToyData:
    """A mixture of equal Gaussians in the plane, after the scaling of ``gan_toy.py``."""

    name: str
    centres: np.ndarray  # (K, 2), already scaled
    std: float  # of each scaled component

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` points of the mixture (NumPy; for evaluation and plots)."""
        which = rng.integers(len(self.centres), size=n)
        noise = rng.normal(size=(n, 2)) * self.std
        return (self.centres[which] + noise).astype("float32")

    def sample_tf(self, n: int) -> tf.Tensor:
        """``n`` points drawn inside the TensorFlow graph (the training pipeline)."""
        which = tf.random.uniform([n], 0, len(self.centres), dtype=tf.int32)
        centres = tf.gather(tf.constant(self.centres, "float32"), which)
        return centres + tf.random.normal([n, 2], stddev=self.std)


def _ring() -> ToyData:
    angles = np.arange(8) * np.pi / 4
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return ToyData("ring", centres / 1.414, 0.02 / 1.414)


def _grid() -> ToyData:
    centres = np.array([(2.0 * i, 2.0 * j) for i in range(-2, 3) for j in range(-2, 3)])
    return ToyData("grid", centres / 2.828, 0.05 / 2.828)


DATASETS: dict[str, ToyData] = {d.name: d for d in (_ring(), _grid())}


# -- what is measured -----------------------------------------------------------
def score_samples(points: np.ndarray, data: ToyData) -> dict:
    """Fraction of high-quality samples and number of covered modes (rule: module doc)."""
    distances = np.linalg.norm(points[:, None, :] - data.centres[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances.min(axis=1) <= 3.0 * data.std
    per_mode = np.bincount(nearest[good], minlength=len(data.centres))
    return {
        "high_quality": float(good.mean()),
        "modes": int((per_mode >= MIN_PER_MODE).sum()),
    }
