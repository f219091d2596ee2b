"""Per-layer statistics the notebooks show: mean, std, saturation, dead units, histograms.

Each function takes a list of per-layer arrays (e.g. ``Trace.activations``) and is
safe on exploded values: inf and NaN are counted and reported, never averaged in.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks
from . import activations as _activations

__all__ = [
    "LayerStats",
    "layer_stats",
    "batch_layer_stats",
    "saturated_fraction",
    "dead_fraction",
    "input_driven_std",
    "histogram_counts",
]

SATURATION = {"tanh": 0.97, "sigmoid": 0.97}
"""|tanh| > 0.97, and sigmoid < 0.03 or > 0.97, count as saturated (slope below ~6%)."""


class LayerStats(NamedTuple):
    """One entry per layer; ``finite`` is the fraction of values that are finite.

    ``input_std`` is :func:`input_driven_std`: the part of ``std`` that still depends on the input.
    """

    mean: np.ndarray
    std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    finite: np.ndarray
    input_std: np.ndarray

    @property
    def second_moment(self):
        """E[h²] = mean² + std² of each layer."""
        return self.mean**2 + self.std**2


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
    return float(_saturated(np.asarray(h).reshape(1, -1), _activations.get(activation).name)[0])


def _saturated(flat, activation):
    """Saturated share of each row of ``flat``."""
    if activation == "tanh":
        return np.mean(np.abs(flat) > SATURATION["tanh"], axis=1)
    if activation == "sigmoid":
        return np.mean(np.abs(flat - 0.5) > SATURATION["sigmoid"] - 0.5, axis=1)
    return np.zeros(len(flat))


def dead_fraction(h):
    """Fraction of units (columns) that output 0 for every row of the batch: dead ReLUs."""
    h = np.asarray(h)
    if h.ndim != 2:
        raise ValueError(f"h must be a 2-D (batch, units) array, got shape {h.shape}")
    return float(np.mean(np.all(h == 0, axis=0)))


def input_driven_std(h):
    """Mean over units (columns) of each unit's std over the batch (rows): what still depends on the input.

    It is smaller than the plain std when units sit at different fixed offsets, as sigmoid's do
    (mean 0.5 times random weights): a layer can keep its spread while forgetting its input.
    NaN if ``h`` holds inf or NaN; the plain std of a 1-D array.
    """
    h = np.asarray(h)
    if h.ndim != 2:
        return float(np.std(h, dtype=np.float64))
    return float(_batch_stats(h[None], "linear")[5][0])


def _batch_stats(a, activation, detail=True):
    """Statistics of a stack ``a`` of shape (nets, batch, units): one value per net for each statistic.

    Returns mean, std, saturated, dead, finite and input-driven std over the finite values, each of
    shape (nets,). With ``detail=False`` the last three that only forward signals need are NaN.
    """
    nets = a.shape[0]
    flat = a.reshape(nets, -1)
    ok = np.isfinite(flat)
    finite = ok.mean(axis=1) if not ok.all() else np.ones(nets)
    if (finite < 1).any():  # rare (an exploded net): per net, over its finite values only
        values = [row[good] for row, good in zip(flat, ok)]
        mean = np.array([v.mean(dtype=np.float64) if v.size else np.nan for v in values])
        std = np.array([v.std(dtype=np.float64) if v.size else np.nan for v in values])
    else:
        mean = flat.mean(axis=1, dtype=np.float64)
        std = flat.std(axis=1, dtype=np.float64)
    nan = np.full(nets, np.nan)
    saturated, dead, driven = nan, nan, nan
    if detail:
        saturated = _saturated(flat, activation)
        if a.ndim == 3:
            dead = np.all(a == 0, axis=1).mean(axis=1)
            with np.errstate(all="ignore"):  # inf - inf in an exploded net: NaN, as documented
                driven = np.where(finite == 1, a.std(axis=1, dtype=np.float64).mean(axis=1), np.nan)
        else:
            dead, driven = np.zeros(nets), std
    return mean, std, saturated, dead, finite, driven


def batch_layer_stats(arrays, activation="linear", *, detail=True):
    """:func:`layer_stats` for stacks of nets: each array is (nets, batch, units); every field is (nets, layers)."""
    columns = [_batch_stats(a, activation, detail) for a in arrays]
    return LayerStats(*(np.stack(col, axis=1) for col in zip(*columns)))


def layer_stats(arrays, activation="linear"):
    """Mean, std, saturated and dead fractions, finite share and input-driven std of each layer's array.

    Means and stds are taken over the finite values only.
    """
    arrays = _layers("arrays", arrays)
    stacked = batch_layer_stats([a[None] for a in arrays], _activations.get(activation).name)
    return LayerStats(*(field[0] for field in stacked))


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
