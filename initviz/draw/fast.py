"""Fast redraws: a figure whose static parts are drawn once, and only what changed is drawn again.

A panel's figure is mostly static: axes, ticks, tick labels, axis labels. Drawing that text is most of
what a full redraw costs. :class:`FastFigure` draws the figure once *without* its dynamic artists
(the lines, histograms, images and texts a view changes), keeps that background, and on each
update restores it and draws only the dynamic artists on top (matplotlib's blitting). The background
is drawn again only when something static changed: an axis limit or scale, an axes shown or hidden,
a static text. A view keeps that rare by choosing its limits with :func:`stable_log_limits`.

The PNG is encoded by Pillow at a low compression level (fast, and a few tens of kB at these sizes).
:meth:`FastFigure.full_png` draws everything the plain way, which is what the tests compare against,
pixel for pixel.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["FastFigure", "stable_log_limits", "stable_limits"]


class FastFigure:
    """Blitting for one ``matplotlib.figure.Figure``: register the artists that change with :meth:`dynamic`."""

    def __init__(self, figure, *, compress_level=1):
        self.figure = figure
        self.canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        self.compress_level = compress_level
        self.artists = []
        self._background = None
        self._key = None
        self.background_draws = 0  # how often the static part had to be drawn again (benchmarks print it)

    def dynamic(self, *artists):
        """Mark artists as dynamic: drawn on every update, left out of the cached background."""
        self.artists.extend(artists)
        self.artists.sort(key=lambda a: a.get_zorder())
        self._background = None
        return artists[0] if len(artists) == 1 else artists

    def _static_key(self):
        """What the background shows: limits, scales, visibility and the static texts of every axes."""
        dynamic = {id(a) for a in self.artists}
        key = [self.figure.dpi, tuple(self.figure.get_size_inches())]
        for ax in self.figure.axes:
            key += [ax.get_visible(), tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale()]
            texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
            legend = ax.get_legend()
            if legend is not None:
                texts += legend.get_texts()
            key += [(t.get_text(), t.get_visible(), str(t.get_color())) for t in texts if id(t) not in dynamic]
            key += [(line.get_visible(), str(line.get_color())) for line in ax.lines if id(line) not in dynamic]
        # the figure's own texts, and its suptitle/supxlabel/supylabel, which are not among them
        sup = [getattr(self.figure, f"_sup{part}", None) for part in ("title", "xlabel", "ylabel")]
        figure_texts = [*self.figure.texts, *(t for t in sup if t is not None)]
        key += [(t.get_text(), t.get_visible()) for t in figure_texts if id(t) not in dynamic]
        return tuple(key)

    def _draw_background(self):
        shown = [a.get_visible() for a in self.artists]
        # an axes places its title above everything else when it draws, and a hidden title gets pushed far
        # up: keep where the dynamic titles were, so the fast path draws them where a full draw would
        titles = [a for a in self.artists if a.axes is not None and a is a.axes.title]
        places = [t.get_position() for t in titles]
        for a in self.artists:
            a.set_visible(False)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for a, visible in zip(self.artists, shown):
            a.set_visible(visible)
        for title, place in zip(titles, places):
            title.set_position(place)
        self.background_draws += 1

    def render(self):
        """Bring the canvas up to date the fast way; returns the RGBA pixels (height × width × 4)."""
        key = self._static_key()
        if self._background is None or key != self._key:
            self._draw_background()
            self._key = key
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for artist in self.artists:
            ax = artist.axes
            if artist.get_visible() and (ax is None or ax.get_visible()):
                artist.draw(renderer)
        return np.asarray(self.canvas.buffer_rgba())

    def render_full(self):
        """Draw everything the plain way (no cached background); returns the RGBA pixels."""
        self.canvas.draw()
        pixels = np.array(self.canvas.buffer_rgba())
        self._background = None  # the canvas now holds the dynamic artists too
        return pixels

    def png(self, *, full=False):
        """PNG bytes of the current state: the fast way, or the plain full draw with ``full=True``."""
        from PIL import Image

        pixels = self.render_full() if full else self.render()
        buffer = io.BytesIO()
        Image.fromarray(pixels[..., :3]).save(buffer, format="PNG", compress_level=self.compress_level)
        return buffer.getvalue()


def stable_log_limits(current, low, high, *, margin=0.5, slack=4.0):
    """Log-axis limits for values in [low, high] that change only when they must.

    Keeps ``current`` while the values fit inside it and span at least 1/``slack`` of its decades;
    otherwise returns new limits ``margin`` decades beyond the values, snapped to whole decades.
    Fewer limit changes mean fewer background redraws (see :class:`FastFigure`).
    """
    if not (np.isfinite(low) and np.isfinite(high) and 0 < low <= high):
        low, high = 1e-3, 1e1
    lo_d, hi_d = math.log10(low), math.log10(high)
    if current is not None:
        c_lo, c_hi = (math.log10(v) for v in current)
        span = max(hi_d - lo_d, 1.0)
        if c_lo <= lo_d and hi_d <= c_hi and (c_hi - c_lo) <= slack * span + 2 * margin + 1:
            return tuple(current)
    return 10.0 ** math.floor(lo_d - margin), 10.0 ** math.ceil(hi_d + margin)


def stable_limits(current, low, high, *, margin=0.08, slack=3.0):
    """Linear-axis limits for values in [low, high] that change only when they must (as :func:`stable_log_limits`)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        low, high = 0.0, 1.0
    if high <= low:
        low, high = low - 0.5, high + 0.5
    span = high - low
    if current is not None:
        c_lo, c_hi = current
        if c_lo <= low and high <= c_hi and (c_hi - c_lo) <= slack * span:
            return tuple(current)
    return low - margin * span, high + margin * span
