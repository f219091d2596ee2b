"""Notebook 07 · The cures: batch norm, residual connections, LSUV and Adam. Its figures, tables and checks.

The numerics come from initviz (``MLP`` with ``norm``/``residual``/``branch_scale``, ``lsuv``, ``train`` with
Adam, ``record_training``, ``experiment.cures_grid``); this module draws them, turns the grid's records into
tables and checks the exercises. The full grid is stored in ``initviz/results/cures.json``, made by
``python -m initviz.experiment --grid cures --out out/`` (see :func:`stored_records`).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import _checks
from ..diagnostics import KARPATHY_RATIO
from ..diagnostics import update_ratio as _update_ratio
from ..draw import palette
from ..draw.panel import Panel, dropdown, int_slider, progress_bar, toggle
from ..draw.views import DepthProfile, View, figure, freeze_layout, heatmap, integer_layers, state_text
from ..experiment.cures import (
    LIVE,
    STORED,
    _inits,
    _rows,
    _treatments,
    accuracy,
    bn_relative_steps,
    cell_table,
    compare_live,
    init_table,
    live_configs,
    robustness_table,
    scale_invariance,
    stored_records,
    stream_profile,
    stream_theory,
)
from ..init import init_label
from ..mlp import MLP
from ..stats import layer_stats
from ..verdict import judge
from .answers import check_function, check_number

__all__ = [
    "STORED",
    "stored_records",
    "cell_table",
    "accuracy",
    "heatmap_figure",
    "loss_curves_figure",
    "stream_figure",
    "stream_profile",
    "scale_invariance",
    "scale_invariance_figure",
    "diagnostics_figure",
    "robustness_table",
    "ratio_summary",
    "grid_figures",
    "progress",
    "StreamView",
    "panel",
    "stream_theory",
    "init_table",
    "bn_relative_steps",
    "LIVE",
    "live_configs",
    "compare_live",
    "check_batch_norm",
    "check_update_ratio",
    "check_initial_loss",
    "check_stream_growth",
]

CELLS = (("relu", 30), ("sigmoid", 5))
LN10 = math.log(10)


def heatmap_figure(records):
    """Mean test accuracy of every init × cure, ReLU depth 30 and sigmoid depth 5; grey: every seed diverged."""
    cells = [c for c in CELLS if _rows(records, *c)]
    cures, inits = _treatments(records), _inits(records)
    fig, axes = figure(1, len(cells), width=6.3 * len(cells), height=3.9)
    for ax, (act, depth) in zip(axes[0], cells):
        grid = np.full((len(inits), len(cures)), np.nan)
        notes = np.full(grid.shape, "", dtype=object)
        for row in _rows(records, act, depth):
            i, j = inits.index(row["base_init"]), cures.index(row["treatment"])
            if row["diverged"] == row["runs"]:
                notes[i, j] = "diverged"
                continue
            grid[i, j] = row["mean"]
            notes[i, j] = f"{100 * row['mean']:.0f}%" + (
                f"\n{row['diverged']}/{row['runs']} div." if row["diverged"] else ""
            )
        image = heatmap(
            ax,
            grid,
            title=f"{act}, depth {depth}: test accuracy (mean of seeds)",
            signed=False,
            limits=(0, 1),
            colorbar=False,
        )
        image.set_cmap(image.get_cmap().with_extremes(bad=palette.MISSING))
        for (i, j), note in np.ndenumerate(notes):
            dark = np.isfinite(grid[i, j]) and grid[i, j] < 0.6
            ax.text(
                j, i, note, ha="center", va="center", fontsize=7, color=palette.BOX_FACE if dark else palette.REFERENCE
            )
        ax.set_xticks(range(len(cures)), cures, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(len(inits)), [init_label(i) for i in inits], fontsize=8)
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, pad=0.01)
    bar.set_label("test accuracy", fontsize=8)
    return fig


def _curves(records, init, cure, act, depth):
    runs = [r for r in records if r.get("base_init", r["init"]) == init and r.get("treatment", "plain") == cure]
    runs = [r for r in runs if r["activation"] == act and r["depth"] == depth]
    if not runs:
        return None, None, []
    every = runs[0]["loss_every"]
    curves = np.array([[np.nan if v is None else v for v in r["loss_curve"]] for r in runs], dtype=float)
    steps = every * (np.arange(curves.shape[1]) + 1)
    return steps, curves, [r["diverged_at"] for r in runs if r["diverged"]]


def loss_curves_figure(records, cures=None, *, activation="relu", depth=30, top=4.0):
    """Training loss of every init under each cure: mean over seeds (line) and min–max band; ✕ = diverged.

    Losses are means over windows of 20 steps (as stored); the dashed line is ln 10, a uniform guess.
    """
    cures = cures or _treatments(records)
    cols = min(len(cures), 4)
    rows = math.ceil(len(cures) / cols)
    fig, axes = figure(rows, cols, width=3.1 * cols + 0.4, height=2.5, sharey=True)
    for ax in axes.ravel()[len(cures) :]:
        ax.set_visible(False)
    for ax, cure in zip(axes.ravel(), cures):
        for init in _inits(records):
            steps, curves, diverged = _curves(records, init, cure, activation, depth)
            if steps is None:
                continue
            color = palette.init_color(init)
            with np.errstate(all="ignore"):
                shown = np.minimum(curves, top)
            alive = np.isfinite(shown).any(axis=0)  # a seed that diverged leaves the others' curve
            if alive.any():
                part = shown[:, alive]
                low, high = np.nanmin(part, axis=0), np.nanmax(part, axis=0)
                mean = np.array([col[np.isfinite(col)].mean() for col in part.T])
                ax.fill_between(steps[alive], low, high, color=color, alpha=0.2, lw=0)
                ax.plot(steps[alive], mean, color=color, lw=1.3)
            for at in diverged:
                ax.plot([max(at, 1)], [top], marker="x", color=color, ms=7, mew=2, clip_on=False, ls="none")
        ax.axhline(LN10, color=palette.REFERENCE, lw=0.8, ls="--")
        ax.set_title(cure, fontsize=9)
        ax.set_ylim(0, top * 1.03)  # a loss above ``top`` runs along the top edge
        ax.set_xscale("log")
        ax.set_xlim(1, max(r["steps"] for r in records))
        ax.set_xlabel("step", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("training loss", fontsize=8)
    handles = [Line2D([], [], color=palette.init_color(i), lw=1.6, label=init_label(i)) for i in _inits(records)]
    fig.legend(handles=handles, loc="outside lower center", ncol=6, fontsize=7)
    fig.suptitle(
        f"{activation}, depth {depth}: training loss (line: mean of seeds, band: min–max, ✕ diverged, -- ln 10; "
        f"a loss above {top:g} runs along the top edge)",
        fontsize=9,
    )
    return fig


# --- signal at init: residual streams, batch norm's scale invariance ---


def stream_figure(init="he_normal", *, depth=30, width=100):
    """Residual stream std per block at init: no scaling doubles Var per block; 1/√L and zero-init keep it."""
    fig, axes = figure(1, 1, width=6.4, height=3.4)
    ax = axes[0, 0]
    layers = np.arange(1, depth + 1)
    settings = [(None, "h + f(h)"), ("1/sqrt(L)", "h + f(h)/√L"), ("zero", "h + f(h), f's last layer 0 (Fixup/ReZero)")]
    for (scale, label), color in zip(settings, palette.ramp(len(settings))):
        std, verdict = stream_profile(init, depth=depth, width=width, branch_scale=scale)
        ax.plot(layers, std, color=color, **palette.FORWARD, label=f"{label}: {verdict}")
    ax.plot(
        layers,
        2.0 ** ((layers - 1) / 2) * stream_profile(init, depth=1, width=width)[0][0],
        color=palette.REFERENCE,
        lw=0.8,
        ls="--",
        label="×√2 per block (Var doubles)",
    )
    ax.set_yscale("log")
    integer_layers(ax)
    ax.set_xlabel("layer $l$ (layer 1 maps the input to the width; then one block per layer)")
    ax.set_ylabel("std of the stream $t_l$")
    ax.set_title(f"residual ReLU net at init, {init_label(init)}, width {width}, no normalization", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    return fig


def scale_invariance_figure(**kw):
    """The loss of a BN net does not depend on its weights' scale c; the relative step does, like 1/c²."""
    scales, losses, ratios = scale_invariance(**kw)
    fig, axes = figure(1, 2, width=9.5, height=3.0)
    left, right = axes[0]
    he_std = math.sqrt(2 / 100)
    marks = {"normal:std=0.01": 0.01 / he_std, "xavier_normal": 1 / math.sqrt(2), "normal:std=1": 1 / he_std}
    left.plot(scales, losses, color=palette.init_color("he_normal"), **palette.FORWARD)
    left.set_ylim(0, 2 * max(losses))
    left.set_ylabel("loss at init")
    right.plot(
        scales, ratios, color=palette.init_color("he_normal"), **palette.FORWARD, label="measured, a middle layer"
    )
    slope = ratios[list(scales).index(1.0)] - 2 * np.log10(scales) if 1.0 in scales else None
    if slope is not None:
        right.plot(scales, slope, color=palette.REFERENCE, lw=0.8, ls="--", label="slope −2 (∝ 1/c²)")
    right.axhline(KARPATHY_RATIO, color=palette.NEUTRAL, lw=0.8, ls=":", label="−3 (rule of thumb)")
    right.set_ylabel("log₁₀ lr·‖∇W‖/‖W‖ (lr 0.01)")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("c: every hidden W scaled by c (1 = He)")
        ax.grid(True, alpha=0.3)
        for init, c in marks.items():
            ax.axvline(c, color=palette.init_color(init), lw=1.2, alpha=0.8)
            ax.text(
                c,
                0.02,
                " " + init_label(init),
                rotation=90,
                fontsize=7,
                transform=ax.get_xaxis_transform(),
                color=palette.init_color(init),
                va="bottom",
            )
    right.legend(fontsize=7, loc="upper right")
    left.set_title("batch-normalized ReLU net: the loss ignores c", fontsize=9)
    right.set_title("but the relative step shrinks like 1/c²", fontsize=9)
    return fig


