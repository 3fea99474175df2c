"""The figures and tables of notebook 04, one function per piece of evidence. Comparisons
are intervals of differences or correlations with intervals (:mod:`labhelpers.study.stats`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting
from . import exact2d, quality, stats

COLOUR = {"wgan": "tab:blue", "wgan-gp": "tab:orange", "gan": "tab:green"}
TITLE = {"wgan": "WGAN (clipping)", "wgan-gp": "WGAN-GP", "gan": "GAN"}


# -- section 2: the known answer ---------------------------------------------------------------
def known_answer_figure(known: dict) -> None:
    """Each judge's estimate against the exact answer, and the generator's gradient."""
    theta = known["theta"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.3))
    ax = axes[0]
    ax.plot(theta, known["w1"], "k--", label="exact W1 = |θ|")
    ax.plot(theta, known["wgan-gp/estimate"], "o-", color=COLOUR["wgan-gp"], label="WGAN-GP")
    clip_ax = ax.twinx()
    clip_ax.plot(theta, known["wgan/estimate"], "s-", color=COLOUR["wgan"], label="clipped")
    clip_ax.set_ylabel("clipped critic's estimate (its own scale)", color=COLOUR["wgan"])
    ax.set(
        title="Wasserstein estimates against the exact answer", xlabel="θ", ylabel="estimate of W1"
    )
    ax.legend(loc="upper left")
    clip_ax.legend(loc="lower right")
    ax = axes[1]
    ax.plot(theta, known["js"], "k--", label="exact JS (log 2 for θ ≠ 0)")
    ax.plot(theta, known["gan/estimate"], "o-", color=COLOUR["gan"], label="GAN discriminator")
    ax.set(title="Jensen–Shannon estimate", xlabel="θ", ylabel="estimate of JS")
    ax.legend(loc="lower right")
    ax = axes[2]
    moved = theta > 0
    for key, label, colour, style in (
        ("wgan-gp/grad", "WGAN-GP", COLOUR["wgan-gp"], "o-"),
        ("wgan/grad", "WGAN (clipped)", COLOUR["wgan"], "s-"),
        ("gan/grad", "GAN, non-saturating loss", COLOUR["gan"], "o-"),
        ("gan/grad_minimax", "GAN, minimax loss", COLOUR["gan"], "x--"),
    ):
        ax.plot(theta[moved], np.abs(known[key][moved]), style, color=colour, label=label)
    ax.set(
        title="The generator's gradient |d loss / dθ|",
        xlabel="θ",
        yscale="log",
        ylabel="gradient magnitude (log scale)",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()


def known_answer_table(known: dict) -> None:
    """The numbers behind :func:`known_answer_figure`, and whether the clipped critic settled."""
    theta = known["theta"]
    print(
        "   θ    exact W1  WGAN-GP   clipped    exact JS  GAN JS  |grad| WGAN-GP  NS-GAN  minimax"
    )
    for i, t in enumerate(theta):
        print(
            f"{t:5.2f}  {known['w1'][i]:8.2f}  {known['wgan-gp/estimate'][i]:7.3f}  "
            f"{known['wgan/estimate'][i]:9.2e}  {known['js'][i]:8.3f}  "
            f"{known['gan/estimate'][i]:6.3f}  {abs(known['wgan-gp/grad'][i]):13.3f}  "
            f"{abs(known['gan/grad'][i]):6.3g}  {abs(known['gan/grad_minimax'][i]):7.2g}"
        )
    half, full = known["wgan/estimate_half"][-1], known["wgan/estimate"][-1]
    settled = abs(full - half) <= 0.1 * abs(full)
    print(
        f"clipped critic at θ = {theta[-1]:g}: {half:.2e} after half the updates, {full:.2e} "
        f"after all: {'settled' if settled else 'still changing'}"
    )


# -- section 3: the ring -------------------------------------------------------------------------
def ring_figure(panels: list, floor: float) -> None:
    """Per run (method, label, result): the exact W1 of each seed in grey and the judge's
    estimate of the same seed in colour, on its own axis."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.0 * len(panels), 3.8))
    for ax, (m, label, result) in zip(np.atleast_1d(axes), panels):
        it = result["iteration"]
        for w1 in result["w1"]:
            ax.plot(it, w1, color="grey", alpha=0.7)
        ax.axhline(floor, color="black", linestyle=":", label="floor")
        ax.set(title=f"{TITLE[m]}, {label}", xlabel="iteration", ylabel="exact W1 (grey)")
        ax.legend(loc="upper right", fontsize=8)
        est_ax = ax.twinx()
        for estimate in result["estimate"]:
            est_ax.plot(it, estimate, color=COLOUR[m], alpha=0.7)
        est_ax.set_ylabel("JS estimate" if m == "gan" else "W estimate", color=COLOUR[m])
    fig.suptitle(
        "The judge's estimate (colour) beside the exact distance (grey), one line per seed"
    )
    fig.tight_layout()
    plt.show()


