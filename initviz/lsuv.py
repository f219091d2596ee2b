"""LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2015): an init that looks at data.

Start from any init (orthogonal in the paper); then, for each layer in turn from the input up, send a
batch through the net and divide that layer's weights by the std of its output ``z_l = a_l·W_l + b_l``,
until ``|Var(z_l) − 1| < tol`` or ``max_iter`` rescalings. Each layer is scaled while the layers below it
are already fixed, so every layer's output starts at unit variance, whatever the activation or the
start: a data-driven way to reach the gain that Xavier and He derive by hand.

By name: ``"lsuv"`` or ``"lsuv:base=orthogonal,tol=0.1,max_iter=10"`` (``base`` is any init spec with at
most one option, e.g. ``base=normal:std=0.01``). It needs data, so ``initviz.initialize("lsuv", shape)``
raises; ``initviz.MLP(sizes, init="lsuv", data=x)`` or :func:`lsuv` on a built net use a batch ``x``.

A layer whose output has no spread at all (a zero or constant init) cannot be rescaled: dividing by 0
is undefined, so LSUV leaves it as it is and says so in its :class:`LSUVReport`.

Reference: Mishkin & Matas (2015), All you need is a good init. ICLR 2016, arXiv:1511.06422.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _checks
from .init import DATA_INITIALIZERS, INITIALIZERS, initialize, parse_init, weight_variance

__all__ = ["LSUV_DEFAULTS", "LSUVReport", "lsuv", "lsuv_options"]

LSUV_DEFAULTS = {"base": "orthogonal", "tol": 0.1, "max_iter": 10}
"""The paper's: an orthonormal start, tolerance 0.1 on the variance, and a cap on the rescalings."""


class LSUVReport(NamedTuple):
    """What LSUV did: per layer, the variance of its output before and after, and the rescalings it took."""

    base: str
    before: list  # Var(z_l) before the first rescaling (each layer measured with the layers below already scaled)
    after: list  # Var(z_l) at the end
    iterations: list  # rescalings per layer
    converged: list  # |Var(z_l) − 1| < tol at the end
    tol: float

    @property
    def all_converged(self):
        return all(self.converged)

    def __str__(self):
        stuck = [i + 1 for i, ok in enumerate(self.converged) if not ok]
        if not stuck:
            return f"LSUV from {self.base}: every layer's output variance within ±{self.tol:g} of 1"
        var = self.after[stuck[0] - 1]
        return f"LSUV from {self.base}: layers {stuck} could not be rescaled (output variance {var:.3g})"


def lsuv_options(options):
    """Check the options of an ``"lsuv"`` spec whole (the base spec too) and fill the defaults.

    Returns ``{"base": spec, "tol": float, "max_iter": int}``.
    """
    if not isinstance(options, dict):
        raise TypeError(f"lsuv options must be a dict, got {options!r}")
    unknown = sorted(set(options) - set(LSUV_DEFAULTS))
    if unknown:
        raise TypeError(
            f"initializer 'lsuv' got unknown option(s) {unknown}; allowed: {list(LSUV_DEFAULTS)} "
            "(a base spec with several options of its own cannot be written inside an lsuv spec)"
        )
    merged = {**LSUV_DEFAULTS, **options}
    base = merged["base"]
    if not isinstance(base, str):
        raise TypeError(f"lsuv base must be an init spec such as 'orthogonal', got {base!r}")
    name, base_options = parse_init(base)
    if name in DATA_INITIALIZERS:
        raise ValueError(
            f"lsuv base must be an init that draws weights by itself ({', '.join(INITIALIZERS)}), got {base!r}"
        )
    initialize(name, (4, 4), rng=0, **base_options)  # the base's options, checked by drawing with them
    weight_variance(base, (4, 4))
    tol = _checks.number("tol", merged["tol"], low=0, low_open=True, high=1, high_open=True)
    max_iter = merged["max_iter"]
    if isinstance(max_iter, float) and max_iter.is_integer():
        max_iter = int(max_iter)  # parse_init reads "10" as 10.0
    max_iter = _checks.integer("max_iter", max_iter, low=1, high=1000)
    return {"base": base, "tol": tol, "max_iter": max_iter}


def lsuv(net, x, *, tol=LSUV_DEFAULTS["tol"], max_iter=LSUV_DEFAULTS["max_iter"], base="given"):
    """Rescale every weight layer of ``net`` in place, from the input up, so its output on ``x`` has variance 1.

    Parameters
    ----------
    net : initviz.MLP
        Initialized already (LSUV's start); batch norm, if the net has it, uses the batch's statistics.
    x : array (batch, n_inputs)
        The data batch. Mishkin & Matas use one mini-batch; a few hundred rows give a steady variance.
    tol, max_iter : stop when ``|Var(z_l) − 1| < tol``, or after ``max_iter`` rescalings of a layer.
    base : str, only a label for the report.

    Returns an :class:`LSUVReport`.
    """
    if not hasattr(net, "weights") or not hasattr(net, "_linear_output"):
        raise TypeError(f"net must be an initviz.MLP, got {type(net).__name__}")
    if x is None:
        raise ValueError(
            "lsuv needs a data batch: pass x, a batch of inputs of shape (batch, n_inputs), "
            "e.g. initviz.lsuv(net, data.x_train[:256])"
        )
    x = net._check_x(x)
    if len(x) < 2:
        raise ValueError(f"lsuv needs at least 2 rows in x to measure a variance, got {len(x)}")
    tol = _checks.number("tol", tol, low=0, low_open=True, high=1, high_open=True)
    max_iter = _checks.integer("max_iter", max_iter, low=1, high=1000)
    before, after, iterations, converged = [], [], [], []
    for layer, W in enumerate(net.weights):
        var = _variance(net._linear_output(x, layer))
        before.append(var)
        steps = 0
        while steps < max_iter and math.isfinite(var) and var > 0 and abs(var - 1) >= tol:
            W *= W.dtype.type(1 / math.sqrt(var))
            steps += 1
            var = _variance(net._linear_output(x, layer))
        after.append(var)
        iterations.append(steps)
        converged.append(bool(math.isfinite(var) and abs(var - 1) < tol))
    return LSUVReport(base, before, after, iterations, converged, tol)


def _variance(z):
    with np.errstate(all="ignore"):
        return float(np.var(z, dtype=np.float64))
