"""Notebook 05 · The experiment (§6 실험): its figures, its tables and its exercise checks.

The numerics come from initviz (``experiment`` trains the grid, ``probe`` measures nets at init,
``theory`` predicts them); this module only draws and tabulates them and checks the exercises.
``python -m initviz.experiment`` draws its figures with :func:`experiment_figures`.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle

from .. import _checks
from ..data import load_digits
from ..draw import palette
from ..draw.views import decade_labels, figure, integer_layers, set_state, state_text
from ..experiment import cross_grid, design_grid, run_grid, summarize
from ..init import init_label
from ..theory import chi, critical_sigma_w2, forward_variances
from .answers import check_function, check_number

__all__ = [
    "TANH_GAIN",
    "label",
    "notebook_grid",
    "init_table",
    "propagation_figure",
    "accuracy_heatmap",
    "loss_curves",
    "experiment_figures",
    "update_ratio_figure",
    "tanh_gain_figure",
    "decision_boundaries",
    "chi_table",
    "report",
    "default_linear_ratio",
    "check_default_linear_ratio",
    "check_fixed_point_chi",
    "check_sigmoid_edge_std",
]

TANH_GAIN = f"xavier_normal:gain={5 / 3!r}"
"""Xavier normal with PyTorch's ``calculate_gain("tanh")`` = 5/3: σ_w² = 25/9 ≈ 2.78 in square layers."""

CELLS = (("sigmoid", 5), ("tanh", 5), ("relu", 5), ("relu", 30), ("tanh", 30))
"""The (activation, depth) cells in the order the figures show them: the design grid, then part (d)."""

NAMES = {  # what each init is called in PyTorch (torch.nn.init) and in Keras (keras.initializers)
    "zeros": ("`zeros_`", "`Zeros`"),
    "normal:std=0.01": ("`normal_(w, std=0.01)`", "`RandomNormal(stddev=0.01)`"),
    "normal:std=1": ("`normal_(w)`", "`RandomNormal(stddev=1.0)`"),
    "standard_uniform": ("`nn.Linear`'s default", "—"),
    "xavier_normal": ("`xavier_normal_`", "`GlorotNormal` (truncated)"),
    "he_normal": ("`kaiming_normal_`", "`HeNormal` (truncated)"),
    TANH_GAIN: (
        '`xavier_normal_(w, gain=calculate_gain("tanh"))`',
        "`VarianceScaling(25/9, 'fan_avg', 'truncated_normal')`",
    ),
}

ROW_LIMITS = {"tanh": {"forward": (1e-3, 3.0), "backward": (1e-8, 1e8)}}
"""Per-row y-limits of :func:`propagation_figure` where the full range would hide the row's story: tanh's
forward signal under Xavier drifts down slowly, which an axis reaching N(0, 0.01²)'s 10⁻³¹ flattens."""

_DASHES = ("-", (0, (5, 3)), (0, (1.5, 1.5)), (0, (7, 2, 1.5, 2)))  # lines that lie on top of each other
_WIDTHS = (2.6, 1.8, 1.4, 1.2)


def label(spec):
    """A short name for an init spec: ``init_label``, with PyTorch's tanh gain written as 5/3."""
    if spec == TANH_GAIN:
        return "xavier_normal, gain 5/3"
    return init_label(spec)


def notebook_grid(seeds=3):
    """The notebook's runs: the design grid (§6-1 (b)) and part (d), Xavier gain 1 against 5/3 with tanh at
    depths 5 and 30. The three Xavier–tanh–depth-5 runs are in both and run once."""
    gains = cross_grid(["xavier_normal", TANH_GAIN], ["tanh"], [5, 30], seeds=seeds)
    return list(dict.fromkeys(design_grid(seeds=seeds) + gains))