def tracking_table(panels: list) -> None:
    """Per run: the plain correlation of the levels (the trend's claim), the correlation of
    changes (:func:`labhelpers.study.exact2d.tracking`) with its interval, and the final W1."""
    print(f"{'run':34s} {'level corr.':>11s}   change corr. [95% interval]   final W1")
    for m, label, result in panels:
        level = [
            np.corrcoef(e, w)[0, 1]
            for e, w in zip(result["estimate"], result["w1"])
            if np.all(np.isfinite(w)) and np.std(e) > 0
        ]
        track = exact2d.tracking(result)
        low, high = track["interval"]
        finals = result["w1"][:, -1]
        print(
            f"{TITLE[m] + ', ' + label:34s} {np.mean(level) if level else np.nan:+11.2f}   "
            f"{track['mean']:+.2f} [{low:+.2f}, {high:+.2f}]"
            f"{'':13s}{np.nanmean(finals):.3f}"
        )


def samples_figure(panels: list, data) -> None:
    """Seed 1's final samples of each run beside real points."""
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(3.3 * (len(panels) + 1), 3.4))
    real = data.sample(2500, np.random.default_rng(0))
    axes[0].scatter(real[:, 0], real[:, 1], s=2, color="black")
    axes[0].set_title("real points")
    for ax, (m, label, result) in zip(axes[1:], panels):
        points = result["samples"][0]
        ax.scatter(points[:, 0], points[:, 1], s=2, color=COLOUR[m])
        ax.set_title(f"{TITLE[m]}\n{label}", fontsize=9)
    for ax in axes:
        ax.set(xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), aspect="equal", xlabel="x", ylabel="y")
    fig.suptitle("Seed 1's samples at the end (2,500 points each)")
    fig.tight_layout()
    plt.show()


# -- section 4: sensitivity ----------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _stored(folder: Path, name: str) -> dict:
    return exact2d.load(folder, name)


def _result(folder: Path, setup) -> dict:
    """A stored 2-D result, read from disk once per notebook session (the tables and
    figures below read the same files several times)."""
    return _stored(Path(folder), setup if isinstance(setup, str) else setup.name)


def final_w1(folder: Path, setup) -> np.ndarray:
    """The final exact W1 of each seed of a stored 2-D run (non-finite runs left out)."""
    w1 = _result(folder, setup)["w1"][:, -1]
    return w1[np.isfinite(w1)]


def _mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    if len(values) < 2:
        return np.nan, np.nan, np.nan
    mean, (low, high) = stats.t_interval(values)
    return mean, low, high


def sensitivity_figure(folder: Path, floor: float) -> None:
    """Final W1 against the learning-rate factor, and against judge updates per step."""
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.2))
    groups = [
        (axes[0], exact2d.LR_SWEEP, "lr_scale", exact2d.METHOD_NAMES),
        (axes[1], exact2d.JUDGE_STRENGTH, "n_critic", ("gan", "wgan-gp")),
    ]
    for ax, setups, knob, methods in groups:
        for m in methods:
            mine = sorted((getattr(s, knob), s) for s in setups if s.method == m)
            x = [v for v, _ in mine]
            rows = np.array([_mean_interval(final_w1(folder, s)) for _, s in mine])
            ax.errorbar(
                x,
                rows[:, 0],
                yerr=[rows[:, 0] - rows[:, 1], rows[:, 2] - rows[:, 0]],
                marker="o",
                capsize=3,
                color=COLOUR[m],
                label=TITLE[m],
            )
        ax.axhline(floor, color="black", linestyle=":", label="floor")
        ax.set(xscale="log", ylabel="final exact W1 (mean, 95% interval)")
        ax.legend()
    axes[0].set(xlabel="learning rates × (1 = published)", title="Learning rate")
    axes[1].set(xlabel="judge updates per generator update", title="Judge strength")
    fig.suptitle("Final distance to the ring, 5 seeds per setting")
    fig.tight_layout()
    plt.show()


