"""Property-based checks of every initializer over random shapes, gains, modes and slopes.

The sample variance must match the documented formula within 6 standard errors of
the sample variance, Var·√((κ − 1)/n), where κ is the distribution's kurtosis
(3 for normal, 1.8 for uniform); uniform draws must stay inside their bound.
"""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import initviz as iv

dense = st.tuples(st.integers(8, 300), st.integers(8, 300))
conv = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(2, 64), st.integers(2, 64))
shapes = st.one_of(dense, conv).filter(lambda s: 400 <= math.prod(s) <= 60_000)
gains = st.floats(0.1, 5.0)
modes = st.sampled_from(["fan_in", "fan_out", "fan_avg"])
slopes = st.floats(0.0, 1.0)


def fan(shape, mode):
    fan_in, fan_out = iv.fans(shape)
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def check_variance(w, expected, kurtosis):
    n = w.size
    tolerance = 6 * expected * math.sqrt((kurtosis - 1) / n) + 1e-12
    assert abs(float(w.var()) - expected) <= tolerance, (w.shape, float(w.var()), expected)
    assert abs(float(w.mean())) <= 6 * math.sqrt(expected / n) + 1e-12


@settings(max_examples=40, deadline=None)
@given(shape=shapes, gain=gains, seed=st.integers(0, 2**32 - 1))
def test_xavier(shape, gain, seed):
    fan_in, fan_out = iv.fans(shape)
    var = gain**2 * 2 / (fan_in + fan_out)
    check_variance(iv.initialize("xavier_normal", shape, rng=seed, dtype=np.float64, gain=gain), var, 3)
    w = iv.initialize("xavier_uniform", shape, rng=seed, dtype=np.float64, gain=gain)
    check_variance(w, var, 1.8)
    assert np.abs(w).max() <= gain * math.sqrt(6 / (fan_in + fan_out))


@settings(max_examples=40, deadline=None)
@given(shape=shapes, mode=modes, slope=slopes, seed=st.integers(0, 2**32 - 1))
def test_he(shape, mode, slope, seed):
    var = 2 / (1 + slope**2) / fan(shape, mode)
    check_variance(
        iv.initialize("he_normal", shape, rng=seed, dtype=np.float64, mode=mode, negative_slope=slope), var, 3
    )
    w = iv.initialize("he_uniform", shape, rng=seed, dtype=np.float64, mode=mode, negative_slope=slope)
    check_variance(w, var, 1.8)
    assert np.abs(w).max() <= math.sqrt(3 * var)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, mode=modes, gain=gains, seed=st.integers(0, 2**32 - 1))
def test_lecun(shape, mode, gain, seed):
    var = gain**2 / fan(shape, mode)
    check_variance(iv.initialize("lecun_normal", shape, rng=seed, dtype=np.float64, mode=mode, gain=gain), var, 3)
    w = iv.initialize("lecun_uniform", shape, rng=seed, dtype=np.float64, mode=mode, gain=gain)
    check_variance(w, var, 1.8)
    assert np.abs(w).max() <= math.sqrt(3 * var)


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_standard_uniform(shape, seed):
    fan_in = iv.fans(shape)[0]
    w = iv.initialize("standard_uniform", shape, rng=seed, dtype=np.float64)
    check_variance(w, 1 / (3 * fan_in), 1.8)
    assert np.abs(w).max() <= 1 / math.sqrt(fan_in)


@settings(max_examples=30, deadline=None)
@given(
    shape=shapes,
    std=st.floats(1e-3, 10.0),
    low=st.floats(-5, 5),
    width=st.floats(1e-3, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_normal_and_uniform(shape, std, low, width, seed):
    check_variance(iv.initialize("normal", shape, rng=seed, dtype=np.float64, std=std), std**2, 3)
    w = iv.initialize("uniform", shape, rng=seed, dtype=np.float64, low=low, high=low + width)
    assert w.min() >= low and w.max() <= low + width
    assert abs(float(w.var()) - width**2 / 12) <= 6 * width**2 / 12 * math.sqrt(0.8 / w.size)


@settings(max_examples=30, deadline=None)
@given(shape=shapes, std=st.floats(0.05, 5.0), cut=st.floats(0.5, 4.0), seed=st.integers(0, 2**32 - 1))
def test_truncated_normal(shape, std, cut, seed):
    a, b = -cut * std, cut * std
    w = iv.initialize("truncated_normal", shape, rng=seed, dtype=np.float64, std=std, a=a, b=b)
    assert w.min() >= a and w.max() <= b
    pdf = math.exp(-cut * cut / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(cut / math.sqrt(2))
    var = std**2 * (1 - 2 * cut * pdf / mass)  # variance of N(0, std²) cut at ±cut·std
    check_variance(w, var, 3)


@settings(max_examples=30, deadline=None)
@given(shape=st.one_of(dense, conv), gain=gains, seed=st.integers(0, 2**32 - 1))
def test_orthogonal(shape, gain, seed):
    w = iv.initialize("orthogonal", shape, rng=seed, dtype=np.float64, gain=gain).reshape(-1, shape[-1])
    gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-9 * gain**2 * len(gram))


@settings(max_examples=30, deadline=None)
@given(shape=shapes, name=st.sampled_from(sorted(iv.INITIALIZERS)), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_array(shape, name, seed):
    options = {"value": 0.3} if name == "constant" else {}
    a = iv.initialize(name, shape, rng=seed, **options)
    b = iv.initialize(name, shape, rng=seed, **options)
    assert a.dtype == np.float32 and a.shape == shape
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a).all()
