"""Notebook 03 · Xavier / Glorot initialization: its figures, its panel and its exercise checks.

The numerics come from initviz (``probe``, ``theory``, ``init``); this module only draws them and
checks the exercises. A teacher who wants to change notebook 03 edits this file and the notebook.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

from .. import _checks
from ..activations import get as get_activation
from ..draw import palette
from ..draw.fast import stable_log_limits
from ..draw.panel import Panel, choice_slider, dropdown, int_slider, toggle
from ..draw.views import (
    DepthProfile,
    View,
    WeightHistogram,
    detach_title,
    figure,
    freeze_layout,
    integer_layers,
    set_state,
)
from ..init import initialize, weight_variance
from ..probe import probe
from ..theory import predict_layers
from .answers import check_number, check_sampler

__all__ = [
    "FANS",
    "MAX_DEPTH",
    "alternating_widths",
    "graded",
    "fan_rule_figure",
    "weight_histogram_figure",
    "activation_shape_figure",
    "activation_depth_figure",
    "spread_figure",
    "XavierView",
    "panel",
    "panel_figure",
    "check_xavier_uniform",
    "check_xavier_bound",
    "check_xavier_pair_factor",
    "check_sigmoid_gain",
    "sigmoid_gain_run",
]

FANS = (1, 2, 5, 10, 20, 50, 100, 200, 300, 500)
"""The fans the panel's sliders offer."""
MAX_DEPTH = 50
DISTRIBUTIONS = ("uniform", "normal")
ACTIVATION_CHOICES = [
    ("tanh", "tanh"),
    ("sigmoid", "sigmoid"),
    ("ReLU", "relu"),
    ("leaky ReLU (a=0.01)", "leaky_relu"),
    ("linear", "linear"),
]
RULES = (  # (label, init spec, colour): the forward rule is LeCun's, the backward rule has no family colour
    ("forward rule: Var(W) = 1/n_in", "lecun_normal", palette.init_color("lecun_normal")),
    ("backward rule: Var(W) = 1/n_out", "lecun_normal:mode=fan_out", palette.OTHER),
    ("Xavier: Var(W) = 2/(n_in+n_out)", "xavier_normal", palette.init_color("xavier_normal")),
)
XAVIER = palette.init_color("xavier_normal")
_BOX = {"boxstyle": "round,pad=0.2", "fc": palette.BOX_FACE, "ec": palette.NEUTRAL}


def alternating_widths(fan_in, fan_out, depth):
    """Widths ``[fan_in, fan_out, fan_in, ...]`` of ``depth`` layers: each layer is (fan_in, fan_out) or its mirror."""
    fan_in = _checks.integer("fan_in", fan_in, low=1, high=10_000)
    fan_out = _checks.integer("fan_out", fan_out, low=1, high=10_000)
    depth = _checks.integer("depth", depth, low=1, high=1000)
    return [fan_in if l % 2 == 0 else fan_out for l in range(depth + 1)]


def graded(verdict):
    """A verdict's words with its grade in front where it is not healthy: "drifting: shrinks ×0.9 per layer …"."""
    return verdict.text if verdict.healthy else f"{verdict.grade}: {verdict.text}"


def _density(distribution, std):
    """The density a Xavier draw follows: N(0, std²) or U[−√3·std, √3·std]."""
    if distribution == "normal":
        return lambda x: np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2 * math.pi))
    bound = math.sqrt(3.0) * std
    return lambda x: np.where(np.abs(x) <= bound, 1 / (2 * bound), 0.0)


def _log_axes(axes, xlabel="layer $l$"):
    for ax in axes:
        ax.set_yscale("log")
        integer_layers(ax)
        ax.set_xlabel(xlabel)
        ax.grid(True, which="major", alpha=0.3)


