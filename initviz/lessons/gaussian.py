"""Notebook 02 · Gaussian initialization (가우시안 분포 초기화): its figures, its panel and its exercise checks.

Every net here is the classic experiment: ``depth`` bias-free layers of ``width`` units, weights
N(0, std²), a ``randn`` input, measured and predicted by ``initviz.probe``. This module only draws
what the probe measures and checks the exercises. A teacher who changes notebook 02 edits this file
and the notebook.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from .. import _checks
from ..activations import get as get_activation
from ..draw import palette, views
from ..draw.panel import Panel, dropdown, int_slider, log_slider
from ..draw.views import DepthProfile, LayerHistograms, View, figure, freeze_layout, integer_layers
from ..probe import probe
from ..theory import critical_sigma_w2
from ..verdict import COLLAPSE, MAJORITY
from .answers import check_function, check_number

__all__ = [
    "STDS",
    "ACTIVATIONS",
    "spec",
    "histogram_grid",
    "note_figure",
    "summary_figure",
    "saturation_figure",
    "depth_figure",
    "critical_figure",
    "GaussianView",
    "panel",
    "panel_figure",
    "check_layer_stds",
    "check_relu_layer_factor",
    "check_sigmoid_gradient_factor",
    "check_relu_flat_std",
]

STDS = (0.01, 0.1, 1.0, 10.0)
"""The note's ladder of weight stds; each has its colour (``palette.std_color``)."""
ACTIVATIONS = ("sigmoid", "tanh", "relu")
WINDOWS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""Bounded activations are drawn over their whole output range (and 5% more), so collapse and saturation show."""
_PADDED = {name: (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)) for name, (lo, hi) in WINDOWS.items()}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def spec(std):
    """The init spec of N(0, std²), e.g. ``"normal:std=0.1"``; std must be > 0."""
    return f"normal:std={_checks.number('std', std, low=0, low_open=True)!r}"


def _stds(stds):
    if isinstance(stds, (str, bytes)) or not hasattr(stds, "__iter__"):
        raise TypeError(f"stds must be a sequence of positive numbers, got {stds!r}")
    stds = [_checks.number(f"stds[{i}]", s, low=0, low_open=True) for i, s in enumerate(stds)]
    if not stds:
        raise ValueError("stds must hold at least one std")
    return stds


def _activations(activations):
    if isinstance(activations, str):
        activations = (activations,)
    names = [get_activation(a).name for a in activations]
    if not names:
        raise ValueError("activations must hold at least one activation")
    return names


def _positive(values):
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _note(ax, x, y, text, *, ha="center", transform=None, fontsize=8):
    """A grey note inside ``ax`` (axes coordinates unless ``transform`` is given)."""
    return ax.text(
        x, y, text, ha=ha, va="center", transform=transform or ax.transAxes, fontsize=fontsize, color=palette.NEUTRAL
    )


def _decade_ticks(value, _position=None):
    return "1" if round(value) == 0 else "10" + str(int(round(value))).translate(_SUPERSCRIPT)


def _log_row(hist, arrays, titles):
    """Histograms of log₁₀|h| of the nonzero values, on one x-range shared along the row.

    The range starts at the smallest layer's 0.1th percentile: ReLU's thin tail towards 0 would
    otherwise stretch the axis over many empty decades.
    """
    logs, zeros, bad = [], [], []
    for a in arrays:
        a = np.asarray(a, dtype=np.float64).ravel()
        ok = np.isfinite(a)
        keep = a[ok & (a != 0)]
        logs.append(np.log10(np.abs(keep)))
        zeros.append(np.count_nonzero(a[ok] == 0) / a.size)
        bad.append(1 - ok.mean())
    present = [v for v in logs if v.size]
    lo = min(float(np.percentile(v, 0.1)) for v in present) if present else -1.0
    hi = max(float(v.max()) for v in present) if present else 1.0
    lo, hi = (lo - 0.5, hi + 0.5) if hi - lo < 1 else (lo, hi)
    hist.update(logs, range=(lo, hi), titles=titles)
    for ax, zero_note, note, zero, lost in zip(hist.axes, hist.zero_notes, hist.notes, zeros, bad):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(_decade_ticks))
        zero_note.set_text(f"{zero:.0%} are 0" if zero >= 0.005 else "")
        counts = hist.steps[hist.axes.index(ax)].get_data()[0]
        if counts.argmax() >= len(counts) / 2:  # the note goes to the empty side
            zero_note.set(x=0.03, ha="left")
        note.set_text(f"{lost:.0%} overflowed\n(inf/NaN)" if lost else "")


def _histogram_row(axes, p, name):
    """One row of layer histograms of a probe: a bounded activation over its range, else log₁₀|h|."""
    hist = LayerHistograms(axes, color=palette.activation_color(name))
    titles = [f"layer {k}  ·  std {s:.2g}" for k, s in enumerate(p.forward.std, start=1)]
    if name in WINDOWS:
        hist.update(p.activations, range=_PADDED[name], titles=titles)
        for ax in hist.axes:
            ax.set_xticks(np.linspace(*WINDOWS[name], 5))
    else:
        _log_row(hist, p.activations, titles)
    return {"relu": "activation > 0, log scale"}.get(
        name, "activation" if name in WINDOWS else "|activation|, log scale"
    )


def _histogram_rows(rows, *, depth, width, seed, title):
    """One row of layer histograms per ``(row label, std, activation)``."""
    depth = _checks.integer("depth", depth, low=1, high=12)
    fig, axes = figure(len(rows), depth, width=min(2.4 * depth + 0.8, 13), height=1.8)
    labels = []
    for r, (label, std, name) in enumerate(rows):
        p = probe(spec(std), name, depth=depth, width=width, seed=seed)
        labels.append(_histogram_row(axes[r], p, name))
        axes[r, 0].set_ylabel(label, fontsize=9)
    for r, xlabel in enumerate(labels):  # name the axis once where rows below repeat it
        shared = r + 1 < len(rows) and rows[r][2] in WINDOWS and rows[r + 1][2] == rows[r][2]
        for ax in axes[r]:
            ax.set_xlabel("" if shared else xlabel, fontsize=8)
            ax.tick_params(labelbottom=not shared)
    fig.suptitle(title, fontsize=10)
    return fig


def histogram_grid(activation, stds=STDS, *, depth=5, width=100, seed=0):
    """Rows = weight std, columns = layers: the activations of the classic probe, one histogram per layer.

    Sigmoid and tanh are drawn over their whole output range, the same for every histogram. Unbounded
    activations (ReLU) are drawn as log₁₀ of the nonzero values, on one x-axis shared along each row,
    so a factor per layer is a step of the same length from histogram to histogram.
    """
    name = get_activation(activation).name
    rows = [(f"std {s:g}", s, name) for s in _stds(stds)]
    axis = (
        "each panel spans the whole output range"
        if name in WINDOWS
        else "log x-axis shared along each row, zeros left out"
    )
    label = get_activation(name).label
    title = f"{label}: activations per layer, W ~ N(0, std²), {width} units, no bias ({axis})"
    return _histogram_rows(rows, depth=depth, width=width, seed=seed, title=title)


def note_figure(std, activations=ACTIVATIONS, *, depth=5, width=100, seed=0):
    """The note's figure for one std (Weight_init_3: std 0.1, Weight_init_4: std 10), one row per activation."""
    std = _checks.number("std", std, low=0, low_open=True)
    rows = [(get_activation(a).label, std, a) for a in _activations(activations)]
    size = "small" if std < 1 else "large"
    title = (
        f"Gaussian init with a {size} std: W ~ N(0, {std:g}²), {depth} layers of {width} units, "
        f"input randn(1000, {width}); ReLU on a log x-axis, zeros left out"
    )
    return _histogram_rows(rows, depth=depth, width=width, seed=seed, title=title)