def init_table(gains):
    """Markdown: each init's measured gain σ_w² = n·Var(W) (``gains``: spec → value) and its library names."""
    lines = ["| init | σ_w² = n·Var(W), measured (n = 100) | PyTorch | Keras |", "|---|---:|---|---|"]
    for spec, value in gains.items():
        torch_name, keras_name = NAMES.get(spec, ("—", "—"))
        lines.append(f"| {label(spec)} | {value:.3g} | {torch_name} | {keras_name} |")
    return "\n".join(lines)


# --- 6-2 (a): signal propagation at init ---


def _limits(values, given):
    if given is not None:
        return given
    finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values] or [np.ones(1)])
    return float(finite.min()) / 3, float(finite.max()) * 3


def _edge_markers(ax, layers, std, low, high, color):
    """Values a log axis cannot show: ▼ exactly 0, ▽ below the axis, ▲ above it or inf/NaN; on the edges."""
    edge = ax.get_xaxis_transform()
    zero, below = std == 0, (std > 0) & (std < low)
    above = ~np.isfinite(std) | (std > high)
    for mask, y, marker, face in ((zero, 0.03, "v", color), (below, 0.03, "v", "none"), (above, 0.97, "^", color)):
        if mask.any():
            ax.plot(layers[mask], np.full(mask.sum(), y), marker, ms=5, color=color, mfc=face, transform=edge, ls="")


def propagation_figure(probes, *, mark_layer=None, limits=None, title=None):
    """Per-layer std of the activations h_l and of the gradients dL/dh_l: one row per activation, one line per init.

    ``probes`` maps ``(init, activation)`` to an ``initviz.probe`` result. Markers are measured, the pale band is
    theory. The third column names each init's verdict (``Probe.forward_verdict``/``backward_verdict``) in its
    grade's colour; layers are numbered from the input. Each row has its own y-limits (``ROW_LIMITS``, or the
    data's range; ``limits`` maps (activation, "forward"/"backward") to a pair); values off the axis sit as
    markers on its edge: ▼ exactly 0, ▽ below the axis, ▲ above it or overflowed.
    """
    if not probes:
        raise ValueError("probes is empty: give at least one (init, activation) -> Probe entry")
    inits = list(dict.fromkeys(init for init, _ in probes))
    acts = list(dict.fromkeys(act for _, act in probes))
    fig, axes = figure(len(acts), 3, width=14, height=2.75, gridspec_kw={"width_ratios": [1, 1, 0.75]})
    for row, act in zip(axes, acts):
        notes = {"forward": [], "backward": []}
        for ax, direction in zip(row, ("forward", "backward")):
            present = [init for init in inits if (init, act) in probes]
            data = {}
            for init in present:
                p = probes[init, act]
                stats, verdict = (
                    (p.forward, p.forward_verdict) if direction == "forward" else (p.backward, p.backward_verdict)
                )
                theory = None
                if p.theory is not None:
                    theory = p.theory.activation_std if direction == "forward" else p.theory.gradient_std
                data[init] = (np.asarray(stats.std, dtype=float), theory, verdict)
            given = (limits or {}).get((act, direction), ROW_LIMITS.get(act, {}).get(direction))
            low, high = _limits([d[0] for d in data.values()], given)
            style = palette.FORWARD if direction == "forward" else palette.BACKWARD
            for init, (std, theory, verdict) in data.items():
                color = palette.init_color(init)
                layers = np.arange(1, len(std) + 1)
                if theory is not None:
                    band = np.where(np.isfinite(theory) & (theory > 0), theory, np.nan)
                    ax.plot(layers, band, color=color, **palette.THEORY)
                ok = np.isfinite(std) & (std > 0)
                ax.plot(layers, np.where(ok, std, np.nan), color=color, **style, label=label(init))
                _edge_markers(ax, layers, std, low, high, color)
                notes[direction].append((label(init), verdict))
            ax.set_yscale("log")
            ax.set_ylim(low, high)
            decade_labels(ax.yaxis)
            integer_layers(ax)
            ax.grid(True, which="major", alpha=0.3)
            what = (
                "std of activations $h_l$" if direction == "forward" else r"std of gradients $\partial L/\partial h_l$"
            )
            ax.set_title(f"{act}: {what}", fontsize=10)
            ax.tick_params(labelsize=8)
            ax.set_xlim(0.5, max(len(d[0]) for d in data.values()) + 0.5)
            if mark_layer is not None:
                ax.axvline(mark_layer + 0.5, color=palette.REFERENCE, lw=0.8, ls=":")
        text_ax = row[2]
        text_ax.axis("off")
        y = 1.0
        for direction, heading in (
            ("forward", "forward, read up from layer 1"),
            ("backward", "backward, read down from the top"),
        ):
            text_ax.text(0, y, heading, fontsize=8.5, fontweight="bold", va="top", transform=text_ax.transAxes)
            y -= 0.085
            for name, verdict in notes[direction]:
                text_ax.text(
                    0.03,
                    y,
                    f"{name}: {verdict}",
                    fontsize=7.5,
                    color=palette.grade_color(verdict),
                    va="top",
                    transform=text_ax.transAxes,
                )
                y -= 0.072
            y -= 0.03
    for ax in axes[-1, :2]:
        ax.set_xlabel("layer $l$ (input side → output side)", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=len(labels),
        fontsize=9,
        title="markers: measured · pale band: theory · ▼ exactly 0, ▽ below the axis, ▲ above it",
        title_fontsize=8,
    )
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


