"""Notebook 04 · He / Kaiming initialization: its figures, its panel and its exercise checks.

The numerics come from initviz (``probe``, ``theory``, ``init``); this module only draws them and
checks the exercises. A teacher who wants to change notebook 04 edits this file and the notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import _checks
from ..activations import get as get_activation
from ..draw import palette
from ..draw.panel import Panel, dropdown, float_slider, int_slider, toggle
from ..draw.views import DepthProfile, View, figure, freeze_layout, integer_layers
from ..init import gain, weight_variance
from ..probe import layer_widths, probe
from ..theory import predict_layers
from .answers import Checked, check_function, check_number, check_sampler

__all__ = [
    "WIDTH_PATTERNS",
    "init_spec",
    "second_moment_figure",
    "fan_mode_figure",
    "xavier_vs_he_figure",
    "spread_runs",
    "spread_figure",
    "HeView",
    "panel_figure",
    "panel",
    "check_he_leaky_std",
    "check_he_normal",
    "check_relu_second_moment",
    "check_fan_in_gradient_factor",
    "check_xavier_he_depth",
]

WIDTH_PATTERNS = {"funnel": "funnel 256 → 64", "alternating": "alternating 64 ↔ 256", "constant": "constant 128"}
"""The width patterns of the notebook (``initviz.layer_widths``); changing widths make fan_in and fan_out differ."""


def init_spec(init="he", mode="fan_in", activation="relu", negative_slope=0.0):
    """The init spec the notebook means by ``init`` ("xavier" or "he"), e.g. ``"he_normal:mode=fan_out"``.

    He uses the leaky-ReLU gain √(2/(1+a²)) with leaky ReLU, else ReLU's √2 (also for tanh and sigmoid:
    that is He init used where it was not derived for). Xavier has no mode.
    """
    _checks.choice("init", init, ("xavier", "he"))
    _checks.choice("mode", mode, ("fan_in", "fan_out"))
    get_activation(activation)
    negative_slope = _checks.number("negative_slope", negative_slope, low=0, high=1)
    if init == "xavier":
        return "xavier_normal"
    if activation == "leaky_relu":
        return f"he_normal:mode={mode},negative_slope={negative_slope:g}"
    return f"he_normal:mode={mode}"


def second_moment_figure(gains=(1.0, 2.0, 3.0), *, depth=20, width=128, nets=4, n_samples=256):
    """E[h_l²] through ``depth`` ReLU layers for n_in·Var(W) = each of ``gains``: halves, holds, grows."""
    fig, axes = figure(1, 1, width=5.8, height=3.1)
    ax = axes[0, 0]
    layers = np.arange(1, depth + 1)
    named = {1.0: "xavier_normal", 2.0: "he_normal"}  # in square layers Xavier's n·Var(W) is 1, He's 2
    for g in gains:
        p = probe(
            f"normal:std={math.sqrt(g / width):.17g}", "relu", depth=depth, width=width, nets=nets, n_samples=n_samples
        )
        color = palette.init_color(named[g]) if g in named else palette.NEUTRAL
        ax.plot(layers, p.theory.second_moment, color=color, **palette.THEORY)
        label = f"n·Var(W) = {g:g}" + {1.0: " (Xavier, square layers)", 2.0: " (He)"}.get(g, "")
        ax.plot(layers, p.forward.second_moment, color=color, **palette.FORWARD, label=label)
    ax.set_yscale("log")
    integer_layers(ax)
    ax.set_xlabel("layer $l$")
    ax.set_ylabel("$E[h_l^2]$")
    ax.set_title(f"ReLU, width {width}, mean of {nets} nets; pale band: theory", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def fan_mode_figure(pattern="funnel", depth=20, *, activation="relu", negative_slope=0.0, nets=4, n_samples=128):
    """He in fan_in and fan_out mode on a net whose widths change: forward E[h²] and backward Var(dL/dh).

    fan_in keeps the forward second moment flat, fan_out the backward gradient variance; each lets the
    other drift by the ratio of the end widths. Colour: the mode (He's colour for fan_in, a darker shade
    for fan_out); marker style: the direction. Grey steps: the width of each layer.
    """
    _checks.choice("pattern", pattern, WIDTH_PATTERNS)
    widths = layer_widths(pattern, depth)
    fig, axes = figure(1, 2, width=10.5, height=3.3)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    shades = {"fan_in": palette.init_color("he_normal"), "fan_out": palette.HE_FAN_OUT}
    for mode in ("fan_in", "fan_out"):
        p = probe(
            init_spec("he", mode, activation, negative_slope),
            activation,
            widths=widths,
            nets=nets,
            n_samples=n_samples,
            negative_slope=negative_slope,
        )
        for ax, style, measured, theory in (
            (forward, palette.FORWARD, p.forward.second_moment, p.theory.second_moment),
            (backward, palette.BACKWARD, p.backward.std**2, p.theory.gradient_std**2),
        ):
            ax.plot(layers, theory, color=shades[mode], **palette.THEORY)
            ax.plot(layers, measured, color=shades[mode], **style, label=f"He, {mode}")
    forward.set_title("forward: second moment $E[h_l^2]$", fontsize=10)
    backward.set_title(r"backward: gradient variance Var($\partial L/\partial h_l$)", fontsize=10)
    for ax in (forward, backward):
        twin = ax.twinx()
        twin.step(layers, widths[1:], where="mid", color=palette.INIT_COLORS["constant"], lw=1, alpha=0.7)
        twin.set_ylabel("width $n_l$ (grey steps)", fontsize=8, color=palette.NEUTRAL)
        twin.tick_params(labelsize=7)
        twin.set_ylim(0, max(widths) * 1.15)
        ax.set_yscale("log")
        integer_layers(ax)
        ax.set_xlabel("layer $l$")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper center", fontsize=8, ncol=2, title="markers: measured · band: theory", title_fontsize=7)
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * 4)  # room for the legend above the lines
    fig.suptitle(f"{activation}, widths {WIDTH_PATTERNS[pattern]}, {depth} layers (mean of {nets} nets)", fontsize=10)
    return fig


def xavier_vs_he_figure(depth=30, width=128, *, n_samples=256, seed=0):
    """Xavier against He on a ReLU net of constant ``width``: forward E[h²] and backward Var(dL/dh) per layer.

    Both inits draw the same numbers, only scaled (``initviz.probe``), so their ratio at layer l is 2^−l.
    """
    fig, axes = figure(1, 2, width=10.5, height=3.4)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    ends = {}
    for spec, label in (("xavier_normal", "Xavier: Var(W) = 2/(n_in+n_out)"), ("he_normal", "He: Var(W) = 2/n_in")):
        p = probe(spec, "relu", depth=depth, width=width, n_samples=n_samples, seed=seed)
        color = palette.init_color(spec)
        forward.plot(layers, p.theory.second_moment, color=color, **palette.THEORY)
        forward.plot(layers, p.forward.second_moment, color=color, **palette.FORWARD, label=label)
        backward.plot(layers, p.theory.gradient_std**2, color=color, **palette.THEORY)
        backward.plot(layers, p.backward.std**2, color=color, **palette.BACKWARD, label=label)
        ends[spec] = p.forward.second_moment[-1]
    forward.set_title(f"forward: second moment $E[h_l^2]$ (ReLU, width {width})", fontsize=10)
    backward.set_title(r"backward: gradient variance Var($\partial L/\partial h_l$)", fontsize=10)
    log2_ratio = np.log2(ends["xavier_normal"] / ends["he_normal"])
    forward.text(
        0.03,
        0.05,
        f"layer {depth}: Xavier / He = 2^{log2_ratio:.1f} (theory 2^-{depth})",
        transform=forward.transAxes,
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.2", "fc": palette.BOX_FACE, "ec": palette.NEUTRAL},
    )
    for ax, where in ((forward, "center right"), (backward, "lower right")):
        ax.set_yscale("log")
        integer_layers(ax)
        ax.set_xlabel("layer $l$")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc=where, fontsize=8, title="markers: measured · band: theory", title_fontsize=7)
    return fig


@lru_cache(maxsize=16)
def _spread_runs(width, depth, nets, n_samples):
    runs = np.stack(
        [
            probe("he_normal", "relu", depth=depth, width=width, n_samples=n_samples, seed=s).forward.second_moment
            for s in range(nets)
        ]
    )
    runs.flags.writeable = False  # cached: shared between the figure and the notebook's tables
    return runs


def spread_runs(width, *, depth=30, nets=200, n_samples=64):
    """E[h_l²] of each of ``nets`` He-initialized ReLU nets of constant ``width``: shape (nets, depth).

    Net s is ``initviz.probe("he_normal", "relu", ..., seed=s)`` and its value at layer l the mean of h_l²
    over its ``n_samples`` inputs and ``width`` units. Cached, read-only.
    """
    width = _checks.integer("width", width, low=1, high=4096)
    depth = _checks.integer("depth", depth, low=1, high=200)
    nets = _checks.integer("nets", nets, low=2, high=2000)
    n_samples = _checks.integer("n_samples", n_samples, low=1, high=10_000)
    return _spread_runs(width, depth, nets, n_samples)


def spread_figure(widths=(16, 64, 256), *, depth=30, nets=200, n_samples=64):
    """One net is not the average: log₂ E[h_l²] of ``nets`` He-initialized ReLU nets per width.

    E[h²] is kept in expectation at any width, but each net's value wanders, roughly log-normally, with
    a log-variance that grows like Σ 1/n_l (Hanin & Rolnick 2018): narrow deep nets wander most.
    The band spans the middle 90% of the nets; the line is their median.
    """
    fig, axes = figure(1, 1, width=9.6, height=3.4)
    ax = axes[0, 0]
    layers = np.arange(1, depth + 1)
    for width in sorted(widths, reverse=True):  # the widest first: the probe's cache then ends up holding small draws
        spread_runs(width, depth=depth, nets=nets, n_samples=n_samples)
    for width, color in zip(widths, palette.ramp(len(widths))):
        runs = np.log2(spread_runs(width, depth=depth, nets=nets, n_samples=n_samples))
        low, mid, high = np.percentile(runs, [5, 50, 95], axis=0)
        ax.fill_between(layers, low, high, color=color, alpha=0.25, lw=0)
        label = f"width {width}: Σ1/n = {depth / width:.2f}\nstd of log₂ at layer {depth}: {runs[:, -1].std():.2f}"
        ax.plot(layers, mid, color=color, **palette.FORWARD, label=label)
    ax.axhline(0, color=palette.REFERENCE, lw=0.8, ls="--", label="0 = log₂ 1: the mean over\nnets, kept at any width")
    integer_layers(ax)
    ax.set_xlabel("layer $l$")
    ax.set_ylabel("log₂ $E[h_l^2]$ of one net")
    ax.set_title(f"He init, ReLU: {nets} nets per width (line: median, band: middle 90%)", fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), labelspacing=0.9)
    return fig


_PANEL_INITS = [("xavier", "fan_in"), ("he", "fan_in"), ("he", "fan_out")]


@lru_cache(maxsize=64)
def _panel_limits(depth, activation):
    """The panel's y-limits for ``depth`` and ``activation``: the theory's envelope over every other setting.

    Init, mode, width pattern and slope never move the axes, so switching them redraws no background and
    Xavier and He are seen on the same scale. Half a decade of margin round the envelope (a mean of a few
    finite nets wanders round its theory line), a sixth more decades on top for the state box.
    """
    low, high = np.inf, 0.0
    slopes = (0.0, 1.0) if activation == "leaky_relu" else (0.0,)  # leaky: the profile is monotone in a
    for pattern in WIDTH_PATTERNS:
        sizes = layer_widths(pattern, depth)
        for (init, mode), a in ((im, a) for im in _PANEL_INITS for a in slopes):
            spec = init_spec(init, mode, activation, a)
            variances = [weight_variance(spec, shape) for shape in zip(sizes[:-1], sizes[1:])]
            t = predict_layers(sizes, variances, activation, negative_slope=a)
            values = np.concatenate([t.activation_std, t.gradient_std])
            values = values[np.isfinite(values) & (values > 0)]
            if values.size:
                low, high = min(low, values.min()), max(high, values.max())
    if not high:  # nothing drawable (cannot happen for these inits): a plain window round 1
        low, high = 1e-3, 1e1
    lo_d, hi_d = math.log10(low) - 0.5, math.log10(high) + 0.5
    hi_d += max(0.5, (hi_d - lo_d) / 6)
    return 10.0 ** math.floor(lo_d), 10.0 ** math.ceil(hi_d)


class HeView(View):
    """The panel's figure: forward activation std and backward gradient std per layer, measured and predicted.

    The net is bias-free, ``depth`` layers whose widths follow a pattern; it gets ``n_samples`` randn inputs
    and a randn gradient at the top. Measured values are the mean of ``nets`` nets (the root of their mean
    variance). Each axes names its state with the verdict (``initviz.verdict``). The y-limits depend on the
    depth and the activation only (:func:`_panel_limits`).
    """

    def __init__(self, *, nets=4, n_samples=16, dpi=80):
        super().__init__(figure(1, 2, width=10.5, height=3.4)[0], dpi=dpi)
        self.nets, self.n_samples = nets, n_samples
        axes = self.figure.axes
        self.forward = DepthProfile(axes[0], ylabel="std of activations $h_l$", view=self)
        self.backward = DepthProfile(
            axes[1], ylabel=r"std of $\partial L/\partial h_l$", direction="backward", view=self
        )
        axes[0].set_title(f"forward · dots: mean of {nets} nets, {n_samples} inputs · band: theory", fontsize=9)
        axes[1].set_title("backward, from a randn gradient at the top", fontsize=9)
        self.title = self.dynamic(self.figure.suptitle("Var(W) = gain²/n_in", fontsize=10))
        self.activation_label = ""
        for ax in axes:
            ax.set_ylim(1e-30, 1e30)  # the widest tick labels it can show, for the frozen layout
        freeze_layout(self.figure, positions=True)

    def update(self, init="he", mode="fan_in", negative_slope=0.1, activation="relu", depth=30, widths="funnel"):
        spec = init_spec(init, mode, activation, negative_slope)
        sizes = layer_widths(widths, depth)
        p = probe(
            spec, activation, widths=sizes, nets=self.nets, n_samples=self.n_samples, negative_slope=negative_slope
        )
        limits = _panel_limits(depth, activation)
        for profile in (self.forward, self.backward):
            profile.set_color(palette.init_color(spec))
        self.forward.update(p.forward.std, theory=p.theory.activation_std, verdict=p.forward_verdict)
        self.backward.update(p.backward.std, theory=p.theory.gradient_std, verdict=p.backward_verdict)
        for profile in (self.forward, self.backward):
            profile.ax.set_ylim(*limits)
        self.activation_label = get_activation(activation, negative_slope).label  # for panel_figure's title
        if init == "xavier":
            rule = "Xavier: Var(W) = 2/(n_in+n_out)"
        else:
            g2 = gain("leaky_relu", negative_slope) ** 2 if activation == "leaky_relu" else 2.0
            rule = f"He, {mode}: Var(W) = {g2:.3g}/{'n_in' if mode == 'fan_in' else 'n_out'}"
        # short: each glyph of a dynamic text costs ~0.1 ms per redraw (the controls name the activation)
        self.title.set_text(rule)
        return self


def panel_figure(**settings):
    """The panel's view for ``settings`` (its defaults if none) as a static figure, for readers without widgets.

    Its title also names the activation and the width pattern, which the live panel shows in its controls.
    """
    view = HeView().update(**settings)
    pattern = settings.get("widths", "funnel")
    view.title.set_text(f"{view.title.get_text()}  ·  {view.activation_label}  ·  widths {WIDTH_PATTERNS[pattern]}")
    return view.figure


def panel(*, max_depth=50):
    """Xavier or He, fan_in or fan_out, leaky-ReLU slope, activation, depth and width pattern (:class:`HeView`).

    Depth redraws when its slider is let go: a new depth moves the x-axis, which redraws the background.
    """
    max_depth = _checks.integer("max_depth", max_depth, low=2, high=200)
    controls = {
        "init": toggle("init", [("Xavier", "xavier"), ("He", "he")], "he"),
        "mode": toggle("He mode", [("fan_in", "fan_in"), ("fan_out", "fan_out")]),
        "activation": dropdown(
            "activation", [("ReLU", "relu"), ("leaky ReLU", "leaky_relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid")]
        ),
        "negative_slope": float_slider("leaky ReLU slope a", 0.1, 0.0, 1.0, 0.01),
        "depth": int_slider("depth (layers)", min(30, max_depth), 1, max_depth, on_release=True),
        "widths": dropdown("layer widths", [(label, key) for key, label in WIDTH_PATTERNS.items()]),
    }
    slope = controls["negative_slope"]
    slope.disabled = True  # the slope matters only for leaky ReLU; greyed out otherwise

    def enable_slope(change):
        slope.disabled = change["new"] != "leaky_relu"

    controls["activation"].observe(enable_slope, names="value")
    return Panel(HeView(), controls)


PANEL_TOUR = [
    {},
    {"init": "xavier", "depth": 50, "widths": "constant"},
    {"init": "he", "mode": "fan_out", "widths": "alternating"},
    {"activation": "leaky_relu", "negative_slope": 0.5},
    {"activation": "leaky_relu", "negative_slope": 1.0, "init": "xavier"},
    {"activation": "tanh", "depth": 1},
    {"activation": "sigmoid", "depth": 50, "init": "he"},
    {"activation": "relu", "depth": 2, "widths": "funnel"},
]
"""Settings the panel tests walk through: limit changes, every activation, both inits and modes, the extremes."""


# --- exercises ---


def check_he_leaky_std(answer, negative_slope=0.2, fan_in=512):
    """The std of ``kaiming_normal_(w, a=negative_slope)`` (He normal, fan_in mode) for a leaky-ReLU layer."""
    fan_in = _checks.integer("fan_in", fan_in, low=1)
    a = _checks.number("negative_slope", negative_slope, low=0, high=1)
    truth = gain("leaky_relu", a) / math.sqrt(fan_in)
    wrong = [
        (math.sqrt(2 / fan_in), "that is ReLU's gain √2; leaky ReLU's is √(2/(1 + a²))."),
        (2 / (1 + a * a) / fan_in, "that is the variance; the std is its square root."),
        (truth / math.sqrt(2), "the numerator is 2/(1 + a²), not 1/(1 + a²)."),
    ]
    return check_number(
        answer,
        truth,
        f"He normal std for leaky ReLU (a={a:g}), fan_in {fan_in}",
        "std = gain/√fan_in with gain = √(2/(1 + a²)).",
        wrong=wrong,
        rtol=0.01,
    )


def check_he_normal(fn, fan_in=400, fan_out=300):
    """The student's ``he_normal(fan_in, fan_out, rng)``, checked by the statistics of one large draw."""
    std = math.sqrt(2 / fan_in)
    wrong = [
        (math.sqrt(2 / fan_out), "He's fan_in mode divides by n_in, the number of inputs of a unit."),
        (2 / fan_in, "2/n_in is the variance; rng.normal takes the std, its square root."),
        (math.sqrt(1 / fan_in), "that is LeCun's 1/n_in; ReLU zeroes half its inputs, so He doubles it."),
        (math.sqrt(2 / (fan_in + fan_out)), "that is Xavier's 2/(n_in + n_out); He uses n_in only."),
    ]
    return check_sampler(
        fn,
        (fan_in, fan_out, np.random.default_rng(0)),
        (fan_in, fan_out),
        std,
        "he_normal",
        "W ~ N(0, 2/n_in): rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).",
        wrong=wrong,
    )


