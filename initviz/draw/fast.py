"""Fast redraws: a figure whose static parts are drawn once, and only what changed is drawn again.

A panel's figure is mostly static: axes, ticks, tick labels, axis labels. Drawing that text is most of
what a full redraw costs. :class:`FastFigure` draws the figure once *without* its dynamic artists
(the lines, histograms, images and texts a view changes), keeps that background, and on each
update restores it and draws only the dynamic artists on top (matplotlib's blitting). The background
is drawn again only when something static changed: an axis limit or scale, an axes shown or hidden,
a static text. A view keeps that rare by choosing its limits with :func:`stable_log_limits`, and with
``parts=True`` only the axes or texts that changed are drawn again.

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
        shape = f"{pixels.dtype} {pixels.shape}"
        raise ValueError(f"pixels must be a uint8 array of shape (height, width, 3 or 4), got {shape}")
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
    artists the key cannot see (a histogram that changes with some settings only) returns those settings,
    or a dict ``{axes: settings}`` when they belong to one axes (then only that axes is drawn again).

    ``parts=True``: when only some parts changed (an axes' limits, a static text), only those parts, and
    any part their area touches, are drawn again, into the background, where they lie (:meth:`_redraw_parts`).
    Where each part lies is measured once per state of the part, after a full draw by :meth:`settle` (which
    a panel calls once its image is sent); a part that comes back to a state it was drawn in, alone in its
    area, is pasted back instead of drawn. ``background_draws`` counts full draws, ``part_draws`` partial ones.
    """

    def __init__(self, figure, *, compress_level=1, backgrounds=8, key=None, parts=False):
        self.figure = figure
        self.parts = parts  # measure the parts after each full draw, so that a later change redraws only its own
        self.key = key
        self.canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        self.compress_level = compress_level
        self.artists = []
        self._background = None  # the background the canvas was last restored to (None: draw or restore one)
        self._key = None
        self._extents = {}  # part → where it drew in the current background (display pixels)
        self._kept = OrderedDict()  # static key → (background, extents), the most recently used last
        self._keep = backgrounds
        self._blank = None  # the figure's own patch alone: what an erased part's area goes back to
        # (part, its key) → where it draws, and what it draws there when no other part shares that area:
        # a part drawn before in the same state is pasted back, not drawn again (the most recent last)
        self._drawn_parts = OrderedDict()
        self._unmeasured = None  # the key of a full draw whose parts settle() has yet to measure
        self.background_draws = 0  # how often the static part had to be drawn again (benchmarks print it)
        self.part_draws = 0  # how often only some parts were

    @property
    def redraws(self):
        """How often any of the static part was drawn again: full draws and partial ones."""
        return self.background_draws + self.part_draws

    def dynamic(self, *artists):
        """Mark artists as dynamic: drawn on every update, left out of the cached background."""
        self.artists.extend(artists)
        self.artists.sort(key=lambda a: a.get_zorder())
        self._background = None
        self._kept.clear()  # they hold the artists that are now dynamic
        return artists[0] if len(artists) == 1 else artists

    def _parts(self):
        """The figure's parts that draw on their own: its axes and its texts (suptitle included)."""
        sup = [getattr(self.figure, f"_sup{part}", None) for part in ("title", "xlabel", "ylabel")]
        dynamic = {id(a) for a in self.artists}
        texts = {id(t): t for t in (*self.figure.texts, *sup) if t is not None and id(t) not in dynamic}
        return [*self.figure.axes, *texts.values()]  # (matplotlib ≥ 3.8 lists the suptitle among the texts)

    def _part_key(self, part, extra):
        dynamic = {id(a) for a in self.artists}
        if not hasattr(part, "get_xlim"):  # a figure text
            return (
                part.get_text(),
                part.get_visible(),
                str(part.get_color()),
                tuple(part.get_position()),
                part.get_fontsize(),
            )
        ax = part
        key = [ax.get_visible(), tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale()]
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += legend.get_texts()
        key += [(t.get_text(), t.get_visible(), str(t.get_color())) for t in texts if id(t) not in dynamic]
        key += [(line.get_visible(), str(line.get_color())) for line in ax.lines if id(line) not in dynamic]
        if isinstance(extra, dict):
            key.append(extra.get(ax))
        return tuple(key)

    def _static_key(self):
        """What the background shows: limits, scales, visibility and the static texts of every part.

        ``(figure-wide key, one key per part)``.
        """
        extra = self.key() if self.key is not None else None
        wide = (self.figure.dpi, tuple(self.figure.get_size_inches()), None if isinstance(extra, dict) else extra)
        return wide, tuple(self._part_key(part, extra) for part in self._parts())

    def _hidden(self):
        """Hide the dynamic artists; returns how to show them again (where dynamic titles were, too)."""
        shown = [a.get_visible() for a in self.artists]
        # an axes places its title above everything else when it draws, and a hidden title gets pushed far
        # up: keep where the dynamic titles were, so the fast path draws them where a full draw would
        titles = [a for a in self.artists if a.axes is not None and a is a.axes.title]
        places = [t.get_position() for t in titles]
        for a in self.artists:
            a.set_visible(False)

        def show():
            for a, visible in zip(self.artists, shown):
                a.set_visible(visible)
            for title, place in zip(titles, places):
                title.set_position(place)

        return show

    def _extent(self, part, renderer):
        """Where ``part`` drew (display pixels, 2 px of antialiasing around); None if it cannot be told."""
        boxes = _axes_boxes(part, renderer) if hasattr(part, "get_xlim") else _text_boxes(part, renderer)
        boxes = [b for b in boxes if b is not None and b.width > 0 and np.all(np.isfinite(b.extents))]
        if not boxes:
            return None
        x0, y0 = min(b.x0 for b in boxes), min(b.y0 for b in boxes)
        x1, y1 = max(b.x1 for b in boxes), max(b.y1 for b in boxes)
        return math.floor(x0) - 2, math.floor(y0) - 2, math.ceil(x1) + 2, math.ceil(y1) + 2

    def _known_extent(self, part, part_key, renderer):
        """:meth:`_extent` of a visible part, measured once per state of the part (its key)."""
        known = self._drawn_parts.get((id(part), part_key))
        return known[0] if known is not None else self._extent(part, renderer)

    def _measure(self, parts, keys):
        renderer = self.canvas.get_renderer()
        return {
            id(part): self._known_extent(part, key, renderer) if part.get_visible() else ()
            for part, key in zip(parts, keys)
        }

    def _remember(self, parts, keys, pixels):
        """Keep each part's extent, and its pixels where it shares its area with no other part."""
        height = pixels.shape[0]
        for part, key in zip(parts, keys):
            box = self._extents.get(id(part))
            if not box:
                continue
            x0, y0, x1, y1 = box
            inside = self._alone(part, box) and x0 >= 0 and y0 >= 0 and x1 <= pixels.shape[1] and y1 <= height
            block = pixels[height - y1 : height - y0, x0:x1].copy() if inside else None
            self._drawn_parts[(id(part), key)] = (box, block)
            self._drawn_parts.move_to_end((id(part), key))
        while len(self._drawn_parts) > 4 * self._keep:
            self._drawn_parts.popitem(last=False)

    def _draw_background(self, key=None):
        show = self._hidden()
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._extents = {}
        self._unmeasured = key if self.parts and _shaped(key) else None  # measured by settle()
        show()
        self.background_draws += 1

    def settle(self):
        """Measure where each part of a newly drawn background lies, so a later change redraws only its parts.

        :meth:`png` does it after encoding; a panel calls it after it has sent the image, so the student
        does not wait for it. Nothing to do unless a full draw (with ``parts=True``) happened since.
        """
        key, self._unmeasured = self._unmeasured, None
        parts = self._parts()
        if key is None or self._background is None or len(key[1]) != len(parts) or key != self._static_key():
            return  # the figure changed since: its parts stay unknown, and the next change draws it all
        show = self._hidden()
        try:
            self._extents = self._measure(parts, key[1])
            self.canvas.restore_region(self._background)  # the background alone: what each part drew
            self._remember(parts, key[1], np.asarray(self.canvas.buffer_rgba()))
        finally:
            show()
        if key in self._kept:
            self._kept[key] = (self._background, dict(self._extents))

    def _redraw_parts(self, key):
        """Draw again only the parts whose key changed, over the current background. False: not possible.

        A changed part's area (where it was and where it will be) is erased to the figure's own colour and
        the part drawn again. Every part that touches an erased area is erased and drawn again too, in the
        figure's drawing order, so the area ends up as a full draw would leave it. If that reaches every
        part, a full draw is as cheap: False.
        """
        if not (_shaped(key) and _shaped(self._key)):
            return False  # not keys of _static_key's shape (a test may replace it)
        (wide, parts), (old_wide, old_parts) = key, self._key
        figure = self.figure
        if wide != old_wide or len(parts) != len(old_parts) or not _only_axes_and_texts(figure):
            return False
        current = self._parts()
        if not all(self._extents.get(id(p)) is not None for p in current):
            return False
        show = self._hidden()
        try:
            renderer = self.canvas.get_renderer()
            areas, new_extents = {}, {}
            for part, new_key, old_key in zip(current, parts, old_parts):
                if new_key != old_key:
                    new = self._known_extent(part, new_key, renderer) if part.get_visible() else ()
                    if new is None:
                        return False
                    new_extents[id(part)] = new
                    boxes = [b for b in (self._extents[id(part)], new) if b]
                    areas[id(part)] = _union(boxes) if boxes else None
            grown = True
            while grown:  # a part that touches an erased area is erased and drawn again as well
                grown = False
                for part in current:
                    box = self._extents[id(part)]
                    if id(part) in areas or not box:
                        continue
                    if any(area is not None and _overlap(area, box) for area in areas.values()):
                        areas[id(part)], new_extents[id(part)], grown = box, box, True
            if len(areas) == len(current):
                return False
            self.canvas.restore_region(self._background)
            pixels = np.asarray(self.canvas.buffer_rgba())
            blank = self._blank_pixels()
            height, width = pixels.shape[:2]
            for area in areas.values():
                if area is not None:
                    x0, y0, x1, y1 = max(area[0], 0), max(area[1], 0), min(area[2], width), min(area[3], height)
                    rows = slice(height - y1, height - y0)  # display y runs up, rows run down
                    pixels[rows, x0:x1] = blank[rows, x0:x1]
            for part in current:
                if id(part) in areas:
                    self._extents[id(part)] = new_extents[id(part)]
            keys = dict(zip(map(id, current), parts))
            order = sorted((p for p in current if id(p) in areas), key=lambda p: p.get_zorder())  # stable: axes first
            for part in order:
                if part.get_visible() and not self._paste(part, keys[id(part)], pixels):
                    part.draw(renderer)
            self._remember(order, [keys[id(p)] for p in order], pixels)
            self._background = self.canvas.copy_from_bbox(figure.bbox)
        finally:
            show()
        self.part_draws += 1
        return True

    def _alone(self, part, box):
        """Whether no other part's current extent overlaps ``box``."""
        return not any(other and o != id(part) and _overlap(box, other) for o, other in self._extents.items())

    def _paste(self, part, part_key, pixels):
        """Put back what ``part`` drew before in this state, if it shares its area with no other part."""
        known = self._drawn_parts.get((id(part), part_key))
        if known is None or known[1] is None or known[0] != self._extents.get(id(part)):
            return False
        box = known[0]
        if not self._alone(part, box):
            return False
        x0, y0, x1, y1 = box
        height = pixels.shape[0]
        pixels[height - y1 : height - y0, x0:x1] = known[1]
        self._drawn_parts.move_to_end((id(part), part_key))
        return True

    def _blank_pixels(self):
        if self._blank is None or self._blank.shape[:2] != tuple(self.canvas.get_width_height()[::-1]):
            renderer = self.canvas.get_renderer()
            saved = self.canvas.copy_from_bbox(self.figure.bbox)
            renderer.clear()
            for patch in _patches(self.figure):  # the figure's, then its subfigures': what lies under every part
                patch.draw(renderer)
            self._blank = np.array(self.canvas.buffer_rgba())
            self.canvas.restore_region(saved)
        return self._blank

    def render(self):
        """Bring the canvas up to date the fast way; returns the RGBA pixels (height × width × 4)."""
        key = self._static_key()
        if self._background is None or key != self._key:
            kept = self._kept.get(key)
            if kept is not None:  # drawn before for this very key: what it shows is the same
                self._kept.move_to_end(key)
                self._background, extents = kept
                self._extents = dict(extents)
                self.canvas.restore_region(self._background)
            else:
                if self._background is None or not self._redraw_parts(key):
                    self._draw_background(key)
                self._kept[key] = (self._background, dict(self._extents))
                while len(self._kept) > self._keep:
                    self._kept.popitem(last=False)
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

    def png(self, *, full=False, settle=True):
        """PNG bytes of the current state: the fast way, or the plain full draw with ``full=True``.

        ``settle=False`` leaves measuring a new background's parts to a later :meth:`settle`.
        """
        pixels = self.render_full() if full else self.render()
        data = encode_png(pixels, compress_level=self.compress_level)
        if settle:
            self.settle()
        return data


