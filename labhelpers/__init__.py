"""labhelpers: the small helper package of WGAN Lab.

One module per concern, each introduced by the notebook that first needs it:

* ``settings``    - the seed and quick mode, in one place
* ``data``        - MNIST in [-1, 1], offline-friendly
* ``models``      - generator, WGAN critic, WGAN-GP critic, GAN discriminator
* ``losses``      - Wasserstein loss and gradient penalty
* ``training``    - WGAN, WGAN-GP and GAN as ``keras.Model`` subclasses
* ``callbacks``   - history, grids, checkpoints, progress
* ``checkpoints`` - saving and loading generators and training state
* ``experiment``  - ``train()``: a whole run, for notebooks and the CLI
* ``plotting``    - grids, loss curves, animations
* ``latent``      - latent points, interpolation, the interactive explorer
* ``quality``     - the MNIST classifier, Fréchet distance, digit coverage
* ``cli``         - ``python -m labhelpers.train`` for instructors (``train.py`` runs it)

Importing the package registers its custom Keras objects, so generators it
saved load with ``keras.models.load_model``.
"""

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()  # before anything else imports TensorFlow

from . import models  # noqa: F401,E402  (registers ClipConstraint for .keras loading)
from .checkpoints import NotAGeneratorError, load_generator  # noqa: E402
from .data import MnistDataError, load_mnist  # noqa: E402
from .experiment import build_trainer, train  # noqa: E402
from .settings import describe_mode, quick_mode, set_seed  # noqa: E402

__all__ = [
    "MnistDataError",
    "NotAGeneratorError",
    "build_trainer",
    "describe_mode",
    "load_generator",
    "load_mnist",
    "quick_mode",
    "set_seed",
    "train",
]