# --- the panel: a residual stream at init ---

PANEL_INITS = [
    ("He", "he_normal"),
    ("Xavier", "xavier_normal"),
    ("standard U(±1/√n)", "standard_uniform"),
    ("N(0, 0.01²)", "normal:std=0.01"),
    ("N(0, 1)", "normal:std=1"),
]
PANEL_SCALES = [("none (α = 1)", "1"), ("α = 1/√L", "1/sqrt(L)"), ("α = 0.1", "0.1"), ("zero last layer", "zero")]


def _branch(scale):
    return None if scale == "1" else (scale if scale in ("1/sqrt(L)", "zero") else float(scale))


class StreamView(View):
    """The panel's figure: the std of a residual ReLU net's stream after each layer at init, with the theory."""

    def __init__(self, *, width=100, n_samples=256, dpi=80):
        super().__init__(figure(1, 1, width=6.6, height=3.3)[0], dpi=dpi)
        self.width, self.n_samples = width, n_samples
        ax = self.figure.axes[0]
        self.profile = DepthProfile(ax, ylabel="std of the stream $t_l$", view=self, label="measured (one net)")
        ax.legend(loc="lower right", fontsize=7)
        self.title = self.dynamic(self.figure.suptitle("t ← t + α·relu(t)·W", fontsize=9))
        ax.set_ylim(1e-30, 1e30)  # the widest tick labels it will show, for the frozen layout
        ax.set_xlabel("layer $l$ (layer 1 maps the input to the width; then one block per layer)")
        freeze_layout(self.figure)
        self._cache = {}

    def update(self, init="he_normal", scale="1", depth=30):
        key = (init, scale, depth)
        if key not in self._cache:
            net = MLP([self.width] * (depth + 1) + [10], "relu", init, residual=True, branch_scale=_branch(scale))
            x = np.random.default_rng(0).standard_normal((self.n_samples, self.width)).astype(np.float32)
            stats = layer_stats(net.forward_streams(x))
            if len(self._cache) >= 24:  # settings a student toggles between stay cached
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = (stats, judge(stats.std, finite=stats.finite))
        stats, verdict = self._cache[key]
        theory = stats.std[0] * np.sqrt(stream_theory(init, depth, self.width, scale))
        self.profile.set_color(palette.init_color(init))
        self.profile.update(stats.std, theory=theory, verdict=verdict)
        label = dict((v, k) for k, v in PANEL_SCALES)[scale]
        self.title.set_text(f"{init_label(init)}, width {self.width}, {depth} layers, branch scale: {label}")
        return self


