"""Notebook 06's numerics: the correlation map, χ₁, χ_c, ξ_c, the phase boundary and Jacobian spectra.

The theory is checked against simulated wide nets (the c-map, the decay of 1 − c at the rate ξ_c), against
Monte Carlo and finite differences, and against what ``initviz.theory`` already knows (q*, the critical σ_w²).
"""

import math

import numpy as np
import pytest

import initviz as iv
from initviz import chaos, theory
from initviz import random_nets as rn

B2 = 0.05  # Schoenholz et al.'s σ_b², the notebook's


# --- the length map and its fixed point ---


@pytest.mark.parametrize("sigma_w2, sigma_b2", [(0.5, 0.05), (1.76, 0.05), (3.0, 0.3), (100.0, 0.05), (2.0, 0.0)])
def test_q_star_is_the_fixed_point_of_theorys_length_map(sigma_w2, sigma_b2):
    q = chaos.q_star(sigma_w2, sigma_b2)
    assert theory.variance_map(q, sigma_w2, sigma_b2, "tanh") == pytest.approx(q, rel=1e-7)
    deep = iv.forward_variances(400, sigma_w2, sigma_b2, "tanh")[-1]
    assert q == pytest.approx(deep, rel=1e-5)


def test_q_star_of_homogeneous_activations():
    assert chaos.q_star(1.0, 0.1, "relu") == pytest.approx(0.2)  # σ_b²/(1 − σ_w²/2)
    assert chaos.q_star(2.5, 0.1, "relu") == math.inf
    assert chaos.q_star(2.0, 0.0, "relu", q0=1.5) == 3.0  # critical and bias-free: layer 1's length stays
    assert chaos.q_star(0.5, 0.1, "linear") == pytest.approx(0.2)
    assert chaos.q_star(0.8, 0.0) == 0.0  # tanh below σ_w² = 1 without biases: the signal dies


# --- the correlation map ---


def test_correlation_map_matches_monte_carlo():
    rng = np.random.default_rng(0)
    z1, z2 = rng.standard_normal((2, 2_000_000))
    for sigma_w2 in (1.0, 2.5, 30.0):
        q = chaos.q_star(sigma_w2, B2)
        for c in (0.0, 0.4, 0.9):
            u1, u2 = math.sqrt(q) * z1, math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
            mc = (sigma_w2 * np.mean(np.tanh(u1) * np.tanh(u2)) + B2) / q
            assert chaos.correlation_map(c, sigma_w2, B2) == pytest.approx(mc, abs=2e-3)


@pytest.mark.parametrize("activation, sigma_w2", [("tanh", 1.2), ("tanh", 3.0), ("relu", 1.5), ("linear", 0.8)])
def test_slope_at_one_is_chi_1_and_one_is_fixed(activation, sigma_w2):
    c = chaos.correlation_map(np.array([1.0 - 1e-5, 1.0]), sigma_w2, 0.1, activation)
    assert c[1] == pytest.approx(1.0, abs=1e-12)
    slope = (c[1] - c[0]) / 1e-5
    assert slope == pytest.approx(chaos.chi_1(sigma_w2, 0.1, activation), rel=2e-3)


def test_slope_at_c_star_is_chi_c():
    for sigma_w2 in (2.0, 4.0):
        c = chaos.c_star(sigma_w2, B2)
        assert chaos.correlation_map(c, sigma_w2, B2) == pytest.approx(c, abs=1e-12)
        h = 1e-5
        slope = (chaos.correlation_map(c + h, sigma_w2, B2) - chaos.correlation_map(c - h, sigma_w2, B2)) / (2 * h)
        assert slope == pytest.approx(chaos.chi_c(sigma_w2, B2), rel=1e-5)


