"""The WGAN-GP paper's critic experiments on the plane at its toy code's settings
(labhelpers.study.critics2d), full size, with the numbers printed and the figures saved.

    python benchmarks/plane_critics.py --out /tmp/plane [--steps 2000] [--quick]

1. Fig. 1a (§3.1): critics against real data + N(0, 1), clipping (RMSprop 5e-5, c 0.01)
   against the penalty (Adam 1e-4, betas 0.5/0.9, lambda 0.1), 3 seeds: the estimate's
   convergence, the exact W1, and how much of W1 each critic's shape reaches
   (estimate / (largest slope x W1); 1 for an optimal critic).
2. Proposition 1: penalty critics with the paper's lambda 10 against the same fixed
   generator: gradient norm and direction on optimally coupled pairs against random pairs.
3. Fig. 1b left (§3.2): WGAN on the Swiss roll with 12-layer ReLU MLPs, clipping at
   0.1, 0.01, 0.001 against the penalty: gradient norms per layer, decades per layer.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from labhelpers.study import critics2d as c  # noqa: E402
from labhelpers.study.stats import t_interval  # noqa: E402


def interval(values) -> str:
    mean, (lo, hi) = t_interval(values)
    return f"{mean:.3g} [{lo:.3g}, {hi:.3g}]"


def value_surfaces(args, out: Path) -> dict:
    results, fig = {}, plt.figure(figsize=(12, 7.5))
    axes = fig.subplots(2, 3)
    for col, data in enumerate(c.PLANE_DATA):
        for row, kind in enumerate(c.KINDS):
            t0 = time.perf_counter()
            r = c.fixed_generator_critics(data, kind, args.steps, width=args.width)
            est = r["estimate"]
            share = c.shape_share(est[:, -1], c.largest_slope(r["critic"]), r["w1"])
            # how much of the final estimate the last quarter of the updates added
            quarter = 1 - est[:, int(0.75 * (est.shape[1] - 1))] / est[:, -1]
            results[f"{data}/{kind}"] = {
                "w1": r["w1"],
                "estimate": est[:, -1].tolist(),
                "change_last_quarter": quarter.tolist(),
                "shape_share": share.tolist(),
                "seconds": time.perf_counter() - t0,
            }
            print(
                f"{data:12s} {kind:7s} estimate {interval(est[:, -1])} (W1 {r['w1']:.3f}; "
                f"last quarter added {interval(quarter)} of it); shape share "
                f"{interval(share)}; {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
            surface = c.value_surface(r["critic"])[0]
            ax = axes[row, col]
            ax.imshow(surface, extent=[-c.RANGE, c.RANGE] * 2, origin="lower", cmap="viridis")
            ax.contour(
                np.linspace(-c.RANGE, c.RANGE, surface.shape[0]),
                np.linspace(-c.RANGE, c.RANGE, surface.shape[0]),
                surface,
                colors="white",
                linewidths=0.6,
            )
            ax.scatter(*r["real"][:400].T, s=2, c="orange", label="real")
            ax.set_title(f"{data}, {'weight clipping' if kind == 'clip' else 'gradient penalty'}")
            ax.set_xlabel("x1")
            ax.set_ylabel("x2")
    fig.suptitle("Critics trained against real data + N(0, 1) (seed 1): value surfaces")
    fig.tight_layout()
    fig.savefig(out / "value_surfaces.png", dpi=80)
    return results


def proposition_1(args) -> dict:
    results = {}
    for lam in (10.0,):
        for data in c.PLANE_DATA:
            r = c.fixed_generator_critics(data, "penalty", args.steps, width=args.width, lam=lam)
            est = r["estimate"]
            share = c.shape_share(est[:, -1], c.largest_slope(r["critic"]), r["w1"])
            rng = np.random.default_rng(0)
            found = [
                c.coupling_check(c.critic_gradient(r["critic"], i), r["real"][:1024],
                                 r["fake"][:1024], rng)
                for i in range(3)
            ]  # fmt: skip
            row = {
                f"{pair}_{what}": [f[pair][what] for f in found]
                for pair in ("coupled", "random")
                for what in ("norm", "cosine")
            }
            results[f"{data}/lambda{lam:g}"] = {
                **row,
                "w1": r["w1"],
                "estimate": est[:, -1].tolist(),
                "shape_share": share.tolist(),
            }
            print(
                f"lambda {lam:<4g} {data:12s} estimate {interval(est[:, -1])} (W1 {r['w1']:.3f}), "
                f"shape share {interval(share)}; coupled: norm "
                f"{interval(row['coupled_norm'])}, cosine {interval(row['coupled_cosine'])}; "
                f"random: cosine {interval(row['random_cosine'])}",
                flush=True,
            )
    return results


def depth(args, out: Path) -> dict:
    results, fig = {}, plt.figure(figsize=(6, 4.5))
    ax = fig.subplots()
    for clip in (*c.CLIPS, None):
        t0 = time.perf_counter()
        r = c.depth_gradients(clip, args.depth_iterations, width=args.width, log_every=args.log)
        slopes = c.decades_per_layer(r["norms"][:, -1])  # at the last measurement
        name = "gradient penalty" if clip is None else f"weight clipping c = {clip:g}"
        results[name] = {
            "decades_per_layer": slopes.tolist(),
            "norms": r["norms"][:, -1].tolist(),
            "seconds": time.perf_counter() - t0,
        }
        print(
            f"{name:28s} decades per layer going back {interval(slopes)}; "
            f"{time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        mean_log = np.log10(np.maximum(r["norms"][:, -1], 1e-30)).mean(0)
        ax.plot(np.arange(1, c.DEEP + 1), mean_log, marker="o", label=name)
    ax.set_xlabel("critic layer (1 = nearest the input)")
    ax.set_ylabel("log10 gradient norm")
    ax.set_title(f"Deep critics on the Swiss roll after {args.depth_iterations} iterations")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "depth_gradients.png", dpi=80)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=2000, help="critic updates (Fig. 1a)")
    parser.add_argument("--depth-iterations", type=int, default=100)
    parser.add_argument("--log", type=int, default=25)
    parser.add_argument("--width", type=int, default=c.WIDTH)
    parser.add_argument("--only", choices=("surfaces", "proposition", "depth"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.depth_iterations, args.log, args.width = 40, 4, 2, 16
    args.out.mkdir(parents=True, exist_ok=True)
    found = {}
    if args.only in (None, "surfaces"):
        found["value_surfaces"] = value_surfaces(args, args.out)
    if args.only in (None, "proposition"):
        found["proposition_1"] = proposition_1(args)
    if args.only in (None, "depth"):
        found["depth"] = depth(args, args.out)
    (args.out / f"results_{args.only or 'all'}.json").write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
