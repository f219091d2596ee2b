"""The one verdict on a per-layer profile: is this signal (or gradient) healthy through the depth of the net?

Every state label in every figure and panel comes from :func:`judge`. It reads a profile of stds, one
per layer, in the direction the signal travels (forward: from layer 1 up; backward: from the top layer
down, where the gradient enters) and judges the *change over depth*, not one absolute threshold:

======== ============================================================ ==============================
grade    when                                                         words, for example
======== ============================================================ ==============================
broken   a value is inf or NaN                                        "overflow at layer 7"
broken   the std is exactly 0                                         "all zeros from layer 3"
broken   it fell below 10⁻⁶ (or rose above 10⁶) of where it started   "vanished at layer 12 (×0.3 per layer)"
broken   what depends on the input fell below 10⁻³ of the std         "collapsed to 0.5 from layer 6"
broken   half the units sit in the flat tails / output 0 everywhere   "saturated: 84% of units at layer 2"
broken   the end differs from the start by more than ×100             "shrinks ×0.25 per layer (10⁻⁶ over 10 layers)"
drifting some layer differs from the start by more than ×4            "shrinks ×0.90 per layer (×0.14 over 20 layers)"
healthy  every layer within ×4 of the start                           "healthy"
======== ============================================================ ==============================

"healthy" is kept for profiles a student could train through at that depth: a gradient that reaches
layer 1 within a factor of 4 of the top's leaves every layer a comparable step. "drifting" is a net
that trains, but whose scale is not kept (Xavier with tanh, widths that change). The start of a
forward profile is layer 1 (the activation's own range sets it: σ(x) has a quarter of x's spread);
the start of a backward profile is the top layer. Layers are always numbered from the input.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _checks

__all__ = ["Verdict", "judge", "factor", "power_of_ten", "GRADES", "HEALTHY_BAND", "BROKEN_BAND", "VANISH"]

GRADES = ("healthy", "drifting", "broken")
HEALTHY_BAND = 4.0
"""Healthy: every layer's std within ×[1/4, 4] of the start."""
BROKEN_BAND = 100.0
"""Broken: the last layer's std more than ×100 (or less than ×1/100) the start's."""
VANISH = 1e-6
"""Vanished or exploded: below 10⁻⁶ or above 10⁶ times the start (or the input's scale)."""
COLLAPSE = 1e-3
"""Collapsed: the input-driven std below 10⁻³ of the std (every input gives the same output)."""
MAJORITY = 0.5
"""Saturated or dead: at least half of a layer's units."""


class Verdict(NamedTuple):
    """A judgement on one profile. ``str(verdict)`` is its words."""

    grade: str  # "healthy", "drifting" or "broken"
    kind: str  # healthy, shrinks, grows, vanished, exploded, overflow, zeros, constant, collapsed, saturated, dead
    text: str
    layer: int | None  # the layer the words name, counted from the input; None for a trend
    per_layer: float  # geometric mean of the std's factor per layer, in the direction of travel (nan if 1 layer)
    total: float  # std at the far end over the std at the start

    @property
    def healthy(self):
        return self.grade == "healthy"

    def __str__(self):
        return self.text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value):
    """A ratio in words a student reads at a glance: ×0.14, ×37, 4·10⁻⁵, 10⁻⁶, 2·10⁸."""
    if not np.isfinite(value) or value <= 0:
        return f"{value:g}"
    if 0.01 <= value < 100:
        return f"×{value:.2g}"
    exponent = math.floor(math.log10(value))
    mantissa = round(value / 10**exponent)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa}·{power}"


def factor(value):
    """A per-layer factor: two significant digits, three where two would round to 1 (×0.71, ×1.04)."""
    text = f"{value:.2g}"
    return f"×{value:.3g}" if text == "1" else f"×{text}"


def _trend(ratios, layers):
    """Per-layer factor and words for the change from the start to the far end."""
    total = float(ratios[-1])
    steps = len(ratios) - 1
    per_layer = total ** (1.0 / steps) if steps else float("nan")
    verb = "shrinks" if total < 1 else "grows"
    return per_layer, total, f"{verb} {factor(per_layer)} per layer ({power_of_ten(total)} over {layers} layers)"


def _fraction_array(name, values, n):
    if values is None:
        return None
    values = np.asarray(values, dtype=float)
    if values.shape != (n,):
        raise ValueError(f"{name} must hold one value per layer ({n}), got shape {values.shape}")
    return values