def successes_table(folder: Path, modes: int = 8) -> None:
    """How many seeds of each setting covered every mode (a blob covers none)."""
    for setups, knob, what in (
        (exact2d.LR_SWEEP, "lr_scale", "learning rates ×"),
        (exact2d.JUDGE_STRENGTH, "n_critic", "judge updates "),
    ):
        for m in exact2d.METHOD_NAMES:
            mine = sorted((getattr(s, knob), s) for s in setups if s.method == m)
            if mine:
                counts = [
                    f"{what}{v:g}: {int((_result(folder, s)['modes'][:, -1] == modes).sum())}"
                    for v, s in mine
                ]
                print(f"{TITLE[m]:16s} " + ", ".join(counts))


def differences_table(folder: Path, pairs: list) -> None:
    """For each ``(name_a, setup_a, name_b, setup_b)``: the Welch interval of the
    difference of their final W1, in words."""
    for name_a, a, name_b, b in pairs:
        wa, wb = final_w1(folder, a), final_w1(folder, b)
        if min(len(wa), len(wb)) < 2:
            print(f"{name_a} against {name_b}: too few finite runs to compare")
            continue
        interval = stats.welch_difference(wa, wb)[1]
        print(stats.difference_words(name_a, name_b, interval, "final W1"))


def cross_run_table(folder: Path) -> None:
    """Over each method's learning-rate sweep, the correlation of final estimate with
    final W1 across runs, with its Fisher-z interval."""
    for m in exact2d.METHOD_NAMES:
        est, w1 = [], []
        for s in (s for s in exact2d.LR_SWEEP if s.method == m):
            result = _result(folder, s)
            est += list(result["estimate"][:, -1])
            w1 += list(result["w1"][:, -1])
        est, w1 = np.array(est), np.array(w1)
        ok = np.isfinite(est) & np.isfinite(w1)
        if ok.sum() >= 4 and np.std(est[ok]) > 0:
            r = float(np.corrcoef(est[ok], w1[ok])[0, 1])
            low, high = stats.fisher_z_interval(r, int(ok.sum()))
            print(f"{TITLE[m]:16s} r = {r:+.2f} [{low:+.2f}, {high:+.2f}] over {ok.sum()} runs")
        else:
            print(f"{TITLE[m]:16s} too few finite runs to say")


# -- section 5: MNIST ----------------------------------------------------------------------------
def grids_figure(runs: dict, contestants: dict, seeds, iterations: int) -> None:
    """The last epoch's grid of every run: one row per seed, one column per contestant."""
    fig, axes = plt.subplots(
        len(seeds), len(contestants), figsize=(3.2 * len(contestants), 3.3 * len(seeds))
    )
    for row, s in zip(np.atleast_2d(axes), seeds):
        for ax, k in zip(row, contestants):
            ax.imshow(plotting.read_grid(runs[k, s].grids[-1]), cmap="gray")
            ax.set_title(f"{contestants[k][0]}, seed {s}", fontsize=10)
            ax.axis("off")
    fig.suptitle(f"Samples after {iterations} iterations")
    fig.tight_layout()
    plt.show()


def validation_figure(classifier, reference: np.ndarray, sevens: np.ndarray) -> None:
    """The score of 400 real sevens, disturbed more and more, and drawn from fewer and
    fewer distinct ones; prints whether it rose at every step."""
    fig, axes = plt.subplots(1, 5, figsize=(19, 3.5))
    checks = {}

    def score(images):
        return quality.frechet_distance(reference, quality.features(classifier, images))

    for ax, kind in zip(axes, quality.DISTURBANCES):
        levels = quality.DISTURBANCE_LEVELS[kind]
        scores = [score(quality.disturb(sevens[:400], kind, level)) for level in levels]
        checks[kind] = bool(np.all(np.diff(scores) > 0))
        ax.plot(levels, scores, "o-")
        ax.set(
            title=kind, xlabel="strength (its own unit)", ylabel="Fréchet distance", yscale="log"
        )
    ks = quality.DIVERSITY_LEVELS
    variety = [score(quality.fewer_distinct(sevens[:400], k)) for k in ks]
    checks["fewer distinct sevens"] = bool(np.all(np.diff(variety) > 0))
    axes[-1].plot(ks, variety, "o-", color="tab:purple")
    axes[-1].set(
        title="variety lost",
        xlabel="distinct sevens among 400",
        xscale="log",
        ylabel="Fréchet distance",
        yscale="log",
    )
    axes[-1].invert_xaxis()
    fig.suptitle("Validation: 400 real sevens, disturbed more and more (log scales)")
    fig.tight_layout()
    plt.show()
    print(
        "rises at every step: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in checks.items())
    )
    print("fewer distinct sevens: " + ", ".join(f"k = {k}: {v:.1f}" for k, v in zip(ks, variety)))


