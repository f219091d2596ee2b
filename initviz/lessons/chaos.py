"""Notebook 06 · The edge of chaos: its figures, its panel and its exercise checks.

The numerics come from ``initviz.chaos`` (the maps, χ₁, χ_c, ξ_c, the phase boundary),
``initviz.random_nets`` (simulated nets and their Jacobians) and ``initviz.trainability`` (the stored
σ_w² × depth grid); this module only draws them and checks the exercises.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks, chaos, trainability
from ..draw import palette
from ..draw.panel import Panel, float_slider, log_slider, toggle
from ..draw.views import DepthProfile, View, figure, freeze_layout, integer_layers, set_state, state_text
from ..init import weight_variance
from ..random_nets import simulate_pair
from ..theory import expect_normal
from ..verdict import judge, power_of_ten
from .answers import check_function, check_number

__all__ = [
    "SIGMA_B2",
    "SHOWCASE",
    "init_sigma_w2",
    "correlation_map_figure",
    "phase_diagram_figure",
    "relu_map_figure",
    "ChaosView",
    "panel",
    "trainability_figure",
    "spectra_figure",
    "training_figure",
    "check_depth_scale",
    "check_chi_1",
    "check_critical_sigma_w2",
]

SIGMA_B2 = 0.05
"""Schoenholz et al.'s bias variance, used throughout parts 1–3."""
SHOWCASE = {"ordered": 1.0, "critical": round(chaos.critical_line(SIGMA_B2), 3), "chaotic": 3.0}
"""One σ_w² per phase at σ_b² = 0.05."""
PAIRS = (0.2, 0.95)
"""Starting correlations of the input pairs: far apart, and nearly alike."""
INITS = (("lecun_normal", "LeCun"), ("xavier_normal", "Xavier"), ("he_normal", "He"), ("normal:std=1", "N(0, 1)"))
W_RANGE, B_RANGE = (0.25, 128.0), (0.0, 0.5)
ACT_LABELS = {"tanh": "tanh", "relu": "ReLU"}
_W_TICKS = (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": palette.BOX_FACE, "ec": "none", "alpha": 0.8}


def init_sigma_w2(spec, width=100):
    """σ_w² = fan_in·Var(W) of an init spec in a square layer of ``width`` (Xavier and LeCun: 1, He: 2)."""
    width = _checks.integer("width", width, low=1)
    return width * weight_variance(spec, (width, width))


def _xi_text(xi):
    return "∞" if math.isinf(xi) else f"{xi:.3g}"


def correlation_map_figure(sigma_b2=SIGMA_B2, *, depth=20, width=300, nets=8):
    """Left: the correlation map c_{l+1}(c_l) in each phase. Right: c_l through depth, theory and a simulated net."""
    fig, axes = figure(1, 2, width=10.5, height=3.5)
    left, right = axes[0]
    c = np.linspace(0, 1, 201)
    layers = np.arange(1, depth + 1)
    colors = palette.ramp(len(SHOWCASE))
    for (name, sigma_w2), color in zip(SHOWCASE.items(), colors):
        x1 = chaos.chi_1(sigma_w2, sigma_b2)
        label = f"σ_w² = {sigma_w2:g} ({name}): χ₁ = {x1:.3f}"
        left.plot(c, chaos.correlation_map(c, sigma_w2, sigma_b2), color=color, lw=1.6, label=label)
        star = chaos.c_star(sigma_w2, sigma_b2)
        left.plot([star], [star], "o", color=color, ms=6)
        q, theory = chaos.pair_propagation(depth, sigma_w2, sigma_b2, c0=np.array(PAIRS))
        measured = simulate_pair(depth, sigma_w2, sigma_b2, c0=PAIRS, width=width, nets=nets)
        for k, marker in zip(range(len(PAIRS)), ("o", "^")):
            right.plot(layers, theory[:, k], color=color, **palette.THEORY)
            right.plot(layers, measured.c[:, k], color=color, marker=marker, ms=3.5, lw=1.0)
    left.plot([0, 1], [0, 1], color=palette.REFERENCE, lw=0.8, ls="--", label="identity: $c_{l+1} = c_l$")
    left.set_xlabel("correlation $c_l$ of two inputs at layer $l$")
    left.set_ylabel("$c_{l+1}$")
    left.set_title(f"tanh, σ_b² = {sigma_b2:g}: the map at q*; dots: fixed points c*", fontsize=9)
    left.legend(fontsize=7.5, loc="upper left")
    right.set_xlabel("layer $l$")
    right.set_ylabel("correlation $c_l$")
    right.set_ylim(0, 1.05)
    integer_layers(right)
    right.set_title(
        f"from c₀ = {PAIRS[0]} (circles) and {PAIRS[1]} (triangles); band: theory, markers: width {width}, "
        f"mean of {nets} nets",
        fontsize=8,
    )
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    return fig


def _diagram(ax, activation, *, width=100, inits=True):
    """ln χ₁ over (σ_w², σ_b²), the critical line and (optionally) where the inits sit; returns (mesh, line)."""
    w = np.geomspace(*W_RANGE, 161)
    b = np.linspace(*B_RANGE, 61)
    log_chi = np.log(chaos.phase_diagram(w, b, activation))
    mesh = ax.pcolormesh(w, b, log_chi, cmap=palette.SIGNED_CMAP, vmin=-2, vmax=2, shading="nearest")
    (line,) = ax.plot(*chaos.critical_curve(activation, sigma_b2_max=B_RANGE[1]), color=palette.REFERENCE, lw=1.6)
    if inits:  # LeCun and Xavier coincide in square layers: a ring round a dot
        style = {"LeCun": {"ms": 12, "mfc": "none", "mew": 2.2}, "Xavier": {"ms": 6, "mec": palette.BOX_FACE}}
        for spec, label in INITS:
            x, color = init_sigma_w2(spec, width), palette.init_color(spec)
            ax.plot([x], [0.0], "o", color=color, clip_on=False, **style.get(label, {"ms": 8, "mec": palette.BOX_FACE}))
            dx, dy, ha = {
                "LeCun": (1, 0.085, "center"),
                "Xavier": (1, 0.04, "center"),
                "N(0, 1)": (0.8, 0.04, "right"),
            }.get(label, (1, 0.04, "center"))
            ax.annotate(label, (x, 0.0), (x * dx, dy), ha=ha, fontsize=8, color=color, bbox=_LABEL_BOX)
    ax.set_xscale("log")
    ax.set_xticks(_W_TICKS, [f"{t:g}" for t in _W_TICKS])
    ax.minorticks_off()
    ax.set_xlim(*W_RANGE)
    ax.set_ylim(B_RANGE[0] - 0.012, B_RANGE[1])
    ax.set_xlabel("σ_w² (weight variance × fan_in)")
    ax.set_ylabel("σ_b² (bias variance)")
    return mesh, line


def phase_diagram_figure(*, width=100):
    """tanh and ReLU side by side: colour ln χ₁ (blue ordered, red χ₁ > 1), the critical line, the inits at σ_b² = 0."""
    fig, axes = figure(1, 2, width=10.5, height=3.7)
    for ax, activation in zip(axes[0], ("tanh", "relu")):
        mesh, _ = _diagram(ax, activation, width=width)
        text = {"fontsize": 8, "color": palette.NEUTRAL, "bbox": _LABEL_BOX, "va": "top"}
        if activation == "tanh":
            sw = chaos.critical_line(SIGMA_B2)
            ax.plot([sw], [SIGMA_B2], "x", color=palette.REFERENCE, ms=7, mew=1.5)
            ax.annotate(
                f"σ_b² = {SIGMA_B2:g}: σ_w² = {sw:.3f}",
                (sw, SIGMA_B2),
                (3.2, 0.16),
                fontsize=7.5,
                bbox=_LABEL_BOX,
                arrowprops={"arrowstyle": "-", "color": palette.NEUTRAL, "lw": 0.8},
            )
            ax.text(0.3, 0.47, "ordered: χ₁ < 1\ninputs grow alike", **text)
            ax.text(6, 0.47, "chaotic: χ₁ > 1\nnearby inputs fly apart", **text)
            ax.set_title("tanh: the edge of chaos χ₁ = 1 (black line)", fontsize=9)
        else:
            ax.text(0.3, 0.47, "χ₁ < 1: q → q*,\ngradients vanish", **text)
            ax.text(4, 0.47, "χ₁ > 1: q explodes,\ninputs still grow alike:\nno chaotic phase", **text)
            ax.set_title("ReLU: χ₁ = σ_w²/2, critical at σ_w² = 2 for every σ_b²", fontsize=9)
    bar = fig.colorbar(mesh, ax=list(axes[0]), shrink=0.9, pad=0.02)
    bar.set_label("ln χ₁", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    fig.suptitle(f"Inits at width {width} (no biases, so σ_b² = 0), bottom edge", fontsize=9)
    return fig


def relu_map_figure():
    """ReLU's correlation map stays above the identity (inputs only grow alike); tanh's chaotic map crosses it."""
    fig, axes = figure(1, 1, width=5.2, height=3.4)
    ax = axes[0, 0]
    c = np.linspace(-1, 1, 201)
    relu = palette.activation_color("relu")
    ax.plot(c, chaos.correlation_map(c, 2.0, 0.0, "relu", q=1.0), color=relu, lw=1.6, label="ReLU, σ_b² = 0, any σ_w²")
    ax.plot(
        c, chaos.correlation_map(c, 1.5, 0.1, "relu"), color=relu, lw=1.4, ls="-.", label="ReLU, σ_w² = 1.5, σ_b² = 0.1"
    )
    tanh = palette.activation_color("tanh")
    ax.plot(c, chaos.correlation_map(c, 3.0, SIGMA_B2), color=tanh, lw=1.4, label=f"tanh, σ_w² = 3, σ_b² = {SIGMA_B2}")
    ax.plot([-1, 1], [-1, 1], color=palette.REFERENCE, lw=0.8, ls="--", label="identity")
    ax.set_xlabel("$c_l$")
    ax.set_ylabel("$c_{l+1}$")
    ax.set_title("above the identity: two inputs grow more alike each layer", fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left")
    return fig


class ChaosView(View):
    """The panel's figure: the phase diagram with the chosen point, and q_l and c_l through depth.

    The diagram's colours and critical line are drawn once per activation (static); the marker, the curves,
    the states (from the verdict: on √q_l, and on 1 − c_l of the nearly alike pair) and the title are dynamic.
    Measured: ``nets`` simulated nets of ``width`` units; theory: ``initviz.chaos.pair_propagation``.
    """

    def __init__(self, *, depth=30, width=200, nets=4, dpi=80):
        super().__init__(figure(1, 3, width=13, height=3.6, gridspec_kw={"width_ratios": [1, 0.9, 1.15]})[0], dpi=dpi)
        self.depth, self.width, self.nets = depth, width, nets
        self.diagram, qax, cax = self.figure.axes
        self.background = {}
        for activation in ACT_LABELS:  # the init markers are the same for both: drawn once
            mesh, line = _diagram(self.diagram, activation, inits=activation == "tanh")
            self.background[activation] = (mesh, line)
        (self.marker,) = self.diagram.plot(
            [1.0], [SIGMA_B2], "*", ms=15, color=palette.REFERENCE, mec=palette.BOX_FACE, clip_on=False, zorder=5
        )
        self.dynamic(self.marker)
        self.q = DepthProfile(qax, ylabel="$\\sqrt{q_l}$: std of pre-activations $z_l$", view=self)
        self.q.ax.set_title(f"{depth} layers of {width}, mean of {nets} nets; band: theory", fontsize=8)
        self.c_lines = []
        for color in palette.ramp(len(PAIRS)):
            (band,) = cax.plot([], [], color=color, **palette.THEORY)
            (dots,) = cax.plot([], [], color=color, **palette.FORWARD)
            self.c_lines.append(self.dynamic(band, dots))
        (self.c_star,) = cax.plot([], [], color=palette.REFERENCE, lw=1.0, ls="--")
        self.dynamic(self.c_star)
        cax.axhline(0, color=palette.NEUTRAL, lw=0.6, zorder=1)  # under the dynamic curves, as blitting draws it
        cax.set_xlim(0.5, depth + 0.5)
        cax.set_ylim(-0.34, 1.06)
        cax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        integer_layers(cax)
        cax.set_xlabel("layer")
        cax.set_ylabel("correlation $c_l$ of two inputs")
        cax.set_title(f"pairs from c₀ = {PAIRS[0]} (light), {PAIRS[1]} (dark); dashed: c*", fontsize=8)
        cax.grid(True, alpha=0.3)
        self.c_state = self.dynamic(state_text(cax, "", y=0.03, va="bottom", fontsize=8))
        widest = "ReLU: σ_w² = 0.000, σ_b² = 0.000  ·  χ₁ = 0.000  ·  ξ_c = 0.000  ·  unbounded"
        self.title = self.dynamic(self.figure.suptitle(widest, fontsize=10))
        self.q.ax.set_ylim(1e-30, 1e30)  # the widest tick labels it can show, for the frozen layout
        self.diagram.set_title("ReLU: colour ln χ₁, black χ₁ = 1", fontsize=9)
        freeze_layout(self.figure)
        self._theory = {}

    def _predict(self, activation, sigma_w2, sigma_b2):
        key = (activation, sigma_w2, sigma_b2)
        if key not in self._theory:
            q, c = chaos.pair_propagation(self.depth, sigma_w2, sigma_b2, activation, c0=np.array(PAIRS))
            star = chaos.c_star(sigma_w2, sigma_b2, activation)
            summary = (chaos.chi_1(sigma_w2, sigma_b2, activation), chaos.depth_scale(sigma_w2, sigma_b2, activation))
            self._theory[key] = (q, c, star, summary, chaos.phase(sigma_w2, sigma_b2, activation))
            if len(self._theory) > 256:
                self._theory.pop(next(iter(self._theory)))
        return self._theory[key]

    def update(self, sigma_w2=1.0, sigma_b2=SIGMA_B2, activation="tanh"):
        _checks.choice("activation", activation, ACT_LABELS)
        for name, (mesh, line) in self.background.items():
            mesh.set_visible(name == activation)
            line.set_visible(name == activation)
        self.diagram.set_title(f"{ACT_LABELS[activation]}: colour ln χ₁, black χ₁ = 1", fontsize=9)
        self.marker.set_data([sigma_w2], [sigma_b2])
        q, c, star, (chi1, xi), phase = self._predict(activation, sigma_w2, sigma_b2)
        measured = simulate_pair(
            self.depth, sigma_w2, sigma_b2, activation, c0=PAIRS, width=self.width, nets=self.nets, seed=0
        )
        color = palette.activation_color(activation)
        self.q.set_color(color)
        self.q.update(np.sqrt(measured.q), theory=np.sqrt(q), verdict=judge(np.sqrt(measured.q)))
        layers = np.arange(1, self.depth + 1)
        for k, (band, dots) in enumerate(self.c_lines):
            band.set_data(layers, c[:, k])
            dots.set_data(layers, measured.c[:, k])
        self.c_star.set_data([0.5, self.depth + 0.5], [star, star])
        apart = np.clip(1.0 - measured.c[:, -1], 0.0, None)
        set_state(self.c_state, judge(apart), prefix=f"c₀ = {PAIRS[-1]}, 1 − c: ")
        self.title.set_text(
            f"{ACT_LABELS[activation]}: σ_w² = {sigma_w2:.3g}, σ_b² = {sigma_b2:.3g}  ·  χ₁ = {chi1:.3g}  ·  "
            f"ξ_c = {_xi_text(xi)}  ·  {phase}"
        )
        return self


def panel():
    """σ_w² (log scale), σ_b² and the activation (:class:`ChaosView`)."""
    controls = {
        "sigma_w2": log_slider("σ_w²", 1.0, 0.25, 100.0, steps_per_decade=20),
        "sigma_b2": float_slider("σ_b²", SIGMA_B2, 0.0, B_RANGE[1], 0.01),
        "activation": toggle("activation", [("tanh", "tanh"), ("ReLU", "relu")]),
    }
    return Panel(ChaosView(), controls)


PANEL_TOUR = [
    {},
    {"sigma_w2": 1.76, "sigma_b2": 0.05},
    {"sigma_w2": 3.0},
    {"sigma_w2": 0.25, "sigma_b2": 0.0},
    {"sigma_w2": 100.0, "sigma_b2": 0.0},
    {"sigma_w2": 100.0, "sigma_b2": 0.5},
    {"sigma_w2": 0.25, "sigma_b2": 0.5},
    {"activation": "relu", "sigma_w2": 2.0, "sigma_b2": 0.0},
    {"activation": "relu", "sigma_w2": 100.0, "sigma_b2": 0.5},
    {"activation": "relu", "sigma_w2": 0.25, "sigma_b2": 0.0},
    {"activation": "tanh", "sigma_w2": 1.0, "sigma_b2": 0.05},
]
"""Settings the panel tests walk through: each phase, all four corners of both sliders, both activations."""


def trainability_figure(stored, *, threshold=trainability.TRAINED):
    """The stored grid's mean test accuracy over σ_w² × depth, with 6·ξ_c and the deepest trained depth."""
    settings = stored["settings"]
    sigma_w2s, depths, mean = trainability.accuracy_table(stored["records"])
    found = trainability.boundary(stored["records"], settings.sigma_b2, threshold=threshold)
    fig, axes = figure(1, 1, width=7.6, height=4.4)
    ax = axes[0, 0]
    edges = lambda v: np.concatenate([[1.5 * v[0] - 0.5 * v[1]], (v[1:] + v[:-1]) / 2, [1.5 * v[-1] - 0.5 * v[-2]]])  # noqa: E731
    mesh = ax.pcolormesh(edges(sigma_w2s), edges(depths), mean, cmap=palette.POSITIVE_CMAP, vmin=0, vmax=1)
    bar = fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.02)
    bar.set_label(f"test accuracy (mean of {stored['seeds']} seeds; chance 0.1)", fontsize=8)
    critical = chaos.critical_line(settings.sigma_b2)
    fine = np.union1d(np.linspace(sigma_w2s[0], sigma_w2s[-1], 49), critical + np.array([-0.05, -0.01, 0.01, 0.05]))
    six_xi = np.array([6 * chaos.depth_scale(s, settings.sigma_b2) for s in fine])
    ax.plot(fine, np.minimum(six_xi, 1e4), color=palette.REFERENCE, lw=1.8, label="6·ξ_c (Schoenholz et al. 2017)")
    ax.axvline(critical, color=palette.REFERENCE, lw=0.8, ls=":", label=f"χ₁ = 1 (σ_w² = {critical:.3f})")
    ax.plot(
        sigma_w2s,
        found.deepest_trained,
        "s",
        ms=5,
        mfc="none",
        mec=palette.REFERENCE,
        label=f"deepest with ≥ {threshold:.0%}",
    )
    ax.set_ylim(edges(depths)[0], edges(depths)[-1])
    ax.set_xlabel("σ_w²")
    ax.set_ylabel("depth L (tanh layers)")
    ax.set_title(
        f"tanh, σ_b² = {settings.sigma_b2:g}, width {settings.width}, {settings.steps} SGD steps (lr {settings.lr:g}, "
        f"batch {settings.batch_size}): {found.agree:.0%} of cells on the side L ≤ 6·ξ_c predicts",
        fontsize=8,
    )
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    return fig


def spectra_figure(spectra, *, floor=1e-16, bins=70):
    """Histograms of log₁₀ of the Jacobian's singular values: ``spectra[(activation, weights)][depth]``.

    One axes per (activation, weights), one curve per depth (light to dark); values below ``floor``
    (ReLU's exact zeros among them) are counted in the corner.
    """
    keys = list(spectra)
    activations = list(dict.fromkeys(k[0] for k in keys))
    kinds = list(dict.fromkeys(k[1] for k in keys))
    fig, axes = figure(len(activations), len(kinds), width=10.5, height=2.5, sharex=True)
    edges = np.linspace(math.log10(floor), 1.5, bins + 1)
    for (activation, kind), found in spectra.items():
        ax = axes[activations.index(activation), kinds.index(kind)]
        notes = []
        for (depth, s), color in zip(sorted(found.items()), palette.ramp(len(found))):
            logs = np.log10(np.maximum(s, 1e-300))
            counts = np.histogram(logs, bins=edges)[0] / len(s)
            ax.stairs(counts, edges, color=color, lw=1.4, label=f"L = {depth}")
            notes.append(f"L={depth}: {np.mean(s < floor):.0%}")
        ax.axvline(0, color=palette.REFERENCE, lw=0.8, ls="--")
        ax.text(
            0.02,
            0.95,
            f"below {power_of_ten(floor)}: {', '.join(notes)}",
            transform=ax.transAxes,
            fontsize=7,
            va="top",
            color=palette.NEUTRAL,
        )
        ax.set_title(f"{ACT_LABELS.get(activation, activation)}, {kind} weights", fontsize=9)
        ax.set_ylabel("share of values", fontsize=8)
        ax.set_ylim(0, None)
        ax.grid(True, alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("log₁₀ singular value of ∂h_L/∂h_0 (dashed: 1)")
    axes[0, -1].legend(fontsize=7, loc="center left")
    return fig


def training_figure(histories, specs, *, window=20, title=""):
    """Training loss (moving mean over ``window`` steps) and test accuracy per seed, one colour per weight family.

    ``histories[name]`` is a list of ``initviz.History`` (one per seed); ``specs[name]`` the init spec the
    colour comes from (``palette.init_color``).
    """
    fig, axes = figure(1, 2, width=10.5, height=3.3)
    loss_ax, acc_ax = axes[0]
    for name, runs in histories.items():
        color = palette.init_color(specs[name])
        for i, h in enumerate(runs):
            smooth = np.convolve(h.loss, np.ones(window) / window, mode="valid")
            label = f"{name} ({len(runs)} seeds)" if i == 0 else None
            loss_ax.plot(np.arange(window, len(h.loss) + 1), smooth, color=color, lw=1.2, label=label)
            acc_ax.plot(h.eval_steps, h.test_accuracy, color=color, **palette.FORWARD, label=label)
    loss_ax.axhline(math.log(10), color=palette.REFERENCE, lw=0.8, ls=":", label="ln 10 (chance)")
    loss_ax.set_ylabel(f"training loss (mean of {window} steps)")
    acc_ax.set_ylabel("test accuracy")
    acc_ax.set_ylim(0, 1)
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=9)
    return fig


# --- exercises ---


def _tanh_slope2(q):
    return expect_normal(lambda x: (1 - np.tanh(x) ** 2) ** 2, q)


def check_depth_scale(answer, sigma_w2=1.2, sigma_b2=SIGMA_B2):
    """ξ_c of a tanh net in the ordered phase: −1/ln χ₁, with χ₁ taken at the fixed point q*."""
    sigma_w2, sigma_b2 = _checks.number("sigma_w2", sigma_w2, low=0), _checks.number("sigma_b2", sigma_b2, low=0)
    if chaos.phase(sigma_w2, sigma_b2) != "ordered":
        raise ValueError(
            f"sigma_w2={sigma_w2:g}, sigma_b2={sigma_b2:g} is not in the ordered phase: choose a smaller sigma_w2"
        )
    truth = chaos.depth_scale(sigma_w2, sigma_b2)
    chi1 = chaos.chi_1(sigma_w2, sigma_b2)
    wrong = [
        (6 * truth, "that is 6·ξ_c, the depth Schoenholz et al. could train; ξ_c itself is a sixth of it."),
        (-1 / math.log(sigma_w2 * _tanh_slope2(1.0)), "χ₁ is taken at the fixed point q*, not at q = 1."),
        (-1 / math.log10(chi1), "ξ_c uses the natural log: −1/ln χ₁."),
        (1 / chi1, "ξ_c = −1/ln χ₁, not 1/χ₁."),
    ]
    hint = "iterate q ← σ_w²·E[tanh(√q z)²] + σ_b² to q*, then χ₁ = σ_w²·E[tanh′(√q* z)²] and ξ_c = −1/ln χ₁."
    return check_number(
        answer, truth, f"depth scale ξ_c at σ_w² = {sigma_w2:g}, σ_b² = {sigma_b2:g}", hint, wrong=wrong, rtol=0.02
    )


_CHI_INPUTS = [(1.0, 0.05), (1.76, 0.05), (3.0, 0.05), (1.5, 0.0), (2.0, 0.3)]


def check_chi_1(fn):
    """The student's ``chi_1(sigma_w2, sigma_b2)`` for tanh, against ``initviz.chaos.chi_1`` (1% tolerance: Monte
    Carlo with a million samples passes)."""

    def at_q1(sw, sb):
        return sw * _tanh_slope2(1.0)

    def no_bias(sw, sb):
        return sw * _tanh_slope2(chaos.q_star(sw, 0.0))

    def unsquared(sw, sb):
        return sw * expect_normal(lambda x: 1 - np.tanh(x) ** 2, chaos.q_star(sw, sb))

    wrong = [
        (at_q1, "take E[tanh′²] at the fixed point q* (iterate the length map first), not at q = 1."),
        (no_bias, "the length map adds σ_b² every layer: q ← σ_w²·E[tanh(√q z)²] + σ_b²."),
        (unsquared, "χ₁ averages the *square* of the slope, tanh′(u)² = (1 − tanh(u)²)²."),
    ]
    return check_function(
        fn,
        lambda sw, sb: chaos.chi_1(sw, sb),
        _CHI_INPUTS,
        "chi_1",
        "q* from q ← σ_w²·mean(tanh(√q·z)²) + σ_b² (50 rounds), then σ_w²·mean((1 − tanh(√q*·z)²)²).",
        wrong=wrong,
        rtol=0.01,
    )


def check_critical_sigma_w2(answer, sigma_b2=0.2):
    """The σ_w² of the edge of chaos for tanh at the given σ_b²."""
    sigma_b2 = _checks.number("sigma_b2", sigma_b2, low=0, high=1)
    truth = chaos.critical_line(sigma_b2)
    wrong = [
        (1.0, "1 is the critical σ_w² without biases; a bias moves q* up and with it the edge."),
        (2.0, "σ_w² = 2 is ReLU's (He's) critical point; tanh's depends on σ_b²."),
        (chaos.critical_line(SIGMA_B2), f"that is the edge at σ_b² = {SIGMA_B2:g}; this one has σ_b² = {sigma_b2:g}."),
        (1 / _tanh_slope2(1.0), "χ₁ must be 1 at the fixed point q* of that σ_w², not at q = 1."),
    ]
    return check_number(
        answer,
        truth,
        f"critical σ_w² at σ_b² = {sigma_b2:g}",
        "bisect on σ_w² in [1, 4]: χ₁(σ_w², σ_b²) < 1 means go up, > 1 go down.",
        wrong=wrong,
        rtol=0.01,
    )


IMAGES = {"06_edge_of_chaos.png": lambda: phase_diagram_figure()}
"""The images ``python -m initviz.figures`` writes for this notebook."""
