"""Notebook 00 · Overview: the teaser and the convergence figure.

The answer key of the lesson plan uses the other lessons' panels through their own notebooks' numbers;
this module only draws what notebook 00 shows.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..draw import palette
from ..draw.views import decade_labels, figure, integer_layers
from ..init import init_label
from ..probe import probe

__all__ = ["TEASER", "init_comparison", "convergence_figure"]

TEASER = ("normal:std=0.01", "normal:std=1", "he_normal")
"""Too small, too large and He: the README's picture."""


def init_comparison(inits=TEASER, activation="relu", *, depth=10, width=100, seed=0, title=None):
    """The std of each layer's activations in one net under several inits, on one log axis.

    Each curve is ``initviz.probe`` (randn input, no bias); its legend gives the forward verdict. A std of
    exactly 0, or an overflow, has no place on a log axis: the curve stops there and the verdict names it.
    """
    if isinstance(inits, str):
        raise TypeError(f"inits must be a list or tuple of init specs, e.g. ({inits!r},), got the string {inits!r}")
    inits = list(inits)
    if not inits:
        raise ValueError("inits is empty: give at least one init spec, e.g. ('he_normal',)")
    fig, axes = figure(1, 1, width=6.4, height=3.6)
    ax = axes[0, 0]
    layers = np.arange(1, depth + 1)
    for init in inits:
        p = probe(init, activation, depth=depth, width=width, seed=seed)
        stds = p.forward.std
        shown = np.where((stds > 0) & np.isfinite(stds) & (p.forward.finite == 1), stds, np.nan)
        color = palette.init_color(init)
        ax.plot(layers, p.theory.activation_std if p.theory else np.full(depth, np.nan), color=color, **palette.THEORY)
        ax.plot(layers, shown, color=color, **palette.FORWARD, label=f"{init_label(init)}: {p.forward_verdict}")
    ax.set_yscale("log")
    decade_labels(ax.yaxis)
    integer_layers(ax)
    ax.set_xlabel("layer")
    ax.set_ylabel(f"std of {p.activation.label} activations")
    ax.set_xlim(0.5, depth + 0.5)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="best", title="dots: measured · band: theory", title_fontsize=7)
    ax.set_title(title or f"One {depth}-layer {p.activation.label} network, {len(inits)} initializations", fontsize=10)
    return fig


def convergence_figure(results, *, n_classes=10, smooth=10, title=None):
    """Training loss and test accuracy against the SGD step, one line per run of ``experiment.run_grid``.

    The loss is a running mean over ``smooth`` steps; dotted lines mark a uniform guess over ``n_classes``
    classes (loss ln k, accuracy 1/k). A run that diverged has no accuracy to plot: it is an ✕ on the loss
    axis's top edge at the step it diverged, and its legend entry says so.
    """
    results = list(results)
    if not results:
        raise ValueError("results is empty: give the list that initviz.experiment.run_grid returns")
    n_classes = _checks.integer("n_classes", n_classes, low=2)
    smooth = _checks.integer("smooth", smooth, low=1)
    seeds = {}
    for r in results:
        seeds[r.config.init] = seeds.get(r.config.init, 0) + 1
    fig, axes = figure(1, 2, width=11, height=3.3)
    loss_ax, acc_ax = axes[0]
    uniform = float(np.log(n_classes))
    for r in results:
        h, color = r.history, palette.init_color(r.config.init)
        label = init_label(r.config.init) + (f", seed {r.config.seed}" if seeds[r.config.init] > 1 else "")
        if h.diverged:
            label += f": {h.status} (no accuracy)"
            loss_ax.plot(
                h.diverged_at + 1,
                0.97,
                "x",
                color=color,
                ms=8,
                mew=2,
                clip_on=False,
                transform=loss_ax.get_xaxis_transform(),
            )
        else:
            label += f": test accuracy {h.final_test_accuracy:.0%}"
            loss = np.asarray(h.loss, dtype=float)
            k = min(smooth, len(loss))
            loss_ax.plot(np.arange(k, len(loss) + 1), np.convolve(loss, np.ones(k) / k, mode="valid"), color=color)
            acc_ax.plot(h.eval_steps, h.test_accuracy, color=color, **palette.FORWARD)
        acc_ax.plot([], [], color=color, label=label)
    steps = max(r.config.steps for r in results)
    for ax, level, text in ((loss_ax, uniform, f"uniform guess, ln {n_classes}"), (acc_ax, 1 / n_classes, "chance")):
        ax.axhline(level, color=palette.REFERENCE, lw=0.8, ls=":")
        ax.annotate(
            text, (steps, level), xytext=(-4, 4), textcoords="offset points", ha="right", va="bottom", fontsize=8
        )
    loss_ax.set_ylim(0, 1.2 * uniform)
    loss_ax.set_ylabel(f"training loss (mean of {smooth} steps)")
    acc_ax.set_ylim(0, 1)
    acc_ax.set_ylabel("test accuracy")
    for ax in (loss_ax, acc_ax):
        ax.set_xlim(0, steps)
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
    acc_ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


IMAGES = {
    "teaser.png": lambda: init_comparison(
        TEASER, "relu", depth=10, title="The same 10-layer ReLU network under three initializations"
    )
}
"""The images ``python -m initviz.figures`` writes for this notebook (the README's picture)."""