def _lost(p):
    """Saturated share for sigmoid and tanh, dead units for the ReLUs, with its label."""
    if p.activation.name in WINDOWS:
        return p.forward.saturated, "saturated share"
    return p.forward.dead, "dead units (0 for every input)"


def summary_figure(stds=STDS, activations=ACTIVATIONS, *, depth=5, width=100, seed=0):
    """One row per activation: activation std, gradient std (log; theory as a pale band) and the lost share."""
    stds, names = _stds(stds), _activations(activations)
    fig, axes = figure(len(names), 3, width=12.5, height=2.7)
    layers = np.arange(1, depth + 1)
    for r, name in enumerate(names):
        lost_rows = []
        for std in stds:
            color = palette.std_color(std)
            p = probe(spec(std), name, depth=depth, width=width, seed=seed)
            for ax, measured, theory, style in (
                (axes[r, 0], p.forward.std, p.theory.activation_std, palette.FORWARD),
                (axes[r, 1], p.backward.std, p.theory.gradient_std, palette.BACKWARD),
            ):
                ax.plot(layers, _positive(theory), color=color, **palette.THEORY)
                ax.plot(layers, _positive(measured), color=color, **style)
            lost, lost_label = _lost(p)
            axes[r, 2].plot(layers, lost, color=color, **palette.FORWARD)
            lost_rows.append(lost)
        if len(stds) > 1 and all(np.array_equal(lost_rows[0], row) for row in lost_rows[1:]):
            _note(axes[r, 2], 0.5, 0.3, f"the same for all {len(stds)} stds\n(the lines overlap)")
        axes[r, 0].set_ylabel(f"{get_activation(name).label}\nactivation std")
        axes[r, 1].set_ylabel(r"gradient std $\partial L/\partial h$")
        axes[r, 2].set_ylabel(lost_label, fontsize=8)
        axes[r, 2].set_ylim(-0.03, 1.03)
        for ax in axes[r]:
            ax.set_xticks(layers)
            ax.grid(True, alpha=0.3)
        for ax in axes[r, :2]:
            ax.set_yscale("log")
    for ax in axes[-1]:
        ax.set_xlabel("layer")
    axes[0, 0].set_title("forward: activation std per layer (dots)", fontsize=10)
    axes[0, 1].set_title(f"backward: gradient std (squares), layer {depth} = 1", fontsize=10)
    axes[0, 2].set_title("saturated (sigmoid, tanh) / dead (ReLU)", fontsize=10)
    handles = [Line2D([], [], color=palette.std_color(s), **palette.FORWARD, label=f"std {s:g}") for s in stds]
    handles.append(Line2D([], [], color=palette.NEUTRAL, **palette.THEORY, label="theory"))
    axes[-1, 2].legend(handles=handles, fontsize=7, loc="upper center", ncol=2)
    return fig


