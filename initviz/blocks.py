"""The forward and backward pass of an MLP with batch normalization and/or residual connections.

Weight layer ``l = 0 … L`` (``L`` is the linear head) computes ``z_l = a_l·W_l (+ b_l)`` with ``a_0 = x``.
Between layers sits the *stream* ``t_l``:

- a plain (or batch-normalized) net: ``t_l = z_l``;
- a residual net (He et al. 2016; pre-activation form): ``t_0 = z_0`` (the first layer maps the inputs to
  the width), then every hidden layer of equal fan-in and fan-out is a block ``t_l = t_{l−1} + α·z_l``, a
  skip connection around a branch ``f(t) = φ(BN(t))·W_l``. With no normalization and a branch that keeps
  the variance, ``Var(t)`` doubles per block; a branch scale ``α = 1/√L`` keeps it near ``e``, and a zero
  last layer of each branch (Fixup, Zhang et al. 2019; ReZero, Bachlechner et al. 2020) keeps ``t = t_0``
  at init while every branch still gets a gradient.

and each hidden layer's output is ``a_{l+1} = φ(BN_l(t_l))``, batch norm being optional
(:class:`initviz.norm.BatchNorm`, between the linear map and the activation). The head's ``z_L`` is the
logits. Layers followed by batch norm have no bias: BN subtracts the batch mean, so ``dL/db`` would be
exactly 0 and β is the shift; their entries in ``net.biases`` stay zero and are never used.

The plain net without either keeps the fused fast path of :class:`initviz.MLP`; this module is the
engine for the others. Backward is linear in the gradient that enters it, so plain SGD folds lr in at
the top, as the fast path does.
"""

from __future__ import annotations

import numpy as np

from ._ops import _act_backward, _act_forward

__all__ = ["workspace", "forward", "backward"]


def _activate(name, slope, src, out, zero):
    if name == "leaky_relu" and src is out:  # _act_forward's leaky ReLU needs two arrays
        np.maximum(src, src * slope, out=out)
    else:
        _act_forward(name, slope, src, out, zero)


def workspace(net, batch, *, fresh=False):
    """Buffers for a pass over ``batch`` rows. ``fresh``: one array per layer for everything (a trace keeps
    them); otherwise arrays are shared where no two layers need them at once (a training step)."""
    dtype = net.dtype
    shared = {}

    def one(role, shape, fill=np.empty, kind=None):
        kind = dtype if kind is None else kind
        if fresh:
            return fill(shape, kind)
        key = (role, shape)
        if key not in shared:
            shared[key] = fill(shape, kind)
        return shared[key]

    depth = len(net.weights)
    outs = [(batch, w.shape[1]) for w in net.weights]
    relu = net.activation.name == "relu"
    norms = net.norms or [None] * (depth - 1)
    ws = {
        "z": [one("z", s) for s in outs],
        # a[l] is the input of layer l (a[0] is x itself); a[l] for l >= 1 is layer l-1's activation output
        "a": [None] + [np.empty(s, dtype) for s in outs[:-1]],
        "bn": [None if n is None else n.cache(batch) for n in norms],
        "w_t": [one("w_t", w.shape[::-1]) for w in net.weights],
        "da": [one(("da", l % 2), (batch, w.shape[0])) for l, w in enumerate(net.weights)],
        "zeros": [one("zero", s, np.zeros) if relu else 0 for s in outs[:-1]],
        "masks": [one("mask", s, kind=bool) if relu else None for s in outs[:-1]],
        "ones": np.ones(batch, dtype),
        "dw": [one("dw", w.shape) for w in net.weights],
        "db": [one("db", (w.shape[1],)) for w in net.weights],
        "dgamma": [None if n is None else np.empty(n.features, dtype) for n in norms],
        "dbeta": [None if n is None else np.empty(n.features, dtype) for n in norms],
    }
    if net.residual:
        width = outs[0]
        # the stream: one buffer updated in place in a step, one per layer in a trace
        ws["t"] = [np.empty(width, dtype) if fresh else one("t", width) for _ in outs[:-1]]
        ws["dt"] = np.empty(width, dtype)
        ws["branch"] = np.empty(width, dtype)
    return ws


