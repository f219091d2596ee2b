"""Fast redraws: a figure whose static parts are drawn once, and only what changed is drawn again.

A panel's figure is mostly static: axes, ticks, tick labels, axis labels. Drawing that text is most of
what a full redraw costs. :class:`FastFigure` draws the figure once *without* its dynamic artists
(the lines, histograms, images and texts a view changes), keeps that background, and on each
update restores it and draws only the dynamic artists on top (matplotlib's blitting). The background
is drawn again only when something static changed: an axis limit or scale, an axes shown or hidden,
a static text. A view keeps that rare by choosing its limits with :func:`stable_log_limits`.

The last few backgrounds are kept, by what they show: a slider moved back and forth over a limit change
restores the background it had before instead of drawing it again.

The PNG is written by :func:`encode_png` (no row filter, zlib at level 1: about half of Pillow's time at
level 1, for the same size within a few kB). :meth:`FastFigure.png` with ``full=True`` draws everything
the plain way, which is what the tests compare against, pixel for pixel.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections import OrderedDict

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["FastFigure", "encode_png", "stable_log_limits", "stable_limits"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(pixels, *, compress_level=1):
    """PNG bytes of an 8-bit RGB or RGBA image (height × width × 3 or 4); an alpha channel is dropped.

    Every row is stored unfiltered and the whole is deflated by zlib at ``compress_level`` (0–9): for a
    plot, mostly flat colour, that is as small as Pillow's adaptive filters at level 1 and twice as fast.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise ValueError(f"pixels must be a uint8 array of shape (height, width, 3 or 4), got {pixels.dtype} {pixels.shape}")
    if not (isinstance(compress_level, int) and 0 <= compress_level <= 9):
        raise ValueError(f"compress_level must be an int from 0 to 9, got {compress_level!r}")
    height, width = pixels.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row: filter type 0 (none), then its RGB bytes
    rgb = np.lib.stride_tricks.as_strided(rows[:, 1:], (height, width, 3), (rows.strides[0], 3, 1))
    rgb[...] = pixels[..., :3]  # one copy, straight into the rows (no intermediate RGB array)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB, no interlace
    idat = zlib.compress(rows, compress_level)
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


class FastFigure:
    """Blitting for one ``matplotlib.figure.Figure``: register the artists that change with :meth:`dynamic`.

    ``backgrounds``: how many drawn backgrounds to keep, by what they show (see :meth:`_static_key`).
    ``key``: a callable whose (hashable) result is part of that key. A view that keeps in the background
    artists the key cannot see (a histogram that changes with some settings only) returns those settings.
    """

    def __init__(self, figure, *, compress_level=1, backgrounds=8, key=None):
        self.figure = figure
        self.key = key
        self.canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        self.compress_level = compress_level
        self.artists = []
        self._background = None  # the background the canvas was last restored to (None: draw or restore one)
        self._key = None
        self._kept = OrderedDict()  # static key → background, the most recently used last
        self._keep = backgrounds
        self.background_draws = 0  # how often the static part had to be drawn again (benchmarks print it)

    def dynamic(self, *artists):
        """Mark artists as dynamic: drawn on every update, left out of the cached background."""
        self.artists.extend(artists)
        self.artists.sort(key=lambda a: a.get_zorder())
        self._background = None
        self._kept.clear()  # they hold the artists that are now dynamic
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
        if self.key is not None:
            key.append(self.key())
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
            kept = self._kept.get(key)
            if kept is None:
                self._draw_background()
                self._kept[key] = self._background
                while len(self._kept) > self._keep:
                    self._kept.popitem(last=False)
            else:  # drawn before for this very key: what it shows is the same
                self._kept.move_to_end(key)
                self._background = kept
                self.canvas.restore_region(kept)
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
        pixels = self.render_full() if full else self.render()
        return encode_png(pixels, compress_level=self.compress_level)


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
