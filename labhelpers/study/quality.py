"""Sample quality (notebooks 03 and 04): the Fréchet distance ("FID for MNIST") in the
features of a small MNIST classifier trained and cached here, against held-out real digits
(:func:`heldout_reference`); lower is better. :func:`disturb` and :func:`fewer_distinct`
validate it as the FID paper did.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np
from scipy.ndimage import gaussian_filter

from ..data import load_mnist_with_labels
from ..settings import runs_root, set_seed

FEATURE_LAYER = "features"


CLASSIFIER_FILE = "mnist_classifier_v2.keras"  # renamed when the classifier changes
CLASSIFIER_EPOCHS = 8


def build_classifier() -> keras.Sequential:
    """A small CNN: four 3x3 convolutions (two of them strided), a 128-unit feature
    layer, 10 classes. Random shifts of up to 10 % during training only."""
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", fill_value=-1.0),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu", name=FEATURE_LAYER),
            layers.Dense(10, activation="softmax"),
        ],
        name="mnist_classifier",
    )


def train_classifier(
    path: str | os.PathLike | None = None,
    epochs: int = CLASSIFIER_EPOCHS,
    verbose: int = 0,
    seed: int = 0,
) -> tuple[keras.Model, float]:
    """Load the classifier cached at ``path``, or train it on MNIST's training split from
    ``seed`` (re-seeding the random generators) and cache it. Returns the classifier and
    its accuracy on MNIST's test split.
    """
    path = Path(path or runs_root() / "classifier" / CLASSIFIER_FILE)
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
        from ..files import atomic_write

        atomic_write(path, model.save)
    predictions = _outputs(model, x_test).argmax(axis=1)
    return model, float(np.mean(predictions == y_test))


def heldout_reference(classifier: keras.Model, digit: int | str | None = 7) -> np.ndarray:
    """Features of the **held-out** real digits (MNIST's test split), the reference that
    generated samples are scored against: a generator never saw them, so a generator
    that copied its training digits gains nothing."""
    from ..data import load_mnist

    return features(classifier, load_mnist(digit, split="test"))


def real_floor(
    classifier: keras.Model,
    reference: np.ndarray,
    digit: int | str | None = 7,
    n: int | None = None,
) -> float:
    """The score of ``n`` real **training** digits against ``reference``: the best a
    generator can expect at that sample size (different real samples never score 0)."""
    from ..data import load_mnist

    real = load_mnist(digit)
    return frechet_distance(reference, features(classifier, real[:n]))


DISTURBANCES = ("gaussian noise", "salt and pepper", "blur", "swapped patches")
# The strengths at which the score is validated (notebook 04 and tests/test_quality.py).
DISTURBANCE_LEVELS = {
    "gaussian noise": (0, 0.1, 0.25, 0.5, 1.0),
    "salt and pepper": (0, 0.02, 0.05, 0.1, 0.2),
    "blur": (0, 0.5, 1.0, 1.5, 2.0),
    "swapped patches": (0, 0.1, 0.25, 0.5, 1.0),
}


def disturb(images: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """``images`` (N, 28, 28, 1) in [-1, 1], disturbed by ``kind`` at strength ``level``
    (0: unchanged; an unknown ``kind``: ValueError), as the FID paper (Heusel et al., 2017):

    * ``gaussian noise``: add N(0, level^2) noise, then clip to [-1, 1];
    * ``salt and pepper``: set a fraction ``level`` of the pixels to -1 or +1;
    * ``blur``: a Gaussian blur of standard deviation ``level`` pixels;
    * ``swapped patches``: in each image, swap a fraction ``level`` of its 7x7 grid of
      4x4 patches with other patches of the same image.
    """
    rng = np.random.default_rng(seed)
    x = np.array(images, dtype="float32", copy=True)
    if level <= 0:
        return x
    if kind == "gaussian noise":
        return np.clip(x + rng.normal(0, level, x.shape).astype("float32"), -1, 1)
    if kind == "salt and pepper":
        hit = rng.random(x.shape) < level
        x[hit] = rng.choice(np.array([-1.0, 1.0], "float32"), size=int(hit.sum()))
        return x
    if kind == "blur":  # within 3 standard deviations, edges repeated
        sigma = (0, level, level, 0)
        return gaussian_filter(x, sigma, mode="nearest", truncate=3.0).astype("float32")
    if kind == "swapped patches":
        patches = (
            x.reshape(len(x), 7, 4, 7, 4, 1)
            .transpose(0, 1, 3, 2, 4, 5)
            .reshape(len(x), 49, 4, 4, 1)
        )
        swaps = int(round(level * 49 / 2))
        for image in patches:
            pairs = rng.permutation(49)[: 2 * swaps].reshape(-1, 2)
            image[pairs[:, 0]], image[pairs[:, 1]] = (
                image[pairs[:, 1]].copy(),
                image[pairs[:, 0]].copy(),
            )
        return patches.reshape(len(x), 7, 7, 4, 4, 1).transpose(0, 1, 3, 2, 4, 5).reshape(x.shape)
    raise ValueError(f"kind must be one of {', '.join(DISTURBANCES)}; got {kind!r}.")


DIVERSITY_LEVELS = (400, 200, 50, 10)  # distinct images in a sample of 400, fewer and fewer


def fewer_distinct(images: np.ndarray, k: int, n: int | None = None, seed: int = 0) -> np.ndarray:
    """``n`` images (default: as many as given) drawn from only ``k`` distinct ones of
    ``images``, each repeated about ``n / k`` times: lost variety with real digits.
    Raises ValueError unless ``1 <= k <= min(n, len(images))``."""
    n = len(images) if n is None else n
    if not 1 <= k <= min(n, len(images)):
        raise ValueError(f"k must be between 1 and {min(n, len(images))}, got {k}.")
    rng = np.random.default_rng(seed)
    kept = images[rng.choice(len(images), k, replace=False)]
    return kept[np.arange(n) % k]


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
    """``|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))``: the Fréchet distance between
    Gaussians fitted to two sets of feature vectors."""
    mu_a, mu_b = features_a.mean(0), features_b.mean(0)
    cov_a = np.cov(features_a, rowvar=False)
    cov_b = np.cov(features_b, rowvar=False)
    root_a = _sqrtm_psd(cov_a)
    # Tr((S_a S_b)^1/2) = Tr((S_a^1/2 S_b S_a^1/2)^1/2), whose argument is symmetric PSD.
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


def reference_resamples(
    reference: np.ndarray, generated: list[np.ndarray], n_boot: int = 200, seed: int = 0
) -> np.ndarray:
    """Fréchet distances of each set of ``generated`` features to ``n_boot`` resamplings
    (with replacement) of the ``reference`` rows, shape ``(n_boot, len(generated))``.

    Every set meets the same resamplings, so a difference between two sets can be read
    per resampling: the reference's own share of that difference's uncertainty.
    """
    rng = np.random.default_rng(seed)
    n = len(reference)
    rows = [rng.integers(0, n, n) for _ in range(n_boot)]
    return np.array([[frechet_distance(reference[r], g) for g in generated] for r in rows])


def reference_bootstrap(
    reference: np.ndarray, generated: np.ndarray, n_boot: int = 200, seed: int = 0
) -> tuple[float, tuple[float, float]]:
    """The Fréchet distance of ``generated`` features to ``reference`` features, and the
    95 % percentile interval of it over resamplings of the reference
    (:func:`reference_resamples`); read its width, not its centre.
    """
    draws = reference_resamples(reference, [generated], n_boot, seed)[:, 0]
    low, high = np.percentile(draws, [2.5, 97.5])
    return frechet_distance(reference, generated), (float(low), float(high))


def score_checkpoints(
    run,
    classifier: keras.Model,
    real_features: np.ndarray,
    n: int = 1000,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Fréchet distance of the generator after every epoch of ``run`` (a
    :class:`labhelpers.runs.Run` or its folder).

    Each checkpoint draws the same ``n`` latent points, so the scores differ
    only because the generator changed. Returns ``{"epoch": ..., "fid": ...}``.
    """
    from ..latent import generate, latent_points
    from ..runs import Run, load_generator

    run = run if isinstance(run, Run) else Run(run)
    epochs, scores = [], []
    for path in run.epoch_generators():
        generator = load_generator(path)
        z = latent_points(n, int(generator.input_shape[-1]), seed)
        scores.append(frechet_distance(real_features, features(classifier, generate(generator, z))))
        epochs.append(Run.epoch_of(path))
    return {"epoch": np.array(epochs), "fid": np.array(scores)}