def forward(net, x, ws, *, training, update_running=False, upto=None):
    """Run ``x`` through the net into ``ws``; returns the logits ``z_L`` (or ``z_upto`` if ``upto`` is given).

    ``training``: batch norm uses the batch's statistics (and, with ``update_running``, updates its running
    ones); otherwise the running statistics.
    """
    name, slope = net.activation.name, net.activation.negative_slope
    last = len(net.weights) - 1
    a = x
    for l, W in enumerate(net.weights):
        z = ws["z"][l]
        np.dot(a, W, out=z)
        if net._bias_used[l]:
            z += net.biases[l]
        if l == last or l == upto:
            return z
        if net.residual:
            t = ws["t"][l]
            if not net.skips[l]:
                np.copyto(t, z)
            else:
                if t is not ws["t"][l - 1]:
                    np.copyto(t, ws["t"][l - 1])
                if net.alpha == 1:
                    t += z
                else:
                    np.multiply(z, net.alpha, out=ws["branch"])
                    t += ws["branch"]
        else:
            t = z
        h = ws["a"][l + 1]
        norm = net.norms[l] if net.norms else None
        if norm is not None:
            norm.forward(t, h, ws["bn"][l], training=training, update_running=update_running)
            _activate(name, slope, h, h, ws["zeros"][l])
        else:
            _activate(name, slope, t, h, ws["zeros"][l])
        a = h
    return a


def backward(net, x, ws, grad, *, update=None, update_norm=None, grad_activations=None, grad_params=None):
    """Back-propagate ``grad`` = dL/dz_L (overwritten) through a net that :func:`forward` just ran.

    Weight gradients go to ``ws["dw"][l]`` / ``ws["db"][l]``, batch-norm ones to ``ws["dgamma"][l]`` /
    ``ws["dbeta"][l]``. ``update(l)`` runs as soon as layer l's are complete and the gradient below no
    longer needs the old W_l; ``update_norm(l)`` likewise for batch norm l. ``grad_activations`` (a list)
    receives dL/da_{l+1}, the gradient that reached each hidden layer's output, and dL/dz_L last;
    ``grad_params`` (a dict of lists) receives copies of every parameter gradient.
    """
    name, slope = net.activation.name, net.activation.negative_slope
    last = len(net.weights) - 1
    ones = ws["ones"]
    g = grad
    dt = ws.get("dt")
    if grad_activations is not None:
        grad_activations[last] = grad.copy()
    for l in range(last, -1, -1):
        a = x if l == 0 else ws["a"][l]
        np.dot(a.T, g, out=ws["dw"][l])
        if net._bias_used[l]:
            np.dot(ones, g, out=ws["db"][l])
        if grad_params is not None:
            grad_params["weights"][l] = ws["dw"][l].copy()
            grad_params["biases"][l] = ws["db"][l].copy() if net._bias_used[l] else np.zeros(g.shape[1], g.dtype)
        if l == 0:
            if update is not None:
                update(0)
            return
        w_t = ws["w_t"][l]
        np.copyto(w_t, net.weights[l].T)  # a contiguous Wᵀ: see MLP._backward
        da = np.dot(g, w_t, out=ws["da"][l])  # dL/da_l
        if update is not None:
            update(l)
        if grad_activations is not None:
            grad_activations[l - 1] = da.copy()
        _act_backward(name, slope, a, a, da, ws["zeros"][l - 1], ws["masks"][l - 1])  # a's sign is z's
        norm = net.norms[l - 1] if net.norms else None
        if norm is not None:
            norm.backward(da, ws["bn"][l - 1], da, ws["dgamma"][l - 1], ws["dbeta"][l - 1])
            if grad_params is not None:
                grad_params["gammas"][l - 1] = ws["dgamma"][l - 1].copy()
                grad_params["betas"][l - 1] = ws["dbeta"][l - 1].copy()
            if update_norm is not None:
                update_norm(l - 1)
        # da now holds the branch's share of dL/dt_{l-1}
        if not net.residual:
            g = da
            continue
        if net.skips[l]:
            dt += da  # the skip passes dL/dt_l down unchanged
        else:
            np.copyto(dt, da)  # the head: dL/dt_{L-1} comes through its input only
        if net.skips[l - 1]:
            if net.alpha == 1:
                g = dt
            else:
                g = np.multiply(dt, net.alpha, out=da)  # dL/dz_{l-1} = α·dL/dt_{l-1}
        else:
            g = dt  # layer 0: z_0 = t_0
