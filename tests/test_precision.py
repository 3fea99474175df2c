"""bfloat16 through the whole package: both networks learn, numbers a learner sees
are float32, saved generators are plain float32 models, grids are not blank."""

import keras
import matplotlib.image
import numpy as np
import pytest
import tensorflow as tf

import labhelpers as lh
from labhelpers import precision
from labhelpers.methods import METHODS
from labhelpers.models import build_generator

HALF_BATCH = 8


def changed(before, model):
    after = model.get_weights()
    return all(not np.array_equal(a, b) for a, b in zip(before, after) if a.size > 1)


@pytest.mark.slow
@pytest.mark.parametrize("method", list(METHODS))
def test_both_networks_learn_in_bfloat16_with_float32_losses(method, sevens):
    lh.set_seed(3)
    trainer = lh.build_trainer(method, precision="bfloat16")
    assert trainer.generator.layers[1].compute_dtype == "bfloat16"
    assert keras.config.dtype_policy().name == "float32", "the global policy was not restored"
    g0 = [w.copy() for w in trainer.generator.get_weights()]
    c0 = [w.copy() for w in trainer.critic.get_weights()]
    data = iter(lh.session.make_dataset(sevens, HALF_BATCH, trainer.n_critic, seed=0))
    step = tf.function(trainer.train_step)
    for _ in range(24):
        logs = step(next(data))
    assert all(v.dtype == tf.float32 and np.isfinite(float(v)) for v in logs.values())
    assert changed(g0, trainer.generator), "the generator did not learn"
    assert changed(c0, trainer.critic), "the critic did not learn"
    z = tf.random.normal([128, trainer.latent_dim])
    fake = trainer.critic(trainer.generator(z, training=False), training=False)
    real = trainer.critic(sevens[:128], training=False)
    assert fake.dtype == real.dtype == tf.float32  # the critic's scores are float32
    assert float(tf.reduce_mean(real)) > float(tf.reduce_mean(fake))


def test_bfloat16_generator_saves_as_float32_and_loads_back_identically(tmp_path):
    with precision.building_in("bfloat16"):
        generator = build_generator()
    z = np.random.default_rng(0).standard_normal((16, 50)).astype("float32")
    mixed = np.asarray(generator(z), "float32")
    path = lh.Run(tmp_path).save_generator(generator)
    loaded = lh.load_generator(path)  # in this float32 process
    assert all(layer.dtype_policy.compute_dtype == "float32" for layer in loaded.layers)
    for a, b in zip(loaded.get_weights(), generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    out = loaded(z).numpy()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, lh.models.plain_copy(generator)(z).numpy())
    assert np.abs(out - mixed).max() < 0.05  # bfloat16 rounding only


@pytest.mark.slow
def test_bfloat16_run_writes_grids_that_are_not_blank(tmp_path, sevens):
    result = lh.train(
        "wgan",
        tmp_path / "run",
        images=sevens,
        iterations=2,
        batch_size=16,
        steps_per_epoch=2,
        progress="none",
        precision="bfloat16",
    )
    assert result.precision == "bfloat16"
    pixels = matplotlib.image.imread(result.grids[-1])[..., :3].mean(-1)
    # 100 digits drawn on white: the grid has ink and paper, not one flat colour.
    assert pixels.var() > 0.01
    images = lh.latent.generate(result.generator, np.zeros((4, 50), "float32"))
    assert images.dtype == np.float32 and images.var() > 0
    assert all(
        layer.dtype_policy.compute_dtype == "float32"
        for layer in result.run.load_generator().layers
    )


def test_auto_follows_hardware_and_method(monkeypatch):
    monkeypatch.setattr(precision, "bfloat16_is_fast", lambda: True)
    assert precision.resolve("auto") == "bfloat16"
    assert precision.resolve("auto", bfloat16_allowed=False) == "float32"
    monkeypatch.setattr(precision, "bfloat16_is_fast", lambda: False)
    assert precision.resolve("auto") == "float32"
    assert precision.resolve("bfloat16") == "bfloat16"  # an explicit choice is honoured
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.resolve("float16")


@pytest.mark.parametrize("capability, fast", [((7, 5), False), ((8, 0), True), ((9, 0), True)])
def test_auto_on_a_gpu_follows_its_compute_capability(capability, fast, monkeypatch):
    gpu = object()
    monkeypatch.setattr(
        tf.config, "list_physical_devices", lambda kind=None: [gpu] if kind == "GPU" else []
    )
    monkeypatch.setattr(
        tf.config.experimental,
        "get_device_details",
        lambda device: {"compute_capability": capability},
    )
    assert precision.bfloat16_is_fast.__wrapped__() is fast
