"""Per-layer statistics the notebooks show: mean, std, saturation, dead units, histograms.

Each function takes a list of per-layer arrays (e.g. ``Trace.activations``) and is
safe on exploded values: inf and NaN are counted and reported, never averaged in.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks
from . import activations as _activations

__all__ = ["LayerStats", "layer_stats", "saturated_fraction", "dead_fraction", "histogram_counts", "signal_state"]

SATURATION = {"tanh": 0.97, "sigmoid": 0.97}
"""|tanh| > 0.97, and sigmoid < 0.03 or > 0.97, count as saturated (slope below ~6%)."""


class LayerStats(NamedTuple):
    """One entry per layer; ``finite`` is the fraction of values that are finite."""

    mean: np.ndarray
    std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    finite: np.ndarray


def _layers(name, arrays):
    if isinstance(arrays, np.ndarray):
        arrays = [arrays]
    if not isinstance(arrays, (list, tuple)) or not arrays:
        raise TypeError(f"{name} must be a non-empty list of per-layer arrays")
    out = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        if a.size == 0:
            raise ValueError(f"{name}[{i}] is empty")
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{name}[{i}] must be numeric, got dtype {a.dtype}")
        out.append(a)
    return out


def saturated_fraction(h, activation):
    """Fraction of activations in the flat tails: |tanh| > 0.97, sigmoid < 0.03 or > 0.97; 0 for others."""
    activation = _activations.get(activation).name
    h = np.asarray(h)
    if activation == "tanh":
        return float(np.mean(np.abs(h) > SATURATION["tanh"]))
    if activation == "sigmoid":
        return float(np.mean(np.abs(h - 0.5) > SATURATION["sigmoid"] - 0.5))
    return 0.0


def dead_fraction(h):
    """Fraction of units (columns) that output 0 for every row of the batch: dead ReLUs."""
    h = np.asarray(h)
    if h.ndim != 2:
        raise ValueError(f"h must be a 2-D (batch, units) array, got shape {h.shape}")
    return float(np.mean(np.all(h == 0, axis=0)))


def layer_stats(arrays, activation="linear"):
    """Mean, std, saturated and dead fractions of each layer's array, over finite values."""
    arrays = _layers("arrays", arrays)
    rows = []
    for a in arrays:
        ok = np.isfinite(a)
        finite = a[ok] if not ok.all() else a
        if finite.size:
            mean, std = float(np.mean(finite, dtype=np.float64)), float(np.std(finite, dtype=np.float64))
        else:
            mean = std = float("nan")
        rows.append(
            (mean, std, saturated_fraction(a, activation), dead_fraction(a) if a.ndim == 2 else 0.0, float(ok.mean()))
        )
    return LayerStats(*(np.array(col) for col in zip(*rows)))


def histogram_counts(arrays, bins=50, range=None):
    """Counts of each layer's values in shared bins; returns ``(counts, edges)``.

    ``counts`` has shape ``(layers, bins)``. Non-finite values are left out. Without
    ``range`` the bins span the finite values of all layers.
    """
    arrays = _layers("arrays", arrays)
    bins = _checks.integer("bins", bins, low=1, high=10_000)
    if range is None:
        lows = [np.min(a[np.isfinite(a)]) for a in arrays if np.isfinite(a).any()]
        highs = [np.max(a[np.isfinite(a)]) for a in arrays if np.isfinite(a).any()]
        lo, hi = (min(lows), max(highs)) if lows else (0.0, 1.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        range = (float(lo), float(hi))
    lo = _checks.number("range[0]", range[0])
    hi = _checks.number("range[1]", range[1])
    if hi <= lo:
        raise ValueError(f"range must be (low, high) with high > low, got {range!r}")
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.stack([np.histogram(a[np.isfinite(a)], bins=edges)[0] for a in arrays])
    return counts, edges


def signal_state(stds, finite=None, means=None, *, vanish=1e-6, explode=1e6):
    """Describe a per-layer std profile in words for a figure: the first layer that broke.

    Returns ``"overflow at layer k"`` (non-finite values), ``"exploded at layer k"``
    (std above ``explode``), ``"all zeros from layer k"`` / ``"vanished at layer k"``
    (std 0 or below ``vanish``), ``"constant from layer k"`` (std 0, mean not 0,
    e.g. sigmoid stuck at 0.5), or ``"healthy"``. Layers count from 1.
    """
    stds = np.asarray(stds, dtype=float)
    means = np.zeros_like(stds) if means is None else np.asarray(means, dtype=float)
    finite = np.ones_like(stds) if finite is None else np.asarray(finite, dtype=float)
    if stds.ndim != 1 or finite.shape != stds.shape or means.shape != stds.shape:
        raise ValueError(
            f"stds, finite and means must be 1-D and of one length, got shapes {stds.shape}, {finite.shape}, "
            f"{means.shape}"
        )
    for k, (s, f, m) in enumerate(zip(stds, finite, means), start=1):
        if f < 1 or not np.isfinite(s):
            return f"overflow at layer {k}"
        if s > explode:
            return f"exploded at layer {k}"
        if s == 0:
            return f"all zeros from layer {k}" if m == 0 else f"constant from layer {k}"
        if s < vanish:
            return f"vanished at layer {k}"
    return "healthy"
