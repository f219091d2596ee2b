"""Random nets at init for notebook 06: weights of a given σ_w², input pairs, and input–output Jacobians.

What ``initviz.chaos`` predicts, measured. Weights have variance σ_w²/fan_in per entry, Gaussian or
(semi-)orthogonal (Saxe et al. 2013); biases are N(0, σ_b²).

- :func:`simulate_pair` sends pairs of inputs with a given correlation through a net and measures the
  length q_l and correlation c_l of each layer's pre-activations (Poole et al. 2016).
- :func:`jacobian` builds ``J = ∂h_L/∂h_0 = W_1 D_1 W_2 D_2 … W_L D_L`` (rows are inputs,
  ``D_l = diag φ′(z_l)``) by batched matrix products, never by finite differences, and
  :func:`jacobian_singular_values` its spectrum at several depths in one pass (Pennington, Schoenholz &
  Ganguli 2017, "Resurrecting the sigmoid in deep learning through dynamical isometry").
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from . import _checks
from ._threads import one_blas_thread
from .chaos import CHAOS_ACTIVATIONS, q_star
from .init import initialize

__all__ = [
    "WEIGHTS",
    "draw_weights",
    "draw_biases",
    "PairTrace",
    "simulate_pair",
    "jacobian",
    "jacobian_singular_values",
]

WEIGHTS = ("gaussian", "orthogonal")
"""Weight families: N(0, σ_w²/fan_in), or (semi-)orthogonal with the same variance per entry."""


def _activation(activation):
    return _checks.choice("activation", activation, CHAOS_ACTIVATIONS)


def _sigmas(sigma_w2, sigma_b2):
    return _checks.number("sigma_w2", sigma_w2, low=0), _checks.number("sigma_b2", sigma_b2, low=0)


def _sech2(x):
    t = np.tanh(x)
    return 1.0 - t * t


def _correlations(c, name):
    c = _checks.array(name, np.atleast_1d(c), ndim=1).astype(float)
    if (np.abs(c) > 1).any():
        raise ValueError(f"{name} must hold correlations in [-1, 1], got {c[np.abs(c) > 1][0]:g}")
    return c


def draw_weights(widths, sigma_w2, weights="gaussian", *, rng=0, dtype=np.float64):
    """One weight matrix per layer of widths ``[n_0, ..., n_L]``, each entry of variance σ_w²/fan_in.

    "gaussian": N(0, σ_w²/fan_in). "orthogonal": a (semi-)orthogonal matrix (``initviz.init``) scaled so
    the entries have that variance too; for square layers it is ``orthogonal:gain=√σ_w²``, and every
    singular value of a square layer is then exactly √σ_w².
    """
    widths = _widths(widths)
    sigma_w2 = _checks.number("sigma_w2", sigma_w2, low=0)
    _checks.choice("weights", weights, WEIGHTS)
    rng = _checks.generator(rng)
    out = []
    with one_blas_thread():  # QR of small matrices: a second BLAS thread only waits on a busy machine
        for n_in, n_out in zip(widths[:-1], widths[1:]):
            if weights == "gaussian":
                out.append(initialize("normal", (n_in, n_out), rng=rng, dtype=dtype, std=math.sqrt(sigma_w2 / n_in)))
            else:  # rows orthonormal (n_in < n_out): entries have variance gain²/n_out
                gain = math.sqrt(sigma_w2 * max(1.0, n_out / n_in))
                out.append(initialize("orthogonal", (n_in, n_out), rng=rng, dtype=dtype, gain=gain))
    return out


def draw_biases(widths, sigma_b2, *, rng=0, dtype=np.float64):
    """One bias vector per layer, entries N(0, σ_b²)."""
    widths = _widths(widths)
    sigma_b2 = _checks.number("sigma_b2", sigma_b2, low=0)
    rng = _checks.generator(rng)
    return [rng.normal(0.0, math.sqrt(sigma_b2), n).astype(dtype) for n in widths[1:]]


def _widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 2:
        raise ValueError(f"widths needs at least [n_0, n_1], got {list(widths)}")
    return widths


def _act(activation, z):
    if activation == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0) if activation == "relu" else z


def _slope(activation, z):
    if activation == "tanh":
        return _sech2(z)
    return (z > 0).astype(z.dtype) if activation == "relu" else np.ones_like(z)


class PairTrace(NamedTuple):
    """A simulated net's q_l (mean square of each layer's pre-activations, shape (layers,)) and the
    correlation c_l of each input pair's pre-activations (shape (layers, pairs)), averaged over nets."""

    q: np.ndarray
    c: np.ndarray
    per_net_c: np.ndarray  # (nets, layers, pairs)


