"""Saved generators load back unchanged; wrong files give clear errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import labhelpers  # noqa: F401  (registers the custom objects)
from labhelpers import NotAGeneratorError, load_generator
from labhelpers.checkpoints import atomic_save_model
from labhelpers.models import build_critic, build_generator


def test_saved_generator_loads_back_identical(tmp_path):
    generator = build_generator()
    generator(tf.zeros([1, 50]))
    path = atomic_save_model(generator, tmp_path / "generator.keras")
    z = np.random.default_rng(0).standard_normal((8, 50)).astype("float32")
    plain = keras.models.load_model(path)  # the plain Keras way works after `import labhelpers`
    checked = load_generator(path, latent_dim=50)
    np.testing.assert_array_equal(plain(z).numpy(), generator(z).numpy())
    np.testing.assert_array_equal(checked(z).numpy(), generator(z).numpy())
    assert not list(tmp_path.glob(".*tmp*")), "temporary file left behind"


def test_clipped_critic_round_trips(tmp_path):
    path = atomic_save_model(build_critic(0.02), tmp_path / "critic.keras")
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].kernel_constraint.clip_value == 0.02


def test_missing_generator_says_how_to_get_one(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="Run notebook 01_train_wgan first.*labhelpers.train"
    ):
        load_generator(tmp_path / "generator.keras")


def test_critic_file_is_not_a_generator(tmp_path):
    path = atomic_save_model(build_critic(), tmp_path / "critic.keras")
    with pytest.raises(NotAGeneratorError, match="Did you pick the critic"):
        load_generator(path)


def test_wrong_latent_size(tmp_path):
    path = atomic_save_model(build_generator(20), tmp_path / "g.keras")
    with pytest.raises(NotAGeneratorError, match="latent vectors of size 20, not 50"):
        load_generator(path, latent_dim=50)


def test_garbage_file(tmp_path):
    path = tmp_path / "generator.keras"
    path.write_text("not a model")
    with pytest.raises(NotAGeneratorError, match="could not be loaded"):
        load_generator(path)
