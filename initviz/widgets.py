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
        # at its own size, not stretched to the output's width (a stretched PNG looks blurred)
        self.image = widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start", max_width="100%"))
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
        from ._threads import one_blas_thread

        with one_blas_thread():
            self._update(**{**self.values, **values})
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        png = buffer.getvalue()
        self.image.value = png  # ipywidgets 8 keeps a memoryview, 7 bytes: return our own bytes
        return png

    def _on_change(self, change):
        self.update()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


# --- constant initialization (notebook 01) ---


def constant_panel(data=None, *, hidden=16, max_steps=300, every=10, lr=0.3, random_init="xavier_normal"):
    """Constant value, activation and number of SGD steps → ``W1`` before, after and its change, for a
    ``[n_features, hidden, n_classes]`` net started from the constant (top row) and from ``random_init`` (bottom).

    Each (value, activation) run is trained once, ``max_steps`` steps with snapshots every ``every`` steps, and
    cached, so moving the steps slider only redraws. ``data`` defaults to ``initviz.load_digits()``.
    """
    import initviz as iv

    from . import _checks
    from . import plots as _plots
    from . import symmetry as _symmetry

    data = iv.load_digits() if data is None else data
    if not isinstance(data, iv.Dataset):
        raise TypeError(f"data must be an initviz.Dataset (see load_digits), got {type(data).__name__}")
    hidden = _checks.integer("hidden", hidden, low=1, high=256)
    max_steps = _checks.integer("max_steps", max_steps, low=1, high=5000)
    every = _checks.integer("every", every, low=1, high=max_steps)
    lr = _checks.number("lr", lr, low=0, low_open=True)
    iv.parse_init(random_init)
    sizes = [data.n_features, hidden, data.n_classes]
    runs = {}

    def run(init, activation):
        key = (init, activation)
        if key not in runs:
            if len(runs) > 64:  # keep memory flat while a student sweeps the slider
                runs.clear()
            model = iv.MLP(sizes, activation, init, rng=0)
            runs[key] = _symmetry.record_training(model, data, steps=max_steps, lr=lr, every=every, seed=0)
        return runs[key]

    view = _plots.SymmetryView(chance=1 / data.n_classes)
    random_label = "random (" + iv.init_label(random_init).replace("_", " ") + ")"

    def update(value, activation, steps):
        constant = run(f"constant:value={round(float(value), 6)!r}", activation)
        view.update(constant, run(random_init, activation), steps, labels=(f"constant {value:g}", random_label))

    controls = {
        "value": float_slider("constant value c", 0.1, -2.0, 2.0, 0.05),
        "activation": dropdown("activation", list(iv.ACTIVATIONS), "sigmoid"),
        "steps": int_slider("SGD steps shown", max_steps, 0, max_steps, every),
    }
    return Panel(view.fig, update, controls)


# --- xavier (notebook 03) ---


def _fan_slider(description, options, value):
    # a new fan draws new weights: redraw on release, not on every step of the drag
    return widgets.SelectionSlider(
        options=options, value=value, description=description, continuous_update=False, style=_STYLE, layout=_LAYOUT
    )


def xavier_panel(fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20, *, seed=0, dpi=80):
    """Xavier init explored: fan_in, fan_out, normal/uniform, activation and depth.

    Shows the weight histogram with its density, the forward activation std and the backward gradient std per
    layer of a net whose widths alternate fan_in ↔ fan_out, with theory dashed (``plots.XavierView``).
    """
    from . import _checks, plots
    from .activations import get

    view = plots.XavierView(seed=seed)
    fan_options = list(view.FANS)
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or value not in fan_options:
            raise ValueError(f"{name} must be one of {fan_options}, got {value!r}")
    _checks.choice("distribution", distribution, ("normal", "uniform"))
    get(activation)
    _checks.integer("depth", depth, low=1, high=view.MAX_DEPTH)
    controls = {
        "fan_in": _fan_slider("fan_in (n_in)", fan_options, fan_in),
        "fan_out": _fan_slider("fan_out (n_out)", fan_options, fan_out),
        "distribution": toggle("distribution", ["uniform", "normal"], distribution),
        "activation": dropdown(
            "activation",
            [
                ("tanh", "tanh"),
                ("sigmoid", "sigmoid"),
                ("ReLU", "relu"),
                ("leaky ReLU (0.01)", "leaky_relu"),
                ("linear", "linear"),
            ],
            activation,
        ),
        "depth": int_slider("depth (layers)", depth, 1, view.MAX_DEPTH),
    }
    controls["depth"].continuous_update = False
    return Panel(view.figure, view.update, controls, dpi=dpi)


