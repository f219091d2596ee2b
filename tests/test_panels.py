"""Every lesson's panel: it walks its tour without a warning, and its fast image is the full redraw.

A lesson module with a panel defines ``panel()`` and ``PANEL_TOUR``, a list of control settings that
covers limit changes, every activation and the extremes. After each step the fast PNG (cached
background, dynamic artists only) is compared with a plain full redraw of the same state, pixel
for pixel: a fast path that leaves stale pixels fails here. The second test shows that the
comparison catches exactly that: with the background never restored, the same tour fails.
"""

import importlib
import io

import numpy as np
import pytest
from PIL import Image

from initviz.draw.fast import FastFigure
from initviz.figures import LESSONS

PANELS = []
for _name in LESSONS:
    try:
        _module = importlib.import_module(f"initviz.lessons.{_name}")
    except ModuleNotFoundError:
        continue
    if hasattr(_module, "panel"):
        PANELS.append(_module)

TOLERANCE = 48  # per channel: antialiasing where a dynamic line crosses a static spine may differ a little
MAX_SHARE = 2e-4  # of the pixels; a stale curve or text is thousands of pixels


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def mismatch(fast, full):
    """Share of pixels that differ by more than TOLERANCE in some channel."""
    a, b = pixels(fast), pixels(full)
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > TOLERANCE).mean())


