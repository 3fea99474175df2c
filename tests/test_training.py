"""The trainers really train: both networks change, the critic separates real
from fake in the right direction, clipping holds, and runs are reproducible.

The learning test is the one that catches the Keras 3 frozen-critic trap: a
critic frozen by ``trainable = False`` would keep its initial weights.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from labhelpers import build_trainer, set_seed, train
from labhelpers.methods import METHODS
from labhelpers.session import make_dataset

HALF_BATCH = 8


def run_iterations(trainer, images, n):
    data = iter(make_dataset(images, HALF_BATCH, trainer.n_critic, seed=0))
    step = tf.function(trainer.train_step)
    return [{k: float(v) for k, v in step(next(data)).items()} for _ in range(n)]


def weights(model):
    return [w.copy() for w in model.get_weights()]


def changed(before, model):
    return all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()) if a.size > 1)


@pytest.mark.slow
@pytest.mark.parametrize("method", list(METHODS))
def test_both_networks_learn_and_critic_separates(method, sevens):
    set_seed(3)
    trainer = build_trainer(method)
    g0, c0 = weights(trainer.generator), weights(trainer.critic)
    logs = run_iterations(trainer, sevens, 24)
    assert all(np.isfinite(list(row.values())).all() for row in logs)
    assert changed(g0, trainer.generator), "the generator did not learn"
    assert changed(c0, trainer.critic), "the critic did not learn (frozen?)"
    z = tf.random.normal([128, trainer.latent_dim])
    fake_scores = trainer.critic(trainer.generator(z, training=False), training=False).numpy()
    real_scores = trainer.critic(sevens[:128], training=False).numpy()
    # real = -1 convention: the critic scores real images higher than fakes
    # (for the GAN, the discriminator gives them a higher probability of being real).
    assert real_scores.mean() > fake_scores.mean()


class CheckingRMSprop(keras.optimizers.RMSprop):
    """RMSprop that asserts, right after every update it makes, that every clipped
    kernel is inside [-0.01, 0.01] (Keras applies constraints inside the update)."""

    def apply_gradients(self, grads_and_vars):
        grads_and_vars = list(grads_and_vars)
        result = super().apply_gradients(grads_and_vars)
        for _, variable in grads_and_vars:
            if variable.constraint is not None:
                tf.debugging.assert_less_equal(tf.reduce_max(tf.abs(variable)), 0.01 + 1e-7)
        return result


def test_clipping_holds_after_every_critic_update(sevens):
    trainer = build_trainer("wgan")
    initial = max(np.abs(layer.kernel.numpy()).max() for layer in trainer.critic.layers[:1])
    assert initial > 0.01  # Normal(0, 0.02) starts outside the box: clipping must act
    trainer.compile(critic_optimizer=CheckingRMSprop(learning_rate=0.05))  # big steps
    run_iterations(trainer, sevens, 3)  # 15 critic updates, each checked
    clipped = [
        layer.kernel.numpy()
        for layer in trainer.critic.layers
        if getattr(layer, "kernel_constraint", None) is not None
    ]
    assert max(np.abs(k).max() for k in clipped) == pytest.approx(0.01)  # the bound is reached


def test_one_iteration_is_n_critic_critic_updates_and_one_generator_update(sevens):
    trainer = build_trainer("wgan")
    run_iterations(trainer, sevens, 2)
    assert int(trainer.critic_optimizer.iterations) == 10
    assert int(trainer.generator_optimizer.iterations) == 2


@pytest.mark.slow
def test_same_seed_same_run(tmp_path, sevens):
    runs = [
        train(
            "wgan",
            tmp_path / f"run{i}",
            images=sevens,
            iterations=3,
            batch_size=16,
            steps_per_epoch=3,
            seed=5,
            progress="none",
        )
        for i in range(2)
    ]
    np.testing.assert_array_equal(runs[0].history["generator"], runs[1].history["generator"])
    z = np.random.default_rng(0).standard_normal((4, 50)).astype("float32")
    np.testing.assert_array_equal(runs[0].generator(z).numpy(), runs[1].generator(z).numpy())


@pytest.mark.parametrize("method", list(METHODS))
def test_lr_scale_multiplies_both_learning_rates(method):
    base, fast = build_trainer(method), build_trainer(method, lr_scale=10)
    for name in ("critic_optimizer", "generator_optimizer"):
        assert float(getattr(fast, name).learning_rate) == pytest.approx(
            10 * float(getattr(base, name).learning_rate)
        )
    with pytest.raises(ValueError, match="lr_scale must be positive"):
        build_trainer(method, lr_scale=0)


def test_the_warm_up_follows_the_authors_schedule():
    from labhelpers.training import critic_updates

    early = [critic_updates(i, 5, True) for i in range(30)]
    assert early[:25] == [100] * 25 and early[25:] == [5] * 5
    assert critic_updates(500, 5, True) == 100 and critic_updates(501, 5, True) == 5
    assert critic_updates(0, 5, False) == 5


@pytest.mark.slow
def test_a_warm_up_run_makes_100_critic_updates_in_early_iterations(tmp_path, sevens):
    result = train(
        "wgan",
        tmp_path / "warm",
        images=sevens,
        iterations=2,
        batch_size=16,
        steps_per_epoch=2,
        judge="critic-clip-all",
        warmup=True,
        progress="none",
    )
    assert int(result.trainer.critic_optimizer.iterations) == 200
    assert int(result.trainer.generator_optimizer.iterations) == 2
    # Every update of the warm-up clipped every parameter too.
    params = result.trainer.critic.trainable_variables
    assert max(float(np.abs(v.numpy()).max()) for v in params) <= 0.01 + 1e-7


def test_beta_1_is_wgan_gps_adam_setting():
    assert float(build_trainer("wgan-gp").critic_optimizer.beta_1) == 0.5
    zero = build_trainer("wgan-gp", beta_1=0.0)
    assert float(zero.critic_optimizer.beta_1) == 0.0
    assert float(zero.generator_optimizer.beta_1) == 0.0
    with pytest.raises(ValueError, match="beta_1 must be in"):
        build_trainer("wgan-gp", beta_1=1.0)
