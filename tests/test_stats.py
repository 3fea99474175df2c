"""The statistics of the comparisons: difference intervals, correlations, wording."""

import numpy as np
import pytest

from labhelpers.study import stats


def test_welch_difference_matches_a_worked_example():
    # a: mean 2.5, variance 5/3; b: mean 0, variance 16/3; n = 4 each.
    # se^2 = 5/12 + 4/3 = 7/4; df = (7/4)^2 / ((5/12)^2/3 + (4/3)^2/3) = 4.71 -> 4: t = 2.776.
    a, b = [1.0, 2.0, 3.0, 4.0], [-2.0, -2.0, 2.0, 2.0]
    assert np.var(b, ddof=1) == pytest.approx(16 / 3)
    diff, (low, high) = stats.welch_difference(a, b)
    half = 2.776 * np.sqrt(5 / 12 + 4 / 3)
    assert diff == pytest.approx(2.5)
    assert (low, high) == pytest.approx((2.5 - half, 2.5 + half), abs=1e-3)


def test_welch_interval_covers_the_true_difference_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(2000):
        a, b = rng.normal(1.0, 1.0, 5), rng.normal(0.0, 3.0, 8)
        low, high = stats.welch_difference(a, b)[1]
        hits += low <= 1.0 <= high
    assert 0.93 <= hits / 2000 <= 0.985  # rounding df down errs on the wide side


def test_difference_words_never_turn_not_detected_into_no_effect():
    assert stats.difference_words("A", "B", (0.1, 0.5), "W1").startswith("A higher W1 than B")
    assert stats.difference_words("A", "B", (-0.5, -0.1), "W1").startswith("A lower W1")
    wide = stats.difference_words("A", "B", (-0.5, 0.4), "W1", margin=0.1)
    assert wide.startswith("no difference in W1 detected")
    narrow = stats.difference_words("A", "B", (-0.05, 0.04), "W1", margin=0.1)
    assert narrow.startswith("A and B equivalent in W1 within ±0.1")
    assert "equivalent" not in stats.difference_words("A", "B", (-0.05, 0.04), "W1")


def test_fisher_z_interval_matches_the_formula_and_needs_four_pairs():
    low, high = stats.fisher_z_interval(0.5, 28)  # se = 1/5
    assert low == pytest.approx(np.tanh(np.arctanh(0.5) - 1.959964 / 5), abs=1e-6)
    assert high == pytest.approx(np.tanh(np.arctanh(0.5) + 1.959964 / 5), abs=1e-6)
    with pytest.raises(ValueError, match="at least 4 pairs"):
        stats.fisher_z_interval(0.5, 3)


def test_change_correlation_is_not_fooled_by_a_shared_trend():
    rng = np.random.default_rng(1)
    t = np.arange(40.0)
    x = -t + rng.normal(0, 1, 40)  # both fall over time, independently otherwise
    y = -2 * t + rng.normal(0, 1, 40)
    assert np.corrcoef(x, y)[0, 1] > 0.95  # the trend alone makes them "track"
    assert abs(stats.change_correlation(x, y)) < 0.4
    z = y + 3 * x  # moves with x beyond the trend
    assert stats.change_correlation(x, z) > 0.8
    assert np.isnan(stats.change_correlation([1, 2], [3, 4]))


def test_mean_correlation_averages_on_the_fisher_scale():
    mean, (low, high) = stats.mean_correlation([0.9, 0.9, 0.9])
    assert mean == pytest.approx(0.9) and low == pytest.approx(0.9) and high == pytest.approx(0.9)
    mean, (low, high) = stats.mean_correlation([0.2, 0.6, 0.9, 0.4])
    assert low < mean < high and -1 < low and high < 1