@pytest.mark.parametrize("lesson", PANELS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_fast_image_is_the_full_redraw_at_every_step(lesson):
    panel = lesson.panel()
    for step, settings in enumerate(lesson.PANEL_TOUR * 2):  # twice: the second lap reuses cached draws
        fast = panel.update(**settings)
        assert fast[:8] == b"\x89PNG\r\n\x1a\n"
        share = mismatch(fast, panel.full_png(**settings))
        assert share <= MAX_SHARE, f"step {step} {settings}: {share:.2%} of the pixels differ from a full redraw"


@pytest.mark.parametrize("lesson", PANELS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_the_comparison_fails_when_the_background_is_not_restored(lesson, monkeypatch):
    def stale_render(self):  # draw the dynamic artists over whatever the canvas last showed
        if self._background is None:
            self._draw_background()
            self._key = self._static_key()
        renderer = self.canvas.get_renderer()
        for artist in self.artists:
            if artist.get_visible() and (artist.axes is None or artist.axes.get_visible()):
                artist.draw(renderer)
        return np.asarray(self.canvas.buffer_rgba())

    reference = lesson.panel()  # drawn the plain way, untouched by the patch below
    expected = [reference.full_png(**settings) for settings in lesson.PANEL_TOUR]
    panel = lesson.panel()
    monkeypatch.setattr(FastFigure, "render", stale_render)
    worst = max(mismatch(panel.update(**s), e) for s, e in zip(lesson.PANEL_TOUR, expected))
    assert worst > MAX_SHARE, "a stale background went unnoticed: the tour changes too little"


@pytest.mark.parametrize("lesson", PANELS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_panel_is_deterministic_and_rejects_unknown_controls(lesson):
    first, second = lesson.panel(), lesson.panel()
    settings = lesson.PANEL_TOUR[-1]
    assert first.update(**settings) == second.update(**settings)
    with pytest.raises(ValueError, match="unknown control"):
        first.update(no_such_control=1)


@pytest.mark.parametrize("lesson", PANELS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_the_comparison_fails_when_the_background_ignores_what_changed(lesson, monkeypatch):
    """With a static key that sees nothing, the first background is reused for ever (or a kept one restored
    for the wrong state): the tour's limit changes must then show."""
    reference = lesson.panel()
    expected = [reference.full_png(**settings) for settings in lesson.PANEL_TOUR]
    panel = lesson.panel()
    monkeypatch.setattr(FastFigure, "_static_key", lambda self: ())
    worst = max(mismatch(panel.update(**s), e) for s, e in zip(lesson.PANEL_TOUR, expected))
    assert worst > MAX_SHARE, "a background that ignores the limits went unnoticed: the tour changes too little"


def _line_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.subplots()
    (line,) = ax.plot([0.5, 1, 1.5], [0, 1, 0])  # inside the axes: it never crosses a (static) spine
    ax.set_ylim(-1, 3)
    fast = FastFigure(fig, backgrounds=2)
    fast.dynamic(line)
    return fig, ax, line, fast


def test_kept_backgrounds_are_restored_by_what_they_show_and_match_a_full_draw():
    fig, ax, line, fast = _line_figure()
    for step, limit in enumerate([2, 5, 2, 5, 2, 9, 2]):
        ax.set_xlim(0, limit)
        line.set_ydata([0, step % 3, 1])
        fast_png = fast.png()
        assert mismatch(fast_png, fast.png(full=True)) <= MAX_SHARE, f"step {step}, limit {limit}"
    # 2 and 5 drawn once each, then restored; 9 pushed 5 out (two kept), and 2 was kept
    assert fast.background_draws == 3


def test_a_key_callable_is_part_of_what_the_background_shows():
    fig, ax, line, fast = _line_figure()
    version = {"n": 0}
    fast.key = lambda: version["n"]
    fast.png()
    fast.png()
    assert fast.background_draws == 1
    version["n"] = 1
    fast.png()
    assert fast.background_draws == 2


def test_encode_png_is_lossless_and_rejects_what_it_cannot_write():
    from initviz.draw.fast import encode_png

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (17, 23, 4), dtype=np.uint8)
    for image in (rgba, rgba[..., :3].copy(), rgba[..., :3]):  # RGBA, RGB, and a strided RGB view
        png = encode_png(image)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert np.array_equal(pixels(png), rgba[..., :3])
    assert len(encode_png(np.zeros((300, 400, 3), np.uint8), compress_level=1)) < 2000  # flat colour: small
    with pytest.raises(ValueError, match="pixels must be a uint8 array"):
        encode_png(rgba.astype(float))
    with pytest.raises(ValueError, match="pixels must be a uint8 array"):
        encode_png(rgba[..., 0])
    with pytest.raises(ValueError, match="compress_level must be an int from 0 to 9"):
        encode_png(rgba, compress_level=11)


def _two_axes_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2.5), dpi=50)
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.1, right=0.9, bottom=0.15, top=0.75, wspace=0.6)  # room between the parts
    lines = [ax.plot([-0.5, 0, 0.5], [0, 1, 0])[0] for ax in (left, right)]  # away from the (static) spines
    for ax in (left, right):
        ax.set_ylim(-1, 3)
    title = fig.suptitle("first", y=0.97)
    fast = FastFigure(fig, parts=True)
    fast.dynamic(*lines)
    return fig, (left, right), title, fast


def _changes():
    # one or two parts at a time (when all three change, a full draw is as cheap and is what happens)
    return [(5, "first", ""), (5, "second", ""), (100, "second", ""), (100, "third", "y"), (2, "third", "")]


def _apply(parts, change):
    fig, (left, right), title, fast = parts
    limit, text, ylabel = change
    left.set_xlim(-limit, limit)
    title.set_text(text)
    right.set_ylabel(ylabel)


def _changed(fast_parts, full_parts, change, *, settle=True):
    """Apply ``change`` to both figures; how much the fast image then differs from the full draw."""
    _apply(fast_parts, change)
    _apply(full_parts, change)
    return mismatch(fast_parts[3].png(settle=settle), full_parts[3].png(full=True))


def test_only_the_parts_that_changed_are_drawn_again_and_the_image_is_a_full_draw():
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()
    for step, change in enumerate(_changes()):
        assert _changed(fast_parts, full_parts, change) <= MAX_SHARE, f"step {step}: {change}"
    assert (fast.background_draws, fast.part_draws) == (1, 5)  # never the whole figure again