def fan_rule_figure(fan_in=100, fan_out=300, depth=20, activation="linear"):
    """Forward std and backward gradient std per layer in a net whose widths alternate fan_in ↔ fan_out,
    under the forward rule (1/n_in), the backward rule (1/n_out) and Xavier's compromise.

    Markers: measured (``initviz.probe``); pale bands: the theory for exactly these widths.
    """
    widths = alternating_widths(fan_in, fan_out, depth)
    fig, axes = figure(1, 2, width=10.5, height=3.4)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    for label, spec, color in RULES:
        p = probe(spec, activation, widths=widths)
        forward.plot(layers, p.theory.activation_std, color=color, **palette.THEORY)
        forward.plot(layers, p.forward.std, color=color, **palette.FORWARD, label=label)
        backward.plot(layers, p.theory.gradient_std, color=color, **palette.THEORY)
        backward.plot(layers, p.backward.std, color=color, **palette.BACKWARD, label=label)
    act = get_activation(activation).label
    forward.set_title(f"forward: std of $h_l$ ({act}, widths {fan_in} ↔ {fan_out})", fontsize=10)
    backward.set_title(r"backward: std of $\partial L/\partial h_l$ (top layer = 1)", fontsize=10)
    forward.set_ylabel("std")
    _log_axes(axes[0])
    for ax in axes[0]:  # less than a decade: plain numbers on every tick
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if round(10 * v) in (2, 3, 5) else ""))
    backward.legend(fontsize=8, loc="lower right", title="markers: measured · band: theory", title_fontsize=7)
    return fig


def weight_histogram_figure(fan_in=100, fan_out=300, *, seed=0):
    """``xavier_normal`` next to ``xavier_uniform`` for one (fan_in, fan_out) layer, each with its density."""
    fan_in = _checks.integer("fan_in", fan_in, low=1, high=10_000)
    fan_out = _checks.integer("fan_out", fan_out, low=1, high=10_000)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    fig, axes = figure(1, 2, width=9.5, height=3.0)
    for ax, distribution in zip(axes[0], DISTRIBUTIONS[::-1]):
        weights = initialize(f"xavier_{distribution}", (fan_in, fan_out), rng=seed)
        a = math.sqrt(3) * std
        title = f"N(0, {std:.3g}²)" if distribution == "normal" else f"U[−{a:.3g}, {a:.3g}]"
        WeightHistogram(ax).update(
            weights, _density(distribution, std), std, title=f"xavier_{distribution}: {title}  ({fan_in}×{fan_out})"
        )
    return fig


def activation_shape_figure(activations=("tanh", "sigmoid", "relu", "leaky_relu"), *, negative_slope=0.1):
    """φ(z) and φ′(z) of each activation: tanh′(0) = 1, σ′(z) ≤ σ′(0) = 1/4, ReLU′ is 0 or 1."""
    if isinstance(activations, str) or not activations:
        raise TypeError(f"activations must be a non-empty tuple of names, got {activations!r}")
    phis = [get_activation(name, negative_slope) for name in activations]
    z = np.linspace(-4, 4, 801)
    fig, axes = figure(1, 2, width=9.5, height=3.0)
    value, slope = axes[0]
    for phi in phis:
        color = palette.activation_color(phi)
        dashes = "--" if phi.name == "leaky_relu" else "-"  # so ReLU shows where the two coincide
        value.plot(z, phi.fn(z), color=color, lw=1.6, ls=dashes, label=phi.label)
        slope.plot(z, phi.derivative(z), color=color, lw=1.6, ls=dashes, label=phi.label)
    for name, at in (("tanh", 1.0), ("sigmoid", 0.25)):
        if name in activations:
            d0 = float(get_activation(name).derivative(0.0))
            slope.plot([0], [d0], "o", color=palette.activation_color(name), ms=5)
            slope.annotate(
                f"{name}′(0) = {d0:g}" + (" (its maximum)" if name == "sigmoid" else ""),
                (0, d0),
                xytext=(8, 4 if at == 1 else -12),
                textcoords="offset points",
                fontsize=8,
            )
    value.plot(z, z, color=palette.REFERENCE, lw=0.7, ls="--", label="identity z")
    value.set_ylim(-2.2, 2.2)
    value.set_title("φ(z): tanh ≈ z near 0, sigmoid ≈ ½ + z/4", fontsize=10)
    slope.set_title("φ′(z): the factor a gradient is multiplied by", fontsize=10)
    slope.set_ylim(-0.05, 1.15)
    for ax in (value, slope):
        ax.axhline(0, color=palette.NEUTRAL, lw=0.5)
        ax.axvline(0, color=palette.NEUTRAL, lw=0.5)
        ax.set_xlabel("pre-activation $z$")
        ax.grid(True, alpha=0.3)
    value.legend(fontsize=7, loc="upper left")
    return fig