def _relu_second_moment(z):
    return float(np.mean(np.maximum(z, 0.0) ** 2))


def check_relu_second_moment(fn):
    """The student's ``relu_second_moment(z)`` = E[relu(z)²] of a sample z, the step that gives He's 2.

    When it is right, a second line turns it into He's rule: on a symmetric z it gives E[relu(z)²] = Var(z)/2,
    so a layer multiplies Var(z) by n_in·Var(W)/2, which stays 1 for Var(W) = 2/n_in.
    """
    rng = np.random.default_rng(1)
    inputs = [(rng.normal(0, s, 100_000),) for s in (1.0, 3.0)] + [(rng.uniform(-2, 2, 100_000),)]
    wrong = [
        (
            lambda z: float(np.var(np.maximum(z, 0.0))),
            "that is Var(relu(z)); the layer's sum needs the second "
            "moment E[h²], because ReLU outputs do not have mean 0.",
        ),
        (lambda z: float(np.mean(np.maximum(z, 0.0))) ** 2, "square each output first, then take the mean."),
        (lambda z: float(np.mean(z**2)), "apply ReLU first: it sets the negative half to 0."),
    ]
    result = check_function(
        fn,
        _relu_second_moment,
        inputs,
        "relu_second_moment",
        "E[relu(z)²] = np.mean(np.maximum(z, 0) ** 2); for symmetric z it is Var(z)/2.",
        wrong=wrong,
        rtol=1e-6,
    )
    if not result:
        return result
    z = np.concatenate([inputs[0][0], -inputs[0][0]])  # symmetric: z and −z equally often
    share = float(fn(z)) / float(np.var(z))
    follow = (
        f"On a symmetric sample it gives E[relu(z)²] = {share:.3f}·Var(z), so a layer multiplies Var(z) by "
        f"n_in·Var(W)·{share:.3f}: that is 1 for Var(W) = 1/({share:.3f}·n_in) = {1 / share:.2f}/n_in, He's 2/n_in."
    )
    print(follow)
    return Checked(True, result.message + "\n" + follow)