def saturation_figure(std=10.0, *, depth=5, width=100, seed=0, layer=None):
    """Sigmoid and tanh outputs of one layer on the same x-axis: sigmoid piles up at 0 and 1, tanh at −1 and +1."""
    std = _checks.number("std", std, low=0, low_open=True)
    depth = _checks.integer("depth", depth, low=1, high=1000)
    layer = depth if layer is None else _checks.integer("layer", layer, low=1, high=depth)
    fig, axes = figure(1, 2, width=10, height=3.0)
    for ax, name in zip(axes[0], ("sigmoid", "tanh")):
        p = probe(spec(std), name, depth=depth, width=width, seed=seed)
        h = p.activations[layer - 1]
        low, high = WINDOWS[name]
        for edge in (low, high):
            ax.axvspan(edge - 0.03, edge + 0.03, color=palette.GRADE_COLORS["broken"], alpha=0.12, lw=0)
        LayerHistograms([ax], bins=80, color=palette.activation_color(name), xlabel=f"{name} output").update(
            [h], range=(-1.0, 1.0)
        )
        ax.set_xlim(-1.08, 1.08)
        ax.set_xticks([-1, -0.5, 0, 0.5, 1])
        views.state_text(ax, p.forward_verdict, x=0.5, ha="center", fontsize=8)
        near_low, near_high = np.mean(np.abs(h - low) < 0.03), np.mean(np.abs(h - high) < 0.03)
        ax.set_title(
            f"{name}, layer {layer}: {near_low:.0%} within 0.03 of {low:g}, {near_high:.0%} within 0.03 of {high:g}",
            fontsize=9,
        )
    no_negatives = "sigmoid never outputs\nnegative values:\nnothing near −1"
    _note(axes[0, 0], -0.55, 0.5, no_negatives, transform=axes[0, 0].get_xaxis_transform(), fontsize=9)
    fig.suptitle(
        f"W ~ N(0, {std:g}²): sigmoid piles up at 0 and 1, tanh at −1 and +1 (shaded: within 0.03)", fontsize=10
    )
    return fig