def judge(stds, *, direction="forward", finite=None, means=None, input_std=None, saturated=None, dead=None, scale=1.0):
    """Judge a per-layer std profile; returns a :class:`Verdict`.

    Parameters
    ----------
    stds : sequence of float
        The std of each layer's values, index l for layer l + 1 (from the input).
    direction : "forward" or "backward"
        Forward profiles are read from layer 1 up, backward ones (gradients) from the top layer down.
    finite, means, input_std, saturated, dead : sequences, optional
        Per layer: the finite share, the mean, the input-driven std, the saturated and dead shares
        (``initviz.layer_stats`` gives all of them). The last three are read for forward profiles only.
    scale : float
        The size of what enters the net (the input's std, or the top gradient's): a std below
        10⁻⁶·scale has vanished even in a one-layer net.
    """
    _checks.choice("direction", direction, ("forward", "backward"))
    stds = np.asarray(stds, dtype=float)
    if stds.ndim != 1 or stds.size == 0:
        raise ValueError(f"stds must be a non-empty 1-D sequence (one std per layer), got shape {stds.shape}")
    n = len(stds)
    finite = np.ones(n) if finite is None else _fraction_array("finite", finite, n)
    means = np.zeros(n) if means is None else _fraction_array("means", means, n)
    forward = direction == "forward"
    extras = {
        k: _fraction_array(k, v, n) for k, v in (("input_std", input_std), ("saturated", saturated), ("dead", dead))
    }
    scale = _checks.number("scale", scale, low=0, low_open=True)
    order = np.arange(n) if forward else np.arange(n)[::-1]
    number = order + 1  # the layer each position of the travel order is, from the input

    def verdict(grade, kind, text, layer=None, per_layer=float("nan"), total=float("nan")):
        return Verdict(grade, kind, text, layer, per_layer, total)

    travel, ok = stds[order], finite[order]
    bad = np.flatnonzero((ok < 1) | ~np.isfinite(travel))
    if bad.size:
        return verdict("broken", "overflow", f"overflow at layer {number[bad[0]]}", int(number[bad[0]]))
    zero = np.flatnonzero(travel == 0)
    if zero.size:
        k = zero[0]
        where = f"from layer {number[k]}" if forward else f"at layer {number[k]} and below"
        if means[order][k] == 0:
            return verdict("broken", "zeros", f"all zeros {where}", int(number[k]))
        return verdict("broken", "constant", f"constant {means[order][k]:.3g} {where}", int(number[k]))
    start = travel[0]
    ratios = travel / start
    per_layer, total, trend_text = _trend(ratios, n) if n > 1 else (float("nan"), 1.0, "")
    rate = f" ({factor(per_layer)} per layer)" if n > 1 else ""
    gone = np.flatnonzero((ratios < VANISH) | (travel < VANISH * scale))
    huge = np.flatnonzero((ratios > 1 / VANISH) | (travel > scale / VANISH))
    if gone.size and (not huge.size or gone[0] < huge[0]):
        k = gone[0]
        return verdict("broken", "vanished", f"vanished at layer {number[k]}{rate}", int(number[k]), per_layer, total)
    if huge.size:
        k = huge[0]
        return verdict("broken", "exploded", f"exploded at layer {number[k]}{rate}", int(number[k]), per_layer, total)
    if forward:
        if extras["input_std"] is not None:
            collapsed = np.flatnonzero(extras["input_std"] < COLLAPSE * stds)
            if collapsed.size:
                k = collapsed[0]
                text = f"collapsed to {means[k]:.1f} from layer {k + 1}"
                return verdict("broken", "collapsed", text, k + 1, per_layer, total)
        for kind, shares in (("saturated", extras["saturated"]), ("dead", extras["dead"])):
            if shares is not None and (shares >= MAJORITY).any():
                k = int(np.flatnonzero(shares >= MAJORITY)[0])
                text = f"{kind}: {shares[k]:.0%} of units at layer {k + 1}"
                return verdict("broken", kind, text, k + 1, per_layer, total)
    if not 1 / BROKEN_BAND <= total <= BROKEN_BAND:
        return verdict("broken", "shrinks" if total < 1 else "grows", trend_text, None, per_layer, total)
    if ((ratios < 1 / HEALTHY_BAND) | (ratios > HEALTHY_BAND)).any():
        return verdict("drifting", "shrinks" if total < 1 else "grows", trend_text, None, per_layer, total)
    return verdict("healthy", "healthy", "healthy", None, per_layer, total)
