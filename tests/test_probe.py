"""The one probe: seeded, shared draws, theory for any widths, and the numerics it rests on."""

import numpy as np
import pytest

import initviz as iv


def test_probe_is_seeded_and_every_init_sees_the_same_input():
    a = iv.probe("he_normal", "relu", depth=4, width=50, seed=3)
    b = iv.probe("he_normal", "relu", depth=4, width=50, seed=3)
    c = iv.probe("xavier_uniform", "tanh", depth=4, width=50, seed=3)
    assert np.array_equal(a.activations[-1], b.activations[-1])
    assert np.array_equal(a.inputs, c.inputs)
    assert not np.array_equal(
        a.activations[-1], iv.probe("he_normal", "relu", depth=4, width=50, seed=4).activations[-1]
    )


def test_normal_family_draws_the_same_numbers_scaled():
    """Xavier and He on one seed differ by a scale only, so in a ReLU net their ratio at layer l is 2^−l."""
    x = iv.probe("xavier_normal", "relu", depth=30, width=128)
    h = iv.probe("he_normal", "relu", depth=30, width=128)
    np.testing.assert_allclose(x.weights[0] * np.sqrt(2), h.weights[0], rtol=1e-6)
    assert np.log2(x.forward.second_moment[-1] / h.forward.second_moment[-1]) == pytest.approx(-30, abs=1e-3)


def test_probe_weights_follow_the_initializer():
    p = iv.probe("he_normal:mode=fan_out", "relu", widths=[300, 200, 100])
    for w, (n_in, n_out) in zip(p.weights, [(300, 200), (200, 100)]):
        assert w.shape == (n_in, n_out)
        assert w.var() == pytest.approx(2 / n_out, rel=0.05)
    np.testing.assert_allclose(p.weight_vars, [2 / 200, 2 / 100])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_measured_profile_follows_theory_for_changing_widths(activation):
    widths = iv.layer_widths("funnel", 8, low=300, high=1000)
    p = iv.probe("he_normal", activation, widths=widths, n_samples=500, nets=2)
    np.testing.assert_allclose(p.forward.std, p.theory.activation_std, rtol=0.1)
    np.testing.assert_allclose(p.backward.std, p.theory.gradient_std, rtol=0.15)


def test_nets_average_and_per_net_statistics():
    p = iv.probe("he_normal", "relu", depth=10, width=32, nets=5, n_samples=64)
    assert p.per_net_forward.std.shape == (5, 10)
    each = p.per_net_forward
    np.testing.assert_allclose(p.forward.second_moment, (each.mean**2 + each.std**2).mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(p.forward.std**2, (each.std**2).mean(axis=0) + each.mean.var(axis=0), rtol=1e-9)
    single = iv.probe("he_normal", "relu", depth=10, width=32, nets=1, n_samples=64, seed=2)
    np.testing.assert_allclose(single.forward.std, p.per_net_forward.std[2], rtol=1e-6)


def test_biases_enter_the_theory():
    p = iv.probe("normal:std=0.1", "tanh", depth=6, width=1000, bias_std=0.5, n_samples=400)
    np.testing.assert_allclose(p.forward.std, p.theory.activation_std, rtol=0.1)
    assert p.theory.pre_activation_std[-1] ** 2 == pytest.approx(
        iv.forward_variances(6, 10.0, 0.25, "tanh")[-1], rel=1e-9
    )


def test_editing_a_probe_leaves_the_cached_draws_alone():
    p = iv.probe("he_normal", "relu", depth=2, width=8)
    before = p.inputs.copy(), p.weights[0].copy()
    p.inputs[:] = 0
    p.weights[0][:] = 0
    again = iv.probe("he_normal", "relu", depth=2, width=8)
    assert np.array_equal(again.inputs, before[0]) and np.array_equal(again.weights[0], before[1])


def test_constant_init_has_no_theory_but_zeros_do():
    assert iv.probe("constant:value=0.5", "tanh").theory is None
    assert iv.probe("zeros", "tanh").theory is not None


@pytest.mark.parametrize("pattern", ["constant", "funnel", "alternating"])
@pytest.mark.parametrize("depth", [1, 7, 50])
def test_layer_widths(pattern, depth):
    widths = iv.layer_widths(pattern, depth)
    assert len(widths) == depth + 1 and all(isinstance(w, int) and w >= 1 for w in widths)
    first, last = {"funnel": (256, 64), "alternating": (64, 64 if depth % 2 == 0 else 256), "constant": (128, 128)}[
        pattern
    ]
    assert (widths[0], widths[-1]) == (first, last)


def test_predict_layers_matches_predict_profile_for_equal_widths():
    a = iv.predict_layers([100] * 9, 0.01, "tanh")
    b = iv.predict_profile(8, 0.01, 100, "tanh")
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12)


def test_predict_layers_telescopes_for_he_fan_in():
    widths = iv.layer_widths("funnel", 20)
    v = [iv.weight_variance("he_normal", shape) for shape in zip(widths[:-1], widths[1:])]
    p = iv.predict_layers(widths, v, "relu")
    assert p.gradient_std[0] ** 2 == pytest.approx(widths[-1] / widths[1], rel=1e-9)
    np.testing.assert_allclose(p.second_moment, p.second_moment[0], rtol=1e-9)


@pytest.mark.parametrize(
    "spec",
    [
        "normal:std=0.1",
        "uniform:low=-1,high=1",
        "truncated_normal:std=0.5,a=-0.3,b=0.8",
        "xavier_uniform",
        "xavier_normal:gain=2",
        "he_uniform:mode=fan_out",
        "he_normal:negative_slope=0.2",
        "lecun_uniform",
        "orthogonal:gain=2",
        "standard_uniform",
    ],
)
@pytest.mark.parametrize("shape", [(400, 200), (200, 400), (3, 3, 16, 32)])
def test_weight_variance_is_what_the_initializer_draws(spec, shape):
    name, options = iv.parse_init(spec)
    w = iv.initialize(name, shape, rng=0, dtype=np.float64, **options)
    second = np.mean(w**2) if name == "orthogonal" else w.var()
    assert iv.weight_variance(spec, shape) == pytest.approx(second, rel=0.03)


def test_the_draw_cache_stays_small():
    import sys

    module = sys.modules["initviz.probe"]  # the package's name "probe" is the function

    for width in (400, 410, 420, 430, 440, 450):  # 30 layers of about 400×400 float32: ~20 MB of draws each
        iv.probe("he_normal", "relu", depth=30, width=width, n_samples=8)
    total = sum(a.nbytes for value in module._draws.values() for a in value)
    assert total <= module._CACHE_BYTES