def depth_figure(std=0.1, activations=ACTIVATIONS, *, depth=20, width=100, seed=0):
    """Over many layers: the mean, the std and the input-driven std of the activations, with each verdict.

    The input-driven std is each unit's std over the inputs, averaged over units: the part of a layer
    that still depends on the input. Float64, so sigmoid's is not stopped by float32's resolution.
    """
    std = _checks.number("std", std, low=0, low_open=True)
    fig, axes = figure(1, 3, width=13, height=3.4)
    layers = np.arange(1, depth + 1)
    for name in _activations(activations):
        color, label = palette.activation_color(name), get_activation(name).label
        p = probe(spec(std), name, depth=depth, width=width, seed=seed, dtype=np.float64)
        axes[0, 0].plot(layers, p.theory.activation_mean, color=color, **palette.THEORY)
        axes[0, 0].plot(layers, p.forward.mean, color=color, **palette.FORWARD, label=f"{label}: {p.forward_verdict}")
        axes[0, 1].plot(layers, _positive(p.theory.activation_std), color=color, **palette.THEORY)
        axes[0, 1].plot(layers, _positive(p.forward.std), color=color, **palette.FORWARD)
        axes[0, 2].plot(layers, _positive(p.forward.input_std), color=color, **palette.FORWARD)
    axes[0, 0].set_ylabel("mean activation")
    axes[0, 1].set_ylabel("activation std")
    axes[0, 2].set_ylabel("mean over units of std over inputs", fontsize=8)
    axes[0, 0].set_title("where the values sit (band: theory)", fontsize=10)
    axes[0, 1].set_title("how spread out they are", fontsize=10)
    axes[0, 2].set_title("how much they still depend on the input", fontsize=10)
    axes[0, 0].legend(fontsize=7, title="verdict (initviz.judge)", title_fontsize=7, loc="center right")
    for ax in axes[0]:
        ax.set_xlabel("layer")
        integer_layers(ax)
        ax.grid(True, alpha=0.3)
    for ax in axes[0, 1:]:
        ax.set_yscale("log")
    fig.suptitle(f"W ~ N(0, {std:g}²), {width} units per layer, no bias", fontsize=10)
    return fig


