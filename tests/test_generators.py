"""Saved generators load back unchanged, anywhere; wrong files give clear errors."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers import NotAGeneratorError, Run, load_generator
from labhelpers.files import atomic_write
from labhelpers.models import build_critic, build_generator


def save(model, path):
    return atomic_write(path, model.save)


def test_saved_generator_loads_back_identical(tmp_path):
    generator = build_generator()
    generator(tf.zeros([1, 50]))
    path = Run(tmp_path).save_generator(generator)
    z = np.random.default_rng(0).standard_normal((8, 50)).astype("float32")
    plain = keras.models.load_model(path)
    checked = load_generator(path, latent_dim=50)
    np.testing.assert_allclose(plain(z).numpy(), generator(z).numpy(), atol=1e-5)
    np.testing.assert_array_equal(checked(z).numpy(), plain(z).numpy())
    assert not list(tmp_path.glob(".*tmp*")), "temporary file left behind"


def test_saved_generator_loads_in_a_process_without_labhelpers(tmp_path):
    """The fast CPU layers are saved as Keras's own, so keras.models.load_model works
    in a program that never imports labhelpers, and gives the same images."""
    generator = build_generator()
    path = Run(tmp_path).save_generator(generator)
    z = np.random.default_rng(0).standard_normal((8, 50)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    np.save(tmp_path / "expected.npy", generator(z, training=False).numpy())
    script = textwrap.dedent(
        f"""
        import sys
        import keras, numpy as np
        model = keras.models.load_model({str(path)!r})
        assert not any(m.startswith("labhelpers") for m in sys.modules), "labhelpers imported"
        names = {{type(layer).__name__ for layer in model.layers}}
        assert names <= {{"Dense", "LeakyReLU", "Reshape", "Conv2DTranspose",
                          "BatchNormalization", "Conv2D"}}, names
        out = model(np.load({str(tmp_path / "z.npy")!r}), training=False).numpy()
        print(float(np.abs(out - np.load({str(tmp_path / "expected.npy")!r})).max()))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout.strip().splitlines()[-1]) < 1e-5


def test_clipped_critic_round_trips(tmp_path):
    path = save(build_critic(0.02), tmp_path / "critic.keras")
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].kernel_constraint.clip_value == 0.02


def test_missing_generator_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="Run notebook 01_train_wgan first.*wgan-lab-train"):
        load_generator(tmp_path / "generator.keras")


def test_critic_file_is_not_a_generator(tmp_path):
    path = save(build_critic(), tmp_path / "critic.keras")
    with pytest.raises(NotAGeneratorError, match="Did you pick the critic"):
        load_generator(path)


def test_wrong_latent_size(tmp_path):
    path = save(build_generator(20), tmp_path / "g.keras")
    with pytest.raises(NotAGeneratorError, match="latent vectors of size 20, not 50"):
        load_generator(path, latent_dim=50)


def test_garbage_file(tmp_path):
    path = tmp_path / "generator.keras"
    path.write_text("not a model")
    with pytest.raises(NotAGeneratorError, match="could not be loaded"):
        load_generator(path)
