"""The one palette: every colour a figure uses is named here, and nowhere else.

- **Inits** keep one colour in every notebook and figure (:func:`init_color`). The families are
  zeros/constant, N(0, 0.01²), N(0, 1), Glorot's standard U(±1/√n) (PyTorch's ``nn.Linear`` default),
  LeCun, Xavier, He and orthogonal. Other Gaussian stds (notebook 02's ladder) have their own shades.
- **Activations** keep their own colours (:func:`activation_color`), for figures that compare
  activations under one init.
- **Direction** (forward signal, backward gradient) is drawn by marker and line style, never by
  colour (``FORWARD``, ``BACKWARD``), so it can collide with no init colour: a forward curve of He is
  He's colour with filled circles, its gradient the same colour with hollow squares.
- **Theory** is a pale band of the series' own colour under the measured markers (``THEORY``).
- **States** take their colour from the verdict's grade (:func:`grade_color`).
"""

from __future__ import annotations

__all__ = [
    "INIT_COLORS",
    "GAUSSIAN_STD_COLORS",
    "ACTIVATION_COLORS",
    "GRADE_COLORS",
    "HE_FAN_OUT",
    "FORWARD",
    "BACKWARD",
    "THEORY",
    "init_color",
    "activation_color",
    "grade_color",
    "ramp",
    "std_color",
]

INIT_COLORS = {
    "constant": "#999999",  # zeros and every constant: grey, nothing random about them
    "normal:std=0.01": "#56B4E9",  # too small: sky blue
    "normal:std=1": "#8B4513",  # too large: brown
    "standard_uniform": "#0072B2",  # Glorot's "standard" U(±1/√n), nn.Linear's default: blue
    "lecun": "#117733",  # LeCun: dark green
    "xavier": "#6A3D9A",  # Xavier / Glorot: purple
    "he": "#D55E00",  # He / Kaiming: vermillion
    "orthogonal": "#CC79A7",  # orthogonal: pink
}
"""One colour per init family; :func:`init_color` maps any spec onto its family."""

HE_FAN_OUT = "#F4A582"
"""He in fan_out mode, where a figure sets it beside fan_in (He's own colour): a light tint of He's vermillion
(a darker one would be N(0, 1)'s brown)."""

GAUSSIAN_STD_COLORS = {
    0.001: "#A6DCEF",
    0.01: INIT_COLORS["normal:std=0.01"],
    0.1: "#66A61E",
    1.0: INIT_COLORS["normal:std=1"],
    10.0: "#3B1F0B",
    100.0: "#000000",
}
"""Notebook 02's ladder of weight stds: 0.01 and 1 are the init colours of N(0, 0.01²) and N(0, 1)."""

ACTIVATION_COLORS = {
    "sigmoid": "#E69F00",
    "tanh": "#882255",
    "relu": "#332288",
    "leaky_relu": "#44AA99",
    "linear": "#555555",
}

GRADE_COLORS = {"healthy": "#1A7F37", "drifting": "#B36B00", "broken": "#B00020"}
"""The verdict's three grades (``initviz.verdict``): green, amber, red."""

NEUTRAL = "#444444"  # notes and captions inside axes
REFERENCE = "#000000"  # reference lines: chance, ln 10, the critical line
BOX_FACE = "#FFFFFF"  # the white box behind a state text

FORWARD = {"marker": "o", "linestyle": "-", "markersize": 3.5, "linewidth": 1.2}
BACKWARD = {"marker": "s", "linestyle": ":", "markersize": 3.5, "linewidth": 1.4, "markerfacecolor": BOX_FACE}
THEORY = {"linewidth": 6, "alpha": 0.25, "solid_capstyle": "round"}

RAMP_CMAP = "cividis"  # a series of settings that are not inits (widths, depths): light to dark
SIGNED_CMAP = "RdBu_r"  # weights and gradients: red > 0, blue < 0, white at 0
POSITIVE_CMAP = "viridis"  # probabilities, sigmoid outputs, accuracies: all of the scale is used
MISSING = "#D9D9D9"  # a heat-map cell with no value (every run diverged)
OTHER = "#7F6A5A"  # an init spec with no family colour


def _family(name, options):
    if name in ("zeros", "constant"):
        return "constant"
    if name == "normal" and options.get("mean", 0.0) == 0.0:
        std = float(options.get("std", 1.0))
        return f"normal:std={std:g}"
    for family in ("xavier", "he", "lecun"):
        if name.startswith(family):
            return family
    return name


def init_color(spec):
    """The colour of an init spec: ``"he_uniform:mode=fan_out"`` is He's, ``"normal:std=0.1"`` the ladder's 0.1.

    A spec with no colour of its own (``uniform``, ``truncated_normal``) gets the neutral grey-brown of
    "other", so a figure never invents a colour in place.
    """
    from ..init import parse_init

    family = _family(*parse_init(spec))
    if family in INIT_COLORS:
        return INIT_COLORS[family]
    if family.startswith("normal:std="):
        std = float(family.partition("=")[2])
        if std in GAUSSIAN_STD_COLORS:
            return GAUSSIAN_STD_COLORS[std]
    return OTHER


def std_color(std):
    """The colour of N(0, std²) in notebook 02's ladder (the nearest rung on a log scale)."""
    import math

    rungs = sorted(GAUSSIAN_STD_COLORS)
    nearest = min(rungs, key=lambda r: abs(math.log10(r) - math.log10(std)))
    return GAUSSIAN_STD_COLORS[nearest]


def ramp(n):
    """``n`` colours from light to dark, for a series of widths or depths (not inits, not activations)."""
    import matplotlib

    cmap = matplotlib.colormaps[RAMP_CMAP]
    return [cmap(0.85 - 0.75 * i / max(n - 1, 1)) for i in range(n)]


def activation_color(name):
    """The colour of an activation (a name or an ``initviz.activations.Activation``)."""
    return ACTIVATION_COLORS[getattr(name, "name", name)]


def grade_color(grade):
    """Green, amber or red for a verdict grade; a ``Verdict`` is accepted too."""
    return GRADE_COLORS[getattr(grade, "grade", grade)]
