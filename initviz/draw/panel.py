"""Interactive panels: ipywidgets controls above a figure that is redrawn in place.

A :class:`Panel` owns one :class:`~initviz.draw.views.View` for its whole life. When a control moves
it calls ``view.update(**values)``, which changes the data of existing artists, then sends the PNG
of the fast redraw (``initviz.draw.fast``) to an ``ipywidgets.Image``. Core widgets and a PNG work
wherever widgets do: JupyterLab, Binder, VS Code and Colab, with ipywidgets 7 or 8, no ipympl.

``panel.update(**values)`` works without a browser, which is how the tests drive every panel to
the corners of its controls.
"""

from __future__ import annotations

import math
import time

import ipywidgets as widgets

from .._threads import one_blas_thread

__all__ = ["Panel", "log_slider", "int_slider", "float_slider", "choice_slider", "dropdown", "toggle", "progress_bar"]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "420px"}


def log_slider(description, value, low, high, steps_per_decade=10):
    """A slider over [low, high] on a log scale (FloatLogSlider, in ipywidgets 7 and 8)."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(low),
        max=math.log10(high),
        step=1 / steps_per_decade,
        description=description,
        continuous_update=True,
        readout_format=".3g",
        style=_STYLE,
        layout=_LAYOUT,
    )


def int_slider(description, value, low, high, step=1, *, on_release=False):
    """An integer slider; ``on_release=True`` redraws only when it is let go (for costly settings)."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=not on_release,
        style=_STYLE,
        layout=_LAYOUT,
    )


def float_slider(description, value, low, high, step):
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".3g",
        style=_STYLE,
        layout=_LAYOUT,
    )


def choice_slider(description, options, value, *, on_release=True):
    """A slider over a list of values (e.g. layer widths); by default it redraws on release."""
    return widgets.SelectionSlider(
        options=list(options),
        value=value,
        description=description,
        continuous_update=not on_release,
        style=_STYLE,
        layout=_LAYOUT,
    )


def dropdown(description, options, value=None):
    """A dropdown; ``options`` is a list of values or of (label, value) pairs."""
    first = options[0][1] if isinstance(options[0], tuple) else options[0]
    return widgets.Dropdown(
        options=options, value=first if value is None else value, description=description, style=_STYLE
    )


def toggle(description, options, value=None):
    """A row of toggle buttons for a few choices (e.g. fan_in / fan_out)."""
    first = options[0][1] if isinstance(options[0], tuple) else options[0]
    return widgets.ToggleButtons(
        options=options, value=first if value is None else value, description=description, style=_STYLE
    )


class Panel:
    """Controls plus a :class:`~initviz.draw.views.View` redrawn in place.

    Parameters
    ----------
    view : View
        Built once; ``view.update(**values)`` changes its artists for the given control values.
    controls : dict of name → widget
        The keyword each control's value is passed as.
    """

    def __init__(self, view, controls):
        self.view = view
        self.figure = view.figure
        self.controls = dict(controls)
        # at its own size, not stretched to the output's width (a stretched PNG looks blurred)
        self.image = widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start", max_width="100%"))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        row = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([row, self.image])
        self.update()

    @property
    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def _apply(self, values):
        for name in values:
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; this panel has {sorted(self.controls)}")
        with one_blas_thread():
            self.view.update(**{**self.values, **values})

    def update(self, **values):
        """Redraw for the current control values, overridden by ``values``; returns the PNG bytes."""
        self._apply(values)
        png = self.view.png(settle=False)
        self.image.value = png  # ipywidgets 8 keeps a memoryview, 7 bytes: return our own bytes
        self.sent = time.perf_counter()  # when the image went out (benchmarks/panels.py reads it)
        self.view.fast.settle()  # after the image is on its way: measuring a new background's parts
        return png

    def full_png(self, **values):
        """The same state drawn the plain way, every artist from scratch: what the fast path must match."""
        self._apply(values)
        return self.view.png(full=True)

    def _on_change(self, change):
        self.update()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def progress_bar(total, description="runs"):
    """A progress bar for long runs (``initviz.experiment.run_grid``): returns ``(widget, callback)``.

    Display ``widget``, then pass ``callback`` as ``progress=``; each finished run moves the bar and names
    the run in a label beside it, so nothing is printed into the cell.
    """
    from .. import _checks

    total = _checks.integer("total", total, low=1)
    if not isinstance(description, str):
        raise TypeError(f"description must be a string, got {description!r}")
    bar = widgets.IntProgress(value=0, min=0, max=total, description=description, bar_style="info", style=_STYLE)
    label = widgets.HTML(value=f"0/{total} runs done")
    box = widgets.HBox([bar, label])

    def callback(done, total_runs, result=None):
        bar.max = total_runs
        bar.value = done
        last = ""
        if result is not None and hasattr(result, "record"):
            r = result.record
            outcome = (
                f"diverged at step {r['diverged_at']}" if r["diverged"] else f"test {100 * r['test_accuracy']:.0f}%"
            )
            last = f"; last: {r['init']}, {r['activation']}, depth {r['depth']}, seed {r['seed']}: {outcome}"
        label.value = f"{done}/{total_runs} runs done{last}"
        if done >= total_runs:
            bar.bar_style = "success"

    return box, callback
