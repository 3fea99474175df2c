"""labhelpers: the small helper package of WGAN Lab.

One module per concern, each introduced by the notebook that first needs it:

* ``settings``    - the seed, quick mode, the reference budget and where runs live
* ``layout``      - the file names of a run folder
* ``data``        - MNIST in [-1, 1], offline-friendly
* ``models``      - generator, WGAN critic, WGAN-GP critic, GAN discriminator
* ``losses``      - Wasserstein loss and gradient penalty
* ``training``    - WGAN, WGAN-GP and GAN as ``keras.Model`` subclasses
* ``methods``     - the registry that names the methods
* ``precision``   - float32 or bfloat16, and ``auto``
* ``callbacks``   - history, grids, checkpoints, progress
* ``checkpoints`` - saving and loading generators and training state
* ``experiment``  - ``train()``: a whole run, for notebooks and the CLI
* ``plotting``    - grids, loss curves, animations
* ``latent``      - latent points, interpolation, the interactive explorer
* ``quality``     - the MNIST classifier, Fréchet distance, digit coverage
* ``exercises``   - checkers that tell a learner whether their own code is right
* ``pretrain``    - every run the notebooks load, and ``make pretrain`` (import it:
                    ``from labhelpers import pretrain``)
* ``stats``       - intervals over seeds, and verdicts that say "cannot tell"
* ``toy``         - the 2-D experiments of notebook 04
* ``outputs``     - ``make outputs``: the committed notebook outputs
* ``cli``         - ``python -m labhelpers.train`` for instructors (``train.py`` runs it)

Importing the package registers its custom Keras objects, so generators it
saved load with ``keras.models.load_model``.

Adding a method: write its trainer in ``training.py`` (a subclass of
``AdversarialTrainer`` with its losses and default optimizers), its critic
or discriminator in ``models.py`` if it needs a new one, and one line in
``METHODS`` in ``methods.py``. The command line, ``make pretrain``, the
tests and notebook 04 take the list of methods from there; set
``bfloat16_auto=False`` until its bfloat16 runs were shown to keep quality.
"""

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()  # before anything else imports TensorFlow

# The imports below come after the quiet TensorFlow import on purpose (ruff E402 is
# switched off for this file in pyproject.toml). Importing ``models`` registers the
# custom layers and ClipConstraint, so saved generators load.
from . import (
    callbacks,
    exercises,
    layout,
    methods,
    models,
    plotting,
    precision,
    quality,
    settings,
    stats,
    toy,
)
from .checkpoints import NotAGeneratorError, load_generator
from .data import MnistDataError, load_mnist
from .experiment import build_trainer, train
from .layout import DamagedRunFile
from .settings import describe_mode, quick_mode, set_seed

__all__ = [
    "DamagedRunFile",
    "MnistDataError",
    "NotAGeneratorError",
    "build_trainer",
    "describe_mode",
    "load_generator",
    "load_mnist",
    "quick_mode",
    "set_seed",
    "train",
    "callbacks",
    "exercises",
    "layout",
    "methods",
    "models",
    "plotting",
    "precision",
    "quality",
    "settings",
    "stats",
    "toy",
]