def _pair_inputs(c0, base, q0):
    """Input pairs with exactly E[x²] = q0 and correlation c0 each (Gram–Schmidt on two random vectors)."""
    width = base.shape[1]
    u = base[0] / np.linalg.norm(base[0])
    v = base[1] - (base[1] @ u) * u
    v /= np.linalg.norm(v)
    scale = math.sqrt(q0 * width)
    first = np.repeat(u[None] * scale, len(c0), axis=0)
    second = (c0[:, None] * u[None] + np.sqrt(1.0 - c0 * c0)[:, None] * v[None]) * scale
    return np.concatenate([first, second])  # rows: the first inputs, then their partners


_CACHE = OrderedDict()
_CACHE_ENTRIES = 12_000_000  # numbers (96 MB); larger draws are made afresh each call


def _layer_draw(rng, width, weights):
    if weights == "gaussian":
        return rng.standard_normal((width, width))
    with one_blas_thread():
        return initialize("orthogonal", (width, width), rng=rng, dtype=np.float64)


def _unit_draws(width, depth, nets, seed, weights):
    """The two input directions of each net, shape (nets, 2, N), and its layers' unit draws, layer by layer.

    Returns ``(bases, layers)``; ``layers`` yields (W (nets, N, N), b (nets, N)): standard normals, or
    orthogonal matrices of gain 1. Net n draws its inputs, weights and biases from three streams of
    (seed, n). Draws of up to ``_CACHE_ENTRIES`` numbers are kept, so a panel moved back and forth does
    not draw again; larger ones are drawn one layer at a time and never held whole.
    """
    key = (width, depth, nets, seed, weights)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        bases, w, b = _CACHE[key]
        return bases, zip(w, b)
    streams = [[np.random.default_rng([seed, n, k]) for k in range(3)] for n in range(nets)]
    bases = np.stack([s[0].standard_normal((2, width)) for s in streams])

    def layers():
        for _ in range(depth):
            w = np.stack([_layer_draw(s[1], width, weights) for s in streams])
            yield w, np.stack([s[2].standard_normal(width) for s in streams])

    if nets * depth * width * (width + 1) > _CACHE_ENTRIES:
        return bases, layers()
    w, b = (np.stack(a) for a in zip(*layers()))
    for a in (bases, w, b):
        a.flags.writeable = False
    _CACHE[key] = bases, w, b
    while len(_CACHE) > 2:
        _CACHE.popitem(last=False)
    return bases, zip(w, b)


def simulate_pair(
    depth, sigma_w2, sigma_b2=0.0, activation="tanh", *, c0=0.5, q0=1.0, width=500, nets=4, seed=0, weights="gaussian"
):
    """Send input pairs of correlation ``c0`` through ``nets`` random nets of ``depth`` square layers and measure.

    Every layer has ``width`` units, weights of variance σ_w²/width (Gaussian or orthogonal, see
    :func:`draw_weights`), biases N(0, σ_b²). Every σ_w² and σ_b² of one seed uses the same unit draws,
    only scaled. Returns a :class:`PairTrace`: the measured q_l and c_l that
    ``initviz.chaos.pair_propagation`` predicts.
    """
    depth = _checks.integer("depth", depth, low=1, high=1000)
    width = _checks.integer("width", width, low=2, high=10_000)
    nets = _checks.integer("nets", nets, low=1, high=100)
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    q0 = _checks.number("q0", q0, low=0, low_open=True)
    seed = _checks.integer("seed", seed, low=0)
    _checks.choice("weights", weights, WEIGHTS)
    scalar = np.ndim(c0) == 0
    c0 = _correlations(c0, "c0")
    k = len(c0)
    bases, layers = _unit_draws(width, depth, nets, seed, weights)
    w_scale = math.sqrt(sigma_w2 / width) if weights == "gaussian" else math.sqrt(sigma_w2)
    qs, cs = np.zeros((nets, depth)), np.zeros((nets, depth, k))
    with one_blas_thread(), np.errstate(all="ignore"):
        h = np.stack([_pair_inputs(c0, base, q0) for base in bases])  # (nets, 2k, N)
        for layer, (unit_w, unit_b) in enumerate(layers):
            z = np.matmul(h, unit_w)
            z *= w_scale
            z += math.sqrt(sigma_b2) * unit_b[:, None, :]
            sq = np.mean(z * z, axis=2)
            qs[:, layer] = sq.mean(axis=1)
            cs[:, layer] = np.mean(z[:, :k] * z[:, k:], axis=2) / np.sqrt(sq[:, :k] * sq[:, k:])
            h = _act(activation, z)
    c = cs.mean(axis=0)
    return PairTrace(qs.mean(axis=0), c[:, 0] if scalar else c, cs)