def activation_depth_figure(activations=("tanh", "sigmoid", "relu"), *, depth=30, width=100):
    """Xavier (normal) in a square net: forward std and backward gradient std per layer for each activation.

    The legend gives each profile's verdict (``initviz.verdict``); pale bands: the theory.
    """
    if isinstance(activations, str) or not activations:
        raise TypeError(f"activations must be a non-empty tuple of names, got {activations!r}")
    fig, axes = figure(1, 2, width=10.5, height=3.6)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    for name in activations:
        p = probe("xavier_normal", name, depth=depth, width=width)
        color = palette.activation_color(name)
        label = get_activation(name).label
        for ax, measured, theory, style, verdict in (
            (forward, p.forward.std, p.theory.activation_std, palette.FORWARD, p.forward_verdict),
            (backward, p.backward.std, p.theory.gradient_std, palette.BACKWARD, p.backward_verdict),
        ):
            ax.plot(layers, theory, color=color, **palette.THEORY)
            ax.plot(layers, measured, color=color, **style, label=f"{label}: {graded(verdict)}")
    forward.set_title(f"forward: std of activations (Xavier, width {width})", fontsize=10)
    backward.set_title(r"backward: std of $\partial L/\partial h_l$ (top layer = 1)", fontsize=10)
    forward.set_ylabel("std")
    _log_axes(axes[0])
    for ax, where in zip(axes[0], ("lower left", "lower right")):  # where the lines are not
        ax.legend(fontsize=7, loc=where, title="markers: measured · band: theory", title_fontsize=7)
    return fig


def spread_figure(*, width=100, depth=30, nets=100, n_samples=64):
    """One net is not the average: E[h_l²] of ``nets`` Xavier ReLU nets of one ``width``, against the theory.

    With Gaussian weights E[h_l²] is the theory's 2^−l *in expectation* at any width; one net's value is
    roughly log-normal, and the variance of its log grows like Σ 1/n_l (Hanin & Rolnick 2018).
    Left: log₂ of each net's E[h_l²] over the theory's (thin), of their mean (markers), the theory (band
    at 0). Right: the variance of ln E[h_l²] over the nets against Σ_{k≤l} 1/n_k.
    """
    p = probe("xavier_normal", "relu", depth=depth, width=width, n_samples=n_samples, nets=nets)
    runs = p.per_net_forward.second_moment  # (nets, layers)
    theory = p.theory.second_moment
    layers = np.arange(1, depth + 1)
    fig, axes = figure(1, 2, width=10.5, height=3.4)
    left, right = axes[0]
    for row in np.log2(runs / theory):
        left.plot(layers, row, color=XAVIER, lw=0.6, alpha=0.2)
    left.plot(layers, np.zeros(depth), color=XAVIER, **palette.THEORY, label="theory: $E[h_l^2] = 2^{-l}$")
    left.plot(layers, np.log2(runs.mean(axis=0) / theory), color=XAVIER, **palette.FORWARD, label=f"mean of {nets}")
    end = np.log2(runs[:, -1])
    left.text(
        0.03,
        0.05,
        f"log₂ E[h²] at layer {depth}: theory {np.log2(theory[-1]):.1f}, of the mean {np.log2(runs[:, -1].mean()):.1f}"
        f"\none net: median {np.median(end):.1f}, std {end.std():.2f}, middle 90% "
        f"{np.percentile(end, 5):.1f} … {np.percentile(end, 95):.1f}",
        transform=left.transAxes,
        fontsize=8,
        bbox=_BOX,
    )
    left.set_ylabel("log₂ of $E[h_l^2]$ / theory")
    left.set_title(f"Xavier, ReLU, width {width}: {nets} nets (thin lines)", fontsize=10)
    left.legend(fontsize=8, loc="upper left")
    spread = np.abs(np.log2(runs / theory)).max()
    left.set_ylim(-1.6 * spread, 1.1 * spread)  # room for the box below the lines
    sums = np.cumsum(1.0 / np.asarray(p.widths[1:], dtype=float))
    variance = np.var(np.log(runs), axis=0)
    slope = float(np.dot(sums, variance) / np.dot(sums, sums))  # least squares through 0
    right.plot(sums, variance, color=XAVIER, **palette.FORWARD, label="measured over the nets")
    right.plot(sums, slope * sums, color=palette.REFERENCE, lw=0.8, ls="--", label=f"line through 0, slope {slope:.1f}")
    right.set_xlabel(r"$\sum_{k \leq l}\, 1/n_k$")
    right.set_ylabel("Var( ln $E[h_l^2]$ ) over the nets")
    right.set_title("the spread grows like Σ 1/n (Hanin & Rolnick 2018)", fontsize=10)
    right.legend(fontsize=8, loc="upper left")
    integer_layers(left)
    left.set_xlabel("layer $l$")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    return fig