def critical_figure(
    activations=("tanh", "relu"), depths=(5, 10, 20, 50), *, width=100, stds=None, nets=2, n_samples=64, seed=0
):
    """Sweep the weight std: the last layer's activation std and layer 1's gradient std, one curve per depth.

    Where the depths' curves cross (or, for tanh's forward signal, meet) is the critical std
    √(σ_w²*/n), with σ_w²* from ``initviz.critical_sigma_w2``: 1 for tanh, 2 for ReLU.
    Markers: measured (mean of ``nets`` nets); pale bands: theory.
    """
    names = _activations(activations)
    width = _checks.integer("width", width, low=1, high=10_000)
    depths = [_checks.integer(f"depths[{i}]", d, low=1, high=200) for i, d in enumerate(depths)]
    stds = np.geomspace(0.03, 0.3, 15) if stds is None else np.asarray(_stds(stds))
    fig, axes = figure(len(names), 2, width=10.5, height=3.1)
    for r, name in enumerate(names):
        critical = math.sqrt(critical_sigma_w2(name) / width)
        for depth, color in zip(depths, palette.ramp(len(depths))):
            runs = [
                probe(spec(s), name, depth=depth, width=width, nets=nets, n_samples=n_samples, seed=seed) for s in stds
            ]
            forward = [p.forward.std[-1] for p in runs], [p.theory.activation_std[-1] for p in runs]
            backward = [p.backward.std[0] for p in runs], [p.theory.gradient_std[0] for p in runs]
            for ax, (measured, theory), style in zip(axes[r], (forward, backward), (palette.FORWARD, palette.BACKWARD)):
                ax.plot(stds, _positive(theory), color=color, **palette.THEORY)
                ax.plot(stds, _positive(measured), color=color, **style, label=f"{depth} layers")
        for ax in axes[r]:
            ax.axvline(critical, color=palette.REFERENCE, lw=1, ls="--")
            _note(
                ax, critical * 1.04, 0.04, f"critical std {critical:.3g}", ha="left", transform=ax.get_xaxis_transform()
            )
            ax.set_xscale("log")
            ax.set_yscale("log")
            ticks = [t for t in (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0) if stds.min() <= t <= stds.max()]
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.xaxis.set_minor_locator(NullLocator())
            ax.grid(True, which="major", alpha=0.3)
        label = get_activation(name).label
        axes[r, 0].set_ylabel(f"{label}\nstd of $h_L$ (last layer)")
        axes[r, 1].set_ylabel(r"std of $\partial L/\partial h_1$ (top: 1)")
    for ax in axes[-1]:
        ax.set_xlabel(f"weight std (W ~ N(0, std²), width {width})")
    axes[0, 0].set_title("forward: the last layer's activation std", fontsize=10)
    axes[0, 1].set_title("backward: the gradient reaching layer 1", fontsize=10)
    axes[-1, 0].legend(fontsize=7, loc="upper left", title=f"mean of {nets} nets · band: theory", title_fontsize=7)
    return fig


# --- the panel ---


