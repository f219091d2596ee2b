"""Generic views for the notebooks: layer histograms, depth profiles, weight histograms, heat maps, state texts.

Every figure is a ``matplotlib.figure.Figure`` made without pyplot, so a notebook cell that ends with
one shows it exactly once and nothing leaks into pyplot's global state. A :class:`View` is a figure
that a panel redraws: it builds its artists once and changes their data in ``update``; the artists it
changes are registered as dynamic, so a redraw only draws those (``initviz.draw.fast``).

Colours come from ``initviz.draw.palette`` and state words from ``initviz.verdict``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from ..verdict import Verdict
from . import palette
from .fast import FastFigure, stable_limits, stable_log_limits

__all__ = [
    "figure",
    "freeze_layout",
    "detach_title",
    "View",
    "state_text",
    "set_state",
    "LayerHistograms",
    "DepthProfile",
    "WeightHistogram",
    "heatmap",
    "update_heatmap",
    "decade_labels",
    "integer_layers",
]


def figure(nrows=1, ncols=1, *, width=None, height=2.6, **subplot_kw):
    """A constrained-layout Figure with a grid of axes; returns ``(fig, axes)`` (axes always 2-D)."""
    width = width or min(3.0 * ncols + 0.6, 13)
    fig = Figure(figsize=(width, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def freeze_layout(fig, *, positions=False):
    """Lay ``fig`` out once (constrained layout), then keep that layout: later draws skip the layout pass.

    Call it after the axes hold the widest labels they will show; a panel's redraw then costs no layout.
    ``positions=True`` also pins every axes title and axis label where this layout put them (in axes
    coordinates), so a draw no longer measures the tick labels to place them: a panel's background costs
    10–30% less to draw, and the labels stay put when the tick labels change.
    """
    fig.draw_without_rendering()
    fig.set_layout_engine(None)  # no engine at all: savefig then skips its extra layout draw
    if fig.get_layout_engine() is not None:  # rcParams asked for one: at least freeze it
        fig.set_layout_engine("none")
    if positions:
        for ax in fig.axes:
            ax._autotitlepos = False  # matplotlib's own switch (set_title(y=...) sets it too)
            for axis in (ax.xaxis, ax.yaxis):
                label = axis.label
                x, y = ax.transAxes.inverted().transform(label.get_transform().transform(label.get_position()))
                axis.set_label_coords(x, y)
    return fig


def detach_title(ax):
    """Draw ``ax``'s title as a figure text at the same place; returns that text.

    Call it after :func:`freeze_layout` with ``positions=True``. The title is then a part of its own: when
    the axes' limits change, a partial redraw (``FastFigure(parts=True)``) draws the axes without it.
    """
    title = ax.title
    text = ax.figure.text(
        *title.get_position(),
        title.get_text(),
        transform=title.get_transform(),
        fontproperties=title.get_fontproperties(),
        ha=title.get_ha(),
        va=title.get_va(),
        color=title.get_color(),
    )
    title.set_text("")
    return text


class View:
    """A figure that a panel redraws: build the artists in ``__init__``, change them in ``update(**values)``.

    Register what ``update`` changes with :meth:`dynamic`; everything else is drawn once and cached.
    ``png()`` is the fast redraw, ``png(full=True)`` the plain one (the tests compare the two).
    """

    partial_redraws = False
    """True: a change to one axes redraws that axes only (see ``FastFigure``'s ``parts``)."""

    def __init__(self, figure, *, dpi=80):
        self.figure = figure
        figure.set_dpi(dpi)
        self.fast = FastFigure(figure, key=self.background_key, parts=self.partial_redraws)

    def dynamic(self, *artists):
        return self.fast.dynamic(*artists)

    def background_key(self):
        """What the static part shows beyond what ``FastFigure`` sees (limits, texts, visibility): () here.

        A view that keeps artists in the background whose data change (a histogram that depends on some
        settings only) returns those settings, so the background is drawn again, or restored, when they change.
        """
        return ()

    def update(self, **values):  # pragma: no cover - every view defines its own
        raise NotImplementedError

    def png(self, *, full=False, settle=True):
        return self.fast.png(full=full, settle=settle)


def _verdict_parts(verdict):
    if isinstance(verdict, Verdict):
        return verdict.text, palette.grade_color(verdict)
    return str(verdict), palette.NEUTRAL


def state_text(ax, verdict="", *, x=0.98, y=0.95, ha="right", va="top", fontsize=9):
    """A state in a corner of ``ax``: a verdict's words in its grade's colour (a plain string in grey).

    Returns the Text artist; :func:`set_state` changes it in place.
    """
    text, color = _verdict_parts(verdict)
    box = {"boxstyle": "round,pad=0.2", "fc": palette.BOX_FACE, "ec": color, "alpha": 0.85}
    return ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=fontsize, color=color, bbox=box)


