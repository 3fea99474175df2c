"""The 2-D experiments with exact answers: exact W1, chance baselines, stacked seeds."""

import numpy as np
import pytest
import tensorflow as tf

from labhelpers.study import exact2d
from labhelpers.study.toy import DATASETS


def test_exact_w1_of_a_translated_sample_is_the_length_of_the_shift():
    # W1(P, P + v) = |v| for any P: the shift is a coupling of cost |v|, and the
    # 1-Lipschitz function x -> <x, v/|v|> shows no coupling costs less.
    a = DATASETS["ring"].sample(300, np.random.default_rng(0))
    for v in ([0.3, 0.0], [0.0, -1.7], [2.0, 2.0]):
        assert exact2d.exact_w1(a, a + np.float32(v)) == pytest.approx(np.hypot(*v), abs=1e-6)


def test_exact_w1_in_one_dimension_matches_sorting():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=200), rng.exponential(size=200)
    embed = lambda t: np.stack([t, np.zeros_like(t)], 1)  # noqa: E731
    assert exact2d.exact_w1(embed(x), embed(y)) == pytest.approx(
        np.mean(np.abs(np.sort(x) - np.sort(y))), rel=1e-9
    )


def test_exact_w1_refuses_samples_of_different_sizes():
    with pytest.raises(ValueError, match="equal shape"):
        exact2d.exact_w1(np.zeros((3, 2)), np.zeros((4, 2)))


def test_the_floor_is_what_two_real_samples_measure_and_shrinks_with_size():
    ring = DATASETS["ring"]
    assert 0 < exact2d.w1_floor(ring, 500, repeats=3) < exact2d.w1_floor(ring, 100, repeats=3)


def test_a_diffuse_blob_scores_at_chance_and_covers_no_mode():
    ring = exact2d.chance_baseline(DATASETS["ring"], repeats=30)
    grid = exact2d.chance_baseline(DATASETS["grid"], repeats=30)
    assert 0.001 < ring["high_quality"] < 0.005 and ring["modes_max"] == 0
    assert 0.005 < grid["high_quality"] < 0.03 and grid["modes_max"] == 0


def test_each_seed_starts_the_same_whatever_it_is_stacked_with():
    a = exact2d.StackedMLP(2, 1, (1, 2), width=8, salt=2)
    b = exact2d.StackedMLP(2, 1, (3, 1), width=8, salt=2)
    for va, vb in zip(a.variables, b.variables):
        np.testing.assert_array_equal(va.numpy()[0], vb.numpy()[1])


@pytest.mark.parametrize("method", exact2d.METHOD_NAMES)
def test_seeds_never_mix(method):
    critic = exact2d.StackedMLP(2, 1, (1, 2), width=8, salt=2)
    rng = np.random.default_rng(0)
    real = tf.constant(rng.normal(size=(2, 16, 2)), "float32")
    fake = tf.constant(rng.normal(size=(2, 16, 2)), "float32")
    tf.random.set_seed(0)
    before = exact2d.judge_terms(method, critic, real, fake)[0].numpy()
    for v in critic.variables:  # change only the second seed's weights
        v.assign(tf.concat([v[:1], v[1:] * 3.0 + 0.5], 0))
    tf.random.set_seed(0)
    after = exact2d.judge_terms(method, critic, real, fake)[0].numpy()
    assert after[0] == pytest.approx(before[0], rel=1e-6) and after[1] != pytest.approx(before[1])


def test_the_wgan_warm_up_gives_100_critic_updates_per_early_iteration():
    warm = exact2d.StackedRun(exact2d.Setup("wgan"), (1, 2), width=8)
    plain = exact2d.StackedRun(exact2d.Setup("wgan", warmup=False), (1, 2), width=8)
    warm.train(2)
    plain.train(2)
    assert int(warm.d_opt.iterations) == 200 and int(plain.d_opt.iterations) == 10
    assert max(float(np.abs(v.numpy()).max()) for v in warm.critic.variables) <= exact2d.CLIP


def test_train_runs_logs_every_measurement_for_every_seed():
    out = exact2d.train_runs(exact2d.Setup("gan"), seeds=(1, 2), iterations=6, log_every=3, width=8)
    assert list(out["iteration"]) == [3, 6]
    for key in ("estimate", "w1", "modes", "high_quality"):
        assert out[key].shape == (2, 2)
    assert np.all(np.isfinite(out["w1"])) and out["samples"].shape == (2, exact2d.N_EVAL, 2)


@pytest.mark.slow
def test_known_answer_judges_see_the_distance():
    out = exact2d.known_answer(thetas=(0.0, 1.0), steps=300, width=64)
    np.testing.assert_array_equal(out["w1"], [0.0, 1.0])
    assert out["js"][1] == pytest.approx(np.log(2))
    assert out["wgan-gp/estimate"][1] > 0.5 > abs(out["wgan-gp/estimate"][0])
    assert out["gan/estimate"][1] > 0.3 > abs(out["gan/estimate"][0])
    assert out["wgan/estimate"][1] > out["wgan/estimate"][0]
    # The minimax GAN's gradient has all but vanished where the judge is sure.
    assert abs(out["gan/grad_minimax"][1]) < abs(out["gan/grad"][1])