def _n_samples(width):
    """About 12,800 values per layer: enough for a histogram, few enough to redraw fast at any width."""
    return max(16, min(128, 12_800 // width))


class GaussianView(View):
    """The panel's figure: four layers' histograms above four depth plots, all from one ``initviz.probe``.

    Below, left to right: the activation std and the gradient std per layer (theory as a pale band, each
    with its verdict), the share of each layer's std that still depends on the input (the verdict calls
    a layer collapsed below 10⁻³) and the saturated or dead share (broken from one half on).
    """

    partial_redraws = True  # a new width changes the title alone; a new depth most of the axes

    def __init__(self, *, n_histograms=4, dpi=72, seed=0):
        # equal histograms on top; below, the two profiles get the room their verdicts need
        fig = Figure(figsize=(12, 5.6), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=(1, 1.15))
        hist_axes = top.subplots(1, n_histograms)
        axes = dict(zip("fbdl", bottom.subplots(1, 4, width_ratios=(3, 3, 2, 2))))
        super().__init__(fig, dpi=dpi)
        self.seed = seed
        self.hist = LayerHistograms(hist_axes)  # titles ("layer k") change with the depth only: static
        self.dynamic(*self.hist.steps, *self.hist.notes, *self.hist.zero_notes)
        self.dynamic(*(spine for ax in hist_axes for spine in ax.spines.values()))  # drawn over the bars' edges
        for ax in hist_axes:  # few tick labels: a background redraw is mostly drawing text
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 5, 10]))
            ax.set_xlabel("activation" if ax is hist_axes[0] else "", fontsize=8)
        self.forward = DepthProfile(axes["f"], ylabel="activation std", view=self)
        self.backward = DepthProfile(
            axes["b"], ylabel=r"gradient std $\partial L/\partial h$", direction="backward", view=self
        )
        axes["f"].set_title("forward (dots: measured · band: theory)", fontsize=9)
        axes["b"].set_title("backward, from a unit gradient at the top", fontsize=9)
        self.driven_ax, self.lost_ax = axes["d"], axes["l"]
        (self.driven,) = self.driven_ax.plot([], [], **palette.FORWARD)
        (self.lost,) = self.lost_ax.plot([], [], **palette.FORWARD)
        self.dynamic(self.driven, self.lost)
        self.driven_ax.axhline(COLLAPSE, color=palette.REFERENCE, lw=0.8, ls="--")
        _note(self.driven_ax, 0.03, 0.05, "collapsed below 10⁻³", ha="left", fontsize=7)
        self.driven_ax.set_yscale("log")
        self.driven_ax.set_ylim(1e-9, 4)
        views.decade_labels(self.driven_ax.yaxis)
        self.driven_ax.set_title("input-driven std ÷ std", fontsize=9)
        self.lost_ax.axhline(MAJORITY, color=palette.REFERENCE, lw=0.8, ls="--")
        self.lost_ax.set_ylim(-0.03, 1.03)
        self.lost_ax.set_yticks([0, 0.5, 1])
        for ax in axes.values():
            ax.set_xlabel("layer")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
            ax.grid(True, which="major", alpha=0.3)
        # the widest labels it will show, for the frozen layout
        self.title = fig.suptitle("leaky ReLU (a=0.01) · 50 layers × 500 units", fontsize=10)  # std: on the slider
        self.lost_ax.set_title("dead units (0 for every input)", fontsize=9)
        for ax in self.hist.axes:
            ax.set_title("layer 50", fontsize=8)
        for ax in (axes["f"], axes["b"]):
            ax.set_ylim(1e-200, 1e200)
        freeze_layout(fig, positions=True)

    def update(self, std=0.1, activation="sigmoid", depth=10, width=100):
        name = get_activation(activation).name
        depth = _checks.integer("depth", depth, low=1, high=200)
        width = _checks.integer("width", width, low=1, high=2000)
        n = _n_samples(width)
        p = probe(spec(std), name, depth=depth, width=width, n_samples=n, seed=self.seed)
        shown = np.unique(np.linspace(1, depth, min(len(self.hist.axes), depth)).round().astype(int))
        self.hist.set_color(palette.activation_color(name))
        self.hist.update(
            [p.activations[k - 1] for k in shown],
            titles=[f"layer {k}" for k in shown],
            range=_PADDED.get(name, "per_layer"),
            zero_spike=name == "relu",
        )
        color = palette.std_color(std)
        for profile, line in ((self.forward, self.driven), (self.backward, self.lost)):
            profile.set_color(color)
            line.set_color(color)
        self.forward.update(p.forward.std, theory=p.theory.activation_std, verdict=p.forward_verdict)
        self.backward.update(p.backward.std, theory=p.theory.gradient_std, verdict=p.backward_verdict)
        layers = np.arange(1, depth + 1)
        with np.errstate(all="ignore"):
            self.driven.set_data(layers, _positive(p.forward.input_std / p.forward.std))
        lost, label = _lost(p)
        self.lost.set_data(layers, np.where(p.forward.finite == 1, lost, np.nan))
        self.lost_ax.set_title(label, fontsize=9)
        for ax in (self.driven_ax, self.lost_ax):
            ax.set_xlim(0.5, depth + 0.5)
        act = get_activation(name).label
        self.title.set_text(f"{act} · {depth} layer{'s' * (depth > 1)} × {width} units · input randn({n}, {width})")
        return self