# --- 6-2 (b): the training grid ---


def _cells_present(results):
    seen = {(r.config.activation, r.config.depth) for r in results}
    return [c for c in CELLS if c in seen] + sorted(seen - set(CELLS))


def accuracy_heatmap(results, *, title="Test accuracy on the digits (mean ± std over seeds)"):
    """Init × (activation, depth) heat map of mean test accuracy. A cell whose every run diverged is grey and says
    so; a cell the grid did not run is left white."""
    rows = {(r["init"], r["activation"], r["depth"]): r for r in summarize([res.record for res in results])}
    inits = list(dict.fromkeys(r.config.init for r in results))
    cells = _cells_present(results)
    mean = np.full((len(inits), len(cells)), np.nan)
    fig, axes = figure(1, 1, width=1.6 * len(cells) + 3.4, height=0.5 * len(inits) + 1.4)
    ax = axes[0, 0]
    for i, init in enumerate(inits):
        for j, (act, depth) in enumerate(cells):
            row = rows.get((init, act, depth))
            if row is None:
                ax.text(j, i, "not run", ha="center", va="center", fontsize=7, color=palette.NEUTRAL)
                continue
            text = f"{100 * row['mean']:.0f}% ± {100 * row['std']:.0f}"
            if row["diverged"] == row["runs"]:  # no accuracy to speak of: a grey cell that says what happened
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=palette.MISSING, zorder=1))
                text = f"diverged\n{row['diverged']}/{row['runs']} runs"
            else:
                mean[i, j] = row["mean"]
                if row["diverged"]:
                    text += f"\ndiverged {row['diverged']}/{row['runs']}"
            dark = row["diverged"] != row["runs"] and row["mean"] < 0.6
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                zorder=2,
                color=palette.BOX_FACE if dark else palette.REFERENCE,
            )
    cmap = matplotlib.colormaps[palette.POSITIVE_CMAP].with_extremes(bad=palette.BOX_FACE)
    image = ax.imshow(np.ma.masked_invalid(mean), vmin=0, vmax=1, cmap=cmap, aspect="auto", zorder=0)
    ax.set_xticks(range(len(cells)), [f"{act}\ndepth {depth}" for act, depth in cells], fontsize=8)
    ax.set_yticks(range(len(inits)), [label(i) for i in inits], fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="test accuracy", shrink=0.9)
    return fig