def jacobian(weights, biases, x, activation="tanh", *, depths=None):
    """The input–output Jacobians ∂h_L/∂h_0 of a net at the rows of ``x``, by batched products.

    ``weights``: L matrices (fan_in, fan_out); ``biases``: L vectors or None. Returns an array of shape
    (rows, n_0, n_L) with ``J[i, a, b] = ∂h_L[b]/∂x[i, a]``, or with ``depths`` (layer counts, ascending),
    a dict depth → Jacobian of the first that many layers (one pass for all).
    """
    activation = _activation(activation)
    if not weights:
        raise ValueError("weights must hold at least one matrix")
    weights = [_checks.array(f"weights[{i}]", w, ndim=2) for i, w in enumerate(weights)]
    for i, (a, b) in enumerate(zip(weights[:-1], weights[1:])):
        if a.shape[1] != b.shape[0]:
            raise ValueError(f"weights[{i}] has shape {a.shape} but weights[{i + 1}] has {b.shape}")
    if biases is not None and len(biases) != len(weights):
        raise ValueError(f"biases needs {len(weights)} vectors (one per layer), got {len(biases)}")
    x = _checks.array("x", x, ndim=2).astype(float)
    if x.shape[1] != weights[0].shape[0]:
        raise ValueError(f"x must have {weights[0].shape[0]} columns (the input width), got shape {x.shape}")
    wanted = _depths(depths, len(weights))
    found = {}
    with one_blas_thread(), np.errstate(all="ignore"):
        h = x
        j = np.broadcast_to(np.eye(x.shape[1]), (len(x), x.shape[1], x.shape[1]))
        for layer, w in enumerate(weights, start=1):
            z = h @ w + (0.0 if biases is None else biases[layer - 1])
            d = _slope(activation, z)
            j = np.matmul(j, w) * d[:, None, :]  # J_l = J_{l−1} · W_l · D_l for every row at once
            h = _act(activation, z)
            if layer in wanted:
                found[layer] = j
    return found if depths is not None else j


def _depths(depths, most):
    if depths is None:
        return {most}
    depths = [_checks.integer("depths[i]", d, low=1, high=most) for d in depths]
    return set(depths)


def jacobian_singular_values(
    depths, sigma_w2, sigma_b2=0.0, activation="tanh", *, weights="gaussian", width=100, nets=2, seed=0, q0=None
):
    """Singular values of ∂h_L/∂h_0 for each depth L in ``depths``, at init, pooled over ``nets`` nets.

    Each net is ``max(depths)`` square layers of ``width`` units (weights :func:`draw_weights`, biases
    N(0, σ_b²)), evaluated at one input of mean square ``q0`` (default: the fixed point's, so that q₁ = q*).
    Returns a dict depth → array of nets·width singular values.
    """
    if isinstance(depths, (int, np.integer)) or not hasattr(depths, "__len__") or not len(depths):
        raise TypeError(f"depths must be a non-empty list of layer counts, got {depths!r}")
    depths = sorted(_checks.integer("depths[i]", d, low=1, high=2000) for d in depths)
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    width = _checks.integer("width", width, low=1, high=2000)
    nets = _checks.integer("nets", nets, low=1, high=100)
    seed = _checks.integer("seed", seed, low=0)
    _checks.choice("weights", weights, WEIGHTS)
    if q0 is None:
        star = q_star(sigma_w2, sigma_b2, activation)
        q0 = (star - sigma_b2) / sigma_w2 if math.isfinite(star) and sigma_w2 > 0 and star > sigma_b2 else 1.0
    q0 = _checks.number("q0", q0, low=0)
    found = {d: [] for d in depths}
    widths = [width] * (depths[-1] + 1)
    for n in range(nets):
        rng = np.random.default_rng([seed, n])
        x = rng.standard_normal((1, width)) * math.sqrt(q0)
        ws = draw_weights(widths, sigma_w2, weights, rng=rng)
        bs = draw_biases(widths, sigma_b2, rng=rng)
        for d, j in jacobian(ws, bs, x, activation, depths=depths).items():
            with one_blas_thread():
                found[d].append(np.linalg.svd(j[0], compute_uv=False))
    return {d: np.concatenate(found[d]) for d in depths}
