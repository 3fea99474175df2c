"""Uncertainty for notebook 04's comparisons: 95 % intervals over seeds for means
(:func:`t_interval`), differences of means (:func:`welch_difference`) and correlations
(:func:`fisher_z_interval`, :func:`change_correlation`, :func:`mean_correlation`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import t as student_t


def t_interval(values: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """Mean and 95 % confidence interval of the mean (Student t; n >= 2, else ValueError)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 2:
        raise ValueError(f"an interval needs at least 2 values (seeds), got {n}.")
    mean = float(values.mean())
    t = _t975(n - 1)
    half = t * float(values.std(ddof=1)) / np.sqrt(n)
    return mean, (mean - half, mean + half)


def welch_difference(a: Sequence[float], b: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """``mean(a) - mean(b)`` and its 95 % Welch interval (Welch-Satterthwaite degrees of
    freedom, rounded down). Raises ValueError unless each sample has at least 2 values."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"a difference interval needs 2+ values per side, got {len(a)}, {len(b)}.")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff = float(a.mean() - b.mean())
    se = float(np.sqrt(va + vb))
    if se == 0:
        return diff, (diff, diff)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = _t975(max(1, int(np.floor(df)))) * se
    return diff, (diff - half, diff + half)


def difference_words(
    name_a: str,
    name_b: str,
    interval: tuple[float, float],
    what: str,
    margin: float | None = None,
) -> str:
    """Words for a 95 % interval of ``a - b``: which is higher when the interval
    excludes 0; otherwise "no difference detected", and, only when ``margin`` is
    given and the whole interval lies within it, "equivalent within ±margin"."""
    low, high = interval
    span = f"[{low:+.3g}, {high:+.3g}]"
    if low > 0:
        return f"{name_a} higher {what} than {name_b}: difference {span}"
    if high < 0:
        return f"{name_a} lower {what} than {name_b}: difference {span}"
    if margin is not None and -margin < low and high < margin:
        return f"{name_a} and {name_b} equivalent in {what} within ±{margin:g}: difference {span}"
    return f"no difference in {what} detected between {name_a} and {name_b}: difference {span}"


Z975 = 1.959963984540054


def fisher_z_interval(r: float, n: int) -> tuple[float, float]:
    """95 % interval of a Pearson correlation ``r`` of ``n`` independent pairs (Fisher's
    z = atanh r, standard error 1 / sqrt(n - 3)). Raises ValueError for n < 4."""
    if n < 4:
        raise ValueError(f"a correlation interval needs at least 4 pairs, got {n}.")
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    half = Z975 / np.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def change_correlation(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation of the *changes* of two series logged at the same times (a
    shared trend cannot make it). Non-finite changes are dropped; NaN when fewer than 3
    remain or a series does not change."""
    dx, dy = np.diff(np.asarray(x, float)), np.diff(np.asarray(y, float))
    ok = np.isfinite(dx) & np.isfinite(dy)
    dx, dy = dx[ok], dy[ok]
    if len(dx) < 3 or dx.std() == 0 or dy.std() == 0:
        return float("nan")
    return float(np.corrcoef(dx, dy)[0, 1])


def mean_correlation(values: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """The mean of per-run correlations (averaged as Fisher z) with a 95 % Student-t
    interval over the runs: each run is one independent repetition."""
    z = np.arctanh(np.clip(np.asarray(values, float), -0.999999, 0.999999))
    z = z[np.isfinite(z)]
    mean, (low, high) = t_interval(z)
    return float(np.tanh(mean)), (float(np.tanh(low)), float(np.tanh(high)))


def _t975(df: float) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}.")
    return float(student_t.ppf(0.975, df))