def panel(*, max_depth=50):
    """A residual ReLU net at init: init, branch scale and depth (:class:`StreamView`)."""
    max_depth = _checks.integer("max_depth", max_depth, low=2, high=200)
    controls = {
        "init": dropdown("init", PANEL_INITS),
        "scale": toggle("branch scale", PANEL_SCALES),
        "depth": int_slider("depth (layers)", min(30, max_depth), 2, max_depth, on_release=True),
    }
    return Panel(StreamView(), controls)


PANEL_TOUR = [
    {},
    {"scale": "1/sqrt(L)"},
    {"scale": "zero", "depth": 50},
    {"init": "normal:std=1", "scale": "1"},
    {"init": "normal:std=0.01", "scale": "0.1", "depth": 2},
    {"init": "xavier_normal", "scale": "1/sqrt(L)", "depth": 40},
    {"init": "standard_uniform", "scale": "1", "depth": 10},
]
"""Settings the panel tests walk through: every init and scale, the depth's extremes, an overflow (N(0, 1))."""


# --- diagnostics during training ---


def _at_init_verdict(diag):
    return judge(diag.std[0], means=diag.mean[0], dead=diag.dead[0], saturated=diag.saturated[0])


def diagnostics_figure(diagnostics, *, activation="relu"):
    """For each recorded run (a dict label → ``initviz.Diagnostics``): per layer over the steps, the activation
    std (log₁₀), the mean, the dead (ReLU) or saturated (tanh/sigmoid) share, and the update-to-weight ratio.

    The verdict on the activations at init (``initviz.judge``) heads each column.
    """
    items = list(diagnostics.items())
    means = np.concatenate([np.abs(d.mean[np.isfinite(d.mean)]) for _, d in items])
    top = max(float(means.max()), 1e-3) if means.size else 1.0  # one colour scale for every column
    fig, axes = figure(4, len(items), width=3.2 * len(items) + 0.8, height=2.1)
    share = "dead" if activation in ("relu", "leaky_relu") else "saturated"
    for col, (label, d) in enumerate(items):
        std_ax, mean_ax, share_ax, ratio_ax = axes[:, col]
        extent = dict(aspect="auto", interpolation="nearest", origin="lower")
        last = d.steps[-1]
        box = [0, last, 0.5, d.layers + 0.5]
        with np.errstate(divide="ignore", invalid="ignore"):
            logstd = np.log10(d.std.T)
        shown = np.where(np.isfinite(logstd), logstd, np.nan)
        std_ax.imshow(shown, cmap=palette.POSITIVE_CMAP, vmin=-6, vmax=2, extent=box, **extent)
        mean_ax.imshow(d.mean.T, cmap=palette.SIGNED_CMAP, vmin=-top, vmax=top, extent=box, **extent)
        share_ax.imshow(getattr(d, share).T, cmap=palette.POSITIVE_CMAP, vmin=0, vmax=1, extent=box, **extent)
        colors = palette.ramp(d.ratio.shape[1])
        for layer, color in enumerate(colors):
            ratio_ax.plot(d.steps, d.ratio[:, layer], color=color, lw=0.8)
        ratio_ax.axhline(KARPATHY_RATIO, color=palette.REFERENCE, lw=1.2, ls="--")
        ratio_ax.set_ylim(-9, 0)
        ratio_ax.set_xlim(0, last)
        std_ax.set_title(label, fontsize=9)
        state_text(std_ax, _at_init_verdict(d), fontsize=7, x=0.02, ha="left")
        for ax in (std_ax, mean_ax, share_ax):
            ax.set_ylabel("layer", fontsize=8)
            integer_layers(ax)
        for ax in axes[:, col]:
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ratio_ax.set_xlabel("step", fontsize=8)
        ratio_ax.grid(True, alpha=0.3)
        if col == 0:
            std_ax.set_ylabel("log₁₀ std: layer", fontsize=8)
            mean_ax.set_ylabel("mean: layer", fontsize=8)
            share_ax.set_ylabel(f"{share} share: layer", fontsize=8)
            ratio_ax.set_ylabel("log₁₀ ‖ΔW‖/‖W‖", fontsize=8)
    for row, what in enumerate(("log₁₀ std of activations", "mean of activations", f"{share} share of units")):
        image = axes[row, -1].images[0]
        bar = fig.colorbar(image, ax=axes[row].tolist(), shrink=0.9, pad=0.01)
        bar.set_label(what, fontsize=7)
        bar.ax.tick_params(labelsize=6)
    fig.suptitle("during training, per layer (light to dark lines: layer 1 to the head; -- −3)", fontsize=9)
    return fig


