"""Interactive panels: ipywidgets controls above a matplotlib figure that is redrawn in place.

A panel owns one figure for its whole life. On a control change it calls the
panel's ``update(**values)``, which changes the data of existing artists (it does
not make new axes), then renders the figure to PNG into an ``ipywidgets.Image``.
That keeps a redraw to a few tens of milliseconds and works wherever core widgets
do: JupyterLab, Binder, VS Code and Colab (ipywidgets 7 or 8, no ipympl).

``panel.update(**values)`` can be called without a browser, which is how the tests
drive every panel to the corners of its controls.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["Panel", "log_slider", "int_slider", "float_slider", "dropdown", "toggle"]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "420px"}


def log_slider(description, value, low, high, steps_per_decade=10):
    """A slider over [low, high] on a log scale (FloatLogSlider, in ipywidgets 7 and 8)."""
    import math

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


def int_slider(description, value, low, high, step=1):
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
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
    """Controls plus a figure redrawn in place.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Made once (use ``matplotlib.figure.Figure``, not pyplot, so it is not also shown inline).
    update : callable
        ``update(**values)`` changes the figure's artists for the given control values.
    controls : dict of name → widget
        The keyword each control's value is passed as.
    dpi : int
        Resolution of the PNG sent to the browser.
    """

    def __init__(self, figure, update, controls, *, dpi=80):
        self.figure = figure
        self._update = update
        self.controls = dict(controls)
        self.dpi = dpi
        FigureCanvasAgg(figure)
        self.image = widgets.Image(format="png")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")), self.image]
        )
        self.update()

    @property
    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """Redraw for the current control values, overridden by ``values``; returns the PNG bytes."""
        for name in values:
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; this panel has {sorted(self.controls)}")
        self._update(**{**self.values, **values})
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        self.image.value = buffer.getvalue()
        return self.image.value

    def _on_change(self, change):
        self.update()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