def panel(std=0.1, activation="sigmoid", depth=10, width=100):
    """Weight std, activation, depth and width of the classic experiment (:class:`GaussianView`).

    The std slider redraws while it moves; depth and width, which cost more, when they are let go.
    """
    std = _checks.number("std", std, low=1e-3, high=1e2)
    _checks.choice("activation", activation, ("sigmoid", "tanh", "relu", "leaky_relu"))
    names = [("sigmoid", "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"), ("leaky ReLU (a=0.01)", "leaky_relu")]
    controls = {
        "std": log_slider("weight std", std, 1e-3, 1e2),
        "activation": dropdown("activation", names, activation),
        "depth": int_slider("depth (layers)", _checks.integer("depth", depth, high=50), 1, 50, on_release=True),
        "width": int_slider(
            "width (units per layer)", _checks.integer("width", width, low=10, high=500), 10, 500, 10, on_release=True
        ),
    }
    return Panel(GaussianView(), controls)


def panel_figure(std=0.1, activation="sigmoid", depth=10, width=100):
    """The panel's view at these settings (its defaults) as a static figure, for readers without widgets."""
    view = GaussianView(dpi=100).update(std=std, activation=activation, depth=depth, width=width)
    view.title.set_text(f"W ~ N(0, {std:g}²) · {view.title.get_text()}")  # the panel shows it on its slider
    return view.figure


PANEL_TOUR = [
    {},
    {"std": 0.5},
    {"std": 1e-3, "depth": 50},
    {"activation": "tanh", "std": 1e-3, "depth": 50, "width": 500},
    {"activation": "relu", "std": 1e2, "depth": 50, "width": 10},
    {"activation": "leaky_relu", "std": 0.14, "depth": 20, "width": 100},
    {"activation": "sigmoid", "std": 1e2, "depth": 1, "width": 500},
    {"activation": "relu", "std": 0.01, "depth": 3},
]
"""Settings the panel tests walk through: limit changes, every activation, the corners of every slider."""


# --- exercises ---


def _loop(x, weights, phi, *, activate=True, record="h", chain=True, product="hW"):
    """Wrong answers for :func:`check_layer_stds`, as variations of one loop (the right one is ``iv.probe``)."""
    h, stds = x, []
    for W in weights:
        z = (h if chain else x) @ W if product == "hW" else W @ h
        out = phi(z) if activate else z
        stds.append({"h": out.std(), "z": z.std(), "unit": np.std(out, axis=0).mean()}[record])
        h = out
    return stds


def check_layer_stds(fn):
    """The student's ``layer_stds(x, weights, phi)``: the std of h_1, …, h_L, checked against ``initviz.probe``.

    ``x`` is the input batch (samples × units), ``weights`` the list of W_l (fan_in × fan_out), ``phi``
    the activation. The right answer is what the probe measured on these very arrays; the first net is
    square, so that ``W @ h`` runs there and gets its own hint.
    """
    cases = [
        probe(spec(0.1), "tanh", depth=4, width=64, n_samples=64, seed=1),
        probe(spec(0.2), "relu", depth=3, width=64, n_samples=64, seed=2),
        probe(spec(1.0), "sigmoid", widths=[48, 32, 40, 16], n_samples=100, seed=3),
    ]
    for a in (a for p in cases for a in (p.inputs, *p.weights)):
        a.flags.writeable = False  # the student's loop must not change them in place
    measured = {id(p.inputs): p.forward.std for p in cases}
    one_too_many = "the input x is not a layer: the list starts at h_1 = φ(x @ W_1)."
    wrong = [
        (lambda x, ws, phi: [x.std(), *measured[id(x)]], one_too_many),
        (lambda x, ws, phi: _loop(x, ws, phi, activate=False), "apply the activation φ after every product."),
        (lambda x, ws, phi: _loop(x, ws, phi, record="z"), "that is the std of z = h @ W, before φ: measure φ(z)."),
        (lambda x, ws, phi: _loop(x, ws, phi, chain=False), "each layer takes the previous layer's h, not x again."),
        (lambda x, ws, phi: np.square(measured[id(x)]), "that is the variance; the std is its square root."),
        (lambda x, ws, phi: _loop(x, ws, phi, product="Wh"), "rows are samples, so a layer is h @ W, not W @ h."),
        (lambda x, ws, phi: _loop(x, ws, phi, record="unit"), "that is each unit's std over the samples, averaged "
         "(the input-driven std): take the std of all of h."),
    ]  # fmt: skip
    return check_function(
        fn,
        lambda x, weights, phi: measured[id(x)],
        [(p.inputs, p.weights, p.activation.fn) for p in cases],
        "layer_stds",
        "h = x; then for each W: h = phi(h @ W) and append h.std(). Return one std per layer.",
        wrong=wrong,
        rtol=1e-3,
    )


