"""Activation functions and their derivatives, numerically stable.

``get(name, negative_slope=...)`` returns an :class:`Activation` with ``fn(z)`` and
``derivative(z)``. Both take the pre-activation ``z`` and never warn: sigmoid is
written through tanh, so ``sigmoid(±1e4)`` is exactly 1 and 0 without overflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _checks

__all__ = ["ACTIVATIONS", "Activation", "get", "sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def sigmoid(z):
    """σ(z) = 1/(1 + e^−z) = (1 + tanh(z/2))/2, the second form never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))


def sigmoid_derivative(z):
    """σ′(z) = σ(z)(1 − σ(z)); at most 1/4, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z); slope 1 at 0, so it is linear with gain 1 near the origin."""
    return np.tanh(z)


def tanh_derivative(z):
    """tanh′(z) = 1 − tanh²(z)."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    """max(z, 0)."""
    return np.maximum(z, 0)


def relu_derivative(z):
    """1 where z > 0, else 0 (the subgradient 0 is used at z = 0)."""
    z = np.asarray(z)
    return (z > 0).astype(z.dtype if z.dtype.kind == "f" else float)


def leaky_relu(z, negative_slope=0.01):
    """z where z > 0, else negative_slope·z."""
    z = np.asarray(z)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_derivative(z, negative_slope=0.01):
    """1 where z > 0, else negative_slope."""
    z = np.asarray(z)
    dtype = z.dtype if z.dtype.kind == "f" else float
    return np.where(z > 0, 1.0, negative_slope).astype(dtype)


def linear(z):
    """The identity."""
    return np.asarray(z)


def linear_derivative(z):
    """1 everywhere."""
    z = np.asarray(z)
    return np.ones_like(z, dtype=z.dtype if z.dtype.kind == "f" else float)


@dataclass(frozen=True)
class Activation:
    """A named activation: ``fn(z)`` and ``derivative(z)``, both of the pre-activation."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    negative_slope: float = 0.0

    def __call__(self, z):
        return self.fn(z)

    @property
    def label(self):
        """A short label for plots: ``"leaky ReLU (a=0.1)"``."""
        base = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "linear": "linear"}
        if self.name == "leaky_relu":
            return f"leaky ReLU (a={self.negative_slope:g})"
        return base[self.name]


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def get(name, negative_slope=0.01):
    """Return the :class:`Activation` called ``name`` (one of ``ACTIVATIONS``).

    ``negative_slope`` is used by ``leaky_relu`` only; it must be in [0, 1].
    An ``Activation`` passes through unchanged.
    """
    if isinstance(name, Activation):
        return name
    _checks.choice("activation", name, ACTIVATIONS)
    if name == "leaky_relu":
        a = _checks.number("negative_slope", negative_slope, low=0, high=1)
        return Activation(
            "leaky_relu",
            lambda z: leaky_relu(z, a),
            lambda z: leaky_relu_derivative(z, a),
            a,
        )
    fn, derivative = {
        "sigmoid": (sigmoid, sigmoid_derivative),
        "tanh": (tanh, tanh_derivative),
        "relu": (relu, relu_derivative),
        "linear": (linear, linear_derivative),
    }[name]
    return Activation(name, fn, derivative)
