"""``wgan-lab-train``: the command line for instructors who pre-train models.

    wgan-lab-train wgan --out runs/wgan
    wgan-lab-train wgan-gp --out runs/wgan-gp --iterations 500
    wgan-lab-train gan --out runs/gan --digit all --epochs 5
    wgan-lab-train gan --out runs/gan-lr10 --lr-scale 10
    wgan-lab-train wgan --out runs/wgan-lipschitz --clip all --warmup --tensorboard
    wgan-lab-train wgan-gp --out runs/wgan-gp-beta0 --beta-1 0
    wgan-lab-train --list-methods

Writes the run's files into ``--out`` (:class:`labhelpers.runs.Run`) and ends with the wall
time and iterations per second; run again, it carries on where it stopped (``--fresh`` starts
over). An error is one line, with exit code 1 for diverged training, else 2 (130 on Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys

from ..methods import METHODS
from ..precision import PRECISIONS
from ..settings import REFERENCE_BATCH_SIZE, REFERENCE_ITERATIONS, REFERENCE_STEPS_PER_EPOCH
from ..spec import RunSpec


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text}")
    return value


def _digit(text: str) -> str:
    if text.lower() == "all" or (text.isdigit() and 0 <= int(text) <= 9):
        return text.lower()
    raise argparse.ArgumentTypeError(f"expected a digit from 0 to 9 or 'all', got {text!r}")


# --clip's choices and the critic each names (labhelpers.models.JUDGES).
CLIP_JUDGES = {"kernels": "lab-critic", "all": "critic-clip-all"}


class _OneLineErrors(argparse.ArgumentParser):
    """An argument parser whose errors are a single line (and exit code 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _OneLineErrors(
        prog="wgan-lab-train",
        description="Train a WGAN, WGAN-GP or standard GAN on MNIST and save it for the notebooks.",
        epilog="wgan-lab-train --list-methods prints the method names.",
    )
    parser.add_argument("method", choices=list(METHODS), help="which algorithm to train")
    parser.add_argument("--out", required=True, help="folder for the generator, grids and history")
    parser.add_argument(
        "--digit", type=_digit, default="7", help="one digit 0-9 or 'all' (default 7)"
    )
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument(
        "--iterations",
        type=_positive,
        help=f"generator updates in total (default {REFERENCE_ITERATIONS})",
    )
    budget.add_argument(
        "--epochs", type=_positive, help=f"epochs of {REFERENCE_STEPS_PER_EPOCH} iterations each"
    )
    parser.add_argument(
        "--batch-size",
        type=_positive,
        default=REFERENCE_BATCH_SIZE,
        help=f"default {REFERENCE_BATCH_SIZE} (must be even)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--lr-scale",
        type=_positive_float,
        default=1.0,
        help="multiply both learning rates (default 1)",
    )
    parser.add_argument(
        "--clip",
        choices=list(CLIP_JUDGES),
        help="wgan only: clip the conv kernels (default, as the reference lab) "
        "or every critic parameter ('all', as the original WGAN code)",
    )
    parser.add_argument(
        "--warmup",
        action="store_true",
        default=None,
        help="wgan only: the WGAN authors' critic warm-up (100 critic updates "
        "for the first 25 iterations and every 500th)",
    )
    parser.add_argument(
        "--beta-1",
        type=float,
        default=None,
        help="wgan-gp only: Adam's beta_1 (default 0.5, the authors' MNIST code; "
        "0 is the paper's Algorithm 1)",
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="auto (default): bfloat16 where the CPU or GPU runs it fast and the method's "
        "quality was shown to hold in it (CONTRIBUTING.md, Precision), else float32",
    )
    parser.add_argument(
        "--tensorboard",
        action="store_true",
        help="also write TensorBoard logs into DIR/tensorboard (tensorboard --logdir DIR)",
    )
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument(
        "--resume",
        dest="resume",
        action="store_true",
        default=True,
        help="carry on from DIR's last completed epoch if there is one (default)",
    )
    resume.add_argument(
        "--fresh",
        dest="resume",
        action="store_false",
        help="ignore and replace an earlier run in DIR",
    )
    args = parser.parse_args(argv)
    args.iterations = args.iterations or (
        (args.epochs or REFERENCE_ITERATIONS // REFERENCE_STEPS_PER_EPOCH)
        * REFERENCE_STEPS_PER_EPOCH
    )
    try:  # RunSpec checks the settings, once for every way of starting a run
        args.spec = RunSpec(
            args.method,
            digit=args.digit,
            seed=args.seed,
            iterations=args.iterations,
            batch_size=args.batch_size,
            lr_scale=args.lr_scale,
            judge=CLIP_JUDGES[args.clip] if args.clip else None,
            precision=args.precision,
            warmup=args.warmup,
            beta_1=args.beta_1,
        )
    except ValueError as err:
        parser.error(str(err).rstrip("."))
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--list-methods"]:  # for scripts such as `make pretrain`
        print(" ".join(METHODS))
        return 0
    args = parse_args(argv)
    # Imported here so that --help and argument errors answer without loading TensorFlow.
    from ..callbacks import TrainingDiverged
    from ..data import MnistDataError
    from ..runs import RunInUse
    from ..session import train_spec

    iterations = args.iterations
    print(
        f"Training {args.method} on digit {args.digit} for {iterations} iterations "
        f"(batch {args.batch_size}, seed {args.seed}, learning rates x{args.lr_scale:g}, "
        f"precision {args.precision}) into {args.out}",
        flush=True,
    )
    try:
        result = train_spec(
            args.spec,
            args.out,
            resume=args.resume,
            progress="terminal",
            tensorboard=args.tensorboard,
        )
    except (MnistDataError, TrainingDiverged, ValueError, RunInUse) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if isinstance(err, TrainingDiverged) else 2
    except KeyboardInterrupt:
        print(
            f"\nInterrupted. Files of the last completed epoch are in {args.out}; "
            "run the same command again to carry on.",
            file=sys.stderr,
        )
        return 130
    h = result.history
    print(
        f"Done: {result.iterations} iterations, wall time {result.wall_seconds:.1f} s, "
        f"{result.iterations_per_second:.2f} it/s (precision {result.precision})"
    )
    if h:
        print(
            "Final losses: "
            + ", ".join(f"{k} {h[k][-1]:+.3f}" for k in h if k not in ("iteration", "epoch"))
        )
    print(f"Generator: {result.run.path(result.run.GENERATOR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