def check_relu_layer_factor(answer, std=0.01, width=100):
    """The factor by which each ReLU layer multiplies the activation std (N(0, std²) weights, ``width`` units)."""
    std = _checks.number("std", std, low=0, low_open=True)
    width = _checks.integer("width", width, low=1)
    wrong = [
        (std * math.sqrt(width), "ReLU sets half its inputs to 0: E[relu(z)²] = Var(z)/2, which divides by √2."),
        (width * std**2 / 2, "that is the factor of the variance; the std's is its square root."),
        (std * width / 2, "the square root covers the whole n·std²/2."),
    ]
    return check_number(
        answer,
        std * math.sqrt(width / 2),
        f"per-layer factor for ReLU, std {std:g}, width {width}",
        "Var(z) = n·std²·E[h²] and E[relu(z)²] = Var(z)/2: the std gains √(n·std²/2) per layer.",
        wrong=wrong,
    )


def check_sigmoid_gradient_factor(answer, std=0.01, width=100):
    """With a tiny std every sigmoid input is near 0: the factor by which each layer scales dL/dh's std."""
    std = _checks.number("std", std, low=0, low_open=True, high=0.05)
    width = _checks.integer("width", width, low=1)
    slope = float(get_activation("sigmoid").derivative(0.0))
    wrong = [
        (std * math.sqrt(width), "the gradient passes through σ′(z) at every layer, and σ′(0) = 1/4."),
        (std * math.sqrt(width) / 2, "σ(0) = 1/2, but the slope σ′(0) = σ(0)(1 − σ(0)) = 1/4."),
        (width * std**2 * slope**2, "that is the factor of the variance; the std's is its square root."),
        (std * math.sqrt(width) * slope**2, "the variance gains σ′², so the std gains σ′ = 1/4, not 1/16."),
    ]
    return check_number(
        answer,
        std * math.sqrt(width) * slope,
        f"per-layer gradient factor for sigmoid, std {std:g}, width {width}",
        "dL/dh_(l−1) = (dL/dh_l · σ′(z)) @ Wᵀ sums n terms: its std gains std·√n·σ′(0), with σ′(0) = 1/4.",
        wrong=wrong,
    )


def check_relu_flat_std(answer, width=400):
    """The weight std that keeps a ReLU stack's activation std constant from layer to layer."""
    width = _checks.integer("width", width, low=1)
    wrong = [
        (math.sqrt(1 / width), "√(1/n) keeps tanh flat; ReLU zeroes half its inputs and needs twice the variance."),
        (2 / width, "2/n is the variance; the std is its square root."),
        (math.sqrt(2) / width, "the square root covers 2/n, not 2 alone."),
    ]
    return check_number(
        answer, math.sqrt(2 / width), f"std that keeps ReLU flat at width {width}", "solve std·√(n/2) = 1 for std.",
        wrong=wrong, rtol=0.03,
    )  # fmt: skip


IMAGES = {
    "02_gaussian.png": lambda: summary_figure(),
    "Weight_init_3.PNG": lambda: note_figure(0.1),
    "Weight_init_4.PNG": lambda: note_figure(10),
}
"""The images ``python -m initviz.figures`` writes for this notebook: its summary and the note's two figures."""
