"""Measuring sample quality instead of eyeballing it (notebooks 03 and 04).

Two measurements, both made with a small MNIST classifier that labhelpers
trains itself (no download) and caches on disk:

* **Fréchet distance** ("FID for MNIST"): fit a Gaussian to the classifier's
  penultimate-layer features of real digits and another to those of generated
  digits; the Fréchet distance between the two Gaussians is
  ``|mu_r - mu_g|^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))``. Lower is better;
  0 means the two feature distributions have the same mean and covariance.
  It penalises both bad images (features move) and too little variety
  (covariance shrinks).
* **Mode coverage**: the histogram of the digits the classifier sees in the
  generated images, and its total-variation distance from the uniform
  distribution, for a generator trained on all ten digits.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np

from .data import load_mnist_with_labels
from .settings import runs_root, set_seed

FEATURE_LAYER = "features"


def build_classifier() -> keras.Sequential:
    """A small CNN: two strided convolutions, a 128-unit feature layer, 10 classes."""
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(128, activation="relu", name=FEATURE_LAYER),
            layers.Dense(10, activation="softmax"),
        ],
        name="mnist_classifier",
    )


def train_classifier(
    path: str | os.PathLike | None = None, epochs: int = 3, verbose: int = 0, seed: int = 0
) -> tuple[keras.Model, float]:
    """Load the cached classifier, or train it on MNIST's training split and cache it.

    Training starts from ``seed`` (it re-seeds the random generators), so the
    classifier, and with it every quality score, is the same on every run on
    the same machine. Returns the classifier and its accuracy on MNIST's test split.
    """
    path = Path(path or runs_root() / "classifier" / "mnist_classifier.keras")
    x_test, y_test = load_mnist_with_labels(split="test")
    if path.is_file():
        model = keras.models.load_model(path)
    else:
        x_train, y_train = load_mnist_with_labels(split="train")
        set_seed(seed)
        model = build_classifier()
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=verbose)
        from .checkpoints import atomic_save_model

        atomic_save_model(model, path)
    predictions = _outputs(model, x_test).argmax(axis=1)
    return model, float(np.mean(predictions == y_test))


def _outputs(model: keras.Model, images: np.ndarray, batch: int = 500) -> np.ndarray:
    """``model`` applied to ``images`` in batches (plain calls: no tracing, no warnings)."""
    images = np.asarray(images, "float32")
    return np.concatenate(
        [model(images[i : i + batch], training=False).numpy() for i in range(0, len(images), batch)]
    )


def features(classifier: keras.Model, images: np.ndarray) -> np.ndarray:
    """The classifier's 128 feature-layer activations for each image."""
    extractor = keras.Model(classifier.inputs[0], classifier.get_layer(FEATURE_LAYER).output)
    return _outputs(extractor, images)


def _sqrtm_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix (by eigen-decomposition)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors."""
    mu_a, mu_b = features_a.mean(0), features_b.mean(0)
    cov_a = np.cov(features_a, rowvar=False)
    cov_b = np.cov(features_b, rowvar=False)
    root_a = _sqrtm_psd(cov_a)
    # Tr((S_a S_b)^1/2) = Tr((S_a^1/2 S_b S_a^1/2)^1/2), whose argument is symmetric PSD.
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


def digit_histogram(classifier: keras.Model, images: np.ndarray) -> np.ndarray:
    """Fraction of ``images`` the classifier assigns to each digit 0-9."""
    predicted = _outputs(classifier, images).argmax(axis=1)
    return np.bincount(predicted, minlength=10) / len(predicted)


def distance_from_uniform(histogram: np.ndarray) -> float:
    """Total-variation distance from the uniform distribution: 0 = all ten digits equally
    often, 0.9 = one digit only."""
    return float(0.5 * np.abs(np.asarray(histogram) - 0.1).sum())


def score_checkpoints(
    run_dir: str | os.PathLike,
    classifier: keras.Model,
    real_features: np.ndarray,
    n: int = 1000,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Fréchet distance of every ``generator_epoch_NNN.keras`` in ``run_dir``.

    Each checkpoint draws the same ``n`` latent points, so the scores differ
    only because the generator changed. Returns ``{"epoch": ..., "fid": ...}``.
    """
    from . import layout
    from .checkpoints import load_generator
    from .latent import generate, latent_points

    paths = layout.epoch_generators(run_dir)
    epochs, scores = [], []
    for path in paths:
        generator = load_generator(path)
        z = latent_points(n, int(generator.input_shape[-1]), seed)
        scores.append(frechet_distance(real_features, features(classifier, generate(generator, z))))
        epochs.append(layout.epoch_of(path))
    return {"epoch": np.array(epochs), "fid": np.array(scores)}


def per_epoch_mean(history: dict[str, np.ndarray], values: np.ndarray) -> np.ndarray:
    """Average per-iteration ``values`` over each epoch of ``history`` (epochs 1, 2, ...)."""
    epochs = history["epoch"].astype(int)
    return np.array([values[epochs == e].mean() for e in np.unique(epochs)])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank of each value (0 = smallest); tied values share their average rank."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    for value in np.unique(values):
        ranks[values == value] = ranks[values == value].mean()
    return ranks


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation: +1 when ``b`` rises whenever ``a`` rises, -1 when it falls."""
    ranks_a, ranks_b = _ranks(np.asarray(a)), _ranks(np.asarray(b))
    if ranks_a.std() == 0 or ranks_b.std() == 0:
        return float("nan")
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])
