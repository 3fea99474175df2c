"""The 2-D toy data and scoring (labhelpers.study.toy) and the intervals (study.stats)."""

import numpy as np
import pytest

from labhelpers.study import stats, toy


def test_toy_data_follow_gan_toy_py():
    ring, grid = toy.DATASETS["ring"], toy.DATASETS["grid"]
    assert ring.centres.shape == (8, 2) and grid.centres.shape == (25, 2)
    np.testing.assert_allclose(np.linalg.norm(ring.centres, axis=1), 2 / 1.414)
    assert grid.centres.max() == pytest.approx(4 / 2.828)
    points = ring.sample(20000, np.random.default_rng(0))
    nearest = np.linalg.norm(points[:, None] - ring.centres[None], axis=-1).min(axis=1)
    # distance to the centre of a 2-D Gaussian: mean = std * sqrt(pi / 2)
    assert nearest.mean() == pytest.approx(ring.std * np.sqrt(np.pi / 2), rel=0.05)


def test_real_points_score_as_all_modes_and_high_quality():
    for data in toy.DATASETS.values():
        score = toy.score_samples(data.sample(toy.N_EVAL, np.random.default_rng(1)), data)
        assert score["modes"] == len(data.centres)
        assert score["high_quality"] > 0.98  # 3 sigma in 2-D holds 98.9 %


def test_the_score_counts_only_modes_with_enough_good_samples():
    ring = toy.DATASETS["ring"]
    on_three = np.repeat(ring.centres[:3], 100, axis=0)
    few_on_a_fourth = np.repeat(ring.centres[3:4], toy.MIN_PER_MODE - 1, axis=0)
    far = np.full((300, 2), 5.0)
    score = toy.score_samples(np.concatenate([on_three, few_on_a_fourth, far]), ring)
    assert score["modes"] == 3
    assert score["high_quality"] == pytest.approx((300 + toy.MIN_PER_MODE - 1) / 619)


def test_t_interval_matches_the_textbook():
    mean, (low, high) = stats.t_interval([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302653 * 1.0 / np.sqrt(3))
    with pytest.raises(ValueError, match="at least 2"):
        stats.t_interval([1.0])


def test_t_interval_with_many_values():
    """40 values: t with 39 degrees of freedom (2.022691), not the normal's 1.96."""
    values = np.arange(40.0)
    mean, (low, high) = stats.t_interval(values)
    assert (high - mean) == pytest.approx(2.022691 * values.std(ddof=1) / np.sqrt(40), rel=1e-5)
