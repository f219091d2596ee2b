"""Figures for the notebooks. Numerics come from the rest of initviz; nothing here trains.

Every function returns a ``matplotlib.figure.Figure`` made without pyplot, so a
notebook cell that ends with the call shows it exactly once, and nothing leaks
into pyplot's global state. Views that panels redraw (``LayerHistograms``,
``DepthProfile``) build their artists once and change only their data in ``update``.
"""

from __future__ import annotations

import matplotlib
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


def set_state_text(text_artist, text, *, ok="healthy"):
    """Change a :func:`state_text` artist in place: new text, red unless it is ``ok``."""
    color = "#2a7a2a" if text == ok else "#b00020"
    text_artist.set_text(text)
    text_artist.set_color(color)
    text_artist.get_bbox_patch().set_edgecolor(color)


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
            # a bin count with a range takes numpy's equal-width fast path; explicit edges would sort the data
            counts = np.histogram(finite[i], bins=self.bins, range=range)[0] if finite[i].size else np.zeros(self.bins)
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
        set_state_text(self.state, _stats.signal_state(stds, finite, means))
        values = np.concatenate([shown[np.isfinite(shown)], curve[np.isfinite(curve)] if curve.size else []])
        values = values[(values > 0) & (values < 1e300)]
        lo, hi = (values.min(), values.max()) if values.size else (1e-3, 1e1)
        self.ax.set_xlim(0.5, len(stds) + 0.5)
        self.ax.set_ylim(lo / 3, hi * 3)
        return self


# --- experiment (notebook 05) ---

_CELLS = (("sigmoid", 5), ("tanh", 5), ("relu", 5), ("relu", 30))
INIT_COLORS = {
    "zeros": "#7f7f7f",
    "normal:std=0.01": "#bcbd22",
    "normal:std=1": "#8c564b",
    "standard_uniform": "#1f77b4",
    "xavier_normal": "#9467bd",
    "he_normal": "#d62728",
}


def _cells_present(results):
    seen = {(r.config.activation, r.config.depth) for r in results}
    cells = [c for c in _CELLS if c in seen]
    return cells + sorted(seen - set(cells))


def accuracy_heatmap(results, *, title="Test accuracy on the digits (mean ± std over seeds)"):
    """Init × (activation, depth) heat map of mean test accuracy; cells name divergences."""
    from .experiment import summarize

    rows = summarize([r.record for r in results])
    inits = list(dict.fromkeys(r.config.init for r in results))
    cells = _cells_present(results)
    mean = np.full((len(inits), len(cells)), np.nan)
    fig, axes = figure(1, 1, width=1.6 * len(cells) + 3.2, height=0.5 * len(inits) + 1.4)
    ax = axes[0, 0]
    for row in rows:
        i, j = inits.index(row["init"]), cells.index((row["activation"], row["depth"]))
        text = f"{100 * row['mean']:.0f}% ± {100 * row['std']:.0f}"
        if row["diverged"] == row["runs"]:  # no accuracy to speak of: a grey cell that says what happened
            text = f"diverged\n{row['diverged']}/{row['runs']} runs"
        else:
            mean[i, j] = row["mean"]
            if row["diverged"]:
                text += f"\ndiverged {row['diverged']}/{row['runs']}"
        dark = row["diverged"] != row["runs"] and row["mean"] < 0.6
        ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(mean), vmin=0, vmax=1, cmap=cmap, aspect="auto")
    ax.set_xticks(range(len(cells)), [f"{act}\ndepth {depth}" for act, depth in cells], fontsize=8)
    from .init import init_label

    ax.set_yticks(range(len(inits)), [init_label(i) for i in inits], fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="test accuracy", shrink=0.9)
    return fig


def loss_curves(results, *, smooth=25):
    """Training loss per (activation, depth): one line per init, mean over seeds with a min–max band.

    Curves are smoothed with a running mean of ``smooth`` steps. A run that diverged ends
    with an ✕ at its step, and the legend says how many did.
    """
    from .init import init_label

    cells = _cells_present(results)
    inits = list(dict.fromkeys(r.config.init for r in results))
    fig, axes = figure(1, len(cells), width=3.3 * len(cells) + 1.5, height=3.0, sharey=True)
    spare = iter(["#2ca02c", "#ff7f0e", "#17becf", "#e377c2", "#1a1a1a"] * 4)
    colors = {init: INIT_COLORS.get(init) or next(spare) for init in inits}
    kernel = np.ones(smooth) / smooth
    lowest, highest = 1e-3, 4.0
    for ax, (act, depth) in zip(axes[0], cells):
        for init in inits:
            runs = [r for r in results if (r.config.init, r.config.activation, r.config.depth) == (init, act, depth)]
            if not runs:
                continue
            curves = []
            for r in runs:
                loss = np.asarray(r.history.loss, dtype=float)
                finite = np.where(np.isfinite(loss), loss, np.nan)
                if len(finite) >= smooth:
                    valid = np.convolve(np.nan_to_num(finite, nan=0.0), kernel, mode="valid")
                    counts = np.convolve(np.isfinite(finite).astype(float), kernel, mode="valid")
                    finite = np.where(counts > 0.999, valid, np.nan)
                curves.append(finite)
            curves = np.vstack(curves)
            steps = np.arange(1, curves.shape[1] + 1) + (
                smooth - 1 if curves.shape[1] < len(runs[0].history.loss) else 0
            )
            diverged = [r for r in runs if r.history.diverged]
            label = init_label(init) + (f" (diverged {len(diverged)}/{len(runs)})" if diverged else "")
            alive = np.isfinite(curves).all(axis=0)
            if alive.any():
                mean = np.where(alive, np.nanmean(np.where(np.isfinite(curves), curves, 0), axis=0), np.nan)
                ax.plot(steps, mean, color=colors[init], lw=1.3, label=label)
                if np.isfinite(mean).any():  # let the axis reach the best curve (a deep He net fits to ~1e-4)
                    lowest = min(lowest, max(1e-6, float(np.nanmin(mean)) / 2))
                    highest = max(highest, min(1e3, 1.3 * float(np.nanmax(curves))))  # and the worst start
                ax.fill_between(
                    steps,
                    np.where(alive, curves.min(axis=0), np.nan),
                    np.where(alive, curves.max(axis=0), np.nan),
                    color=colors[init],
                    alpha=0.2,
                    lw=0,
                )
            else:
                ax.plot([], [], color=colors[init], lw=1.3, label=label)
            for r in diverged:
                ax.plot(
                    r.history.diverged_at + 1,
                    1.0,
                    "x",
                    color=colors[init],
                    ms=8,
                    mew=2,
                    clip_on=False,
                    transform=ax.get_xaxis_transform(),
                )  # on the top edge, whatever the y-range
        ax.set_yscale("log")
        ax.set_title(f"{act}, depth {depth}", fontsize=10)
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
    axes[0, 0].set_ylim(lowest, highest)  # the axes share y
    axes[0, 0].set_ylabel("training loss (log)")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 3), fontsize=8)
    return fig


def experiment_figures(results):
    """The figures ``python -m initviz.experiment`` writes, by file name."""
    return {"accuracy_heatmap.png": accuracy_heatmap(results), "loss_curves.png": loss_curves(results)}