def test_a_part_that_reaches_into_its_neighbour_draws_the_neighbour_again_too():
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()
    for _, (left, _), _, _ in (fast_parts, full_parts):
        left.set_xlabel("a label long enough to reach well under the right-hand axes", fontsize=14)
    assert mismatch(fast.png(), full_parts[3].png(full=True)) <= MAX_SHARE
    assert (fast.background_draws, fast.part_draws) == (1, 1)


def test_when_every_part_is_touched_it_is_a_full_draw():
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()
    for _, _, title, _ in (fast_parts, full_parts):
        title.set(text="a title over both axes", fontsize=30, y=0.85)  # above the lines
    assert mismatch(fast.png(), full_parts[3].png(full=True)) <= MAX_SHARE
    assert (fast.background_draws, fast.part_draws) == (2, 0)


def test_the_comparison_fails_when_a_partial_redraw_erases_nothing(monkeypatch):
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()
    monkeypatch.setattr(FastFigure, "_blank_pixels", lambda self: np.array(self.canvas.buffer_rgba()))
    assert _changed(fast_parts, full_parts, (100, "first", "")) > MAX_SHARE  # new tick labels over the old ones
    assert fast.part_draws == 1


def _revisits():
    # the last state is new for the figure (so no kept background fits) but not for the left axes
    return [(5, "first", ""), (100, "first", ""), (100, "second", ""), (5, "second", "")]


def test_a_part_drawn_before_in_the_same_state_is_pasted_back_and_matches_a_full_draw(monkeypatch):
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fig, (left, _), _, fast = fast_parts
    fast.png()
    drawn = []
    draw = type(left).draw
    monkeypatch.setattr(type(left), "draw", lambda ax, renderer: (drawn.append(ax), draw(ax, renderer))[1])
    for step, change in enumerate(_revisits()):
        drawn.clear()
        assert _changed(fast_parts, full_parts, change) <= MAX_SHARE, f"step {step}: {change}"
    assert left not in drawn  # the left axes at limit 5 came back from what it drew at the first step
    assert fast.part_draws == 4  # every step drew a part or pasted one, none drew the whole figure


def test_the_comparison_fails_when_a_part_is_pasted_back_from_another_state(monkeypatch):
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()

    def paste_any(self, part, part_key, pixels):  # ignores the state: the first block this part left
        for (owner, _), (box, block) in self._drawn_parts.items():
            if owner == id(part) and block is not None:
                height = pixels.shape[0]
                pixels[height - box[3] : height - box[1], box[0] : box[2]] = block
                return True
        return False

    monkeypatch.setattr(FastFigure, "_paste", paste_any)
    worst = max(_changed(fast_parts, full_parts, change) for change in _revisits()[1:] + [(100, "third", "")])
    assert worst > MAX_SHARE, "a part pasted back in the wrong state went unnoticed"


def test_parts_are_measured_when_the_figure_settles_and_a_change_before_that_draws_everything():
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png(settle=False)  # a new background whose parts nobody measured yet
    for step, change in enumerate([(5, "first", ""), (100, "first", "")]):
        assert _changed(fast_parts, full_parts, change, settle=False) <= MAX_SHARE, f"step {step}"
    assert (fast.background_draws, fast.part_draws) == (3, 0)  # unmeasured: each change drew the whole figure
    fast.settle()
    assert _changed(fast_parts, full_parts, (100, "second", "")) <= MAX_SHARE
    assert (fast.background_draws, fast.part_draws) == (3, 1)


def test_a_static_text_that_moves_or_grows_is_drawn_again():
    fast_parts, full_parts = _two_axes_figure(), _two_axes_figure()
    fast = fast_parts[3]
    fast.png()
    for step, change in enumerate([{"y": 0.9}, {"fontsize": 16}]):
        for _, _, title, _ in (fast_parts, full_parts):
            title.set(**change)
        assert mismatch(fast.png(), full_parts[3].png(full=True)) <= MAX_SHARE, f"step {step}: {change}"
    assert fast.redraws == 3
