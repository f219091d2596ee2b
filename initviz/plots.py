"""Figures for the notebooks. Numerics come from the rest of initviz; nothing here trains.

Every function returns a ``matplotlib.figure.Figure`` made without pyplot, so a
notebook cell that ends with the call shows it exactly once, and nothing leaks
into pyplot's global state. Views that panels redraw (``LayerHistograms``,
``DepthProfile``) build their artists once and change only their data in ``update``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import stats as _stats

__all__ = ["figure", "LayerHistograms", "DepthProfile", "state_text", "COLORS"]

COLORS = {
    "sigmoid": "#1f77b4",
    "tanh": "#ff7f0e",
    "relu": "#2ca02c",
    "leaky_relu": "#17becf",
    "linear": "#7f7f7f",
    "xavier": "#9467bd",
    "he": "#d62728",
    "theory": "black",
}


def figure(nrows=1, ncols=1, *, width=None, height=2.6, **subplot_kw):
    """A constrained-layout Figure with a grid of axes; returns ``(fig, axes)`` (axes always 2-D)."""
    width = width or min(3.0 * ncols + 0.6, 13)
    fig = Figure(figsize=(width, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def state_text(ax, text, *, ok="healthy"):
    """Write a signal state ("exploded at layer 7", ...) in the corner of ``ax``; red unless it is ``ok``.

    Returns the Text artist so a panel can change it later with ``set_text``.
    """
    color = "#2a7a2a" if text == ok else "#b00020"
    return ax.text(
        0.98,
        0.95,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        color=color,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": color, "alpha": 0.85},
    )


class LayerHistograms:
    """One histogram per layer in a row of axes, drawn with ``stairs`` and updated in place.

    ``update(arrays)`` recomputes counts with ``np.histogram`` on shared bins and sets
    them on the existing artists: no new axes, no new patches, so a redraw is cheap.
    """

    def __init__(self, axes, *, bins=40, color="#1f77b4", xlabel="activation", max_layers=None):
        self.axes = list(np.ravel(axes))
        self.bins = bins
        self.color = color
        self.steps = []
        self.notes = []
        for _i, ax in enumerate(self.axes):
            st = ax.stairs(np.zeros(bins), np.linspace(0, 1, bins + 1), fill=True, color=color, alpha=0.8)
            self.steps.append(st)
            self.notes.append(
                ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#b00020")
            )
            ax.set_yticks([])
            ax.set_xlabel(xlabel, fontsize=8)
            ax.tick_params(labelsize=7)

    def update(self, arrays, *, range=None, titles=None):
        """Show ``arrays[i]`` in axes ``i``; extra axes are hidden, non-finite values are reported."""
        shown = list(arrays)[: len(self.axes)]
        finite = [a[np.isfinite(a)] for a in shown]
        if range is None:
            present = [f for f in finite if f.size]
            lo = min(float(f.min()) for f in present) if present else -1.0
            hi = max(float(f.max()) for f in present) if present else 1.0
            if not hi > lo:  # all values equal (e.g. zero init): a small window around them
                lo, hi = lo - 0.5, hi + 0.5
            range = (lo, hi)
        edges = np.linspace(range[0], range[1], self.bins + 1)
        for i, (ax, st, note) in enumerate(zip(self.axes, self.steps, self.notes)):
            ax.set_visible(i < len(shown))
            if i >= len(shown):
                continue
            counts = np.histogram(finite[i], bins=edges)[0] if finite[i].size else np.zeros(self.bins)
            st.set_data(counts, edges)
            ax.set_xlim(edges[0], edges[-1])
            ax.set_ylim(0, max(1, counts.max()) * 1.08)
            bad = shown[i].size - finite[i].size
            note.set_text(f"{bad / shown[i].size:.0%} overflowed\n(inf/NaN)" if bad else "")
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
        return self


class DepthProfile:
    """Per-layer std against depth on a log axis, with an optional theory curve; updated in place."""

    def __init__(self, ax, *, ylabel="std", label="measured", color="#1f77b4", theory_label="theory"):
        self.ax = ax
        (self.measured,) = ax.semilogy([], [], "o-", ms=3, color=color, label=label)
        (self.theory,) = ax.semilogy([], [], "--", color=COLORS["theory"], lw=1.2, label=theory_label)
        self.state = state_text(ax, "")
        ax.set_xlabel("layer")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)

    def update(self, stds, *, theory=None, finite=None, means=None):
        """Plot ``stds`` (one per layer) and ``theory``; zeros and overflow are named, not dropped silently."""
        stds = np.asarray(stds, dtype=float)
        layers = np.arange(1, len(stds) + 1)
        shown = np.where(np.isfinite(stds) & (stds > 0), stds, np.nan)
        self.measured.set_data(layers, shown)
        curve = np.array([]) if theory is None else np.where(np.asarray(theory) > 0, theory, np.nan)
        self.theory.set_data(layers[: len(curve)], curve)
        state = _stats.signal_state(stds, finite, means)
        self.state.set_text(state)
        color = "#2a7a2a" if state == "healthy" else "#b00020"
        self.state.set_color(color)
        self.state.get_bbox_patch().set_edgecolor(color)
        values = np.concatenate([shown[np.isfinite(shown)], curve[np.isfinite(curve)] if curve.size else []])
        values = values[(values > 0) & (values < 1e300)]
        lo, hi = (values.min(), values.max()) if values.size else (1e-3, 1e1)
        self.ax.set_xlim(0.5, len(stds) + 0.5)
        self.ax.set_ylim(lo / 3, hi * 3)
        return self
