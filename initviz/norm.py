"""Batch normalization for the MLP (Ioffe & Szegedy 2015), with PyTorch's conventions.

Per unit, over the rows of a batch ``t`` of shape ``(batch, features)``:

    μ = mean(t),  σ² = mean((t − μ)²)  (biased),  x̂ = (t − μ)/√(σ² + ε),  y = γ·x̂ + β.

In training the batch's own μ and σ² normalize, and running estimates follow them:
``running = (1 − momentum)·running + momentum·batch``, with the *unbiased* variance σ²·N/(N − 1) in
``running_var`` (as ``torch.nn.BatchNorm1d``: momentum 0.1, ε 1e-5, γ = 1 and β = 0 at start). In
evaluation the running estimates normalize instead, so one row's output does not depend on the others.

The backward pass, with r = 1/√(σ² + ε) and s = γ·r:

    dβ = Σ dy,   dγ = Σ dy·x̂,   dt = s·(dy − dβ/N − x̂·dγ/N).

A weight matrix followed by batch norm is scale-invariant: W and c·W give the same output, so the
gradient of W shrinks like 1/‖W‖ and its effective step like lr/‖W‖² (the notebook measures it).

Reference: Ioffe & Szegedy (2015), Batch normalization: accelerating deep network training by reducing
internal covariate shift. ICML.
"""

from __future__ import annotations

import numpy as np

from . import _checks

__all__ = ["BatchNorm", "NORMS"]

NORMS = ("batch",)
"""The normalizations an MLP can place between each hidden linear map and its activation."""


class BatchNorm:
    """Batch normalization of ``features`` units: learnable scale ``gamma`` and shift ``beta``, running statistics.

    :meth:`forward` and :meth:`backward` work in preallocated buffers (``cache``, from :meth:`cache`), which
    is what keeps a training step fast; :meth:`__call__` is the plain function for a student or a test.
    """

    def __init__(self, features, *, momentum=0.1, eps=1e-5, dtype=np.float32):
        features = _checks.integer("features", features, low=1)
        self.momentum = _checks.number("momentum", momentum, low=0, high=1)
        self.eps = _checks.number("eps", eps, low=0, low_open=True)
        dtype = _checks.float_dtype(dtype)
        self.gamma = np.ones(features, dtype)
        self.beta = np.zeros(features, dtype)
        self.running_mean = np.zeros(features, dtype)
        self.running_var = np.ones(features, dtype)

    @property
    def features(self):
        return len(self.gamma)

    def cache(self, batch):
        """Buffers for one layer's pass over ``batch`` rows: the centred input, 1/√(σ² + ε), γ·that, scratch."""
        dtype, n = self.gamma.dtype, self.features
        return {
            "centred": np.empty((batch, n), dtype),
            "scratch": np.empty((batch, n), dtype),
            "mean": np.empty(n, dtype),
            "var": np.empty(n, dtype),
            "inv_std": np.empty(n, dtype),
            "scale": np.empty(n, dtype),
            "mean_row": np.full(batch, 1.0 / batch, dtype),  # a dot with it is the column mean (BLAS, fast)
            "ones": np.ones(batch, dtype),
        }

    def forward(self, t, out, cache, *, training=True, update_running=True):
        """``out`` ← γ·x̂ + β for the batch ``t`` (``out`` may not be ``t``); fills ``cache`` for :meth:`backward`."""
        if not training:
            scale = self.gamma / np.sqrt(self.running_var + self.eps)
            np.subtract(t, self.running_mean, out=out)
            out *= scale
            out += self.beta
            return out
        n = len(t)
        if n < 2:
            raise ValueError(f"batch normalization needs at least 2 rows per batch in training, got {n}")
        c = cache
        centred, mean, var, inv_std, scale = c["centred"], c["mean"], c["var"], c["inv_std"], c["scale"]
        np.dot(c["mean_row"], t, out=mean)
        np.subtract(t, mean, out=centred)
        np.multiply(centred, centred, out=out)  # out as scratch for the squares
        np.dot(c["mean_row"], out, out=var)
        if update_running and self.momentum:
            m = self.dtype_type(self.momentum)
            self.running_mean *= 1 - m
            self.running_mean += m * mean
            self.running_var *= 1 - m
            self.running_var += (m * n / (n - 1)) * var
        np.add(var, self.eps, out=inv_std)
        np.sqrt(inv_std, out=inv_std)
        np.divide(1.0, inv_std, out=inv_std)
        np.multiply(self.gamma, inv_std, out=scale)
        np.multiply(centred, scale, out=out)
        out += self.beta
        return out

    @property
    def dtype_type(self):
        return self.gamma.dtype.type

    def backward(self, grad, cache, out, grad_gamma, grad_beta):
        """``out`` ← dL/dt from ``grad`` = dL/dy (``out`` may be ``grad``); writes dL/dγ and dL/dβ."""
        c = cache
        centred, inv_std, scale, scratch = c["centred"], c["inv_std"], c["scale"], c["scratch"]
        n = len(grad)
        np.dot(c["ones"], grad, out=grad_beta)
        np.multiply(grad, centred, out=scratch)
        np.dot(c["ones"], scratch, out=grad_gamma)
        grad_gamma *= inv_std  # Σ dy·x̂ = r·Σ dy·(t − μ)
        # dt = s·dy − s·dβ/N − (t − μ)·(s·r·dγ/N)
        shift = scale * grad_beta
        shift /= n
        tilt = scale * inv_std
        tilt *= grad_gamma
        tilt /= n
        np.multiply(grad, scale, out=out)
        np.multiply(centred, tilt, out=scratch)
        out -= scratch
        out -= shift
        return out

    def __call__(self, t, *, training=True, update_running=False):
        """γ·x̂ + β of a batch ``t`` as a fresh array (training: batch statistics; else running ones)."""
        t = _checks.array("t", t, ndim=2)
        if t.shape[1] != self.features:
            raise ValueError(f"t must have {self.features} features (columns), got shape {t.shape}")
        t = t.astype(self.gamma.dtype, copy=False)
        out = np.empty_like(t)
        return self.forward(t, out, self.cache(len(t)), training=training, update_running=update_running)