def set_state(artist, verdict, *, prefix=""):
    """Put a verdict (or a plain string) into a :func:`state_text` artist, in its grade's colour."""
    text, color = _verdict_parts(verdict)
    artist.set_text(prefix + text)
    artist.set_color(color)
    artist.get_bbox_patch().set_edgecolor(color)
    return artist


def decade_labels(axis):
    """Label a log axis by whole decades only, as plain text (10⁻⁵): mathtext and minor ticks are slow."""
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(_decade))


def _decade(value, _position=None):
    if not value > 0:
        return ""
    exponent = round(np.log10(value))
    if abs(np.log10(value) - exponent) > 1e-6:
        return ""
    return "1" if exponent == 0 else "10" + str(exponent).translate(_SUPERSCRIPT)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def integer_layers(ax):
    """Whole layer numbers on the x-axis."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


class LayerHistograms:
    """One histogram per layer in a row of axes, drawn with ``stairs`` and updated in place.

    Bars are scaled so the tallest is 1 (the y-axis has no ticks: only the shape matters), so the
    y-limits never change. ReLU puts about half its outputs at exactly 0; with ``zero_spike=True`` that
    bar is cut so the rest stays visible, and its share is written in the corner. Values that are
    inf or NaN are left out and reported.
    """

    def __init__(self, axes, *, bins=40, color=None, xlabel="activation", view=None):
        self.axes = list(np.ravel(axes))
        self.bins = bins
        color = color or palette.activation_color("sigmoid")
        self.steps, self.notes, self.zero_notes = [], [], []
        self._shown = False  # before the first update the axes' limits are matplotlib's defaults
        for ax in self.axes:
            self.steps.append(ax.stairs(np.zeros(bins), np.linspace(0, 1, bins + 1), fill=True, color=color, alpha=0.8))
            note = {"transform": ax.transAxes, "fontsize": 7}
            self.notes.append(
                ax.text(0.5, 0.5, "", ha="center", va="center", color=palette.GRADE_COLORS["broken"], **note)
            )
            self.zero_notes.append(ax.text(0.97, 0.96, "", ha="right", va="top", color=palette.NEUTRAL, **note))
            ax.set_yticks([])
            ax.set_ylim(0, 1.12)
            ax.set_xlabel(xlabel, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
        if view is not None:
            view.dynamic(*self.steps, *self.notes, *self.zero_notes, *(ax.title for ax in self.axes))

    def set_color(self, color):
        for steps in self.steps:
            steps.set_color(color)

    def update(self, arrays, *, titles=None, range=None, zero_spike=False):
        """Show ``arrays[i]`` in axes ``i``; hide the axes left over.

        ``range``: shared bins over (low, high); None spans the finite values of all layers;
        ``"per_layer"`` gives each layer its own span (for a signal that grows by orders of magnitude).
        """
        arrays = list(arrays)[: len(self.axes)]
        finite = [a[np.isfinite(a)] if not np.isfinite(a).all() else a.ravel() for a in arrays]

        def span(present):
            lo = min(float(f.min()) for f in present) if present else -1.0
            hi = max(float(f.max()) for f in present) if present else 1.0
            return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)  # one value only (all zeros): a window round it

        per_layer = isinstance(range, str) and range == "per_layer"
        fixed = not per_layer and range is not None
        if range is None:
            range = span([f for f in finite if f.size])
        for i, ax in enumerate(self.axes):
            ax.set_visible(i < len(arrays))
            if i >= len(arrays):
                continue
            a, values = arrays[i], finite[i]
            lo, hi = span([values] if values.size else []) if per_layer else range
            # bins over the axis' limits, which move only when the values leave them (fewer background redraws)
            lo, hi = (lo, hi) if fixed else stable_limits(ax.get_xlim() if self._shown else None, lo, hi)
            counts = (
                np.histogram(values, bins=self.bins, range=(lo, hi))[0].astype(float)
                if values.size
                else np.zeros(self.bins)
            )
            top = max(1.0, counts.max())
            zeros = int(np.count_nonzero(values == 0)) if zero_spike else 0
            note = ""
            if zeros >= 0.2 * a.size and lo <= 0 <= hi:
                rest = counts.copy()
                rest[min(int((0 - lo) / (hi - lo) * self.bins), self.bins - 1)] -= zeros
                if rest.max() > 0:
                    top = rest.max()
                note = f"{zeros / a.size:.0%} exactly 0" + (" (bar cut)" if rest.max() > 0 else "")
            self.steps[i].set_data(np.minimum(counts / top, 1.1), np.linspace(lo, hi, self.bins + 1))
            ax.set_xlim(lo, hi)
            self.zero_notes[i].set_text(note)
            bad = a.size - values.size
            self.notes[i].set_text(f"{bad / a.size:.0%} overflowed\n(inf/NaN)" if bad else "")
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
        self._shown = True
        return self


class DepthProfile:
    """A per-layer std (or second moment) against the layer, on a log axis, with the theory and a state.

    The measured line takes a direction style (``palette.FORWARD``/``BACKWARD``) in the series' colour;
    the theory is a pale band of the same colour under it. The y-limits change only when the values
    leave them (``stable_log_limits``), so a panel seldom draws its background again.
    """

    def __init__(self, ax, *, ylabel="std", color=None, direction="forward", label="measured", view=None):
        self.ax = ax
        color = color or palette.init_color("he_normal")
        style = palette.FORWARD if direction == "forward" else palette.BACKWARD
        (self.theory,) = ax.plot([], [], color=color, **palette.THEORY, label="theory")
        (self.measured,) = ax.plot([], [], color=color, **style, label=label)
        self.state = state_text(ax)
        self._shown = False
        ax.set_yscale("log")
        decade_labels(ax.yaxis)
        integer_layers(ax)
        ax.set_xlabel("layer")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3)
        if view is not None:
            view.dynamic(self.theory, self.measured, self.state)

    def set_color(self, color):
        self.measured.set_color(color)
        self.theory.set_color(color)

    def update(self, values, *, theory=None, verdict=None, headroom=True):
        """Plot ``values`` (one per layer) and ``theory``; zeros and inf are left off the log axis, and named."""
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, len(values) + 1)
        shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        self.measured.set_data(layers, shown)
        curve = np.array([]) if theory is None else np.asarray(theory, dtype=float)
        curve = np.where(np.isfinite(curve) & (curve > 0), curve, np.nan)
        self.theory.set_data(layers[: len(curve)], curve)
        if verdict is not None:
            set_state(self.state, verdict)
        both = np.concatenate([shown, curve])
        both = both[np.isfinite(both) & (both < 1e300)]
        lo, hi = (both.min(), both.max()) if both.size else (1e-3, 1e1)
        if headroom:  # the state box sits in the top part of the axes: keep the data below it
            hi = hi * (hi / lo) ** 0.35 if hi > lo else hi * 10
        self.ax.set_xlim(0.5, len(values) + 0.5)
        self.ax.set_ylim(*stable_log_limits(self.ax.get_ylim() if self._shown else None, lo, hi))
        self._shown = True
        return self


class WeightHistogram:
    """A density histogram of weights with the density they are drawn from; updated in place."""

    def __init__(self, ax, *, bins=60, color=None, view=None):
        self.ax, self.bins = ax, bins
        color = color or palette.init_color("xavier_normal")
        self.steps = ax.stairs(np.zeros(bins), np.linspace(-1, 1, bins + 1), fill=True, color=color, alpha=0.55)
        (self.curve,) = ax.plot([], [], color=palette.REFERENCE, lw=1.4, label="density drawn from")
        self.note = ax.text(0.02, 0.95, "", transform=ax.transAxes, ha="left", va="top", fontsize=8)
        self.steps.set_label("sampled weights")
        ax.set_title("", fontsize=10)
        ax.set_xlabel("weight value")
        ax.set_ylabel("density")
        self.legend = ax.legend(fontsize=7, loc="upper right")
        if view is not None:
            view.dynamic(self.steps, self.curve, self.note, ax.title, self.legend)

    def update(self, weights, density, std, *, title=None, in_std_units=False, heading=""):
        """``density(x)`` is the distribution's density; the x-range is ±4 std.

        ``in_std_units=True`` plots w/std (and its density), so the axes stay the same for every std.
        ``heading``: a line above the note (the sample size and both stds).
        """
        weights = np.asarray(weights, dtype=np.float64).ravel()
        unit = std if in_std_units else 1.0
        reach = 4.0 * std / unit
        edges = np.linspace(-reach, reach, self.bins + 1)
        counts = np.histogram(weights / unit, bins=self.bins, range=(-reach, reach))[0]
        height = counts / (weights.size * (edges[1] - edges[0]))
        self.steps.set_data(height, edges)
        x = np.linspace(-reach, reach, 801)
        y = density(x * unit) * unit
        self.curve.set_data(x, y)
        self.ax.set_xlim(-reach, reach)
        self.ax.set_ylim(0, 1.55 * max(height.max(), y.max()))
        few = ": too few for\na smooth histogram" if weights.size < 1000 else ""
        lines = f"{weights.size:,} weights{few}\nsample std {weights.std():.3g}\nformula std {std:.3g}"
        self.note.set_text(f"{heading}\n{lines}" if heading else lines)
        if title is not None:
            self.ax.title.set_text(title)  # where and how the axes' title was set up (its pad and size kept)
        return self


def _symmetric_limit(matrix):
    """max|matrix| over the finite entries, or 1 if that is 0 or there are none (imshow needs vmin < vmax)."""
    finite = np.abs(matrix[np.isfinite(matrix)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def heatmap(ax, matrix, *, title="", xlabel="", ylabel="", signed=True, colorbar=True, ticks=True, limits=None):
    """Draw ``matrix`` (rows top to bottom) as an image; returns the AxesImage (see :func:`update_heatmap`).

    ``signed``: a diverging scale ±max|matrix| centred at 0 (red > 0, blue < 0), for weights and
    gradients. Otherwise a sequential scale over ``limits`` (default: the data's range), for values
    that are never negative, such as probabilities, so all of the scale is used.
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got shape {m.shape}")
    cmap = palette.SIGNED_CMAP if signed else palette.POSITIVE_CMAP
    low, high = _limits(m, signed, limits)
    image = ax.imshow(m, cmap=cmap, vmin=low, vmax=high, aspect="auto", interpolation="nearest")
    image.signed, image.limits = signed, limits
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    if ticks:
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
        bar.ax.tick_params(labelsize=7)
    return image


def _limits(m, signed, limits):
    if limits is not None:
        return limits
    if signed:
        top = _symmetric_limit(m)
        return -top, top
    finite = m[np.isfinite(m)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def update_heatmap(image, matrix, title=None):
    """Put a ``matrix`` into an existing heatmap and rescale it as it was made (its colorbar follows)."""
    m = np.asarray(matrix, dtype=float)
    image.set_data(m)
    image.set_extent((-0.5, m.shape[1] - 0.5, m.shape[0] - 0.5, -0.5))
    image.set_clim(*_limits(m, image.signed, image.limits))
    if title is not None:
        image.axes.set_title(title, fontsize=9)
    return image