def _smoothed(runs, smooth):
    """The mean smoothed loss curve of ``runs``, NaN where a run had diverged, and its steps."""
    kernel = np.ones(smooth) / smooth
    curves = []
    for r in runs:
        loss = np.asarray(r.history.loss, dtype=float)
        finite = np.isfinite(loss)
        if len(loss) >= smooth:
            valid = np.convolve(np.where(finite, loss, 0.0), kernel, mode="valid")
            counts = np.convolve(finite.astype(float), kernel, mode="valid")
            loss = np.where(counts > 0.999, valid, np.nan)
        curves.append(loss)
    curves = np.vstack(curves)
    offset = smooth - 1 if curves.shape[1] < len(runs[0].history.loss) else 0
    alive = np.isfinite(curves).all(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.where(alive, np.mean(np.where(alive, curves, 0.0), axis=0), np.nan)
    return np.arange(1, curves.shape[1] + 1) + offset, mean, curves, alive


def _outcome(runs, row):
    """What happened to a cell's runs, in a few words: diverged (at which steps) or final loss and test accuracy."""
    diverged = [r.history.diverged_at for r in runs if r.history.diverged]
    if len(diverged) == len(runs):
        return f"diverged {len(diverged)}/{len(runs)} (step {', '.join(str(s) for s in sorted(set(diverged)))})"
    loss = row["final_train_loss"]
    text = f"loss {loss:.4f}, test {row['mean']:.0%}" if loss > 1 else f"loss {loss:.3g}, test {row['mean']:.0%}"
    return text + (f", diverged {len(diverged)}/{len(runs)}" if diverged else "")


def _close(a, b, tol=0.02):
    both = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    return both.any() and float(np.max(np.abs(np.log10(a[both]) - np.log10(b[both])))) < tol


def loss_curves(results, *, smooth=25, zoom="auto", n_classes=10):
    """Training loss per (activation, depth): one line per init, the mean over seeds with a min–max band.

    Curves are a running mean of ``smooth`` steps. Each panel has its own legend saying what happened *there*
    (final train loss and test accuracy, or "diverged" and at which step, marked ✕ on the top edge). A line
    that lies on another, or shares its colour (one init family), is drawn dashed, so each stays visible. A
    last panel zooms, on a linear axis, into the plateau near ln ``n_classes`` of one cell, one line per seed
    (``zoom``: an (activation, depth), "auto" for the cell with most curves ending there, None for no zoom).
    """
    cells = _cells_present(results)
    rows = {(r["init"], r["activation"], r["depth"]): r for r in summarize([res.record for res in results])}
    groups = {}
    for r in results:
        groups.setdefault((r.config.activation, r.config.depth), {}).setdefault(r.config.init, []).append(r)
    plateau = math.log(n_classes)
    stuck = {c: [i for i in groups[c] if abs((rows[(i, *c)]["final_train_loss"] or 0) - plateau) < 0.1] for c in cells}
    if zoom == "auto":
        zoom = max(cells, key=lambda c: len(stuck[c])) if max(len(v) for v in stuck.values()) >= 2 else None
    panels = cells + ([zoom] if zoom is not None else [])
    ncols = min(len(panels), 2)
    fig, axes = figure(math.ceil(len(panels) / ncols), ncols, width=5.6 * ncols, height=3.5)
    flat = list(axes.ravel())
    for ax, cell in zip(flat, cells):
        drawn = []
        for init, runs in groups[cell].items():
            steps, mean, curves, alive = _smoothed(runs, smooth)
            color = palette.init_color(init)
            k = min(sum(_close(mean, m) or color == c for m, c in drawn), 3)
            name = f"{label(init)}: {_outcome(runs, rows[(init, *cell)])}"
            ax.plot(steps, mean, color=color, ls=_DASHES[k], lw=_WIDTHS[k], label=name)
            drawn.append((mean, color))
            if alive.any():
                low, high = np.where(alive, curves.min(axis=0), np.nan), np.where(alive, curves.max(axis=0), np.nan)
                ax.fill_between(steps, low, high, color=color, alpha=0.18, lw=0)
            for at in [r.history.diverged_at for r in runs if r.history.diverged]:
                edge = ax.get_xaxis_transform()  # on the top edge, whatever the y-range
                ax.plot(at + 1, 1.0, "x", color=color, ms=8, mew=2, clip_on=False, transform=edge)
        ax.axhline(plateau, color=palette.REFERENCE, lw=0.7, ls=":")
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 30)
        ax.set_title(f"{cell[0]}, depth {cell[1]}", fontsize=10)
        title = f"final train loss, test accuracy · dotted: ln {n_classes}"
        ax.legend(fontsize=7.5, loc="lower left", title=title, title_fontsize=7.5)
    if zoom is not None:
        _plateau_panel(flat[len(cells)], zoom, {i: groups[zoom][i] for i in stuck[zoom]}, smooth)
    for ax in flat:
        ax.set_xlabel("SGD step", fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    for ax in flat[len(panels) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("training loss", fontsize=9)
    return fig


def _plateau_panel(ax, cell, groups, smooth):
    """The runs of ``cell`` that ended near the plateau, one thin line per seed, on a linear axis."""
    drawn = []
    for init, runs in groups.items():
        color = palette.init_color(init)
        for j, r in enumerate(runs):
            steps, mean, _, _ = _smoothed([r], smooth)
            k = min(sum(_close(mean, m, 0.001) for m in drawn), 3)
            ax.plot(steps, mean, color=color, ls=_DASHES[k], lw=_WIDTHS[k] * 0.7, label=None if j else label(init))
            drawn.append(mean)
    prior = _class_prior_loss()
    ax.axhline(prior, color=palette.REFERENCE, lw=0.9, ls="--", label=f"class frequencies only: H(y) = {prior:.4f}")
    ax.set_title(f"{cell[0]}, depth {cell[1]}: the plateau zoomed (linear), one line per seed", fontsize=10)
    ax.legend(fontsize=7.5, loc="lower left")


def _class_prior_loss():
    """H(y) of the digits' training labels: the loss of a net that can only learn the output bias."""
    counts = np.bincount(load_digits().y_train)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def experiment_figures(results):
    """The figures ``python -m initviz.experiment`` writes, by file name."""
    return {"accuracy_heatmap.png": accuracy_heatmap(results), "loss_curves.png": loss_curves(results)}


# --- 6-2 (c): the toy ---


def decision_boundaries(models, data, titles, *, resolution=200):
    """Each model's predicted class over the plane, with the data on top (2-D data only)."""
    if data.n_features != 2:
        raise ValueError(f"decision_boundaries needs 2-D data, got {data.n_features} features")
    if len(models) != len(titles) or not models:
        raise ValueError(f"give one title per model, got {len(models)} models and {len(titles)} titles")
    x = np.vstack([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
    fig, axes = figure(1, len(models), width=3.0 * len(models), height=3.1)
    for ax, model, title in zip(axes[0], models, titles):
        pred = model.predict(grid).reshape(gx.shape)
        levels = np.arange(data.n_classes + 1) - 0.5
        ax.contourf(gx, gy, pred, levels=levels, cmap=palette.SIGNED_CMAP, alpha=0.3)
        ax.scatter(
            x[:, 0], x[:, 1], c=y, cmap=palette.SIGNED_CMAP, s=6, edgecolors="none", vmin=0, vmax=data.n_classes - 1
        )
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    return fig


# --- 6-3: the analysis ---


def report(claim, holds):
    """Print ``PASS`` or ``FAIL`` before a claim checked against the results (a FAIL is reported, never hidden)."""
    print(f"{'PASS' if holds else 'FAIL'}  {claim}")


def chi_table(rows, depth=5):
    """Markdown: per activation and init, χ, the std it predicts at layer 1, the layer-by-layer theory, measured.

    ``rows`` holds tuples (activation, init, σ_w², χ at layer ``depth``, χ^((L−1)/2), theory, measured).
    """
    power = f"χ^(({depth}−1)/2)"
    lines = [
        f"| activation | init | σ_w² | χ at layer {depth} | {power} | theory √(χ₂⋯χ_{depth}) | measured dL/dh₁ std |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for act, init, s2, c, predicted, theory, measured in rows:
        lines.append(
            f"| {act} | {label(init)} | {s2:.3g} | {c:.3g} | {predicted:.2g} | {theory:.2g} | {measured:.2g} |"
        )
    return "\n".join(lines)


def update_ratio_figure(ratios, *, lr=0.01):
    """Per weight matrix, the step SGD takes relative to the weights, lr·‖∇W‖/‖W‖, on a log axis.

    ``ratios`` maps (init spec, when) to one value per weight matrix (the last is the output layer); ``when``
    names the moment ("at init", "after 300 steps"): the first moment is drawn solid, later ones dashed.
    """
    if not ratios:
        raise ValueError("ratios is empty: give at least one (init, when) -> per-layer values entry")
    moments = list(dict.fromkeys(when for _, when in ratios))
    fig, axes = figure(1, 1, width=9.0, height=3.4)
    ax = axes[0, 0]
    for (init, when), values in ratios.items():
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, len(values) + 1)
        style = {"ls": "-", "marker": "o"} if when == moments[0] else {"ls": "--", "marker": "^", "mfc": "none"}
        ax.plot(layers, values, color=palette.init_color(init), ms=3.5, lw=1.2, label=f"{label(init)}, {when}", **style)
    ax.axhline(1e-3, color=palette.REFERENCE, lw=0.8, ls=":", label="10⁻³: a common rule of thumb")
    ax.set_yscale("log")
    decade_labels(ax.yaxis)
    integer_layers(ax)
    ax.set_xlabel("weight matrix $W_l$ (the last one feeds the softmax)", fontsize=9)
    ax.set_ylabel(r"lr·‖∇W‖ / ‖W‖", fontsize=9)
    ax.set_title(f"How far one SGD step (lr {lr:g}) moves each layer's weights", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7.5, loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside the axes: covers no line
    return fig


def tanh_gain_figure(probes):
    """One panel per init spec: forward std of h_l (●) and backward std of dL/dh_l (□) of a tanh net at init,
    measured over the theory band, with both verdicts. ``probes`` maps spec → ``initviz.probe`` result."""
    if not probes:
        raise ValueError("probes is empty: give at least one init spec -> Probe entry")
    fig, axes = figure(1, len(probes), width=5.2 * len(probes), height=3.4, sharey=True)
    for ax, (spec, p) in zip(axes[0], probes.items()):
        color = palette.init_color(spec)
        layers = np.arange(1, p.depth + 1)
        for stats, theory, style, name in (
            (p.forward, p.theory.activation_std, palette.FORWARD, "forward: std of $h_l$"),
            (p.backward, p.theory.gradient_std, palette.BACKWARD, r"backward: std of $\partial L/\partial h_l$"),
        ):
            ax.plot(layers, theory, color=color, **palette.THEORY)
            ax.plot(layers, stats.std, color=color, **style, label=name)
        set_state(state_text(ax, y=0.95), p.forward_verdict, prefix="forward: ")
        set_state(state_text(ax, y=0.83), p.backward_verdict, prefix="backward: ")
        s2 = p.widths[0] * p.weight_vars[0]
        ax.set_title(f"{label(spec)} (σ_w² = {s2:.3g}), tanh, {p.depth} layers", fontsize=10)
        ax.set_yscale("log")
        decade_labels(ax.yaxis)
        integer_layers(ax)
        ax.set_xlabel("layer $l$", fontsize=9)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="lower left", title="markers: measured · band: theory", title_fontsize=7)
    axes[0, 0].set_ylim(0.03, 100)
    return fig


# --- exercises ---


def default_linear_ratio(depth=10):
    """Theory's E[h_L²] under PyTorch's ``nn.Linear`` default (Glorot's "standard" U(±1/√n)) over He's, ReLU.

    Both nets are square and bias-free, so the ratio does not depend on the width.
    """
    depth = _checks.integer("depth", depth, low=1, high=200)
    standard = forward_variances(depth, 1 / 3, 0.0, "relu")[-1]  # Var U(±1/√n) = 1/(3n), so σ_w² = 1/3
    he = forward_variances(depth, 2.0, 0.0, "relu")[-1]
    return float(standard / he)


def check_default_linear_ratio(answer, depth=10):
    """By what factor is E[h_L²] at layer ``depth`` of a ReLU net under ``nn.Linear``'s default init smaller than
    under He init? ``answer`` is that ratio (a number below 1)."""
    truth = default_linear_ratio(depth)
    wrong = [
        ((1 / 3) ** depth, "that compares σ_w² = 1/3 with 1; He's σ_w² is 2."),
        ((1 / 6) ** (depth / 2), "that is the ratio of the stds; the question asks for the mean square E[h²]."),
        ((1 / 12) ** depth, "ReLU halves both nets alike, so the halving cancels in the ratio."),
        (2.0**-depth, "that is Xavier against He (σ_w² = 1 against 2); U(±1/√n) has σ_w² = 1/3."),
    ]
    return check_number(
        answer,
        truth,
        f"ratio at layer {depth}",
        "U(±1/√n) has variance 1/(3n), so σ_w² = n·Var(W) = 1/3, against He's 2: each layer multiplies the "
        "ratio by (1/3)/2.",
        wrong=wrong,
        rtol=0.02,
    )


def _fixed_point_chi(sigma_w2, activation):
    q = forward_variances(300, sigma_w2, 0.0, activation)[-1]
    return chi(q, sigma_w2, activation)


def check_fixed_point_chi(fn):
    """The student's ``fixed_point_chi(sigma_w2, activation)``: χ at the fixed point q* of the forward recursion
    (σ_b² = 0), found by iterating ``iv.forward_variances`` deep enough."""
    inputs = [(100.0, "sigmoid"), (400.0, "sigmoid"), (25 / 9, "tanh"), (2.0, "tanh")]
    wrong = [
        (lambda s2, act: chi(1.0, s2, act), "that is χ at q = 1, the input's variance; iterate to the fixed point q*."),
        (
            lambda s2, act: chi(forward_variances(5, s2, 0.0, act)[-1], s2, act),
            "5 layers are not yet at the fixed point; iterate a few hundred.",
        ),
    ]
    return check_function(
        fn,
        _fixed_point_chi,
        inputs,
        "fixed_point_chi",
        "q = iv.forward_variances(300, sigma_w2, 0.0, activation)[-1]; return iv.chi(q, sigma_w2, activation).",
        wrong=wrong,
        rtol=1e-3,
    )


def check_sigmoid_edge_std(answer, width=400):
    """The weight std of N(0, std²) that puts a ``width``-wide sigmoid net at its edge of chaos (χ = 1 at q*)."""
    width = _checks.integer("width", width, low=1)
    critical = critical_sigma_w2("sigmoid")
    truth = math.sqrt(critical / width)
    wrong = [
        (critical / width, "that is the variance σ_w²/n; rng.normal and N(0, std²) take its square root."),
        (math.sqrt(1 / width), "σ_w² = 1 is tanh's edge; sigmoid's slope of 1/4 needs a far larger σ_w²."),
        (1.0, "std 1 gives σ_w² = n·1 = 400 at this width, far past the edge: the chaotic side."),
    ]
    return check_number(
        answer,
        truth,
        f"std at the edge of chaos, width {width}",
        f"σ_w² = n·std² must equal sigmoid's critical σ_w² ({critical:.4g}): std = √(σ_w²/n).",
        wrong=wrong,
        rtol=0.03,
    )


def _image():
    """The heat map of the notebook's grid (81 runs: minutes on two cores)."""
    return accuracy_heatmap(run_grid(notebook_grid(), workers=2))


IMAGES = {"05_experiment.png": _image}
"""The images ``python -m initviz.figures`` writes for this notebook."""