def quality_curves(runs: dict, classifier, reference, n: int, seed: int, steps_per_epoch: int):
    """Per run, the score after every epoch (``n`` generated sevens), with iterations and
    training seconds."""
    curves = {}
    for key, result in runs.items():
        curve = quality.score_checkpoints(result.run, classifier, reference, n=n, seed=seed)
        curve["iteration"] = curve["epoch"] * steps_per_epoch
        curve["seconds"] = result.run.estimates()["seconds"][: len(curve["fid"])]
        curves[key] = curve
    return curves


def quality_figure(curves: dict, contestants: dict, seeds, floor: float) -> None:
    """The score against iterations and against wall-clock seconds, one line per seed."""
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.5), sharey=True)
    for ax, x, label in zip(axes, ("iteration", "seconds"), ("iterations", "wall-clock seconds")):
        for (k, s), curve in curves.items():
            name, colour = contestants[k]
            ax.plot(
                curve[x],
                curve["fid"],
                "o-",
                color=colour,
                alpha=0.8,
                markersize=3,
                label=name if s == seeds[0] else None,
            )
        ax.axhline(floor, color="grey", linestyle="--", label="floor (real training sevens)")
        ax.set(
            title=f"Quality against {label} (one line per seed)",
            xlabel=label,
            yscale="log",
            ylabel="Fréchet distance (log, lower is better)",
        )
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()


def final_scores_table(curves: dict, contestants: dict, seeds, floor: float, pairs) -> None:
    """Each run's final score, each contestant's mean with its interval, and the Welch
    interval of the difference for each pair of contestants in ``pairs``."""
    final = {k: np.array([curves[k, s]["fid"][-1] for s in seeds]) for k in contestants}
    print(f"final Fréchet distance (floor {floor:.2f}); lower is better")
    for k, (name, _) in contestants.items():
        mean, low, high = _mean_interval(final[k])
        seconds = np.mean([curves[k, s]["seconds"][-1] for s in seeds])
        print(
            f"  {name:18s} "
            + " ".join(f"{x:7.2f}" for x in final[k])
            + f"   mean {mean:6.2f} [{low:6.2f}, {high:6.2f}]   {seconds:4.0f} s per run"
        )
    print("differences of means (Welch, 95%):")
    for a, b in pairs:
        interval = stats.welch_difference(final[a], final[b])[1]
        words = stats.difference_words(
            contestants[a][0], contestants[b][0], interval, "Fréchet distance"
        )
        print("  " + words)


def reference_uncertainty_table(
    runs: dict, classifier, reference, contestants: dict, seeds, n: int, seed: int, pairs=()
) -> None:
    """Each run's final score with the 95 % range that resampling the reference sevens
    gives (:func:`labhelpers.study.quality.reference_resamples`), how wide it is against the
    spread of the seeds, and for each pair of contestants the range of the difference of
    their mean scores when both meet the same resampled reference."""
    from ..latent import generate, latent_points

    keys = [(k, s) for k in contestants for s in seeds]
    feats = [
        quality.features(classifier, generate(runs[key].generator, latent_points(n, 50, seed=seed)))
        for key in keys
    ]
    draws = dict(zip(keys, quality.reference_resamples(reference, feats).T))
    point = {key: quality.frechet_distance(reference, f) for key, f in zip(keys, feats)}
    print(
        f"final score, and its 95 % range over resamplings of the {len(reference)} reference sevens"
    )
    for k, (name, _) in contestants.items():
        cells, widths = [], []
        for s in seeds:
            low, high = np.percentile(draws[k, s], [2.5, 97.5])
            cells.append(f"{point[k, s]:6.2f} [{low:6.2f}, {high:6.2f}]")
            widths.append(high - low)
        spread = np.ptp([point[k, s] for s in seeds])
        print(
            f"  {name:18s} "
            + "  ".join(cells)
            + f"   range {np.mean(widths):4.1f} wide; seeds span {spread:4.1f}"
        )
    if pairs:
        print("difference of mean scores, the same resampled reference for both (95 % range):")
    for a, b in pairs:
        diff = np.mean([draws[a, s] for s in seeds], 0) - np.mean([draws[b, s] for s in seeds], 0)
        low, high = np.percentile(diff, [2.5, 97.5])
        plain = np.mean([point[a, s] for s in seeds]) - np.mean([point[b, s] for s in seeds])
        print(
            f"  {contestants[a][0]} minus {contestants[b][0]}: {plain:+.1f}, "
            f"over resampled references [{low:+.1f}, {high:+.1f}]"
        )


