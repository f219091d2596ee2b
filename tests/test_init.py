"""Initializers: the distributions they draw, checked on large samples.

Tolerances come from the sample size: the sample variance of n draws has a
standard error of about Var·√(2/n) (normal) or Var·√(0.8/n) (uniform); we allow 6 of them.
"""

import math

import numpy as np
import pytest

import initviz as iv

N_IN, N_OUT = 400, 300
SHAPE = (N_IN, N_OUT)
N = N_IN * N_OUT


def var_tol(var, n=N):
    return 6 * var * math.sqrt(2.0 / n)


@pytest.mark.parametrize(
    "name, options, expected_var",
    [
        ("normal", {"std": 0.1}, 0.01),
        ("uniform", {"low": -0.3, "high": 0.3}, 0.6**2 / 12),
        ("xavier_uniform", {}, 2 / (N_IN + N_OUT)),
        ("xavier_normal", {}, 2 / (N_IN + N_OUT)),
        ("xavier_normal", {"gain": 5 / 3}, (5 / 3) ** 2 * 2 / (N_IN + N_OUT)),
        ("he_normal", {}, 2 / N_IN),
        ("he_uniform", {}, 2 / N_IN),
        ("he_normal", {"mode": "fan_out"}, 2 / N_OUT),
        ("he_normal", {"mode": "fan_avg"}, 2 / ((N_IN + N_OUT) / 2)),
        ("he_uniform", {"negative_slope": 0.2}, 2 / (1 + 0.04) / N_IN),
        ("he_normal", {"nonlinearity": "tanh"}, (5 / 3) ** 2 / N_IN),
        ("lecun_normal", {}, 1 / N_IN),
        ("lecun_uniform", {}, 1 / N_IN),
        ("standard_uniform", {}, 1 / (3 * N_IN)),
    ],
)
def test_variance_matches_formula(name, options, expected_var):
    w = iv.initialize(name, SHAPE, rng=1, dtype=np.float64, **options)
    assert w.shape == SHAPE
    assert abs(w.mean()) < 6 * math.sqrt(expected_var / N)
    assert abs(w.var() - expected_var) < var_tol(expected_var)


@pytest.mark.parametrize(
    "name, options, bound",
    [
        ("xavier_uniform", {}, math.sqrt(6 / (N_IN + N_OUT))),
        ("he_uniform", {}, math.sqrt(6 / N_IN)),
        ("lecun_uniform", {}, math.sqrt(3 / N_IN)),
        ("standard_uniform", {}, 1 / math.sqrt(N_IN)),
    ],
)
def test_uniform_bounds(name, options, bound):
    w = iv.initialize(name, SHAPE, rng=2, dtype=np.float64, **options)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # fills the interval, not a narrower one


def test_truncated_normal_cuts_at_absolute_bounds():
    w = iv.initialize("truncated_normal", (300, 300), rng=3, dtype=np.float64, std=1.0, a=-2.0, b=2.0)
    assert w.min() >= -2 and w.max() <= 2
    assert abs(w.var() - 0.8796256610342398**2) < var_tol(0.77, w.size)


def test_constant_and_zeros():
    assert np.all(iv.initialize("constant", (3, 4), value=0.5) == 0.5)
    assert np.all(iv.initialize("zeros", (3, 4)) == 0)


@pytest.mark.parametrize("shape", [(50, 20), (20, 50), (3, 3, 8, 16), (3, 3, 16, 4)])
def test_orthogonal(shape):
    w = iv.initialize("orthogonal", shape, rng=4, dtype=np.float64, gain=2.0)
    flat = w.reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(len(gram)), atol=1e-10)


def test_conv_kernel_fans_drive_variance():
    w = iv.initialize("he_normal", (3, 3, 64, 128), rng=5, dtype=np.float64)
    assert abs(w.var() - 2 / 576) < var_tol(2 / 576, w.size)


def test_same_seed_same_array_and_generator_accepted():
    a = iv.initialize("xavier_uniform", (30, 20), rng=7)
    b = iv.initialize("xavier_uniform", (30, 20), rng=7)
    c = iv.initialize("xavier_uniform", (30, 20), rng=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    g = np.random.default_rng(7)
    assert np.array_equal(iv.initialize("xavier_uniform", (30, 20), rng=g), a)


def test_dtype_default_and_override():
    assert iv.initialize("he_normal", (4, 4)).dtype == np.float32
    assert iv.initialize("he_normal", (4, 4), dtype=np.float64).dtype == np.float64


def test_fans():
    assert iv.fans((3, 3, 64, 128)) == (576, 1152)
    assert iv.fans((100, 10)) == (100, 10)
    assert iv.fans((5, 2, 3)) == (10, 15)


@pytest.mark.parametrize(
    "nonlinearity, slope, expected",
    [
        ("linear", None, 1.0),
        ("conv2d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
        ("selu", None, 0.75),
    ],
)
def test_gain_matches_pytorch_calculate_gain(nonlinearity, slope, expected):
    assert iv.gain(nonlinearity, slope) == pytest.approx(expected, rel=1e-12)


def test_standard_uniform_is_pytorch_kaiming_uniform_with_a_sqrt5():
    a = iv.initialize("standard_uniform", (50, 40), rng=0, dtype=np.float64)
    b = iv.initialize("he_uniform", (50, 40), rng=0, dtype=np.float64, negative_slope=math.sqrt(5))
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_docstrings_state_formula_and_paper():
    papers = {"xavier": "Glorot", "he": "He et al", "lecun": "LeCun", "orthogonal": "Saxe"}
    for name, fn in iv.INITIALIZERS.items():
        doc = fn.__doc__ or ""
        assert "Var" in doc or name in ("zeros", "constant", "normal", "truncated_normal", "orthogonal"), name
        for prefix, paper in papers.items():
            if name.startswith(prefix):
                assert paper in doc, (name, paper)
        if "uniform" in name and name != "uniform":
            assert "bound" in doc, name


def test_parse_init():
    assert iv.parse_init("normal:std=0.01") == ("normal", {"std": 0.01})
    assert iv.parse_init("he_normal:mode=fan_out") == ("he_normal", {"mode": "fan_out"})
    assert iv.parse_init(("zeros", {})) == ("zeros", {})
    assert iv.init_label("normal:std=0.01") == "N(0, 0.01²)"
