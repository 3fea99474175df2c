"""The course's runs: every run the notebooks load (:data:`COURSE_RUNS`), which
``make pretrain`` trains and :func:`labhelpers.session.course_run` opens or trains.
"""

from __future__ import annotations

from dataclasses import replace

from .spec import RunSpec

SEEDS = (1, 2, 3)  # seeds of the repeated runs (notebook 04); seed 1 is the lessons' own


def seed_run_name(method: str, seed: int) -> str:
    """``wgan`` for seed 1 (the run notebooks 01-03 use), ``wgan-seed2`` for seed 2."""
    return method if seed == 1 else f"{method}-seed{seed}"


COURSE_RUNS: dict[str, RunSpec] = {
    # Notebooks 01-03: the reference lab's WGAN (only the kernels clipped, no warm-up).
    "wgan": RunSpec("wgan"),
    # Notebooks 03 and 04, three seeds each: the paper's WGAN (every parameter clipped, the
    # warm-up), WGAN-GP with Adam beta_1 = 0.5 (gan_mnist.py) and 0 (Algorithm 1), the GAN.
    **{
        seed_run_name(name, s): replace(spec, seed=s)
        for name, spec in (
            ("wgan-lipschitz", RunSpec("wgan", judge="critic-clip-all", warmup=True)),
            ("wgan-gp", RunSpec("wgan-gp")),
            ("wgan-gp-beta0", RunSpec("wgan-gp", beta_1=0.0)),
            ("gan", RunSpec("gan")),
        )
        for s in SEEDS
    },
}


def course_spec(name: str, **budget) -> RunSpec:
    """The :class:`RunSpec` of course run ``name`` with ``budget`` (iterations, batch_size,
    steps_per_epoch; :func:`labhelpers.settings.lesson_budget`). ValueError for other names."""
    if name not in COURSE_RUNS:
        raise ValueError(f"no course run called {name!r}; they are {', '.join(COURSE_RUNS)}.")
    return replace(COURSE_RUNS[name], **budget)
