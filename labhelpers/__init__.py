"""labhelpers: the small helper package of WGAN Lab.

One module per concern, each introduced by the notebook that first needs it:

* ``settings``  - the seed, quick mode, the lessons' budget and where runs live
* ``data``      - MNIST in [-1, 1], offline-friendly
* ``models``    - generator, WGAN critic, WGAN-GP critic, GAN discriminator
* ``losses``    - Wasserstein loss and gradient penalty
* ``training``  - WGAN, WGAN-GP and GAN as ``keras.Model`` subclasses
* ``methods``   - the registry of the methods: critics, optimisers, judge updates
* ``numerics``  - the numerics versions that runs and outputs record
* ``precision`` - float32 or bfloat16, and ``auto``
* ``files``     - files written whole or not at all, and CSV tables of numbers
* ``spec``      - what a run is: its settings, checked once (``RunSpec``)
* ``runs``      - the folder that holds a run (``Run``) and loading a generator
* ``course``    - the runs the notebooks load (``COURSE_RUNS``)
* ``callbacks`` - history, grids, held-out estimate, checkpoints, progress, TensorBoard
* ``session``   - ``train()``: a whole run, for notebooks and the command line;
                  ``course_run()``: a run the notebooks load
* ``plotting``  - grids, loss curves, animations
* ``latent``    - latent points, interpolation, the interactive explorer
* ``exercises`` - checkers that tell a learner whether their own code is right
* ``solutions`` - worked solutions of the exercises (``exercises.show_solution``)
* ``study``     - notebook 04's study of the methods: ``toy`` (2-D data), ``exact2d``
                  (2-D experiments with exact answers), ``quality`` (the MNIST score),
                  ``stats`` (intervals), ``report`` (figures and tables)

The tools that make the course (the ``wgan-lab-train`` command line, pre-training,
the committed notebook outputs, the README's images) live in ``labhelpers.tools``,
which ``import labhelpers`` never loads.

``import labhelpers`` is quick: each module (and TensorFlow) loads the first time
it is used, e.g. ``lh.train`` or ``from labhelpers.models import build_critic``.
TensorFlow then loads with its C++ start-up messages silenced (``_quiet.py``).

Adding a method: its entry in ``METHODS`` in ``methods.py`` (critics, optimiser,
judge updates), its trainer in ``training.py`` (a subclass of ``AdversarialTrainer``
with its losses, named in ``TRAINERS``), and its critic or discriminator in
``models.py`` (named in ``JUDGES``) if it needs a new one. The command line,
``make pretrain``, the tests and notebook 04 take the list of methods from there
(the 2-D experiments have their own small models and list, ``exact2d.METHOD_NAMES``);
set ``bfloat16_auto=False`` until its bfloat16 runs were shown to keep quality.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys

from ._quiet import import_tensorflow_quietly

SUBMODULES = (
    "callbacks",
    "course",
    "data",
    "exercises",
    "files",
    "latent",
    "losses",
    "methods",
    "models",
    "numerics",
    "plotting",
    "precision",
    "runs",
    "session",
    "settings",
    "solutions",
    "spec",
    "study",
    "training",
)
# Modules that import no TensorFlow (tests/test_imports.py): the command line's
# --help and the statistics answer at once. They load it quietly when they need it.
WITHOUT_TENSORFLOW = {
    "_quiet", "course", "data", "files", "methods", "numerics", "precision", "settings", "spec",
    "study", "study.stats", "tools", "tools.cli",
}  # fmt: skip
# The study's modules by their short names (``from labhelpers import quality``), as the
# notebooks' committed cells import them until their outputs are next made.
STUDY = ("exact2d", "quality", "report", "stats", "toy")
# The names notebooks use most, and the module each comes from.
SHORTCUTS = {
    "train": "session",
    "build_trainer": "session",
    "TrainResult": "session",
    "Run": "runs",
    "RunSpec": "spec",
    "course_run": "session",
    "load_generator": "runs",
    "DamagedRunFile": "files",
    "NotAGeneratorError": "runs",
    "RunInUse": "runs",
    "load_mnist": "data",
    "MnistDataError": "data",
    "set_seed": "settings",
    "quick_mode": "settings",
    "describe_mode": "settings",
}
__all__ = [*SHORTCUTS, *SUBMODULES]


class _QuietTensorFlowFirst(importlib.abc.MetaPathFinder):
    """Before any module of this package loads, load TensorFlow quietly (once).

    An import hook finds nothing itself; it only runs first, so that
    ``from labhelpers.models import ...`` cannot import TensorFlow noisily.
    """

    def find_spec(self, fullname, path=None, target=None):
        name = fullname.removeprefix(__name__ + ".")
        if name != fullname and name not in WITHOUT_TENSORFLOW:
            import_tensorflow_quietly()
        return None


if not any(isinstance(f, _QuietTensorFlowFirst) for f in sys.meta_path):
    sys.meta_path.insert(0, _QuietTensorFlowFirst())


def __getattr__(name: str):
    """Load a module (``lh.plotting``) or a shortcut (``lh.train``) when first used."""
    if name in SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in STUDY:
        return importlib.import_module(f".study.{name}", __name__)
    if name in SHORTCUTS:
        return getattr(importlib.import_module(f".{SHORTCUTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
