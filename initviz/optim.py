"""The optimizers of :meth:`initviz.MLP.step` and :func:`initviz.train`: SGD (with momentum) and Adam.

Each updates one parameter at a time, in place, as soon as its gradient is complete (the training step
calls it from inside the backward pass, while the weight is still in cache).

- **SGD**: ``v ← momentum·v + g``, ``p ← p − lr·v`` (PyTorch's ``torch.optim.SGD``, dampening 0).
- **Adam** (Kingma & Ba 2015), as ``torch.optim.Adam`` with its defaults lr 1e-3, betas (0.9, 0.999),
  eps 1e-8: ``m ← β₁·m + (1 − β₁)·g``, ``v ← β₂·v + (1 − β₂)·g²``, then
  ``p ← p − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + eps)`` at step t = 1, 2, ...

Adam divides each weight's step by the running size of its own gradient, so a layer whose gradient is
10⁻⁶ of another's still takes a step of about lr: it undoes a gradient that vanishes or explodes layer by
layer, but not a forward signal that is already 0 or inf.

Reference: Kingma & Ba (2015), Adam: a method for stochastic optimization. ICLR.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks

__all__ = ["OPTIMIZERS", "ADAM_DEFAULTS", "SGD", "Adam", "make", "default_lr"]

OPTIMIZERS = ("sgd", "adam")
ADAM_DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8}
"""PyTorch's defaults for ``torch.optim.Adam``."""


def default_lr(optimizer):
    """The learning rate used when none is given: 0.01 for SGD (notebook 05's), 1e-3 for Adam (PyTorch's)."""
    _checks.choice("optimizer", optimizer, OPTIMIZERS)
    return ADAM_DEFAULTS["lr"] if optimizer == "adam" else 0.01


class SGD:
    """Plain or momentum SGD. Without momentum the caller may pass gradients already times lr (``scaled``)."""

    name = "sgd"

    def __init__(self, momentum=0.0):
        self.momentum = _checks.number("momentum", momentum, low=0, high=1, high_open=True)
        self.velocity = {}
        self.lr = None

    @property
    def scaled(self):
        """True when the step can fold lr into the backward pass (no momentum), so g arrives as lr·dL/dp."""
        return not self.momentum

    def begin(self, lr):
        self.lr = lr

    def update(self, key, p, g):
        if self.momentum:
            v = self.velocity.get(key)
            if v is None:
                v = self.velocity[key] = np.zeros_like(p)
            v *= self.momentum
            v += g
            np.multiply(v, self.lr, out=g)
        p -= g


class Adam:
    """Adam with bias-corrected moments, parameter by parameter; one :meth:`begin` per step."""

    name = "adam"
    scaled = False

    def __init__(self, betas=ADAM_DEFAULTS["betas"], eps=ADAM_DEFAULTS["eps"]):
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(_checks.number(f"betas[{i}]", b, low=0, high=1, high_open=True) for i, b in enumerate(betas))
        self.eps = _checks.number("eps", eps, low=0, low_open=True)
        self.t = 0
        self.moments = {}

    def begin(self, lr):
        self.t += 1
        b1, b2 = self.betas
        self.lr = lr
        self._step_size = lr / (1 - b1**self.t)
        self._root_correction = math.sqrt(1 - b2**self.t)

    def update(self, key, p, g):
        b1, b2 = self.betas
        state = self.moments.get(key)
        if state is None:
            state = self.moments[key] = (np.zeros_like(p), np.zeros_like(p), np.empty_like(p))
        m, v, scratch = state
        kind = p.dtype.type
        m *= kind(b1)  # m ← β₁·m + (1 − β₁)·g
        np.multiply(g, kind(1 - b1), out=scratch)
        m += scratch
        v *= kind(b2)  # v ← β₂·v + (1 − β₂)·g²
        np.multiply(g, g, out=scratch)
        scratch *= kind(1 - b2)
        v += scratch
        np.sqrt(v, out=scratch)  # √v/√(1 − β₂ᵗ) + eps
        scratch *= kind(1 / self._root_correction)
        scratch += kind(self.eps)
        np.divide(m, scratch, out=scratch)
        scratch *= kind(self._step_size)
        p -= scratch


def make(optimizer, *, momentum=0.0, betas=ADAM_DEFAULTS["betas"], eps=ADAM_DEFAULTS["eps"]):
    """An optimizer by name: ``"sgd"`` (with ``momentum``) or ``"adam"`` (with ``betas`` and ``eps``)."""
    _checks.choice("optimizer", optimizer, OPTIMIZERS)
    if optimizer == "sgd":
        return SGD(momentum)
    if momentum:
        raise ValueError(f"momentum applies to optimizer 'sgd' only (Adam's is betas[0]), got momentum={momentum:g}")
    return Adam(betas, eps)