@pytest.mark.parametrize(
    "activation, sigma_w2, sigma_b2", [("tanh", 1.0, B2), ("tanh", 1.76, B2), ("tanh", 3.0, B2), ("relu", 2.0, 0.1)]
)
def test_correlation_map_against_a_simulated_wide_net(activation, sigma_w2, sigma_b2):
    """Measured c_l within 4 standard errors of the theory (one finite net wanders, most in the chaotic phase).
    The same measurement against a wrong theory fails, so the test can tell: c frozen at layer 1's value, and
    for tanh the map without its bias term."""
    c0 = np.array([0.1, 0.5, 0.9])
    measured = rn.simulate_pair(10, sigma_w2, sigma_b2, activation, c0=c0, width=500, nets=16, seed=0)
    q, c = chaos.pair_propagation(10, sigma_w2, sigma_b2, activation, c0=c0)
    # one ReLU net's length wanders log-normally (Hanin & Rolnick 2018), more than a tanh net's
    np.testing.assert_allclose(measured.q, q, rtol=0.06 if activation == "tanh" else 0.12)
    error = 4 * measured.per_net_c.std(axis=0, ddof=1) / math.sqrt(16) + 0.005
    assert (np.abs(measured.c - c) <= error).all()
    assert (np.abs(measured.c - c[:1]) > error).any()
    if activation == "tanh":
        _, unbiased = chaos.pair_propagation(10, sigma_w2, 0.0, activation, c0=c0)
        assert (np.abs(measured.c - unbiased) > error).any()


def test_ordered_and_chaotic_phases_where_theory_says():
    assert chaos.phase(1.0, B2) == "ordered" and chaos.c_star(1.0, B2) == 1.0
    assert chaos.phase(3.0, B2) == "chaotic" and 0 < chaos.c_star(3.0, B2) < 1
    assert chaos.phase(chaos.critical_line(B2), B2) == "critical"
    assert chaos.phase(4.0, 0.0, "relu") == "unbounded" and chaos.phase(2.0, 0.3, "relu") == "critical"


def test_relu_has_no_chaotic_phase():
    c = np.linspace(-1, 1, 201)
    for sigma_w2 in (0.5, 2.0, 4.0, 100.0):
        for sigma_b2 in (0.0, 0.1):
            assert (chaos.correlation_map(c, sigma_w2, sigma_b2, "relu", q=3.0) >= c - 1e-12).all()
        assert chaos.c_star(sigma_w2, 0.1, "relu") == 1.0


# --- the critical line ---


@pytest.mark.parametrize("sigma_b2", [0.0, 0.01, 0.05, 0.1, 0.3])
def test_chi_1_is_one_on_the_critical_line(sigma_b2):
    sigma_w2 = chaos.critical_line(sigma_b2)
    assert chaos.chi_1(sigma_w2, sigma_b2) == pytest.approx(1.0, abs=1e-9)
    assert sigma_w2 == pytest.approx(iv.critical_sigma_w2("tanh", sigma_b2), rel=1e-7)
    assert chaos.chi_1(sigma_w2 * 0.97, sigma_b2) < 1 < chaos.chi_1(sigma_w2 * 1.03, sigma_b2)


def test_the_issues_check_point():
    assert chaos.critical_line(0.05) == pytest.approx(1.761, abs=1e-3)
    assert chaos.critical_line(0.05, "relu") == 2.0


def test_critical_curve_and_phase_diagram():
    w, b = chaos.critical_curve(sigma_b2_max=0.5)
    assert b[0] == 0 and b[-1] == 0.5 and w[0] == pytest.approx(1.0) and (np.diff(b) >= 0).all()
    for i in range(0, len(w), 97):
        assert chaos.chi_1(w[i], b[i]) == pytest.approx(1.0, abs=2e-4)
    grid = chaos.phase_diagram([0.5, 1.76, 3.0, 100.0], [0.0, 0.05, 0.3])
    exact = [[chaos.chi_1(sw, sb) for sw in (0.5, 1.76, 3.0, 100.0)] for sb in (0.0, 0.05, 0.3)]
    np.testing.assert_allclose(grid, exact, rtol=1e-4)
    np.testing.assert_allclose(chaos.phase_diagram([1.0, 4.0], [0.0, 0.2], "relu"), [[0.5, 2.0], [0.5, 2.0]])


# --- depth scales ---


def test_depth_scale_diverges_at_the_critical_line():
    critical = chaos.critical_line(B2)
    xs = [chaos.depth_scale(critical + d, B2) for d in (-0.3, -0.03, -0.003, 0.003, 0.03, 0.3)]
    assert xs[0] < xs[1] < xs[2] > 100 and xs[3] > 100 and xs[3] > xs[4] > xs[5]
    assert chaos.depth_scale(1.0, B2) == pytest.approx(-1 / math.log(chaos.chi_1(1.0, B2)))
    assert chaos.depth_scale(3.0, 0.0, "relu") == math.inf


