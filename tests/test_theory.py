import numpy as np
import pytest

import initviz as iv


@pytest.mark.parametrize("sigma_w2, sigma_b2", [(2.0, 0.0), (1.0, 0.1), (3.0, 0.05)])
def test_relu_recursion_matches_closed_form(sigma_w2, sigma_b2):
    q = iv.forward_variances(10, sigma_w2, sigma_b2, "relu", q0=1.3)
    expected = [sigma_w2 * 1.3 + sigma_b2]
    for _ in range(9):
        expected.append(sigma_w2 * expected[-1] / 2 + sigma_b2)
    np.testing.assert_allclose(q, expected, rtol=1e-12)
    assert iv.chi(q[-1], sigma_w2, "relu") == pytest.approx(sigma_w2 / 2, rel=1e-12)


@pytest.mark.parametrize("sigma_b2, expected", [(0.0, 1.0), (0.01, 1.424), (0.05, 1.761), (0.1, 1.986), (0.3, 2.505)])
def test_tanh_edge_of_chaos(sigma_b2, expected):
    assert iv.critical_sigma_w2("tanh", sigma_b2) == pytest.approx(expected, abs=2e-3)


def test_relu_edge_of_chaos_is_he():
    assert iv.critical_sigma_w2("relu") == pytest.approx(2.0, rel=1e-12)
    assert iv.critical_sigma_w2("leaky_relu", negative_slope=0.2) == pytest.approx(2 / 1.04, rel=1e-12)


@pytest.mark.parametrize(
    "activation, init",
    [("tanh", "xavier_normal"), ("relu", "he_normal"), ("sigmoid", "xavier_normal"), ("tanh", "normal:std=0.2")],
)
def test_theory_matches_a_simulated_wide_network(activation, init):
    width, depth = 1000, 8
    x = np.random.default_rng(0).normal(size=(500, width))
    net = iv.MLP([width] * (depth + 1), activation, init, bias=False, linear_head=False, rng=1, dtype=np.float64)
    trace = net.trace(x, rng=2)
    var_w = float(np.mean([w.var() for w in net.weights]))
    prof = iv.predict_profile(depth, var_w, width, activation)
    measured_pre = np.array([z.std() for z in trace.pre_activations])
    measured_act = np.array([h.std() for h in trace.activations])
    measured_grad = np.array([g.std() for g in trace.grad_activations])
    np.testing.assert_allclose(measured_pre, prof.pre_activation_std, rtol=0.1)
    np.testing.assert_allclose(measured_act, prof.activation_std, rtol=0.1)
    np.testing.assert_allclose(measured_grad, prof.gradient_std, rtol=0.15)


def test_xavier_relu_signal_halves_per_layer():
    prof_x = iv.predict_profile(30, 1 / 100, 100, "relu")
    prof_h = iv.predict_profile(30, 2 / 100, 100, "relu")
    ratio = (prof_x.pre_activation_std[-1] / prof_h.pre_activation_std[-1]) ** 2
    assert ratio == pytest.approx(2.0**-30, rel=1e-9)  # He doubles every layer, the first included