def ratio_summary(diagnostics, groups=3):
    """A markdown table: each run's update-to-weight ratio, median over the recorded steps, per block of layers."""
    first = next(iter(diagnostics.values()))
    hidden = first.ratio.shape[1] - 1
    edges = np.linspace(0, hidden, groups + 1).round().astype(int)
    names = [f"layer {b}" if b - a == 1 else f"layers {a + 1}–{b}" for a, b in zip(edges[:-1], edges[1:])]
    lines = ["| run | " + " | ".join(names) + " | head |", "|---|" + "---:|" * (groups + 1)]
    for label, d in diagnostics.items():
        steps = d.ratio[1:]
        cells = []
        for a, b in list(zip(edges[:-1], edges[1:])) + [(hidden, hidden + 1)]:
            block = steps[:, a:b]
            good = block[np.isfinite(block)]
            cells.append(f"{np.median(good):.2f}" if good.size else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def grid_figures(records):
    """The CLI's figures for ``--grid cures``: file name → Figure."""
    figs = {"cures_heatmap.png": heatmap_figure(records)}
    for act, depth in CELLS:
        if _rows(records, act, depth):
            figs[f"cures_loss_{act}{depth}.png"] = loss_curves_figure(records, activation=act, depth=depth)
    return figs


def progress(total):
    """A progress bar for the live runs: ``(widget, callback)`` (``initviz.draw.panel.progress_bar``)."""
    return progress_bar(total)


# --- exercises ---


def _batch_norm(z, gamma, beta, eps=1e-5):
    mean = z.mean(axis=0)
    var = z.var(axis=0)
    return gamma * (z - mean) / np.sqrt(var + eps) + beta


def check_batch_norm(fn):
    """The student's ``batch_norm(z, gamma, beta, eps=1e-5)``: training-mode batch norm of a (batch, units) array."""
    rng = np.random.default_rng(3)
    inputs = [
        (rng.normal(2.0, 3.0, (64, 5)), rng.uniform(0.5, 2, 5), rng.normal(0, 1, 5)),
        (rng.normal(-1.0, 0.5, (8, 3)), np.ones(3), np.zeros(3)),
    ]
    wrong = [
        (
            lambda z, g, b, eps=1e-5: g * (z - z.mean(0)) / np.sqrt(z.var(0, ddof=1) + eps) + b,
            "normalize with the biased batch variance (divide by N, np.var's default); the unbiased one is for the "
            "running estimate only.",
        ),
        (
            lambda z, g, b, eps=1e-5: g * (z - z.mean(1, keepdims=True)) / np.sqrt(z.var(1, keepdims=True) + eps) + b,
            "batch norm averages over the batch (axis 0), one mean and variance per unit; over axis 1 is layer norm.",
        ),
        (
            lambda z, g, b, eps=1e-5: g * (z - z.mean(0)) / (z.var(0) + eps) + b,
            "divide by the standard deviation √(σ² + ε), not by the variance.",
        ),
        (
            lambda z, g, b, eps=1e-5: (z - z.mean(0)) / np.sqrt(z.var(0) + eps),
            "then scale by gamma and shift by beta: y = γ·x̂ + β.",
        ),
    ]
    return check_function(
        fn,
        _batch_norm,
        inputs,
        "batch_norm",
        "per unit (column): x̂ = (z − mean)/√(var + eps) over the batch, then γ·x̂ + β.",
        wrong=wrong,
        rtol=1e-6,
    )


def check_update_ratio(fn):
    """The student's ``update_ratio(before, after)`` = log₁₀(‖after − before‖/‖after‖) of one weight matrix."""
    rng = np.random.default_rng(4)
    inputs = []
    for size in (1e-3, 0.3):
        before = rng.normal(0, 0.1, (20, 10))
        inputs.append((before, before - size * rng.normal(0, 0.1, (20, 10))))
    wrong = [
        (lambda b, a: float(np.linalg.norm(a - b) / np.linalg.norm(a)), "take log₁₀ of the ratio (np.log10)."),
        (lambda b, a: float(np.log(np.linalg.norm(a - b) / np.linalg.norm(a))), "log₁₀, not the natural log."),
        (
            lambda b, a: float(np.log10(np.linalg.norm(a) / np.linalg.norm(a - b))),
            "the update over the weights, not the weights over the update.",
        ),
        (lambda b, a: float(np.log10(np.linalg.norm(a - b))), "divide by the size of the weights ‖W‖ too."),
    ]
    return check_function(
        fn,
        _update_ratio,
        inputs,
        "update_ratio",
        "np.log10(np.linalg.norm(after - before) / np.linalg.norm(after)).",
        wrong=wrong,
        rtol=1e-3,
    )


def check_initial_loss(answer, classes=10):
    """The loss of a net that guesses uniformly over ``classes`` classes: ln(classes)."""
    classes = _checks.integer("classes", classes, low=2)
    truth = math.log(classes)
    wrong = [
        (math.log10(classes), "cross-entropy uses the natural log: ln, not log₁₀."),
        (1 / classes, "that is the probability of each class; the loss is −ln of it."),
        (float(classes), "the loss is −ln(1/k), not k."),
    ]
    return check_number(
        answer,
        truth,
        f"initial loss for {classes} classes",
        "a uniform guess gives each class 1/k; the loss is −ln(1/k).",
        wrong=wrong,
        rtol=0.005,
    )


def check_stream_growth(answer, blocks=29):
    """Var(stream) after ``blocks`` unscaled blocks whose branch keeps the variance, over Var at the start."""
    blocks = _checks.integer("blocks", blocks, low=1)
    truth = 2.0**blocks
    wrong = [
        (2.0 ** (blocks / 2), "that is the growth of the std; the question asks for the variance."),
        (
            float(blocks + 1),
            "the variances add: Var(t + f(t)) = Var(t) + Var(f(t)) = 2·Var(t), so they double, not add 1.",
        ),
        (2.0 ** (blocks + 1), f"{blocks} blocks, {blocks} doublings."),
    ]
    return check_number(
        answer,
        truth,
        f"variance growth over {blocks} blocks",
        "each block doubles the variance.",
        wrong=wrong,
        rtol=0.01,
    )


IMAGES = {"07_cures.png": lambda: heatmap_figure(stored_records())}
"""The images ``python -m initviz.figures`` writes for this notebook."""