@pytest.mark.parametrize("sigma_w2", [1.0, 1.3])
def test_xi_c_against_the_measured_decay_of_one_minus_c(sigma_w2):
    """Ordered phase: 1 − c_l ∝ exp(−l/ξ_c) in a simulated wide net whose inputs start at the fixed length."""
    q = chaos.q_star(sigma_w2, B2)
    q0 = (q - B2) / sigma_w2  # so that layer 1 already has q₁ = q*
    measured = rn.simulate_pair(30, sigma_w2, B2, c0=0.9, q0=q0, width=2000, nets=2, seed=3)
    layers = np.arange(5, 26)
    slope = np.polyfit(layers, np.log(1 - measured.c[layers - 1]), 1)[0]
    assert -1 / slope == pytest.approx(chaos.depth_scale(sigma_w2, B2), rel=0.1)


# --- Jacobians ---


def test_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    widths = [5, 7, 6, 4]
    ws, bs = rn.draw_weights(widths, 1.5, rng=rng), rn.draw_biases(widths, 0.1, rng=rng)
    x = rng.standard_normal((3, 5))

    def forward(x):
        for w, b in zip(ws, bs):
            x = np.tanh(x @ w + b)
        return x

    eps = 1e-6
    numeric = np.stack(
        [(forward(x + eps * e) - forward(x - eps * e)) / (2 * eps) for e in np.eye(5)], axis=1
    )  # (rows, inputs, outputs)
    np.testing.assert_allclose(rn.jacobian(ws, bs, x, "tanh"), numeric, atol=1e-8)
    by_depth = rn.jacobian(ws, bs, x, "tanh", depths=[1, 3])
    np.testing.assert_allclose(by_depth[3], numeric, atol=1e-8)
    assert by_depth[1].shape == (3, 5, 7)


def test_deep_linear_orthogonal_net_is_an_exact_isometry_times_gain_to_the_L():
    gain2 = 1.21
    found = rn.jacobian_singular_values([1, 10, 60], gain2, 0.0, "linear", weights="orthogonal", width=40, nets=2)
    for depth, s in found.items():
        assert s.shape == (80,)
        np.testing.assert_allclose(s, math.sqrt(gain2) ** depth, rtol=1e-10)
    gaussian = rn.jacobian_singular_values([60], 1.0, 0.0, "linear", width=40)[60]
    assert gaussian.max() / gaussian.min() > 1e6  # a product of Gaussian matrices is far from an isometry


def test_orthogonal_weights_have_the_gaussian_variance():
    for widths in ([64, 100], [100, 100], [100, 10]):
        w = rn.draw_weights(widths, 2.0, "orthogonal", rng=1)[0]
        assert w.var() == pytest.approx(2.0 / widths[0], rel=0.05)
    square = rn.draw_weights([50, 50], 2.0, "orthogonal", rng=1)[0]
    np.testing.assert_allclose(np.linalg.svd(square, compute_uv=False), math.sqrt(2.0), rtol=1e-12)


def test_tanh_isometry_orthogonal_beats_gaussian():
    sigma_b2 = 1e-5
    sigma_w2 = chaos.critical_line(sigma_b2)
    spread = {}
    for weights in rn.WEIGHTS:
        s = rn.jacobian_singular_values([32], sigma_w2, sigma_b2, "tanh", weights=weights, width=60)[32]
        spread[weights] = np.percentile(s, 95) / np.percentile(s, 5)
    assert spread["orthogonal"] < 5 < 1e3 < spread["gaussian"]


def test_simulation_is_seeded_and_cached_draws_are_read_only():
    a = rn.simulate_pair(5, 1.5, B2, c0=[0.3, 0.7], width=50, nets=2, seed=4)
    b = rn.simulate_pair(5, 1.5, B2, c0=[0.3, 0.7], width=50, nets=2, seed=4)
    np.testing.assert_array_equal(a.c, b.c)
    assert a.c.shape == (5, 2) and a.per_net_c.shape == (2, 5, 2)
    assert not rn._unit_draws(50, 5, 2, 4, "gaussian")[0].flags.writeable
    big = rn.simulate_pair(3, 1.5, B2, c0=[0.3, 0.7], width=1200, nets=3, seed=4)  # drawn layer by layer, not cached
    again = rn.simulate_pair(3, 1.5, B2, c0=[0.3, 0.7], width=1200, nets=3, seed=4)
    np.testing.assert_array_equal(big.c, again.c)
    small = rn.simulate_pair(3, 1.5, B2, c0=[0.3, 0.7], width=50, nets=2, seed=4)  # cached
    np.testing.assert_array_equal(small.c, a.c[:3])