def check_fan_in_gradient_factor(answer, widths):
    """In a ReLU net with He fan_in weights and ``widths``, Var(dL/dh) at layer 1 over the top layer's."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 3:
        raise ValueError(f"widths needs at least two layers [n_0, n_1, n_2], got {list(widths)}")
    truth = widths[-1] / widths[1]
    wrong = [(1 / truth, "that is the top over layer 1; the question asks layer 1 over the top.")]
    return check_number(
        answer,
        truth,
        "gradient variance factor, layer 1 over the top layer",
        "through layer l the gradient variance gains n_l·Var(W_l)/2 = n_l/n_(l−1) in fan_in mode; "
        "multiply from the top down to layer 1 and most factors cancel.",
        wrong=wrong,
        rtol=0.01,
    )


def check_xavier_he_depth(answer, ratio=1e-6):
    """The smallest depth at which Xavier's E[h²] is at most ``ratio`` times He's (ReLU, square layers)."""
    ratio = _checks.number("ratio", ratio, low=0, low_open=True, high=1, high_open=True)
    truth = math.ceil(-math.log2(ratio))
    if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int)):
        raise TypeError(f"answer must be an int (a number of layers), got {answer!r}")
    wrong = [
        (
            truth - 1,
            f"at depth {truth - 1} the ratio is 2^-{truth - 1} = {2.0 ** -(truth - 1):.3g}, still above {ratio:g}.",
        ),
        (math.ceil(-math.log2(ratio) / 2), "E[h²] halves per layer, not its std."),
    ]
    return check_number(
        answer, truth, "depth", f"solve 2^-L ≤ {ratio:g} for the smallest whole L.", wrong=wrong, rtol=1e-9
    )


IMAGES = {"04_he.png": lambda: xavier_vs_he_figure(depth=30, width=128)}
"""The images ``python -m initviz.figures`` writes for this notebook."""