# --- gaussian (notebook 02) ---

GAUSSIAN_PANEL_ACTIVATIONS = [
    ("sigmoid", "sigmoid"),
    ("tanh", "tanh"),
    ("ReLU", "relu"),
    ("leaky ReLU (a=0.01)", "leaky_relu"),
]


def gaussian_panel(std=0.1, activation="sigmoid", depth=10, width=100, *, dpi=72):
    """Notebook 02: weights N(0, std²) in a stack of equal layers; move std, activation, depth and width.

    Shows the histograms of up to five layers (first, evenly spaced, last), the activation
    and gradient std against depth with the theory curve, and the saturated or dead share.
    ``panel.update(std=..., ...)`` redraws without a browser and returns the PNG bytes.
    """
    from . import _checks
    from .plots import GaussianExplorer

    std = _checks.number("std", std, low=1e-3, high=1e2)
    _checks.choice("activation", activation, [value for _, value in GAUSSIAN_PANEL_ACTIVATIONS])
    depth = _checks.integer("depth", depth, low=1, high=50)
    width = _checks.integer("width", width, low=10, high=500)
    explorer = GaussianExplorer()
    controls = {
        "std": log_slider("weight std", std, 1e-3, 1e2),
        "activation": dropdown("activation", GAUSSIAN_PANEL_ACTIVATIONS, activation),
        "depth": int_slider("depth (layers)", depth, 1, 50),
        "width": int_slider("width (units per layer)", width, 10, 500, step=10),
    }
    for name in ("depth", "width"):  # deep, wide settings take ~1 s: redraw when the slider is released
        controls[name].continuous_update = False
    panel = Panel(explorer.figure, explorer.update, controls, dpi=dpi)
    panel.explorer = explorer
    return panel


# --- He initialization (notebook 04) ---


def he_panel(*, max_depth=50, dpi=80):
    """Xavier or He, fan_in or fan_out, leaky-ReLU slope, activation, depth and width pattern: the forward
    activation std and backward gradient std per layer, measured on one net, with the theory overlaid."""
    from . import _checks
    from .plots import HE_WIDTH_PATTERNS, HeDepthView

    max_depth = _checks.integer("max_depth", max_depth, low=2, high=200)
    view = HeDepthView()
    controls = {
        "init": toggle("init", [("Xavier", "xavier"), ("He", "he")], "he"),
        "mode": toggle("He mode", [("fan_in", "fan_in"), ("fan_out", "fan_out")]),
        "activation": dropdown(
            "activation", [("ReLU", "relu"), ("leaky ReLU", "leaky_relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid")]
        ),
        "negative_slope": float_slider("leaky ReLU slope a", 0.1, 0.0, 1.0, 0.01),
        "depth": int_slider("depth (layers)", min(30, max_depth), 1, max_depth),
        "widths": dropdown("layer widths", [(label, key) for key, label in HE_WIDTH_PATTERNS.items()]),
    }
    slope = controls["negative_slope"]
    slope.disabled = True  # the slope matters only for leaky ReLU; greyed out otherwise, so nobody drags it in vain

    def enable_slope(change):
        slope.disabled = change["new"] != "leaky_relu"

    controls["activation"].observe(enable_slope, names="value")
    return Panel(view.figure, view.update, controls, dpi=dpi)


# --- experiment progress (notebook 05) ---


def progress_bar(total, description="runs"):
    """A progress bar for ``initviz.experiment.run_grid``: returns ``(widget, callback)``.

    Display ``widget``, then pass ``callback`` as ``run_grid(..., progress=callback)``; each finished run moves the
    bar and names the run in a label beside it, so nothing is printed into the cell.
    """
    from . import _checks

    total = _checks.integer("total", total, low=1)
    if not isinstance(description, str):
        raise TypeError(f"description must be a string, got {description!r}")
    bar = widgets.IntProgress(value=0, min=0, max=total, description=description, bar_style="info", style=_STYLE)
    label = widgets.HTML(value=f"0/{total} runs done")
    box = widgets.HBox([bar, label])

    def callback(done, total_runs, result=None):
        bar.max = total_runs
        bar.value = done
        if result is not None:
            r = result.record
            accuracy = f"test {100 * r['test_accuracy']:.0f}%"
            outcome = f"diverged at step {r['diverged_at']}" if r["diverged"] else accuracy
            last = f"; last: {r['init']}, {r['activation']}, depth {r['depth']}, seed {r['seed']}: {outcome}"
        else:
            last = ""
        label.value = f"{done}/{total_runs} runs done{last}"
        if done >= total_runs:
            bar.bar_style = "success"

    return box, callback