def estimate_per_iteration(run, judge: str) -> tuple[np.ndarray, np.ndarray]:
    """Each iteration's epoch and training-mode estimate from the run's history: the
    WGANs' mean D(real) - mean D(fake), the GAN's Jensen-Shannon lower bound."""
    h = run.history()
    if judge == "gan":
        return h["epoch"], np.log(2) - (h["critic_real"] + h["critic_fake"]) / 2
    return h["epoch"], -(h["critic_real"] + h["critic_fake"])


def swing_table(runs: dict, contestants: dict, seeds, keys: tuple) -> None:
    """The standard deviation of each run's estimate over its last epoch, and the Welch
    interval of the difference between the two contestants in ``keys``."""
    swing = {}
    for k in keys:
        swing[k] = []
        for s in seeds:
            epoch, est = estimate_per_iteration(runs[k, s].run, "wgan-gp")
            swing[k].append(float(np.std(est[epoch == epoch.max()])))
        print(
            f"{contestants[k][0]:18s} swing of the estimate over the last epoch: "
            + ", ".join(f"{v:.2f}" for v in swing[k])
        )
    interval = stats.welch_difference(swing[keys[1]], swing[keys[0]])[1]
    print(
        stats.difference_words(contestants[keys[1]][0], contestants[keys[0]][0], interval, "swing")
    )


def swing_figure(runs: dict, contestants: dict, seed: int, keys: tuple) -> None:
    """The estimate of every iteration of one seed, for the contestants in ``keys``."""
    fig, ax = plt.subplots(figsize=(12, 3.5))
    for k in keys:
        _, est = estimate_per_iteration(runs[k, seed].run, "wgan-gp")
        ax.plot(
            np.arange(1, len(est) + 1),
            est,
            color=contestants[k][1],
            lw=0.8,
            label=contestants[k][0],
        )
    ax.set(
        title=f"WGAN-GP's training-mode estimate, every iteration (seed {seed})",
        xlabel="iteration",
        ylabel="mean D(real) − mean D(fake)",
    )
    ax.legend()
    fig.tight_layout()
    plt.show()


def estimate_tracking_table(runs: dict, curves: dict, contestants: dict, judges: dict, seeds):
    """Per contestant: the correlation of epoch-to-epoch changes of the epoch-mean
    training-mode estimate and of the score, per seed and averaged; and the GAN epochs
    whose mean Jensen-Shannon estimate is negative."""
    negative = 0
    print("correlation of epoch-to-epoch changes, estimate against Fréchet distance")
    for k, (name, _) in contestants.items():
        per_seed = []
        for s in seeds:
            epoch, est = estimate_per_iteration(runs[k, s].run, judges[k])
            means = np.array([est[epoch == e].mean() for e in curves[k, s]["epoch"]])
            negative += int((means < 0).sum()) if judges[k] == "gan" else 0
            per_seed.append(stats.change_correlation(means, curves[k, s]["fid"]))
        finite = [r for r in per_seed if np.isfinite(r)]
        summary = "too few epochs to say"
        if len(finite) >= 2:
            mean, (low, high) = stats.mean_correlation(finite)
            summary = f"mean {mean:+.2f} [{low:+.2f}, {high:+.2f}]"
        print(f"  {name:18s} per seed " + ", ".join(f"{r:+.2f}" for r in per_seed) + f"; {summary}")
    print(f"GAN epochs whose mean Jensen-Shannon estimate is below 0: {negative}")