def decision_boundaries(models, data, titles, *, resolution=200):
    """Each model's predicted class over the plane, with the data on top (2-D data only)."""
    if data.n_features != 2:
        raise ValueError(f"decision_boundaries needs 2-D data, got {data.n_features} features")
    x = np.vstack([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
    fig, axes = figure(1, len(models), width=3.0 * len(models), height=3.1)
    for ax, model, title in zip(axes[0], models, titles):
        pred = model.predict(grid).reshape(gx.shape)
        ax.contourf(gx, gy, pred, levels=np.arange(data.n_classes + 1) - 0.5, cmap="coolwarm", alpha=0.35)
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", s=6, edgecolors="none", vmin=0, vmax=data.n_classes - 1)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    return fig


def _broken_layer_state(stds, finite, means, *, from_top):
    """signal_state read bottom-up (forward) or top-down (backward); layers keep their number from the input."""
    import re

    if not from_top:
        return _stats.signal_state(stds, finite, means)
    state = _stats.signal_state(stds[::-1], finite[::-1], means[::-1])
    match = re.search(r"(\d+)$", state)
    if match is None:
        return state
    return state[: match.start()] + str(len(stds) + 1 - int(match.group(1)))


def propagation_figure(profiles, *, mark_layer=None, title=None):
    """Per-layer activation std and back-propagated gradient std, one row per activation, one line per init.

    ``profiles`` maps ``(init, activation)`` to ``(forward, backward)``: the ``initviz.layer_stats`` of a
    ``propagate`` trace's ``activations`` and of its ``grad_activations``. A std of exactly 0 is drawn as ▼ on the
    bottom edge and overflow (inf/NaN) as ▲ on the top edge. A third column names, per row, each init whose signal
    broke and where (``initviz.signal_state``): forward read up from the input, backward read down from the top
    layer, where the gradient enters. ``mark_layer`` draws a dotted line, e.g. at 5 where a depth-5 net ends.
    """
    from .init import init_label

    if not profiles:
        raise ValueError("profiles is empty: give at least one (init, activation) -> (forward, backward) entry")
    inits = list(dict.fromkeys(init for init, _ in profiles))
    acts = list(dict.fromkeys(act for _, act in profiles))
    spare = iter(["#2ca02c", "#ff7f0e", "#17becf", "#e377c2", "#1a1a1a"] * 4)
    colors = {init: INIT_COLORS.get(init) or next(spare) for init in inits}
    fig = Figure(figsize=(13, 2.7 * len(acts) + 0.6), layout="constrained")
    axes = fig.subplots(len(acts), 3, squeeze=False, gridspec_kw={"width_ratios": [1, 1, 0.62]})
    for row, act in zip(axes, acts):
        notes = {0: [], 1: []}
        for col, (ax, kind) in enumerate(zip(row, ("activation std of h_l", "gradient std of dL/dh_l"))):
            for init in inits:
                if (init, act) not in profiles:
                    continue
                stats = profiles[init, act][col]
                std = np.asarray(stats.std, dtype=float)
                finite = np.asarray(stats.finite, dtype=float)
                layers = np.arange(1, len(std) + 1)
                ok = np.isfinite(std) & (std > 0) & (finite == 1)
                ax.plot(
                    layers, np.where(ok, std, np.nan), "o-", ms=2.5, lw=1.3, color=colors[init], label=init_label(init)
                )
                zero, over = std == 0, (finite < 1) | ~np.isfinite(std)
                edge = ax.get_xaxis_transform()
                ax.plot(layers[zero], np.full(zero.sum(), 0.03), "v", ms=5, color=colors[init], transform=edge)
                ax.plot(layers[over], np.full(over.sum(), 0.97), "^", ms=5, color=colors[init], transform=edge)
                state = _broken_layer_state(std, finite, np.asarray(stats.mean, dtype=float), from_top=col == 1)
                if state != "healthy":
                    notes[col].append((init_label(init), state, colors[init]))
            ax.set_yscale("log")
            ax.grid(True, which="major", alpha=0.3)
            ax.set_title(f"{act}: {kind}", fontsize=10)
            ax.tick_params(labelsize=8)
            ax.set_xlim(0.5, max(len(p[col].std) for p in profiles.values()) + 0.5)
            if mark_layer is not None:
                ax.axvline(mark_layer + 0.5, color="black", lw=0.8, ls=":")
        text_ax = row[2]
        text_ax.axis("off")
        y = 1.0
        for col, heading in ((0, "forward (read up from layer 1)"), (1, "backward (read down from the top)")):
            text_ax.text(0, y, heading, fontsize=8.5, fontweight="bold", va="top", transform=text_ax.transAxes)
            y -= 0.1
            for label, state, color in notes[col] or [("", "all healthy", "#2a7a2a")]:
                text_ax.text(
                    0.04,
                    y,
                    f"{label}: {state}" if label else state,
                    fontsize=8,
                    color=color,
                    va="top",
                    transform=text_ax.transAxes,
                )
                y -= 0.085
            y -= 0.04
    for ax in axes[-1, :2]:
        ax.set_xlabel("layer l (input side → output side)", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


# --- constant initialization (notebook 01) ---


def _symmetric_limit(matrix):
    """max|matrix| over the finite entries, or 1 if that is 0 or there are none (imshow needs vmin < vmax)."""
    finite = np.abs(matrix[np.isfinite(matrix)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def describe_matrix(matrix, *, rows="rows", columns="columns"):
    """A short true statement about a matrix's symmetry: "all = 0.5", "identical columns", "identical rows", or ""."""
    m = np.asarray(matrix)
    if m.size and np.all(m == m.flat[0]):
        return f"all = {float(m.flat[0]):.3g}"
    if m.ndim == 2 and m.shape[1] > 1 and np.all(m == m[:, :1]):
        return f"identical {columns}"
    if m.ndim == 2 and m.shape[0] > 1 and np.all(m == m[:1, :]):
        return f"identical {rows}"
    return ""


def heatmap(ax, matrix, *, title="", xlabel="", ylabel="", cmap="RdBu_r", colorbar=True, ticks=True):
    """Draw ``matrix`` (rows top to bottom) with a colour scale symmetric around 0 (red > 0, blue < 0).

    The scale is ±max|matrix| (±1 for an all-zero matrix); returns the AxesImage, which ``update_heatmap``
    changes in place. ``ticks=False`` and ``colorbar=False`` make a heatmap that redraws fast.
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got shape {m.shape}")
    limit = _symmetric_limit(m)
    image = ax.imshow(m, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto", interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    if ticks:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
        bar.ax.tick_params(labelsize=7)
    return image


def update_heatmap(image, matrix, title=None):
    """Put a same-shaped ``matrix`` into an existing heatmap and rescale it symmetrically (its colorbar follows)."""
    m = np.asarray(matrix, dtype=float)
    limit = _symmetric_limit(m)
    image.set_data(m)
    image.set_extent((-0.5, m.shape[1] - 0.5, m.shape[0] - 0.5, -0.5))
    image.set_clim(-limit, limit)
    if title is not None:
        image.axes.set_title(title, fontsize=9)
    return image


def _softmax_rows(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def zero_init_figure(trace, *, n_show=6):
    """The zero-init picture (the note's Weight_init_2): different inputs, identical everything else.

    ``trace`` comes from ``MLP([n_in, hidden, n_out], ..., "zeros").trace(x, y)`` with a two-layer classifier.
    Panels: the inputs, the hidden activations, the output probabilities, ``dL/dW1`` and ``dL/dW2``; each
    title states what the numbers are (e.g. "all = 0.5", "identical rows"), computed from the data.
    """
    if len(trace.grad_weights) != 2:
        raise ValueError(f"trace must come from a network with one hidden layer, got {len(trace.grad_weights)} layers")
    if isinstance(n_show, bool) or not isinstance(n_show, int) or n_show < 1:
        raise ValueError(f"n_show must be a positive int, got {n_show!r}")
    n_show = min(n_show, len(trace.inputs))
    x = np.asarray(trace.inputs[:n_show], dtype=float)
    hidden = trace.activations[0][:n_show]
    probabilities = _softmax_rows(np.asarray(trace.activations[1][:n_show], dtype=float))
    grad_w1, grad_w2 = trace.grad_weights
    fig, axes = figure(1, 5, width=13, height=3.1)
    panels = [
        (x, f"inputs x ({n_show} examples)", "input feature", "example"),
        (hidden, "hidden h₁ = φ(x·0 + 0)", "hidden unit", "example"),
        (probabilities, "output p = softmax(z₂)", "class", "example"),
        (grad_w1, "gradient dL/dW₁", "hidden unit", "input feature"),
        (grad_w2, "gradient dL/dW₂", "class", "hidden unit"),
    ]
    for ax, (matrix, name, xlabel, ylabel) in zip(axes[0], panels):
        statement = describe_matrix(matrix, rows="rows (units)" if matrix is grad_w2 else "rows")
        if matrix is x and not statement:
            statement = "every row different"
        heatmap(ax, matrix, title=f"{name}\n{statement}", xlabel=xlabel, ylabel=ylabel)
    return fig


def symmetry_figure(rows):
    """First-layer weights before and after training, one row per run (the note's Weight_init_1 for a constant).

    ``rows`` is a list of ``(label, recording)`` with ``recording`` from ``initviz.symmetry.record_training``.
    Columns: ``W1`` at init, ``W1`` after the last recorded step, ``dL/dW1`` on a batch at that point, and the
    hidden activations of a few test inputs then. Each column of ``W1`` is one hidden unit.
    """
    from .symmetry import distinct_units

    if not rows:
        raise ValueError("rows must hold at least one (label, recording) pair")
    fig, axes = figure(len(rows), 4, width=13, height=3.0)
    for ax_row, (label, rec) in zip(axes, rows):
        last = int(rec.steps[-1])
        after = rec.weights[-1]
        stop = f" (diverged at step {rec.diverged_at})" if rec.diverged_at is not None else ""
        heatmap(
            ax_row[0],
            rec.weights[0],
            title=f"{label}: W₁ at init\n{describe_matrix(rec.weights[0]) or 'columns differ'}",
            xlabel="hidden unit (column)",
            ylabel="input feature",
        )
        heatmap(
            ax_row[1],
            after,
            title=f"W₁ after {last} steps{stop}\n{distinct_units(after)} distinct unit(s) of {after.shape[1]}",
            xlabel="hidden unit (column)",
        )
        heatmap(
            ax_row[2],
            rec.last_gradient,
            title=f"dL/dW₁ after {last} steps\n{describe_matrix(rec.last_gradient) or 'columns differ'}",
            xlabel="hidden unit (column)",
        )
        heatmap(
            ax_row[3],
            rec.hidden,
            title=f"hidden h₁ after {last} steps\n{describe_matrix(rec.hidden) or 'columns differ'}",
            xlabel="hidden unit",
            ylabel="test example",
        )
    return fig


def symmetry_curves(runs, *, chance=None):
    """Test accuracy and the number of distinct hidden units against the SGD step, one line per run.

    ``runs`` is a list of ``(label, recording)``. A symmetric (constant) start stays at 1 distinct unit.
    """
    if not runs:
        raise ValueError("runs must hold at least one (label, recording) pair")
    fig, axes = figure(1, 2, width=10, height=3.2)
    acc_ax, units_ax = axes[0]
    palette = ["#7f7f7f", "#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd"]
    styles = ["-", "--", "-."]  # runs that overlap (e.g. all at 1 unit) stay visible
    for i, (label, rec) in enumerate(runs):
        style = {"color": palette[i % len(palette)], "ls": styles[i % len(styles)], "lw": 1.8, "label": label}
        acc_ax.plot(rec.steps, rec.test_accuracy, **style)
        units_ax.plot(rec.steps, rec.distinct, drawstyle="steps-post", **style)
    if chance is not None:
        acc_ax.axhline(chance, color="black", lw=0.8, ls=":")
        acc_ax.text(0.99, chance + 0.01, "chance", transform=acc_ax.get_yaxis_transform(), ha="right", fontsize=7)
    acc_ax.set_ylim(0, 1)
    acc_ax.set_xlabel("SGD step")
    acc_ax.set_ylabel("test accuracy")
    acc_ax.grid(True, alpha=0.3)
    width = max(int(rec.weights.shape[2]) for _, rec in runs)
    units_ax.set_ylim(0, width + 1)
    units_ax.set_xlabel("SGD step")
    units_ax.set_ylabel(f"distinct hidden units (of {width})")
    units_ax.grid(True, alpha=0.3)
    units_ax.legend(fontsize=8, loc="center right")
    return fig


class SymmetryView:
    """The constant-init panel's figure: a constant run above a random run, ``W1`` at init, after, and the change.

    A fourth column plots both runs' test accuracy against the step, with a marker at the shown step.
    ``update(constant, random, step, labels)`` takes two ``Recording`` objects (``initviz.symmetry``).
    For a fast redraw the heatmaps have no ticks or colorbars (each title gives its colour scale) and the layout is
    fixed by hand: no layout engine, so saving the figure draws it once.
    """

    def __init__(self, *, chance=0.1):
        self.fig = Figure(figsize=(12.5, 5.4))
        grid = self.fig.add_gridspec(2, 3, left=0.03, right=0.64, bottom=0.06, top=0.9, wspace=0.05, hspace=0.2)
        cells = [(f"{row}{col}", grid[i, col]) for i, row in enumerate("cr") for col in range(3)]
        self.axes = {name: self.fig.add_subplot(cell) for name, cell in cells}
        self.axes["acc"] = self.fig.add_axes((0.7, 0.1, 0.29, 0.76))
        self.images = {}
        for name in ("c0", "c1", "c2", "r0", "r1", "r2"):
            xlabel = "hidden unit →" if name[0] == "r" else ""
            self.images[name] = heatmap(self.axes[name], np.zeros((2, 2)), xlabel=xlabel, colorbar=False, ticks=False)
        ax = self.axes["acc"]
        self.curves, self.dots = [], []
        for color in ("#ff7f0e", "#2ca02c"):
            self.curves.append(ax.plot([], [], color=color, lw=1.6)[0])
            self.dots.append(ax.plot([], [], "o", color=color, ms=6)[0])
        self.now = ax.axvline(0, color="black", lw=0.8, ls="--")
        ax.axhline(chance, color="black", lw=0.8, ls=":")
        ax.text(0.99, chance + 0.01, "chance", transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=7)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("SGD step")
        ax.set_ylabel("test accuracy")
        ax.grid(True, alpha=0.3)
        self.legend = ax.legend(handles=self.curves, labels=["constant", "random"], fontsize=8, loc="center right")

    def update(self, constant, random, step, labels=("constant", "random")):
        from .symmetry import column_spread

        lines = []
        for row, rec, label, curve, dot in zip("cr", (constant, random), labels, self.curves, self.dots):
            i = rec.at(step)
            shown = int(rec.steps[i])
            before, after = rec.weights[0], rec.weights[i]
            change = after - before
            for col, matrix, name in (
                (0, before, f"{label}: W₁ at init"),
                (1, after, f"W₁ after {shown} steps"),
                (2, change, "change ΔW₁ = after − init"),
            ):
                scale = describe_matrix(matrix) if np.all(matrix == matrix.flat[0]) else ""
                scale = scale or f"colour scale ±{_symmetric_limit(matrix):.2g}"
                update_heatmap(self.images[f"{row}{col}"], matrix, f"{name}\n{scale}")
            self.axes[row + "0"].set_ylabel(f"{before.shape[0]} input features ↓", fontsize=8)
            curve.set_data(rec.steps, rec.test_accuracy)
            dot.set_data([shown], [rec.test_accuracy[i]])
            width = after.shape[1]
            stopped = f", diverged at step {rec.diverged_at}" if rec.diverged_at is not None else ""
            lines.append(f"{label}: {rec.distinct[i]}/{width} distinct units, acc {rec.test_accuracy[i]:.0%}")
            lines.append(f"    max column difference {column_spread(after):.2g}{stopped}")
        for text, label in zip(self.legend.get_texts(), labels):
            text.set_text(label)
        ax = self.axes["acc"]
        ax.set_xlim(0, max(1, int(constant.steps[-1]), int(random.steps[-1])))
        self.now.set_xdata([step, step])
        ax.set_title("\n".join(lines), fontsize=8, loc="left")
        return self


# --- xavier (notebook 03) ---


def xavier_layered_profile(widths, weight_vars, activation, *, negative_slope=0.01, input_var=1.0):
    """Theory for a bias-free stack whose widths change from layer to layer.

    ``widths = [n_0, ..., n_L]``; ``weight_vars`` is Var(W) of every layer (one number) or of each layer
    (L numbers). This is ``theory.predict_profile`` with per-layer fans: the forward recursion uses
    σ_w² = n_in·Var(W) of each layer and the gradient gains n_out·Var(W)·E[φ′(z)²] per layer.
    With equal widths and one variance it returns what ``predict_profile`` returns. Past an
    overflow (q beyond 1e300) the forward values are inf and the gradients NaN.
    """
    from . import _checks, theory
    from . import activations as _activations

    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 2:
        raise ValueError(f"widths needs at least [n_0, n_1], got {list(widths)}")
    depth = len(widths) - 1
    if np.ndim(weight_vars) == 0:
        weight_vars = [weight_vars] * depth
    if len(weight_vars) != depth:
        raise ValueError(f"weight_vars must be one number or {depth} numbers (one per layer), got {len(weight_vars)}")
    weight_vars = [_checks.number(f"weight_vars[{l}]", v, low=0) for l, v in enumerate(weight_vars)]
    input_var = _checks.number("input_var", input_var, low=0)
    phi = _activations.get(activation, negative_slope)
    if len(set(widths)) == 1 and len(set(weight_vars)) == 1:
        return theory.predict_profile(
            depth, weight_vars[0], widths[0], phi, input_var=input_var, negative_slope=negative_slope
        )
    qs, q = [], input_var
    for l, v in enumerate(weight_vars):  # layer 1 sees the raw input, later layers see φ(z)
        if q <= 1e300:
            q = widths[0] * v * q if l == 0 else theory.variance_map(q, widths[l] * v, 0.0, phi)
        qs.append(q if q <= 1e300 else np.inf)
    ok = [q < np.inf for q in qs]
    mean = np.array([theory.expect_normal(phi.fn, q) if good else np.nan for q, good in zip(qs, ok)])
    second = np.array(
        [theory.expect_normal(lambda z: phi.fn(z) ** 2, q) if good else np.inf for q, good in zip(qs, ok)]
    )
    grad_var = np.ones(depth)
    for l in range(depth - 1, 0, -1):  # through layer l + 1, whose n_out is widths[l + 1]
        gain = theory.chi(qs[l], widths[l + 1] * weight_vars[l], phi) if ok[l] else np.nan
        grad_var[l - 1] = grad_var[l] * gain
    with np.errstate(invalid="ignore"):  # inf − inf past an overflow stays NaN
        spread = np.sqrt(np.maximum(second - mean**2, 0.0))
    return theory.Profile(np.sqrt(qs), mean, spread, np.sqrt(grad_var))


def _xavier_check(fan_in=1, fan_out=1, depth=1, *, max_fan=2000, max_depth=200):
    """Validate the common arguments of the Xavier figures; messages name the argument."""
    from . import _checks

    return (
        _checks.integer("fan_in", fan_in, low=1, high=max_fan),
        _checks.integer("fan_out", fan_out, low=1, high=max_fan),
        _checks.integer("depth", depth, low=1, high=max_depth),
    )


def _xavier_alternating(fan_in, fan_out, depth):
    """Widths of a stack whose layers alternate fan_in → fan_out → fan_in → ..."""
    return [fan_in if l % 2 == 0 else fan_out for l in range(depth + 1)]


def _xavier_trace(widths, init, activation, *, n_samples=1000, seed=0, negative_slope=0.01):
    """Run randn(n_samples, widths[0]) forward through a bias-free stack, and a N(0, 1) gradient back."""
    from .mlp import MLP

    net = MLP(widths, activation, init, negative_slope=negative_slope, bias=False, linear_head=False, rng=seed)
    x = np.random.default_rng(seed + 1).standard_normal((n_samples, widths[0])).astype(net.dtype)
    return net, net.trace(x, rng=seed + 2)


def _xavier_gradient_state(stds, finite):
    """``signal_state`` read from the top layer down, since gradients start at the top."""
    state = _stats.signal_state(np.asarray(stds)[::-1], np.asarray(finite)[::-1])
    if state == "healthy":
        return state
    words, k = state.rsplit(" ", 1)
    return f"{words} {len(stds) - int(k) + 1} (backward)"


_XAVIER_RULES = (
    ("forward rule: Var(W) = 1/n_in", "lecun_normal", "#1f77b4"),
    ("backward rule: Var(W) = 1/n_out", "lecun_normal:mode=fan_out", "#2ca02c"),
    ("Xavier: Var(W) = 2/(n_in+n_out)", "xavier_normal", COLORS["xavier"]),
)


def xavier_fan_rule_figure(fan_in=100, fan_out=300, depth=20, activation="linear", *, seed=0):
    """Forward signal std and backward gradient std per layer in a net whose widths alternate fan_in ↔ fan_out,
    for the forward rule (1/n_in), the backward rule (1/n_out) and Xavier's compromise; theory dashed."""
    fan_in, fan_out, depth = _xavier_check(fan_in, fan_out, depth)
    widths = _xavier_alternating(fan_in, fan_out, depth)
    fig, axes = figure(1, 2, width=10, height=3.4)
    layers = np.arange(1, depth + 1)
    for label, init, color in _XAVIER_RULES:
        net, trace = _xavier_trace(widths, init, activation, seed=seed)
        weight_vars = [float(np.var(w, dtype=np.float64)) for w in net.weights]
        profile = xavier_layered_profile(widths, weight_vars, activation)
        forward = _stats.layer_stats(trace.activations, activation).std
        backward = _stats.layer_stats(trace.grad_activations).std
        for ax, measured, theory in (
            (axes[0, 0], forward, profile.activation_std),
            (axes[0, 1], backward, profile.gradient_std),
        ):
            ax.semilogy(layers, measured, "o-", ms=3, lw=1, color=color, label=label)
            ax.semilogy(layers, theory, "--", lw=1, color=color, alpha=0.7)
    axes[0, 0].set_title(f"forward: std of layer outputs ({activation})", fontsize=10)
    axes[0, 1].set_title("backward: std of dL/dh (top layer = 1)", fontsize=10)
    for ax in axes[0]:
        ax.set_xlabel(f"layer (widths alternate {fan_in} ↔ {fan_out})")
        ax.grid(True, which="major", alpha=0.3)
    axes[0, 0].set_ylabel("std")
    axes[0, 1].legend(fontsize=8, loc="lower right", title="dots: measured, dashes: theory", title_fontsize=8)
    _xavier_integer_layers(axes[0])
    return fig


def _xavier_integer_layers(axes, *, decades_only=False):
    """Whole layer numbers on x; ``decades_only`` labels only 10^k on log-y axes, so labels keep one width."""
    from matplotlib.ticker import MaxNLocator, NullFormatter

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        if decades_only and ax.get_yscale() == "log":
            ax.yaxis.set_minor_formatter(NullFormatter())


def _xavier_density(distribution, std, x):
    """The density a Xavier draw follows: N(0, std²) or U[−√3·std, √3·std]."""
    if distribution == "normal":
        return np.exp(-0.5 * (x / std) ** 2) / (std * np.sqrt(2 * np.pi))
    bound = np.sqrt(3.0) * std
    return np.where(np.abs(x) <= bound, 1 / (2 * bound), 0.0)


class XavierWeights:
    """A density histogram of weights with the density they should follow; updated in place."""

    def __init__(self, ax, *, bins=60, color=COLORS["xavier"]):
        self.ax, self.bins = ax, bins
        self.steps = ax.stairs(
            np.zeros(bins), np.linspace(-1, 1, bins + 1), fill=True, color=color, alpha=0.55, label="sampled weights"
        )
        (self.curve,) = ax.plot([], [], color=COLORS["theory"], lw=1.4, label="theoretical density")
        self.note = ax.text(0.02, 0.95, "", transform=ax.transAxes, ha="left", va="top", fontsize=8)
        ax.set_xlabel("weight value")
        ax.set_ylabel("density")
        ax.legend(fontsize=7, loc="upper right")

    def update(self, weights, distribution, std, *, title=None):
        weights = np.asarray(weights, dtype=np.float64).ravel()
        reach = 4.0 * std
        edges = np.linspace(-reach, reach, self.bins + 1)
        counts = np.histogram(weights, bins=edges)[0]
        density = counts / (weights.size * (edges[1] - edges[0]))
        self.steps.set_data(density, edges)
        x = np.linspace(-reach, reach, 801)
        y = _xavier_density(distribution, std, x)
        self.curve.set_data(x, y)
        self.ax.set_xlim(-reach, reach)
        self.ax.set_ylim(0, 1.55 * max(density.max(), y.max()))
        few = ": too few for\na smooth histogram" if weights.size < 1000 else ""
        self.note.set_text(f"{weights.size:,} weights{few}\nsample std {weights.std():.3g}\ntheory std {std:.3g}")
        if title is not None:
            self.ax.set_title(title, fontsize=10)
        return self


def xavier_histogram_figure(fan_in=100, fan_out=300, *, seed=0):
    """xavier_normal next to xavier_uniform for one (fan_in, fan_out) layer, each with its density."""
    from .init import initialize

    fan_in, fan_out, _ = _xavier_check(fan_in, fan_out)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    fig, axes = figure(1, 2, width=9, height=3.0)
    for ax, distribution in zip(axes[0], ("normal", "uniform")):
        weights = initialize(f"xavier_{distribution}", (fan_in, fan_out), rng=seed)
        title = (
            f"xavier_normal: N(0, {std:.3g}²)"
            if distribution == "normal"
            else f"xavier_uniform: U[−{np.sqrt(3) * std:.3g}, {np.sqrt(3) * std:.3g}]"
        )
        XavierWeights(ax).update(weights, distribution, std, title=title + f"   ({fan_in}×{fan_out})")
    return fig


def xavier_activation_figure(activations=("tanh", "sigmoid", "relu"), *, depth=30, width=100, seed=0):
    """Xavier (normal) in a square net of ``width`` units: forward activation std and backward gradient std per
    layer for each activation, measured (dots) against ``theory.predict_profile`` (dashes)."""
    from .activations import get
    from .mlp import propagate
    from .theory import predict_profile

    width, _, depth = _xavier_check(width, 1, depth)
    if isinstance(activations, str) or not activations:
        raise TypeError(f"activations must be a non-empty tuple of names, got {activations!r}")
    for name in activations:
        get(name)
    fig, axes = figure(1, 2, width=10, height=3.4)
    layers = np.arange(1, depth + 1)
    for name in activations:
        trace = propagate("xavier_normal", name, depth=depth, width=width, seed=seed)
        profile = predict_profile(depth, 2.0 / (width + width), width, name)
        forward = _stats.layer_stats(trace.activations, name).std
        backward = _stats.layer_stats(trace.grad_activations).std
        color = COLORS.get(name, "#7f7f7f")
        for ax, measured, theory in (
            (axes[0, 0], forward, profile.activation_std),
            (axes[0, 1], backward, profile.gradient_std),
        ):
            ax.semilogy(
                layers, np.where(measured > 0, measured, np.nan), "o-", ms=3, lw=1, color=color, label=get(name).label
            )
            ax.semilogy(layers, np.where(theory > 0, theory, np.nan), "--", lw=1, color=COLORS["theory"], alpha=0.6)
    axes[0, 0].set_title(f"forward: std of activations (Xavier, width {width})", fontsize=10)
    axes[0, 1].set_title("backward: std of dL/dh (top layer = 1)", fontsize=10)
    for ax in axes[0]:
        ax.set_xlabel("layer")
        ax.grid(True, which="major", alpha=0.3)
    axes[0, 0].set_ylabel("std")
    axes[0, 1].legend(fontsize=8, loc="lower right", title="dots: measured, dashes: theory", title_fontsize=8)
    _xavier_integer_layers(axes[0])
    return fig


def _xavier_probe(weights, phi, x, grad_top):
    """Activations h_l and gradients dL/dh_l of a bias-free stack, without the weight gradients (faster)."""
    activations, pre = [], []
    h = x
    with np.errstate(all="ignore"):  # extreme settings overflow on purpose; the states name it
        for w in weights:
            pre.append(h @ w)
            h = phi.fn(pre[-1])
            activations.append(h)
        gradients, g = [None] * len(weights), grad_top
        for l in range(len(weights) - 1, -1, -1):
            gradients[l] = g
            if l:
                g = (g * phi.derivative(pre[l])) @ weights[l].T
    return activations, gradients


class XavierView:
    """The Xavier panel's figure: weight histogram, forward std per layer, backward gradient std per layer.

    The simulated net has ``depth`` bias-free layers whose widths alternate fan_in → fan_out → fan_in → ...,
    so every layer is a (fan_in, fan_out) or a (fan_out, fan_in) matrix and all of them get the same Xavier
    variance 2/(fan_in + fan_out). The theory curves are ``xavier_layered_profile`` for exactly that net
    (``theory.predict_profile`` when fan_in == fan_out).
    """

    FANS = (1, 2, 5, 10, 20, 50, 100, 200, 300, 500)
    MAX_DEPTH = 50

    def __init__(self, *, seed=0):
        self.seed = seed
        self.figure, axes = figure(1, 3, width=13, height=3.6)
        self.weights = XavierWeights(axes[0, 0])
        self.forward = DepthProfile(axes[0, 1], ylabel="std of activations", label="measured", color=COLORS["xavier"])
        self.backward = DepthProfile(axes[0, 2], ylabel="std of dL/dh", label="measured", color=COLORS["he"])
        axes[0, 1].set_title("forward signal", fontsize=10)
        axes[0, 2].set_title("backward gradient (top layer = 1)", fontsize=10)
        _xavier_integer_layers([self.forward.ax, self.backward.ax], decades_only=True)
        self._net_key, self._net = None, None
        self._reserve_label_space()

    def _reserve_label_space(self):
        """Lay the figure out once with the widest tick labels it can show, then keep that layout.

        Constrained layout (and the extra draw savefig makes for it) is half the cost of a redraw; a fixed
        layout that already has room for "10⁻³⁰" and "0.35" keeps every later label inside the figure.
        """
        if not (hasattr(self.figure, "draw_without_rendering") and hasattr(self.figure, "set_layout_engine")):
            return  # matplotlib < 3.6: keep constrained layout on every draw
        self.weights.ax.set_ylim(0, 0.35)
        for profile in (self.forward, self.backward):
            profile.ax.set_ylim(1e-30, 1e2)
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine(None)  # no engine at all: savefig then skips its extra layout draw
        if self.figure.get_layout_engine() is not None:  # rcParams asked for a layout: at least freeze it
            self.figure.set_layout_engine("none")

    def _network(self, fan_in, fan_out, distribution, depth):
        key = (fan_in, fan_out, distribution, depth)
        if key != self._net_key:  # changing only the activation reuses the same weights
            from .mlp import MLP

            widths = _xavier_alternating(fan_in, fan_out, depth)
            self._net = MLP(widths, "linear", f"xavier_{distribution}", bias=False, linear_head=False, rng=self.seed)
            self._net_key = key
        return self._net

    def update(self, fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20):
        from . import _checks
        from .activations import get

        fan_in, fan_out, depth = _xavier_check(fan_in, fan_out, depth, max_fan=max(self.FANS), max_depth=self.MAX_DEPTH)
        _checks.choice("distribution", distribution, ("normal", "uniform"))
        phi = get(activation)
        net = self._network(fan_in, fan_out, distribution, depth)
        # each layer's std is estimated from >= ~20 000 numbers at most widths, at a bounded cost
        rows = int(np.clip(20_000 // min(fan_in, fan_out), 32, 2000))
        rows = min(rows, max(32, 200_000 // max(fan_in, fan_out)))
        rng = np.random.default_rng(self.seed + 1)
        x = rng.standard_normal((rows, fan_in), dtype=np.float32)
        activations, gradients = _xavier_probe(
            net.weights, phi, x, rng.standard_normal((rows, net.sizes[-1]), dtype=np.float32)
        )
        weight_var = 2.0 / (fan_in + fan_out)
        std = np.sqrt(weight_var)
        pooled, count = [], 0
        for w in net.weights:  # enough layers for a smooth histogram, not all of a big net
            pooled.append(w.ravel())
            count += w.size
            if count >= 100_000:
                break
        label = "N(0, σ²)" if distribution == "normal" else "U[−√3σ, √3σ]"
        self.weights.update(
            np.concatenate(pooled), distribution, std, title=f"xavier_{distribution}: {label}, σ = {std:.3g}"
        )
        profile = xavier_layered_profile(net.sizes, weight_var, activation)
        fwd = _stats.layer_stats(activations, activation)
        self.forward.update(fwd.std, theory=profile.activation_std, finite=fwd.finite, means=fwd.mean)
        bwd = _stats.layer_stats(gradients)
        self.backward.update(bwd.std, theory=profile.gradient_std, finite=bwd.finite)
        set_state_text(self.backward.state, _xavier_gradient_state(bwd.std, bwd.finite))
        widths = f"{fan_in}" if fan_in == fan_out else f"{fan_in} ↔ {fan_out}"
        for ax in (self.forward.ax, self.backward.ax):
            ax.set_xlabel(f"layer (widths {widths}, {get(activation).label})")
        return self


def xavier_figure(fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20, *, seed=0):
    """The Xavier panel's default view as a static Figure."""
    return XavierView(seed=seed).update(fan_in, fan_out, distribution, activation, depth).figure


# --- overview (notebook 00) ---


def _activation_label(activation):
    from .activations import get

    return get(activation).label


def _overview_colors(inits):
    """One colour per init spec: notebook 05's colours where it has one (so an init looks the same everywhere)."""
    spare = iter(["#2ca02c", "#ff7f0e", "#17becf", "#e377c2", "#1a1a1a"] * 4)
    return [INIT_COLORS.get(init) or next(spare) for init in inits]


def init_comparison(inits, activation="relu", *, depth=10, width=100, seed=0, title=None):
    """Per-layer activation std of one network under several inits, on one log axis.

    Each curve is measured with ``initviz.propagate`` (randn input, no bias); a curve
    that vanishes to exactly zero or overflows is cut there and labelled.
    """
    from .init import init_label
    from .mlp import propagate

    if isinstance(inits, str):
        raise TypeError(f"inits must be a list or tuple of init specs, e.g. ({inits!r},), got the string {inits!r}")
    inits = list(inits)
    if not inits:
        raise ValueError("inits is empty: give at least one init spec, e.g. ('he_normal',)")
    fig, axes = figure(1, 1, width=6.4, height=3.6)
    ax = axes[0, 0]
    layers = np.arange(1, depth + 1)
    for init, color in zip(inits, _overview_colors(inits)):
        s = _stats.layer_stats(propagate(init, activation, depth=depth, width=width, seed=seed).activations)
        state = _stats.signal_state(s.std, s.finite, s.mean)
        std = np.where((s.std > 0) & np.isfinite(s.std) & (s.finite == 1), s.std, np.nan)
        ax.semilogy(layers, std, "o-", ms=3, color=color, label=f"{init_label(init)} — {state}")
    ax.set_xlabel("layer")
    name = _activation_label(activation)
    ax.set_ylabel(f"std of {name} activations")
    ax.set_xlim(0.5, depth + 0.5)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title or f"One {depth}-layer {name} network, {len(inits)} initializations", fontsize=10)
    return fig


def convergence_figure(results, *, n_classes=10, smooth=10, title=None):
    """Training loss and test accuracy against the SGD step, one line per run of ``experiment.run_grid``.

    The loss is a running mean over ``smooth`` steps on a linear axis; dotted lines mark a uniform guess over
    ``n_classes`` classes (loss ln k, accuracy 1/k). A run that diverged is drawn as an ✕ on the top edge at the
    step where it diverged, and its legend entry says so. The legend gives each run's final test accuracy.
    """
    from . import _checks
    from .init import init_label

    results = list(results)
    if not results:
        raise ValueError("results is empty: give the list that initviz.experiment.run_grid returns")
    n_classes = _checks.integer("n_classes", n_classes, low=2)
    smooth = _checks.integer("smooth", smooth, low=1)
    inits = list(dict.fromkeys(r.config.init for r in results))
    colors = dict(zip(inits, _overview_colors(inits)))
    seeds = {init: sum(r.config.init == init for r in results) for init in inits}
    fig, axes = figure(1, 2, width=11, height=3.3)
    loss_ax, acc_ax = axes[0]
    uniform = float(np.log(n_classes))
    for r in results:
        h, color = r.history, colors[r.config.init]
        label = init_label(r.config.init) + (f", seed {r.config.seed}" if seeds[r.config.init] > 1 else "")
        if h.diverged:
            label += f": {h.status}"
            for ax in (loss_ax, acc_ax):
                ax.plot(
                    h.diverged_at + 1,
                    0.97,
                    "x",
                    color=color,
                    ms=8,
                    mew=2,
                    transform=ax.get_xaxis_transform(),
                    clip_on=False,
                )
        else:
            label += f": test accuracy {h.final_test_accuracy:.0%}"
            loss = np.asarray(h.loss, dtype=float)
            k = min(smooth, len(loss))
            loss_ax.plot(np.arange(k, len(loss) + 1), np.convolve(loss, np.ones(k) / k, mode="valid"), color=color)
            acc_ax.plot(h.eval_steps, h.test_accuracy, "o-", ms=3, color=color)
        acc_ax.plot([], [], color=color, label=label)
    steps = max(r.config.steps for r in results)
    for ax, level, text in ((loss_ax, uniform, f"uniform guess, ln {n_classes}"), (acc_ax, 1 / n_classes, "chance")):
        ax.axhline(level, color="black", lw=0.8, ls=":")
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


# --- gaussian (notebook 02) ---

GAUSSIAN_STDS = (0.01, 0.1, 1.0, 10.0)
GAUSSIAN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
GAUSSIAN_STD_COLORS = {0.01: "#6a3d9a", 0.1: "#1f78b4", 1.0: "#33a02c", 10.0: "#e6550d"}
_GAUSS_THEORY_STYLE = {"lw": 5, "alpha": 0.25, "solid_capstyle": "round"}  # a pale band the measured dots sit on
_GAUSS_SATURATING = ("sigmoid", "tanh")


_GAUSS_POOLS = []  # a threadpoolctl controller, made on first use


def _gauss_one_blas_thread():
    """A context with one BLAS thread, for the probe's small matrices (1000 × 100 @ 100 × 100).

    Threads gain nothing at that size, and on a busy 2-core machine they stall: a 10-layer
    probe took ~40 ms on one thread and ~1 s on two under load. Without threadpoolctl
    (a scikit-learn dependency) this does nothing.
    """
    from contextlib import nullcontext

    if not _GAUSS_POOLS:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return nullcontext()
        _GAUSS_POOLS.append(ThreadpoolController())
    return _GAUSS_POOLS[0].limit(limits=1, user_api="blas")


def _gaussian_trace(std, activation, depth, width, seed, n_samples=1000, dtype=np.float32):
    """The classic probe (initviz.propagate) with N(0, std²) weights, plus its per-layer statistics."""
    from . import mlp as _mlp

    spec = ("normal", {"std": float(std)})
    with _gauss_one_blas_thread():
        trace = _mlp.propagate(spec, activation, depth=depth, width=width, seed=seed, n_samples=n_samples, dtype=dtype)
    return trace, _stats.layer_stats(trace.activations, activation), _stats.layer_stats(trace.grad_activations)


def _gaussian_theory(std, activation, depth, width):
    """``theory.predict_profile`` with Var(W) = std², fan_in = fan_out = width; inf where the forward overflows.

    Only the unbounded activations (ReLU, leaky ReLU) can overflow even float64's variance; their
    gradient factor per layer, χ, does not depend on the signal, so it is used directly there.
    """
    from . import theory as _theory

    weight_var = float(std) ** 2
    finite_depth = int(np.isfinite(_theory.forward_variances(depth, width * weight_var, 0.0, activation)).sum())
    if finite_depth == depth:
        return _theory.predict_profile(depth, weight_var, width, activation)
    head = _theory.predict_profile(max(finite_depth, 1), weight_var, width, activation)
    pad = np.full(depth - len(head.activation_std), np.inf)
    chi = _theory.chi(1.0, width * weight_var, activation)
    with np.errstate(over="ignore"):
        gradient = np.sqrt(chi) ** np.arange(depth - 1, -1, -1.0)
    return _theory.Profile(*(np.concatenate([part, pad]) for part in head[:3]), gradient)


def _gauss_window(activation):
    """A fixed x-range for bounded activations (so shrinking and piling up show); None: fit the data."""
    return {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation)


def _gauss_check(std=None, stds=None, activation=None):
    """Argument checks of the public functions below: stds > 0, a known activation."""
    from . import _checks
    from . import activations as _activations

    if std is not None:
        _checks.number("std", std, low=0, low_open=True)
    if stds is not None:
        if isinstance(stds, (str, bytes)) or not hasattr(stds, "__iter__"):
            raise TypeError(f"stds must be a sequence of positive numbers, got {stds!r}")
        if not len(stds):
            raise ValueError("stds must hold at least one std")
        for i, value in enumerate(stds):
            _checks.number(f"stds[{i}]", value, low=0, low_open=True)
    if activation is not None:
        _activations.get(activation)


def _gauss_fmt_std(value):
    return f"{value:.2g}" if np.isfinite(value) else "overflow"


def _gauss_lost_fraction(stats, activation):
    """Saturated fraction for sigmoid/tanh, dead-unit fraction for (leaky) ReLU; with its axis label."""
    if activation in _GAUSS_SATURATING:
        return stats.saturated, "saturated fraction"
    return stats.dead, "dead units (0 for every input)"


def _gauss_profile_state(stds, finite, means=None, *, from_top=False):
    """Name where a profile broke, and also where it finally overflowed or hit exact zeros.

    ``from_top`` scans from the last layer down, for gradients, which travel backwards;
    the layer numbers are still counted from the input.
    """
    stds, finite = np.asarray(stds, dtype=float), np.asarray(finite, dtype=float)
    means = None if means is None else np.asarray(means, dtype=float)
    order = slice(None, None, -1) if from_top else slice(None)
    args = (stds[order], finite[order], None if means is None else means[order])
    first = _stats.signal_state(*args)
    final = _stats.signal_state(*args, vanish=0.0, explode=np.inf)  # only overflow / exact zeros / constant
    states = [first] if final in ("healthy", first) else [first, final]
    if from_top:
        states = [s if s == "healthy" else _gauss_renumber(s, len(stds)) for s in states]
    return "\n".join(states)


def _gauss_renumber(state, n):
    """Layer k of a reversed profile is layer n + 1 - k; 'zeros from layer k' becomes 'at layer m and below'."""
    words, k = state.rsplit(" ", 1)
    layer = n + 1 - int(k)
    if words.endswith("from layer"):
        return f"{words.removesuffix('from layer')}at layer {layer} and below"
    return f"{words} {layer}"


class ActivationHistograms:
    """A row of per-layer histograms, built on :class:`LayerHistograms`' artists, that copes with ReLU's spike at 0.

    About half of a ReLU layer's outputs are exactly 0. That one bar would flatten the rest,
    so with ``zero_spike=True`` the y-axis is scaled to the other values and the spike is
    labelled with its share. Counts use ``np.histogram``'s equal-width fast path (no sort).
    """

    def __init__(self, axes, *, bins=40, color=COLORS["sigmoid"], xlabel="activation"):
        from matplotlib.ticker import MaxNLocator

        self.hist = LayerHistograms(axes, bins=bins, color=color, xlabel=xlabel)
        self.bins = bins
        for ax in self.hist.axes:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
        self.zero_notes = [
            ax.text(0.97, 0.96, "", transform=ax.transAxes, ha="right", va="top", fontsize=7, color="#444")
            for ax in self.hist.axes
        ]

    def update(self, arrays, *, titles=None, range=None, zero_spike=False):
        """Show ``arrays[i]`` in axes ``i``; hide the rest.

        Bins are shared: ``range``, or the finite values' span; ``range="per_layer"`` gives
        each layer its own span instead (for a signal that grows by orders of magnitude).
        """
        arrays = list(arrays)[: len(self.hist.axes)]
        finite = [a[np.isfinite(a)] if not np.isfinite(a).all() else a.ravel() for a in arrays]

        def span(present):
            lo = min(float(f.min()) for f in present) if present else -1.0
            hi = max(float(f.max()) for f in present) if present else 1.0
            return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)  # one value only (all zeros): a window round it

        per_layer = isinstance(range, str) and range == "per_layer"  # each layer on its own scale
        if range is None:
            range = span([f for f in finite if f.size])
        views = zip(self.hist.axes, self.hist.steps, self.hist.notes, self.zero_notes)
        for i, (ax, steps, note, zero_note) in enumerate(views):
            ax.set_visible(i < len(arrays))
            if i >= len(arrays):
                continue
            a, values = arrays[i], finite[i]
            if per_layer:
                range = span([values] if values.size else [])
            edges = np.linspace(range[0], range[1], self.bins + 1)
            counts = np.histogram(values, bins=self.bins, range=range)[0] if values.size else np.zeros(self.bins)
            steps.set_data(counts, edges)
            ax.set_xlim(edges[0], edges[-1])
            top = max(1, counts.max())
            zeros = int(np.count_nonzero(values == 0)) if zero_spike else 0
            zero_note.set_text("")
            if zeros >= 0.2 * a.size and range[0] <= 0 <= range[1]:
                rest = counts.astype(float)
                rest[min(int((0 - range[0]) / (range[1] - range[0]) * self.bins), self.bins - 1)] -= zeros
                if rest.max() > 0:
                    top = rest.max()
                zero_note.set_text(f"{zeros / a.size:.0%} exactly 0" + (" (bar cut)" if rest.max() > 0 else ""))
            ax.set_ylim(0, top * 1.1)
            bad = a.size - values.size
            note.set_text(f"{bad / a.size:.0%} overflowed\n(inf/NaN)" if bad else "")
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
        return self


def _gauss_layer_titles(layers, stds, prefix="layer "):
    return [f"{prefix}{k}  ·  std {_gauss_fmt_std(s)}" for k, s in zip(layers, stds)]


def _gauss_histogram_rows(rows, *, depth, width, seed, title):
    """A figure with one row of layer histograms per ``(row_label, std, activation)``."""
    fig, axes = figure(len(rows), depth, width=min(2.3 * depth + 0.8, 13), height=1.75)
    for r, (label, std, activation) in enumerate(rows):
        trace, act_stats, _ = _gaussian_trace(std, activation, depth, width, seed)
        view = ActivationHistograms(axes[r], color=COLORS.get(activation, COLORS["sigmoid"]))
        window = _gauss_window(activation)
        spread = np.nanmax(act_stats.std) / np.nanmin(act_stats.std[act_stats.std > 0], initial=np.inf)
        if window is None and spread > 10:
            window = "per_layer"  # one shared scale would leave all but the last layer an empty-looking spike
        view.update(
            trace.activations,
            titles=_gauss_layer_titles(range(1, depth + 1), act_stats.std),
            range=window,
            zero_spike=activation == "relu",
        )
        for ax in axes[r]:
            if r < len(rows) - 1:
                ax.set_xlabel("")
                if _gauss_window(activation) and _gauss_window(activation) == _gauss_window(rows[r + 1][2]):
                    ax.tick_params(labelbottom=False)  # the row below shows the same x-axis
        axes[r, 0].set_ylabel(label, fontsize=9)
    fig.suptitle(title, fontsize=11)
    return fig


def gaussian_histogram_grid(activation, stds=GAUSSIAN_STDS, *, depth=5, width=100, seed=0):
    """Rows = weight std, columns = layers: activation histograms of the classic probe.

    Sigmoid and tanh use their fixed output range, so collapse and saturation are visible;
    (leaky) ReLU rows share one range per row, so growth or shrinking across layers shows.
    """
    from . import activations as _activations

    _gauss_check(stds=stds, activation=activation)
    label = _activations.get(activation).label
    rows = [(f"std {s:g}", s, activation) for s in stds]
    return _gauss_histogram_rows(
        rows,
        depth=depth,
        width=width,
        seed=seed,
        title=f"{label}: activations per layer, W ~ N(0, std²), {width} units, no bias",
    )


def gaussian_note_figure(std, activations=GAUSSIAN_ACTIVATIONS, *, depth=5, width=100, seed=0):
    """The note's figure for one std (Weight_init_3: std 0.1, Weight_init_4: std 10), one row per activation."""
    from . import activations as _activations

    _gauss_check(std=std)
    for activation in activations:
        _gauss_check(activation=activation)
    size = "small" if std < 1 else "large"
    rows = [(_activations.get(a).label, std, a) for a in activations]
    return _gauss_histogram_rows(
        rows,
        depth=depth,
        width=width,
        seed=seed,
        title=f"Gaussian init with a {size} std: W ~ N(0, {std:g}²), {depth} layers of {width} "
        "units, input randn(1000, 100)",
    )


def _gauss_std_legend(ax, stds, *, theory=True):
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=GAUSSIAN_STD_COLORS.get(s, "gray"), marker="o", ms=3, label=f"std {s:g}") for s in stds
    ]
    if theory:
        handles.append(Line2D([], [], color="gray", **_GAUSS_THEORY_STYLE, label="theory"))
    ax.legend(handles=handles, fontsize=7, loc="best")


def _gauss_positive(values):
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def gaussian_summary(stds=GAUSSIAN_STDS, activations=GAUSSIAN_ACTIVATIONS, *, depth=5, width=100, seed=0):
    """One row per activation: activation std, gradient std (both log, theory dashed) and saturated/dead share.

    Dots are measured on the classic probe; dashed lines are ``theory.predict_profile`` with
    weight_var = std² and fan_in = ``width``.
    """
    _gauss_check(stds=stds)
    for activation in activations:
        _gauss_check(activation=activation)
    fig, axes = figure(len(activations), 3, width=12.5, height=2.7)
    layers = np.arange(1, depth + 1)
    for r, activation in enumerate(activations):
        lost_rows = []
        for std in stds:
            color = GAUSSIAN_STD_COLORS.get(std, "gray")
            _, act_stats, grad_stats = _gaussian_trace(std, activation, depth, width, seed)
            theory = _gaussian_theory(std, activation, depth, width)
            axes[r, 0].semilogy(layers, _gauss_positive(theory.activation_std), **_GAUSS_THEORY_STYLE, color=color)
            axes[r, 0].semilogy(layers, _gauss_positive(act_stats.std), "o-", ms=3, color=color)
            axes[r, 1].semilogy(layers, _gauss_positive(theory.gradient_std), **_GAUSS_THEORY_STYLE, color=color)
            axes[r, 1].semilogy(layers, _gauss_positive(grad_stats.std), "o-", ms=3, color=color)
            lost, lost_label = _gauss_lost_fraction(act_stats, activation)
            axes[r, 2].plot(layers, lost, "o-", ms=3, color=color)
            lost_rows.append(lost)
        if len(stds) > 1 and all(np.array_equal(lost_rows[0], row) for row in lost_rows[1:]):
            axes[r, 2].text(
                0.5,
                0.5,
                f"the same for all {len(stds)} stds\n(the lines overlap)",
                ha="center",
                va="center",
                transform=axes[r, 2].transAxes,
                fontsize=8,
                color="#444",
            )
        from . import activations as _activations

        label = _activations.get(activation).label
        axes[r, 0].set_ylabel(f"{label}\nactivation std")
        axes[r, 1].set_ylabel("gradient std dL/dh")
        axes[r, 2].set_ylabel(lost_label, fontsize=8)
        axes[r, 2].set_ylim(-0.03, 1.03)
        for ax in axes[r]:
            ax.set_xticks(layers)
            ax.grid(True, alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("layer")
    axes[0, 0].set_title("forward: activation std per layer")
    axes[0, 1].set_title("backward: gradient std per layer (top = 1)")
    axes[0, 2].set_title("saturated (sigmoid, tanh) / dead (ReLU)")
    _gauss_std_legend(axes[0, 1], stds)
    return fig


def gaussian_saturation_figure(std=10.0, *, depth=5, width=100, seed=0, layer=None):
    """Sigmoid and tanh outputs of one layer on the same x-axis: 0 and 1 versus −1 and +1."""
    from . import _checks

    _gauss_check(std=std)
    depth = _checks.integer("depth", depth, low=1, high=1000)
    layer = depth if layer is None else _checks.integer("layer", layer, low=1, high=depth)
    fig, axes = figure(1, 2, width=10, height=3.0)
    for ax, activation in zip(axes[0], _GAUSS_SATURATING):
        trace, act_stats, _ = _gaussian_trace(std, activation, depth, width, seed)
        h = trace.activations[layer - 1]
        low, high = (0.0, 1.0) if activation == "sigmoid" else (-1.0, 1.0)
        for edge in (low, high):
            ax.axvspan(edge - 0.03, edge + 0.03, color="#b00020", alpha=0.12, lw=0)
        ActivationHistograms([ax], bins=80, color=COLORS[activation], xlabel=f"{activation} output").update(
            [h], range=(-1.0, 1.0)
        )
        ax.set_xlim(-1.08, 1.08)
        ax.set_xticks([-1, -0.5, 0, 0.5, 1])
        if activation == "sigmoid":
            ax.text(
                -0.55,
                0.5,
                "sigmoid never outputs\nnegative values:\nnothing near −1",
                ha="center",
                va="center",
                transform=ax.get_xaxis_transform(),
                fontsize=9,
                color="#b00020",
            )
        near_low, near_high = np.mean(np.abs(h - low) < 0.03), np.mean(np.abs(h - high) < 0.03)
        ax.set_title(
            f"{activation}, layer {layer}: {near_low:.0%} within 0.03 of {low:g}, {near_high:.0%} of {high:+g}",
            fontsize=9,
        )
    fig.suptitle(
        f"W ~ N(0, {std:g}²): sigmoid piles up at 0 and 1, tanh at −1 and +1 (shaded: within 0.03)", fontsize=10
    )
    return fig


def _gauss_input_driven_std(h):
    """Mean over units of each unit's std across the batch: the part of a layer that depends on the input."""
    h = np.asarray(h, dtype=np.float64)
    return float(np.mean(np.std(h, axis=0))) if np.isfinite(h).all() else float("nan")


def gaussian_depth_figure(std=0.1, activations=GAUSSIAN_ACTIVATIONS, *, depth=20, width=100, seed=0):
    """Over many layers: the mean, the std (theory dashed) and the input-driven std of the activations.

    The input-driven std averages each unit's std over the batch. It differs from the
    plain std when units sit at different fixed offsets, as sigmoid's do (its mean is 0.5).
    """
    from . import activations as _activations

    _gauss_check(std=std)
    for activation in activations:
        _gauss_check(activation=activation)
    fig, axes = figure(1, 3, width=13, height=3.3)
    layers = np.arange(1, depth + 1)
    for activation in activations:
        color, label = COLORS[activation], _activations.get(activation).label
        # float64, so sigmoid's input-driven part is not stopped by float32's resolution near 0.5 (~6e-8)
        trace, act_stats, _ = _gaussian_trace(std, activation, depth, width, seed, dtype=np.float64)
        theory = _gaussian_theory(std, activation, depth, width)
        axes[0, 0].plot(layers, theory.activation_mean, **_GAUSS_THEORY_STYLE, color=color)
        axes[0, 0].plot(layers, act_stats.mean, "o-", ms=3, color=color, label=label)
        axes[0, 1].semilogy(layers, _gauss_positive(theory.activation_std), **_GAUSS_THEORY_STYLE, color=color)
        axes[0, 1].semilogy(layers, _gauss_positive(act_stats.std), "o-", ms=3, color=color)
        driven = [_gauss_input_driven_std(h) for h in trace.activations]
        axes[0, 2].semilogy(layers, _gauss_positive(driven), "o-", ms=3, color=color)
    axes[0, 0].plot([], [], color="gray", **_GAUSS_THEORY_STYLE, label="theory")
    axes[0, 0].set_ylabel("mean activation")
    axes[0, 1].set_ylabel("activation std")
    axes[0, 2].set_ylabel("mean over units of std over inputs", fontsize=8)
    axes[0, 0].set_title("where the values sit", fontsize=10)
    axes[0, 1].set_title("how spread out they are", fontsize=10)
    axes[0, 2].set_title("how much they still depend on the input", fontsize=10)
    axes[0, 0].legend(fontsize=8)
    for ax in axes[0]:
        ax.set_xlabel("layer")
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"W ~ N(0, {std:g}²), {width} units per layer, no bias", fontsize=10)
    return fig


def _gauss_power_label(value, _position=None):
    """'10⁻⁵' for a power of ten (plain text, no mathtext), '' for anything else."""
    if not value > 0:
        return ""
    exponent = round(np.log10(value))
    if abs(np.log10(value) - exponent) > 1e-6:
        return ""
    return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _gauss_headroom(ax, lines):
    """Raise the top of a log y-axis so that a state box of ``lines`` lines sits above the data."""
    low, high = np.log10(ax.get_ylim())
    free = min(0.12 * lines + 0.04, 0.5)  # the share of the axes height the box needs
    ax.set_ylim(10**low, 10 ** (low + (high - low) / (1 - free)))


class GaussianExplorer:
    """The notebook-02 panel's figure: a few layers' histograms above three depth profiles.

    ``update(std, activation, depth, width)`` reruns the probe and changes the existing
    artists only. The layout is computed once, for the widest labels, and then frozen,
    which keeps a redraw cheap.
    """

    def __init__(self, *, n_histograms=5, width=12.0, height=5.8, seed=0):
        self.seed = seed
        self.figure = fig = Figure(figsize=(width, height), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=(1, 1.25))
        self.hist_axes = list(top.subplots(1, n_histograms))
        profile_axes = bottom.subplots(1, 3)
        self.histograms = ActivationHistograms(self.hist_axes)
        for ax in self.hist_axes[1:]:
            ax.set_xlabel("")  # the histograms share one x-range: label it once, and save the draw time
            ax.tick_params(labelbottom=False)
        self.forward = DepthProfile(profile_axes[0], ylabel="activation std", color="#1f77b4")
        self.backward = DepthProfile(profile_axes[1], ylabel="gradient std dL/dh", color="#d62728")
        for profile in (self.forward, self.backward):
            profile.ax.get_legend().remove()  # the titles say which line is which; a legend would cover data
        # sigmoid's mean 0.5 gives each unit a fixed offset; this line shows what still depends on the input
        (self.driven,) = self.forward.ax.semilogy([], [], ":", color="#1f77b4", lw=1.5)
        self.lost_ax = profile_axes[2]
        (self.lost_line,) = self.lost_ax.plot([], [], "o-", ms=3, color="#555555")
        self.lost_ax.set_ylim(-0.03, 1.03)
        self.lost_ax.set_xlabel("layer")
        self.lost_ax.grid(True, alpha=0.3)
        self.title = fig.suptitle("layout", fontsize=10)
        self._freeze_layout()

    def _freeze_layout(self):
        """Lay the figure out once, with the widest tick labels and titles it will show, then keep it.

        Constrained layout per draw would cost ~40% of a redraw, and the placeholder engine
        ``"none"`` still makes ``savefig`` draw twice, so the engine is removed (``None``).
        """
        from matplotlib.ticker import FuncFormatter, NullLocator

        for ax in (self.forward.ax, self.backward.ax):
            # decades only, as plain text (10⁻⁵): mathtext labels and minor ticks were a third of a redraw
            ax.yaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(_gauss_power_label))
            ax.set_ylim(1e-150, 1e150)  # labels such as 10^-150: as wide as any this panel shows
            ax.set_title("two\nlines", fontsize=9)
        for ax in self.hist_axes:
            ax.set_title("layer 50 · std 1e-300", fontsize=8)
            ax.set_xlim(-1, 1)
        self.lost_ax.set_title("dead units (0 for every input)", fontsize=9)
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine(None)
        self.backward.ax.set_title(
            "backward: gradient std, top layer = 1\n(dots: measured, dashes: theory)", fontsize=9
        )

    def update(self, std=0.1, activation="sigmoid", depth=10, width=100, **_ignored):
        from . import _checks
        from . import activations as _activations

        std = _checks.number("std", std, low=0, low_open=True)
        label = _activations.get(activation).label
        depth = _checks.integer("depth", depth, low=1, high=1000)
        width = _checks.integer("width", width, low=1, high=10_000)
        n_samples = max(100, min(1000, 100_000 // width))  # keeps wide, deep settings interactive
        trace, act_stats, grad_stats = _gaussian_trace(std, activation, depth, width, self.seed, n_samples)
        theory = _gaussian_theory(std, activation, depth, width)
        shown = np.unique(np.linspace(1, depth, min(len(self.hist_axes), depth)).round().astype(int))
        for steps in self.histograms.hist.steps:
            steps.set_color(COLORS.get(activation, COLORS["sigmoid"]))
        self.histograms.update(
            [trace.activations[k - 1] for k in shown],
            titles=_gauss_layer_titles(shown, act_stats.std[shown - 1]),
            range=_gauss_window(activation),
            zero_spike=activation == "relu",
        )
        self.forward.update(act_stats.std, theory=theory.activation_std, finite=act_stats.finite, means=act_stats.mean)
        state = _gauss_profile_state(act_stats.std, act_stats.finite, act_stats.mean)
        driven = [_gauss_input_driven_std(h) for h in trace.activations] if activation == "sigmoid" else []
        self.driven.set_data(np.arange(1, len(driven) + 1), _gauss_positive(driven))
        if driven:
            low = np.nanmin(_gauss_positive(driven)) if np.isfinite(_gauss_positive(driven)).any() else 1e-3
            self.forward.ax.set_ylim(min(self.forward.ax.get_ylim()[0], low / 3), self.forward.ax.get_ylim()[1])
            driven_state = _gauss_profile_state(driven, act_stats.finite)
            if state == "healthy" and driven_state != "healthy":
                state = f"values stuck near 0.5: input-driven\npart {driven_state}"
        self.forward.ax.set_title(
            "forward: activation std\n(dots: measured, dashes: theory"
            + (", dotted: std over inputs per unit)" if driven else ")"),
            fontsize=9,
        )
        set_state_text(self.forward.state, state)
        self.backward.update(grad_stats.std, theory=theory.gradient_std, finite=grad_stats.finite)
        overflow = np.flatnonzero(act_stats.finite < 1)
        set_state_text(
            self.backward.state,
            f"forward overflow at layer {overflow[0] + 1}:\ngradients are not meaningful"
            if overflow.size
            else _gauss_profile_state(grad_stats.std, grad_stats.finite, from_top=True),
        )
        for profile in (self.forward, self.backward):
            _gauss_headroom(profile.ax, profile.state.get_text().count("\n") + 1)
        lost, lost_label = _gauss_lost_fraction(act_stats, activation)
        self.lost_line.set_data(np.arange(1, depth + 1), np.where(act_stats.finite == 1, lost, np.nan))
        self.lost_ax.set_xlim(0.5, depth + 0.5)
        self.lost_ax.set_title(lost_label, fontsize=9)
        self.title.set_text(
            f"{label} · W ~ N(0, {std:.3g}²) · {depth} layers × {width} units · input randn({n_samples}, {width})"
        )
        return self


# --- He initialization (notebook 04) ---

HE_WIDTH_PATTERNS = {
    "funnel": "funnel 256 → 64",
    "alternating": "alternating 64 ↔ 256",
    "constant": "constant 128",
}
"""The layer-width patterns of notebook 04; widths that change make fan_in and fan_out differ."""

_HE_DRAWS = {}


def layer_widths(pattern, depth):
    """Widths ``[n_0, ..., n_depth]``: "funnel" (256 down to 64, geometric), "alternating" (64, 256, 64, ...)
    or "constant" (128)."""
    from . import _checks

    _checks.choice("pattern", pattern, HE_WIDTH_PATTERNS)
    depth = _checks.integer("depth", depth, low=1, high=1000)
    steps = np.arange(depth + 1)
    if pattern == "funnel":
        widths = np.rint(256 * (64 / 256) ** (steps / depth))
    elif pattern == "alternating":
        widths = np.where(steps % 2 == 0, 64, 256)
    else:
        widths = np.full(depth + 1, 128)
    return [int(w) for w in widths]


def _he_checked(widths, init, mode, activation, negative_slope):
    from . import _checks
    from .activations import ACTIVATIONS

    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 2:
        raise ValueError(f"widths needs at least [n_0, n_1], got {list(widths)}")
    _checks.choice("init", init, {"xavier", "he"})
    _checks.choice("mode", mode, {"fan_in", "fan_out"})
    _checks.choice("activation", activation, ACTIVATIONS)
    negative_slope = _checks.number("negative_slope", negative_slope, low=0, high=1)
    return widths, negative_slope


def he_init_spec(init, mode="fan_in", activation="relu", negative_slope=0.0):
    """The initviz init spec notebook 04 means by ``init`` ("xavier" or "he"), e.g. "he_normal:mode=fan_out".

    He uses the leaky-ReLU gain √(2/(1+a²)) when ``activation`` is leaky_relu, else ReLU's √2 (also for tanh and
    sigmoid: that is "He init" applied where it does not belong). Xavier ignores ``mode``.
    """
    _, negative_slope = _he_checked([1, 1], init, mode, activation, negative_slope)
    if init == "xavier":
        return "xavier_normal"
    if activation == "leaky_relu":
        return f"he_normal:mode={mode},negative_slope={negative_slope:g}"
    return f"he_normal:mode={mode}"


def he_weight_variances(widths, init, *, mode="fan_in", activation="relu", negative_slope=0.0):
    """Var(W_l) of each layer of a net with widths ``[n_0, ..., n_L]``, as ``he_init_spec`` draws them.

    Xavier: 2/(n_in + n_out). He: gain²/n_in (mode "fan_in") or gain²/n_out (mode "fan_out").
    """
    from .init import gain

    widths, negative_slope = _he_checked(widths, init, mode, activation, negative_slope)
    pairs = np.array(list(zip(widths[:-1], widths[1:])), dtype=float)
    if init == "xavier":
        return 2.0 / pairs.sum(axis=1)
    g = gain("leaky_relu", negative_slope) if activation == "leaky_relu" else gain("relu")
    return g**2 / pairs[:, 0 if mode == "fan_in" else 1]


def _he_draws(widths, n_samples, seed):
    """Seeded standard-normal input, weights and top gradient; cached so a panel redraw does not redraw them."""
    key = (widths, n_samples, seed)
    if key not in _HE_DRAWS:
        if len(_HE_DRAWS) >= 16:
            _HE_DRAWS.pop(next(iter(_HE_DRAWS)))
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((n_samples, widths[0]), dtype=np.float32)
        z = [rng.standard_normal(shape, dtype=np.float32) for shape in zip(widths[:-1], widths[1:])]
        probe = rng.standard_normal((n_samples, widths[-1]), dtype=np.float32)
        for a in [x, probe, *z]:
            a.flags.writeable = False
        _HE_DRAWS[key] = (x, z, probe)
    return _HE_DRAWS[key]


def _he_theory(widths, weight_vars, activation, negative_slope):
    """Mean-field prediction layer by layer (widths may change, so one ``predict_profile`` call per layer)."""
    from . import theory

    depth = len(weight_vars)
    mean, std, slope2 = np.empty(depth), np.empty(depth), np.empty(depth)
    second = 1.0  # E[x²] of the standard-normal input
    for l, v in enumerate(weight_vars):
        p = theory.predict_profile(1, v, widths[l], activation, input_var=second, negative_slope=negative_slope)
        mean[l], std[l] = p.activation_mean[0], p.activation_std[0]
        slope2[l] = theory.chi(p.pre_activation_std[0] ** 2, 1.0, activation, negative_slope)  # E[φ′(z_l)²]
        second = mean[l] ** 2 + std[l] ** 2
    grad_var = np.ones(depth)
    for l in range(depth - 1, 0, -1):  # dL/dh_{l-1} = (dL/dh_l ⊙ φ′(z_l)) W_lᵀ sums over n_out = widths[l + 1]
        grad_var[l - 1] = grad_var[l] * widths[l + 1] * weight_vars[l] * slope2[l]
    return mean, std, grad_var


def _one_blas_thread():
    """Matrices this small run fastest on one BLAS thread; with two threads on a busy 2-core machine a redraw took
    ten times longer. threadpoolctl comes with scikit-learn; without it nothing changes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(1, user_api="blas")


def _moments(arrays):
    """Mean, variance and finite fraction of each layer's values, over the finite ones (as ``stats.layer_stats``,
    without the saturation and dead-unit counts, which a redraw does not need)."""
    out = np.empty((3, len(arrays)))
    for l, a in enumerate(arrays):
        ok = np.isfinite(a)
        finite = 1.0 if ok.all() else float(ok.mean())
        if finite < 1:
            a = a[ok]
        out[:, l] = (a.mean(dtype=np.float64), a.var(dtype=np.float64), finite) if a.size else (np.nan, np.nan, 0.0)
    return out


def init_profiles(widths, weight_vars, activation="relu", *, negative_slope=0.0, n_samples=128, nets=1, seed=0):
    """Per-layer statistics of a bias-free net at init, measured on one batch and predicted by theory.

    The weights are seeded standard-normal draws scaled by √Var(W_l), so two inits on the same ``widths`` and
    ``seed`` differ only in scale. The input is randn, the backward pass starts from a randn gradient. With
    ``nets`` > 1 the measured moments are averaged over that many nets (seeds ``seed``, ``seed + 1``, ...): a single
    narrow net wanders around the theory line.

    Returns a ``SimpleNamespace`` of per-layer arrays (index l for layer l + 1): measured ``mean``, ``std``,
    ``second_moment`` (E[h²]) and ``finite`` of the activations, ``grad_std``, ``grad_var`` and ``grad_finite`` of
    dL/dh; predicted ``theory_mean``, ``theory_std``, ``theory_second_moment`` and ``theory_grad_var``.
    """
    from types import SimpleNamespace

    from . import _checks
    from .mlp import MLP

    widths, negative_slope = _he_checked(widths, "he", "fan_in", activation, negative_slope)
    weight_vars = np.asarray(weight_vars, dtype=float)
    if weight_vars.shape != (len(widths) - 1,):
        raise ValueError(f"weight_vars needs one variance per layer ({len(widths) - 1}), got shape {weight_vars.shape}")
    if not (np.isfinite(weight_vars).all() and (weight_vars > 0).all()):
        raise ValueError("weight_vars must be finite and > 0")
    n_samples = _checks.integer("n_samples", n_samples, low=2, high=100_000)
    nets = _checks.integer("nets", nets, low=1, high=100)
    seed = _checks.integer("seed", seed, low=0, high=2**32 - nets)
    runs = []
    with _one_blas_thread():
        for s in range(seed, seed + nets):
            x, z, probe = _he_draws(widths, n_samples, s)
            weights = [w * np.float32(np.sqrt(v)) for w, v in zip(z, weight_vars)]
            net = MLP.from_weights(weights, None, activation, negative_slope=negative_slope, linear_head=False)
            trace = net.trace(x, grad_output=probe)
            act_mean, act_var, act_finite = _moments(trace.activations)
            _, grad_var, grad_finite = _moments(trace.grad_activations)
            runs.append((act_mean, act_var, act_finite, grad_var, grad_finite))
    mean, var, finite, grad_var, grad_finite = (np.array(column) for column in zip(*runs))
    t_mean, t_std, t_grad_var = _he_theory(widths, weight_vars, activation, negative_slope)
    return SimpleNamespace(
        widths=list(widths),
        mean=mean.mean(axis=0),
        std=np.sqrt(var.mean(axis=0)),
        second_moment=(mean**2 + var).mean(axis=0),
        finite=finite.min(axis=0),
        grad_std=np.sqrt(grad_var.mean(axis=0)),
        grad_var=grad_var.mean(axis=0),
        grad_finite=grad_finite.min(axis=0),
        theory_mean=t_mean,
        theory_std=t_std,
        theory_second_moment=t_mean**2 + t_std**2,
        theory_grad_var=t_grad_var,
    )


def _backward_state(grad_std, finite):
    """The gradient breaks going down from the top: name the first layer it breaks at, counting downwards."""
    state = _stats.signal_state(np.asarray(grad_std)[::-1], np.asarray(finite)[::-1])
    head, sep, k = state.rpartition(" layer ")
    return f"{head}{sep}{len(grad_std) - int(k) + 1}" if sep else state


def _integer_layers(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _width_strip(ax, widths):
    """The layer widths n_l as a grey step line on a twin axis, so a change in the signal lines up with one in width."""
    twin = ax.twinx()
    (line,) = twin.step(np.arange(1, len(widths)), widths[1:], where="mid", color="0.6", lw=1, alpha=0.7)
    twin.set_ylabel("width $n_l$", color="0.45", fontsize=8)
    twin.tick_params(labelsize=7, colors="0.45")
    twin.set_ylim(0, max(widths) * 1.15)
    return line


def fan_mode_figure(
    pattern="funnel", depth=20, *, activation="relu", negative_slope=0.0, n_samples=128, nets=4, seed=0
):
    """He init in fan_in and fan_out mode on a net whose widths change: forward E[h²] and backward Var(dL/dh).

    fan_in keeps the forward second moment flat, fan_out keeps the backward gradient variance flat; each lets the
    other drift by the ratio of widths. Markers: measured, averaged over ``nets`` nets; dashed: theory; grey: the
    width of each layer.
    """
    widths = layer_widths(pattern, depth)
    fig, axes = figure(1, 2, width=10.5, height=3.3)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    for mode, color in (("fan_in", "#d62728"), ("fan_out", "#1f77b4")):
        v = he_weight_variances(widths, "he", mode=mode, activation=activation, negative_slope=negative_slope)
        p = init_profiles(
            widths, v, activation, negative_slope=negative_slope, n_samples=n_samples, nets=nets, seed=seed
        )
        forward.semilogy(layers, p.second_moment, "o-", ms=3, color=color, label=f"He, {mode}")
        forward.semilogy(layers, p.theory_second_moment, "--", color=color, lw=1)
        backward.semilogy(layers, p.grad_var, "o-", ms=3, color=color, label=f"He, {mode}")
        backward.semilogy(layers, p.theory_grad_var, "--", color=color, lw=1)
    forward.set_title("forward: second moment $E[h_l^2]$", fontsize=10)
    backward.set_title(r"backward: gradient variance Var($\partial L/\partial h_l$)", fontsize=10)
    for ax in (forward, backward):
        _width_strip(ax, widths)
        _integer_layers(ax)
        ax.set_xlabel("layer $l$")
        ax.grid(True, which="major", alpha=0.3)
        ax.semilogy([], [], "--", color="0.3", lw=1, label="theory")
        ax.legend(loc="upper center", fontsize=8, ncol=3)
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * 4)  # room for the legend above the lines
    nets_text = f"mean of {nets} nets" if nets > 1 else "one net"
    fig.suptitle(f"{activation} net, widths {HE_WIDTH_PATTERNS[pattern]}, {depth} layers ({nets_text})", fontsize=10)
    return fig


def xavier_vs_he_figure(depth=30, width=128, *, n_samples=256, seed=0):
    """Xavier against He on a ``depth``-layer ReLU net of constant ``width``: forward E[h²] and backward Var(dL/dh)
    per layer, measured (markers) and predicted (dashed). Both inits use the same draws, rescaled."""
    widths = [width] * (depth + 1)
    fig, axes = figure(1, 2, width=10.5, height=3.4)
    forward, backward = axes[0]
    layers = np.arange(1, depth + 1)
    ends = {}
    for init, label in (("xavier", "Xavier: Var(W) = 2/(n_in+n_out)"), ("he", "He: Var(W) = 2/n_in")):
        p = init_profiles(widths, he_weight_variances(widths, init), "relu", n_samples=n_samples, seed=seed)
        forward.semilogy(layers, p.second_moment, "o-", ms=3, color=COLORS[init], label=label)
        forward.semilogy(layers, p.theory_second_moment, "--", color=COLORS["theory"], lw=1)
        backward.semilogy(layers, p.grad_var, "o-", ms=3, color=COLORS[init], label=label)
        backward.semilogy(layers, p.theory_grad_var, "--", color=COLORS["theory"], lw=1)
        ends[init] = p.second_moment[-1]
    forward.set_title(f"forward: second moment $E[h_l^2]$ (ReLU, width {width})", fontsize=10)
    backward.set_title(r"backward: gradient variance Var($\partial L/\partial h_l$)", fontsize=10)
    log2_ratio = np.log2(ends["xavier"] / ends["he"])
    forward.text(
        0.03,
        0.05,
        f"layer {depth}: Xavier / He = $2^{{{log2_ratio:.1f}}}$ (theory $2^{{-{depth}}}$)",
        transform=forward.transAxes,
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.6"},
    )
    for ax, where in ((forward, "center right"), (backward, "lower right")):
        _integer_layers(ax)
        ax.set_xlabel("layer $l$")
        ax.grid(True, which="major", alpha=0.3)
        ax.semilogy([], [], "--", color=COLORS["theory"], lw=1, label="theory")
        ax.legend(loc=where, fontsize=8)
    return fig


def _he_title(init, mode, activation, negative_slope, pattern, nets):
    from .activations import get

    act = get(activation, negative_slope).label
    if init == "xavier":
        rule = "Xavier: Var(W) = 2/(n_in+n_out) (mode unused)"
    else:
        n = "n_in" if mode == "fan_in" else "n_out"
        gain2 = f"2/(1+a²) = {2 / (1 + negative_slope**2):.3g}" if activation == "leaky_relu" else "2"
        rule = f"He, {mode}: Var(W) = gain²/{n}, gain² = {gain2}"
    nets = f"mean of {nets} nets" if nets > 1 else "one net"
    return f"{rule}  ·  {act}  ·  widths {HE_WIDTH_PATTERNS[pattern]}  ·  {nets}"


class HeDepthView:
    """Forward activation std and backward gradient std per layer, measured and predicted, for Xavier or He.

    Built once; ``update(init, mode, negative_slope, activation, depth, widths)`` changes the data of its artists.
    Broken signals are named in each axes' corner ("vanished at layer 38", ...).
    """

    def __init__(self, *, width=10.5, height=3.4, nets=4, n_samples=64):
        self.nets, self.n_samples = nets, n_samples
        # fixed margins instead of constrained layout: a panel redraw then skips the layout pass (about half its time)
        self.figure = Figure(figsize=(width, height))
        self.figure.subplots_adjust(left=0.09, right=0.985, bottom=0.14, top=0.84, wspace=0.3)
        axes = self.figure.subplots(1, 2, squeeze=False)
        self.forward = DepthProfile(axes[0, 0], ylabel="activation std", label="measured")
        self.backward = DepthProfile(axes[0, 1], ylabel=r"gradient std  $\partial L/\partial h_l$", label="measured")
        self.forward.ax.set_title("forward", fontsize=10)
        self.backward.ax.set_title("backward (from a unit gradient at the top)", fontsize=10)
        self.title = self.figure.suptitle("", fontsize=10)
        for ax in (self.forward.ax, self.backward.ax):
            _integer_layers(ax)

    def update(self, init="he", mode="fan_in", negative_slope=0.0, activation="relu", depth=30, widths="funnel"):
        sizes = layer_widths(widths, depth)
        v = he_weight_variances(sizes, init, mode=mode, activation=activation, negative_slope=negative_slope)
        p = init_profiles(sizes, v, activation, negative_slope=negative_slope, n_samples=self.n_samples, nets=self.nets)
        for profile in (self.forward, self.backward):
            profile.measured.set_color(COLORS[init])
            legend = profile.ax.get_legend()
            handles = getattr(legend, "legend_handles", None) or legend.legendHandles  # renamed in matplotlib 3.7
            handles[0].set_color(COLORS[init])
        self.forward.update(p.std, theory=p.theory_std, finite=p.finite, means=p.mean)
        self.backward.update(p.grad_std, theory=np.sqrt(p.theory_grad_var), finite=p.grad_finite)
        state = _backward_state(p.grad_std, p.grad_finite)
        self.backward.state.set_text(state)
        self.title.set_text(_he_title(init, mode, activation, negative_slope, widths, self.nets))
        return self


def he_depth_figure(**settings):
    """The default (or given) view of the notebook-04 panel as a static figure; see ``HeDepthView.update``."""
    return HeDepthView().update(**settings).figure
