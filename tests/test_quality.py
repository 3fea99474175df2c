"""The quality score behaves as a quality score should."""

import numpy as np
import pytest

from labhelpers.data import load_mnist_with_labels
from labhelpers.study.quality import (
    DISTURBANCE_LEVELS,
    DISTURBANCES,
    DIVERSITY_LEVELS,
    disturb,
    features,
    fewer_distinct,
    frechet_distance,
    heldout_reference,
    real_floor,
    reference_bootstrap,
    reference_resamples,
    train_classifier,
)

LEVELS = DISTURBANCE_LEVELS


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    model, accuracy = train_classifier(tmp_path_factory.mktemp("clf") / "classifier.keras")
    assert accuracy >= 0.97, f"classifier test accuracy {accuracy:.3f}"
    return model


@pytest.fixture(scope="module")
def real():
    train, _ = load_mnist_with_labels(split="train")
    test, labels = load_mnist_with_labels(split="test")
    return train, test, labels


def test_frechet_distance_of_identical_gaussians_is_zero():
    x = np.random.default_rng(0).standard_normal((500, 8))
    assert frechet_distance(x, x) == pytest.approx(0, abs=1e-6)
    assert frechet_distance(x, x + 2) == pytest.approx(4 * 8, rel=1e-6)  # only the means differ


@pytest.mark.slow
def test_real_vs_real_small_noise_large_single_image_worse(classifier, real):
    train, test, _ = real
    f_train = features(classifier, train[:2000])
    real_vs_real = frechet_distance(f_train, features(classifier, test[:2000]))
    noise = np.random.default_rng(0).uniform(-1, 1, (2000, 28, 28, 1)).astype("float32")
    noise_score = frechet_distance(f_train, features(classifier, noise))
    one_image = np.repeat(test[:1], 2000, axis=0)
    one_image += np.random.default_rng(1).normal(0, 1e-3, one_image.shape).astype("float32")
    collapse_score = frechet_distance(f_train, features(classifier, one_image))
    assert real_vs_real < 0.1 * noise_score
    assert collapse_score > 5 * real_vs_real


@pytest.mark.slow
@pytest.mark.parametrize("kind", DISTURBANCES)
def test_score_rises_monotonically_as_real_sevens_are_disturbed(kind, classifier, sevens):
    """The FID paper's validation (Heusel et al., 2017), on small sizes: 400 training
    sevens, disturbed more and more, scored against the held-out sevens."""
    reference = heldout_reference(classifier, 7)
    scores = [
        frechet_distance(reference, features(classifier, disturb(sevens[:400], kind, level)))
        for level in LEVELS[kind]
    ]
    assert all(np.diff(scores) > 0), f"{kind}: {np.round(scores, 2)}"
    assert scores[0] == pytest.approx(real_floor(classifier, reference, 7, n=400))


@pytest.mark.slow
def test_score_rises_as_samples_lose_variety(classifier, sevens):
    """Mode collapse without a bad image: 400 real sevens drawn from fewer and fewer
    distinct ones (400, 200, 50, 10). Same sample size everywhere."""
    reference = heldout_reference(classifier, 7)
    scores = [
        frechet_distance(reference, features(classifier, fewer_distinct(sevens[:400], k)))
        for k in DIVERSITY_LEVELS
    ]
    assert all(np.diff(scores) > 0), f"k = {DIVERSITY_LEVELS}: {np.round(scores, 2)}"
    assert len(fewer_distinct(sevens[:400], 10)) == 400
    assert len(np.unique(fewer_distinct(sevens[:400], 10).reshape(400, -1), axis=0)) == 10


def test_disturb_leaves_level_zero_alone_and_refuses_unknown_kinds(sevens):
    np.testing.assert_array_equal(disturb(sevens[:3], "blur", 0), sevens[:3])
    with pytest.raises(ValueError, match="kind must be one of"):
        disturb(sevens[:3], "rotate", 1)


def test_reference_bootstrap_measures_the_reference_sets_own_uncertainty():
    """Synthetic features: the interval brackets the spread a fresh reference would give,
    it narrows as the reference grows, and a seed repeats it."""
    rng = np.random.default_rng(0)
    generated = rng.normal(size=(400, 8))
    small, large = rng.normal(size=(100, 8)), rng.normal(size=(1600, 8))
    score, (low, high) = reference_bootstrap(small, generated, n_boot=300)
    assert low <= high and high - low > 0
    assert reference_bootstrap(small, generated, n_boot=300) == (score, (low, high))
    _, (low_l, high_l) = reference_bootstrap(large, generated, n_boot=300)
    assert high_l - low_l < 0.5 * (high - low)  # 16 times the reference: about 4x narrower
    # fresh references of the same size scatter about as widely as the bootstrap says
    fresh = [frechet_distance(rng.normal(size=(100, 8)), generated) for _ in range(300)]
    spread = np.percentile(fresh, 97.5) - np.percentile(fresh, 2.5)
    assert 0.5 < (high - low) / spread < 2.0


def test_reference_resamples_are_shared_between_generated_sets():
    rng = np.random.default_rng(1)
    reference, a, b = rng.normal(size=(60, 4)), rng.normal(size=(200, 4)), rng.normal(size=(200, 4))
    draws = reference_resamples(reference, [a, b, a], n_boot=20)
    assert draws.shape == (20, 3)
    np.testing.assert_array_equal(draws[:, 0], draws[:, 2])  # same set, same resamplings
    assert not np.array_equal(draws[:, 0], draws[:, 1])