def _rows(fan_in, fan_out):
    """Input rows for the panel's probe: about 10 000 numbers per layer, at a bounded cost."""
    rows = int(np.clip(10_000 // min(fan_in, fan_out), 32, 500))
    return min(rows, max(32, 100_000 // max(fan_in, fan_out)))


def _log_range(curves, measured):
    """Log-axis limits that hold every activation's theory for these widths, and what was measured.

    The theory of all activations is cheap; limits that hold all of them do not move when only the
    activation or the distribution changes, so the panel's background is not drawn again.
    """
    values = np.concatenate([np.ravel(c) for c in curves] + [np.ravel(measured)])
    values = values[np.isfinite(values) & (values > 0) & (values < 1e300)]
    lo, hi = (values.min(), values.max()) if values.size else (1e-3, 1e1)
    hi = hi * (hi / lo) ** 0.35 if hi > lo else hi * 10  # room for the state box at the top
    return 10.0 ** math.floor(math.log10(lo) - 0.3), 10.0 ** math.ceil(math.log10(hi) + 0.3)


class XavierView(View):
    """The panel's figure: the weights' histogram, the forward std and the backward gradient std per layer.

    The net has ``depth`` bias-free layers whose widths alternate fan_in → fan_out → fan_in → …, so every
    layer is a (fan_in, fan_out) or (fan_out, fan_in) matrix with Xavier's Var(W) = 2/(fan_in + fan_out).
    The numbers are one ``initviz.probe`` (its weights are cached by fans, distribution and depth; a new
    activation reuses them; the view keeps what it drew of the last 16 settings); the states are its
    verdicts. The live panel names the activation in its dropdown; ``name_activation=True`` (the static
    figure) puts it, the fans and the depth in the title.
    """

    def __init__(self, *, seed=0, dpi=80, name_activation=False):
        super().__init__(figure(1, 3, width=13, height=3.6)[0], dpi=dpi)
        self.seed, self.name_activation = seed, name_activation
        axes = self.figure.axes
        # the histogram is drawn in units of σ, so its axes are the same for every fan: a new fan redraws
        # only its bars, its line and its note (dynamic), not its ticks and labels
        self.weights = WeightHistogram(axes[0])
        self.dynamic(self.weights.steps, self.weights.curve, self.weights.note)  # its title names the distribution
        self.forward = DepthProfile(axes[1], ylabel="std of activations $h_l$", color=XAVIER, view=self)
        self.backward = DepthProfile(
            axes[2], ylabel=r"std of $\partial L/\partial h_l$", color=XAVIER, direction="backward", view=self
        )
        # high enough above the top tick label that redrawing the axes (new limits) leaves the title alone
        axes[0].set_title(" ", fontsize=9, pad=11)
        axes[1].set_title("forward (dots: measured · band: theory)", fontsize=9, pad=11)
        axes[2].set_title("backward, from a unit gradient at the top", fontsize=9, pad=11)
        # static: the sliders name the fans and the depth, the histogram's note gives σ² (a title that changed
        # with them would be drawn again for every fan)
        self.title = self.figure.suptitle(
            "Xavier: Var(W) = σ² = 2/(n_in+n_out)  ·  one net, widths n_in ↔ n_out ↔ n_in …", fontsize=10
        )
        self.weights.legend.set_visible(False)  # in words below the axis: a legend costs a text draw per update
        axes[0].set_xlabel("weight / σ   (bars: sampled · line: the density drawn from)", fontsize=9)
        axes[0].set_xlim(-4, 4)
        axes[0].set_ylim(0, 0.62)  # the same for both distributions (the normal's peak is 0.40)
        self._histogram_key = self._theory_key = None
        self._measured = OrderedDict()  # settings → what the panel shows of its probe: a slider moved back is free
        # few tick labels: the static background (drawn again for new limits or depth) is mostly text
        axes[0].xaxis.set_major_locator(MaxNLocator(nbins=4))
        axes[0].yaxis.set_major_locator(MaxNLocator(nbins=4))
        for ax in axes[1:]:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
            ax.yaxis.set_major_locator(LogLocator(numticks=6))
            ax.set_ylim(1e-30, 1e30)  # the widest tick labels they can show, for the frozen layout
        freeze_layout(self.figure, positions=True)
        axes[0].title.set_y(axes[1].title.get_position()[1])  # one line of titles
        for ax in axes[1:]:  # not drawn again with the axes when their limits change
            detach_title(ax)

    partial_redraws = True  # a new fan or depth often changes the limits of one profile, or the title alone

    def _theories(self, widths, weight_var):
        """Forward and backward theory of every activation the panel offers, for these widths (cached)."""
        key = (tuple(widths), weight_var)
        if key != self._theory_key:
            profiles = [predict_layers(widths, weight_var, name) for _, name in ACTIVATION_CHOICES]
            self._theory = ([q.activation_std for q in profiles], [q.gradient_std for q in profiles])
            self._theory_key = key
        return self._theory

    def _probed(self, fan_in, fan_out, distribution, activation, depth):
        """What the panel draws of one probe: its stds, theory and verdicts, and some of its weights (cached)."""
        key = (fan_in, fan_out, distribution, activation, depth)
        if key in self._measured:
            self._measured.move_to_end(key)
            return self._measured[key]
        widths = alternating_widths(fan_in, fan_out, depth)
        p = probe(f"xavier_{distribution}", activation, widths=widths, n_samples=_rows(fan_in, fan_out), seed=self.seed)
        pooled, count = [], 0
        for w in p.weights:  # enough layers for a smooth histogram, not all of a big net
            pooled.append(w.ravel())
            count += w.size
            if count >= 100_000:
                break
        self._measured[key] = result = (p.forward, p.backward, p.theory, p.forward_verdict, p.backward_verdict, pooled)
        while len(self._measured) > 16:  # pooled weights are at most 100 000 floats each
            self._measured.popitem(last=False)
        return result

    def update(self, fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20):
        depth = _checks.integer("depth", depth, low=1, high=MAX_DEPTH)
        widths = alternating_widths(fan_in, fan_out, depth)
        _checks.choice("distribution", distribution, DISTRIBUTIONS)
        spec = f"xavier_{distribution}"
        forward, backward, theory, forward_verdict, backward_verdict, pooled = self._probed(
            fan_in, fan_out, distribution, activation, depth
        )
        weight_var = weight_variance(spec, (fan_in, fan_out))
        std = math.sqrt(weight_var)
        key = (fan_in, fan_out, distribution, depth)
        if key != self._histogram_key:  # the weights do not depend on the activation
            shape = "N(0, σ²)" if distribution == "normal" else "U[−√3σ, √3σ]"
            self.weights.update(
                np.concatenate(pooled),
                _density(distribution, std),
                std,
                title=f"{spec}: {shape}",
                in_std_units=True,
                heading=f"σ² = 2/({fan_in}+{fan_out}) = {std**2:.3g}",
            )
            self.weights.ax.set_ylim(0, 0.62)
            self._histogram_key = key
        theories = self._theories(widths, weight_var)
        for profile, stats, curve, verdict, curves in (
            (self.forward, forward, theory.activation_std, forward_verdict, theories[0]),
            (self.backward, backward, theory.gradient_std, backward_verdict, theories[1]),
        ):
            profile.update(stats.std, theory=curve, verdict=verdict)
            # kept while they hold the new range and are not much wider: fewer fan steps redraw the axes
            profile.ax.set_ylim(
                *stable_log_limits(profile.ax.get_ylim(), *_log_range(curves, stats.std), margin=0, slack=1.5)
            )
            set_state(profile.state, verdict, prefix="" if verdict.healthy else f"{verdict.grade}:\n")
        if self.name_activation:  # a figure without sliders names its settings
            pattern = f"{fan_in}" if fan_in == fan_out else f"{fan_in} ↔ {fan_out}"
            self.title.set_text(
                f"Xavier: Var(W) = σ² = 2/(n_in+n_out) = {std**2:.3g}  ·  widths {pattern}  ·  {depth} layers, one net"
                f"  ·  {get_activation(activation).label}"
            )
        return self


def panel(fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20, *, seed=0):
    """Xavier explored: fan_in, fan_out, normal or uniform, the activation and the depth (:class:`XavierView`)."""
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or value not in FANS:
            raise ValueError(f"{name} must be one of {list(FANS)}, got {value!r}")
    _checks.choice("distribution", distribution, DISTRIBUTIONS)
    _checks.choice("activation", activation, [value for _, value in ACTIVATION_CHOICES])
    depth = _checks.integer("depth", depth, low=1, high=MAX_DEPTH)
    controls = {
        "fan_in": choice_slider("fan_in (n_in)", FANS, fan_in),
        "fan_out": choice_slider("fan_out (n_out)", FANS, fan_out),
        "distribution": toggle("distribution", list(DISTRIBUTIONS), distribution),
        "activation": dropdown("activation", ACTIVATION_CHOICES, activation),
        "depth": int_slider("depth (layers)", depth, 1, MAX_DEPTH, on_release=True),
    }
    return Panel(XavierView(seed=seed), controls)


def panel_figure(**settings):
    """The panel's view for ``settings`` (default: its opening view) as a static Figure."""
    return XavierView(name_activation=True).update(**settings).figure


PANEL_TOUR = [
    {},
    {"distribution": "normal"},
    {"activation": "sigmoid"},
    {"activation": "relu", "depth": 50},
    {"fan_in": 1, "fan_out": 1},
    {"activation": "leaky_relu", "fan_in": 500, "fan_out": 500},
    {"activation": "linear", "fan_in": 10, "fan_out": 500, "depth": 1},
    {"activation": "tanh", "fan_in": 100, "fan_out": 100, "depth": 2, "distribution": "uniform"},
]
"""Settings the panel tests walk through: limit changes, every activation, both distributions, the extremes."""


# --- exercises ---


def check_xavier_uniform(fn, fan_in=300, fan_out=200):
    """The student's ``xavier_uniform(fan_in, fan_out, rng)``: shape, mean, std and max|W| ≤ the bound."""
    fan_in = _checks.integer("fan_in", fan_in, low=1)
    fan_out = _checks.integer("fan_out", fan_out, low=1)
    std = math.sqrt(weight_variance("xavier_uniform", (fan_in, fan_out)))
    bound = math.sqrt(6 / (fan_in + fan_out))
    uniform_std = 1 / math.sqrt(3)  # the std of U[−a, a] is a/√3
    wrong = [
        (std * uniform_std, "√(2/(n_in+n_out)) is the std, not the bound: Var(U[−a, a]) = a²/3, so a = √3·std."),
        (bound, "that draws a normal with std a; Xavier uniform draws rng.uniform(-a, a) with a = √(6/(n_in+n_out))."),
        (math.sqrt(6 / fan_in) * uniform_std, "√(6/n_in) uses n_in only; Xavier averages both fans: 6/(n_in+n_out)."),
        (6 / (fan_in + fan_out) * uniform_std, "6/(n_in+n_out) is a², the bound is its square root."),
        (6 / fan_in * uniform_std, "the bound is √(6/(n_in + n_out)): a square root, and both fans."),
    ]
    return check_sampler(
        fn,
        (fan_in, fan_out, np.random.default_rng(0)),
        (fan_in, fan_out),
        std,
        "xavier_uniform",
        "a = √(6/(n_in+n_out)); rng.uniform(-a, a, size=(fan_in, fan_out)).",
        wrong=wrong,
        bound=bound,
        bound_hint="a normal has tails; Xavier uniform never goes beyond ±a: draw rng.uniform(-a, a).",
    )


def check_xavier_bound(answer, shape=(3, 3, 64, 128)):
    """The bound a of ``xavier_uniform`` (W ~ U[−a, a]) for a weight of this ``shape`` (a conv kernel counts kh·kw)."""
    from ..init import fans

    fan_in, fan_out = fans(_checks.shape("shape", tuple(shape)))
    truth = math.sqrt(6 / (fan_in + fan_out))
    wrong = []
    if len(shape) == 4:
        channels = shape[2] + shape[3]
        wrong.append((math.sqrt(6 / channels), "a conv kernel's fans count kh·kw too: n_in = kh·kw·in_channels."))
    wrong += [
        (math.sqrt(2 / (fan_in + fan_out)), "that is the std; the bound of U[−a, a] is √3·std."),
        (6 / (fan_in + fan_out), "that is a², the bound is its square root."),
        (math.sqrt(6 / fan_in), "that is He's uniform bound √(6/n_in); Xavier uses n_in + n_out."),
    ]
    return check_number(
        answer,
        truth,
        f"xavier_uniform bound for shape {tuple(shape)}",
        "a = √(6/(n_in + n_out)); iv.fans(shape) gives n_in and n_out.",
        wrong=wrong,
        rtol=0.01,
    )


def pair_factor(fan_in, fan_out):
    """How much Xavier multiplies the forward variance over two linear layers fan_in → fan_out → fan_in."""
    fan_in = _checks.integer("fan_in", fan_in, low=1)
    fan_out = _checks.integer("fan_out", fan_out, low=1)
    var_w = 2.0 / (fan_in + fan_out)
    return (fan_in * var_w) * (fan_out * var_w)


def check_xavier_pair_factor(answer, fan_in=50, fan_out=200):
    """Var(h₂)/Var(h₀) for two linear Xavier layers fan_in → fan_out → fan_in."""
    truth = pair_factor(fan_in, fan_out)
    var_w = 2.0 / (fan_in + fan_out)
    wrong = [
        (1.0, "Xavier keeps the variance only when n_in = n_out; here each layer has its own n_in·Var(W)."),
        (fan_in * var_w, "that is the first layer only; the second multiplies by its own n_in·Var(W) too."),
        (fan_out * var_w, "that is the second layer only; the first multiplies by its own n_in·Var(W) too."),
        ((fan_in + fan_out) * var_w, "the factors of the two layers multiply, they do not add."),
    ]
    return check_number(
        answer,
        truth,
        f"variance factor over {fan_in} → {fan_out} → {fan_in}",
        "each layer multiplies the variance by its own n_in·Var(W); both layers share Var(W) = 2/(n_in+n_out).",
        wrong=wrong,
        rtol=0.01,
    )


def check_sigmoid_gain(answer):
    """The gain g for which g²·σ′(0)² = 1: Xavier's backward condition for sigmoid near 0 (square layers)."""
    slope = float(get_activation("sigmoid").derivative(0.0))
    truth = 1 / slope
    wrong = [
        (slope, "that is σ′(0) itself; the gain has to undo it: g·σ′(0) = 1."),
        (truth**2, "that is g², the factor on n·Var(W); the gain is its square root."),
        (math.sqrt(truth), "g²·σ′(0)² = 1 means g·σ′(0) = 1: no extra square root."),
    ]
    return check_number(
        answer,
        truth,
        "sigmoid gain",
        "with gain g a square layer has n·Var(W) = g², and near 0 sigmoid scales a gradient by σ′(0).",
        wrong=wrong,
        rtol=0.01,
    )


def sigmoid_gain_run(gain, *, depth=30, width=100):
    """A 30-layer sigmoid net with Xavier and with Xavier times the student's ``gain``: does it rescue the gradient?"""
    if gain is None:
        print("Put your gain from exercise 3 in `answer` above, run that cell, then run this one.")
        return
    gain = _checks.number("gain", gain, low=0, low_open=True, high=100)
    rows = [f"{'init':22s} gradient std at layer 1   saturated at layer 1   backward verdict"]
    for spec in ("xavier_normal", f"xavier_normal:gain={gain:g}"):
        p = probe(spec, "sigmoid", depth=depth, width=width)
        rows.append(
            f"{spec:22s} {p.backward.std[0]:24.2g} {p.forward.saturated[0]:21.0%}   {graded(p.backward_verdict)}"
        )
    print("\n".join(rows))


IMAGES = {"03_xavier.png": lambda: activation_depth_figure(("tanh", "sigmoid", "relu"), depth=30, width=100)}
"""The images ``python -m initviz.figures`` writes for this notebook."""
