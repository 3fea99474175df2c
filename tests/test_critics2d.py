"""The WGAN-GP paper's critic experiments on the plane (labhelpers.study.critics2d): the
Swiss roll, the quadratic share, Proposition 1's check, and tiny versions of Fig. 1."""

import numpy as np
import pytest

from labhelpers.study import critics2d as c


def test_swiss_roll_without_noise_lies_on_the_spiral():
    points = c.swiss_roll(500, np.random.default_rng(0), noise=0.0) * 7.5
    t = np.hypot(points[:, 0], points[:, 1])  # the radius is the spiral's parameter
    assert t.min() >= 1.5 * np.pi - 1e-4 and t.max() <= 4.5 * np.pi + 1e-4
    np.testing.assert_allclose(points, np.stack([t * np.cos(t), t * np.sin(t)], 1), atol=1e-4)


def test_the_three_plane_datasets_and_a_clear_error():
    rng = np.random.default_rng(0)
    for name in c.PLANE_DATA:
        assert c.sample(name, 10, rng).shape == (10, 2)
    with pytest.raises(ValueError, match="data must be one of"):
        c.sample("moons", 10, rng)


def test_shape_share_is_one_for_the_optimal_critic_of_a_translation_and_less_otherwise():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(300, 2)).astype("float32")
    fake = real[rng.permutation(300)] + np.float32([3.0, 0.0])  # W1 = 3: f(x) = -x1 is optimal
    w1 = c.exact_w1(real, fake)
    assert w1 == pytest.approx(3.0, rel=1e-4)
    for scale in (0.01, 1.0, 7.0):  # any scale of the optimal critic: share 1
        gap = scale * (np.mean(-real[:, 0]) - np.mean(-fake[:, 0]))
        assert c.shape_share(gap, scale, w1) == pytest.approx(1.0, rel=1e-4)
    tilted = np.float32([np.cos(1.0), np.sin(1.0)])  # a linear critic at 57 degrees: cos(1)
    gap = np.mean(-real @ tilted) - np.mean(-fake @ tilted)
    assert c.shape_share(gap, 1.0, w1) == pytest.approx(np.cos(1.0), rel=1e-3)


def test_coupling_check_finds_the_direction_of_the_optimal_coupling():
    rng = np.random.default_rng(0)
    u = np.array([0.6, 0.8])
    real = rng.normal(0, 1.0, size=(400, 2))
    fake = real[rng.permutation(400)] + u  # a translation: the optimal critic is f(x) = -x.u

    found = c.coupling_check(lambda p: np.tile(-u, (len(p), 1)), real, fake, rng)
    assert found["coupled"]["norm"] == pytest.approx(1.0)
    assert found["coupled"]["cosine"] == pytest.approx(1.0)
    assert found["random"]["cosine"] < 0.7
    with pytest.raises(ValueError, match="one shape"):
        c.coupling_check(lambda p: p, real, fake[:10], rng)


@pytest.mark.slow
def test_fixed_generator_critics_learn_and_clipping_holds():
    learned = c.fixed_generator_critics("8 Gaussians", "penalty", 60, seeds=(1, 2), width=16)
    assert learned["estimate"].shape == (2, 2)
    assert np.all(learned["estimate"][:, -1] > learned["estimate"][:, 0])  # the critic learns
    assert learned["w1"] > 0.5  # unit noise moves the data far
    clipped = c.fixed_generator_critics("Swiss roll", "clip", 20, seeds=(1,), width=16, clip=0.01)
    slope = c.largest_slope(clipped["critic"], points=16)
    assert slope.shape == (1,) and 0 < slope[0] < 16 * 16 * 16 * 0.01**4 * 2 * 1.01  # |W| <= c
    assert max(float(np.abs(v.numpy()).max()) for v in clipped["critic"].variables) <= 0.01
    assert c.value_surface(clipped["critic"], points=8).shape == (1, 8, 8)
    with pytest.raises(ValueError, match="kind must be one of"):
        c.fixed_generator_critics("Swiss roll", "spectral", 1)


def test_decades_per_layer_reads_explode_and_vanish_the_papers_way():
    layers = np.arange(1, 13)
    assert c.decades_per_layer(10.0 ** (-layers)) == pytest.approx(1.0)  # grow going back
    assert c.decades_per_layer(10.0 ** (0.5 * layers)) == pytest.approx(-0.5)  # shrink
    assert c.decades_per_layer(np.ones(12)) == pytest.approx(0.0)


@pytest.mark.slow
def test_gradients_vanish_through_a_deep_clipped_critic_but_not_with_the_penalty():
    clipped = c.depth_gradients(0.001, iterations=4, seeds=(1,), width=32, log_every=2)
    assert clipped["norms"].shape == (1, 2, c.DEEP)
    penalised = c.depth_gradients(None, iterations=4, seeds=(1,), width=32, log_every=2)
    assert np.all(c.decades_per_layer(clipped["norms"]) < -0.5)
    assert np.all(np.abs(c.decades_per_layer(penalised["norms"])) < 0.3)