def _text_boxes(text, renderer):
    boxes = [text.get_window_extent(renderer)] if text.get_text() else []
    patch = text.get_bbox_patch()  # a text's box is not in its window extent
    if patch is not None and boxes:
        boxes.append(patch.get_window_extent(renderer))
    return boxes


def _axes_boxes(ax, renderer):
    """What an axes drew: matplotlib's tight bbox, and the boxes around its texts, which that leaves out."""
    from matplotlib.text import Text

    texts = [c for c in ax.get_children() if isinstance(c, Text) and c.get_visible() and c.get_bbox_patch()]
    return [ax.get_tightbbox(renderer), *(box for t in texts for box in _text_boxes(t, renderer))]


def _only_axes_and_texts(figure):
    """Whether the figure draws nothing but its axes and texts (its subfigures: their axes only)."""
    others = (figure.legends, figure.lines, figure.patches, figure.images)
    subfigures = getattr(figure, "subfigs", [])
    return not any(others) and all(_only_axes_and_texts(sub) and not _texts_of(sub) for sub in subfigures)


def _texts_of(figure):
    sup = [getattr(figure, f"_sup{part}", None) for part in ("title", "xlabel", "ylabel")]
    return [*figure.texts, *(t for t in sup if t is not None)]


def _patches(figure):
    yield figure.patch
    for sub in getattr(figure, "subfigs", []):
        yield from _patches(sub)


def _shaped(key):
    """Whether ``key`` has :meth:`FastFigure._static_key`'s shape (a test may replace that method)."""
    return isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], tuple)


def _union(boxes):
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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
