"""Symmetry under a constant initialization: measure it, and record a training run that shows it.

If every weight of a layer starts at the same value, every hidden unit computes the
same function, gets the same gradient and so receives the same update: the units stay
identical for ever (in exact arithmetic), and a layer of ``n`` units works like one
unit. The columns of the first weight matrix ``W1`` (shape ``(fan_in, fan_out)``,
one column per hidden unit) show it directly; :func:`column_spread` and
:func:`distinct_units` measure it, :func:`record_training` records it over training
and :func:`nonzero_gradients` says which parameters a batch would change at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .data import Dataset
from .mlp import MLP
from .train import train

__all__ = ["Recording", "column_spread", "distinct_units", "nonzero_gradients", "record_training"]


def _matrix(name, value):
    arr = _checks.array(name, value, ndim=2)
    return arr.astype(np.float64, copy=False)


def column_spread(weights):
    """``max_ij |W[i, j] − W[i, 0]|``: 0 exactly when every column (hidden unit) is the same."""
    W = _matrix("weights", weights)
    return float(np.abs(W - W[:, :1]).max())


def distinct_units(weights, rtol=1e-2):
    """How many different columns ``weights`` has, up to ``rtol · max|W|``.

    Columns closer than that (largest entry-wise difference) count as one unit. A
    constant init gives 1; a random init gives the number of columns.
    """
    W = _matrix("weights", weights)
    rtol = _checks.number("rtol", rtol, low=0)
    tol = rtol * float(np.abs(W).max())
    apart = np.abs(W[:, :, None] - W[:, None, :]).max(axis=0) > tol  # apart[j, k]: units j and k differ
    representatives = []
    for j in range(W.shape[1]):
        if all(apart[j, k] for k in representatives):
            representatives.append(j)
    return len(representatives)


def nonzero_gradients(model, x, y):
    """Names (``"W1"``, ``"b1"``, ``"W2"``, ...) of the parameters whose gradient on ``(x, y)`` is not all zero."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an initviz.MLP, got {type(model).__name__}")
    trace = model.trace(x, y)
    names = []
    for layer, grad_w in enumerate(trace.grad_weights, start=1):
        if np.any(grad_w != 0):
            names.append(f"W{layer}")
        if trace.grad_biases is not None and np.any(trace.grad_biases[layer - 1] != 0):
            names.append(f"b{layer}")
    return names


@dataclass
class Recording:
    """A training run seen through its first weight matrix.

    Attributes
    ----------
    steps : ndarray of int
        The SGD steps at which the snapshots were taken (0 = the initialization).
    weights : ndarray, shape (len(steps), fan_in, fan_out)
        ``W1`` at each of ``steps``.
    test_accuracy : ndarray
        Test-set accuracy at each of ``steps``.
    distinct : ndarray of int
        :func:`distinct_units` of each snapshot.
    first_gradient, last_gradient : ndarray
        ``dL/dW1`` on the first mini-batch, before any update and after the last step.
    hidden : ndarray, shape (probe, fan_out)
        First-hidden-layer activations of the first ``probe`` test inputs at the end.
    diverged_at : int or None
        The step whose loss was no longer finite; training stopped there and the snapshots
        after it repeat the last finite weights.
    model : MLP
        The model in its final state.
    """

    steps: np.ndarray
    weights: np.ndarray
    test_accuracy: np.ndarray
    distinct: np.ndarray
    first_gradient: np.ndarray
    last_gradient: np.ndarray
    hidden: np.ndarray
    diverged_at: int | None
    model: MLP

    def at(self, step):
        """Index of the last snapshot taken at or before ``step``."""
        return int(np.searchsorted(self.steps, step, side="right") - 1)


def record_training(model, data, *, steps=300, lr=0.3, batch_size=64, every=1, probe=8, seed=0):
    """Train ``model`` in place with mini-batch SGD and snapshot ``W1`` every ``every`` steps.

    Batches are drawn by shuffled epochs as in :func:`initviz.train`, seeded by ``seed``.
    If the loss stops being finite, training stops (``diverged_at``); the snapshots keep the
    last finite weights. Returns a :class:`Recording`.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an initviz.MLP, got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an initviz.Dataset (see load_digits), got {type(data).__name__}")
    steps = _checks.integer("steps", steps, low=0)
    lr = _checks.number("lr", lr, low=0, low_open=True)
    batch_size = _checks.integer("batch_size", batch_size, low=1)
    every = _checks.integer("every", every, low=1)
    probe = _checks.integer("probe", probe, low=1)
    if model.sizes[0] != data.n_features or model.sizes[-1] < data.n_classes:
        raise ValueError(
            f"model sizes {model.sizes} do not fit the data: {data.n_features} features, {data.n_classes} classes"
        )
    x = data.x_train.astype(model.dtype, copy=False)
    y = data.y_train
    batch_size = min(batch_size, len(x))
    first_batch = _checks.generator(seed, "seed").permutation(len(x))[:batch_size]  # the first batch train() draws
    first_gradient = model.trace(x[first_batch], y[first_batch]).grad_weights[0]
    recorded = sorted(set(range(0, steps + 1, every)) | {steps})
    to_record = set(recorded)
    snapshots, accuracy = [], []

    def snapshot(step=0, model=model):
        if step not in to_record:
            return
        weights = model.weights[0]
        snapshots.append(weights.copy() if np.isfinite(weights).all() else snapshots[-1])
        accuracy.append(model.accuracy(data.x_test, data.y_test) if np.isfinite(weights).all() else accuracy[-1])

    snapshot()
    diverged_at = None
    if steps:
        history = train(
            model, data, steps=steps, lr=lr, batch_size=batch_size, eval_every=steps, seed=seed, on_step=snapshot
        )
        if history.diverged:
            # a non-finite loss leaves the weights alone (MLP.step): later snapshots repeat the last finite ones
            diverged_at = history.diverged_at + 1
            snapshots += snapshots[-1:] * (len(recorded) - len(snapshots))
            accuracy += accuracy[-1:] * (len(recorded) - len(accuracy))
    weights = np.stack(snapshots)
    last_gradient = model.trace(x[first_batch], y[first_batch]).grad_weights[0]
    hidden = model.trace(data.x_test[:probe].astype(model.dtype)).activations[0]
    return Recording(
        steps=np.asarray(recorded),
        weights=weights,
        test_accuracy=np.asarray(accuracy),
        distinct=np.asarray([distinct_units(w) for w in weights]),
        first_gradient=first_gradient,
        last_gradient=last_gradient,
        hidden=hidden,
        diverged_at=diverged_at,
        model=model,
    )
