"""Diagnostics *during* training: what practitioners watch to see a bad init while the net trains.

:func:`record_training` trains a net with :func:`initviz.train` and, every ``every`` steps, measures on a
fixed probe batch (the first rows of the training set):

- per hidden layer, the mean and std of the activations, and the share of units that are dead (ReLU:
  0 on every row) or saturated (tanh, sigmoid: in the flat tails) — fast.ai's "colorful dimension" idea
  as numbers (``initviz.layer_stats``);
- per weight layer, the update-to-weight ratio ``log10(‖ΔW‖/‖W‖)`` of the step just taken (Frobenius
  norms). For SGD, ΔW = lr·∇W, so it is ``log10(lr·‖∇W‖/‖W‖)``; Karpathy's rule of thumb puts a
  healthy layer near −3 (each step changes the weights by about a thousandth). A layer far below
  barely moves; far above, it is rewritten every step;
- a residual net's stream std after each block.

Before any step, :func:`initial_loss` is the sanity check a student can do first: a net that knows
nothing should predict ~uniformly over k classes, so its loss should be ≈ ln k (2.303 for 10 digits).

References: Karpathy, "Building makemore part 3" (2022), update-to-data ratio and activation statistics;
fast.ai course part 2 (2022), "colorful dimension" histograms of activations over training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _checks, optim
from .data import Dataset
from .mlp import MLP
from .stats import layer_stats
from .train import History, train

__all__ = ["Diagnostics", "record_training", "update_ratio", "initial_loss", "KARPATHY_RATIO"]

KARPATHY_RATIO = -3.0
"""log10 of a healthy update-to-weight ratio, a rule of thumb (Karpathy, makemore part 3)."""


def update_ratio(before, after):
    """``log10(‖after − before‖ / ‖after‖)`` of one weight matrix across one step (NaN if ‖W‖ or ΔW is 0)."""
    before = np.asarray(before, dtype=np.float64)
    after = np.asarray(after, dtype=np.float64)
    if before.shape != after.shape:
        raise ValueError(f"before and after must have one shape, got {before.shape} and {after.shape}")
    change, size = np.linalg.norm(after - before), np.linalg.norm(after)
    if not (change > 0 and size > 0 and math.isfinite(change) and math.isfinite(size)):
        return float("nan")
    return math.log10(change / size)


def initial_loss(model, data, rows=None):
    """The softmax cross-entropy of ``model`` on the training set (or its first ``rows``) before training."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an initviz.MLP, got {type(model).__name__}")
    x, y = data.x_train, data.y_train
    if rows is not None:
        rows = _checks.integer("rows", rows, low=2)
        x, y = x[:rows], y[:rows]
    loss = model.trace(x, y).loss
    return float(loss) if np.isfinite(loss) else float("inf")


@dataclass
class Diagnostics:
    """What :func:`record_training` measured; rows are the recorded steps, columns the layers (from 1).

    Attributes
    ----------
    steps : int array (records,)
        The step after which each row was measured; 0 is at init (ratios are NaN there).
    mean, std, dead, saturated : arrays (records, hidden layers)
        Activation statistics on the probe batch.
    ratio : array (records, weight layers)
        log10(‖ΔW‖/‖W‖) of the step just taken, head included.
    stream_std : array (records, hidden layers) or None
        A residual net's stream std.
    initial_loss : float
        The probe batch's loss before training; compare with ln(classes).
    history : History
        The training run itself.
    """

    steps: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray
    ratio: np.ndarray
    stream_std: np.ndarray | None
    initial_loss: float
    history: History
    lr: float

    @property
    def layers(self):
        return self.std.shape[1]


def record_training(model, data, *, steps=2000, every=20, probe_rows=256, **train_options):
    """Train ``model`` (as :func:`initviz.train`, same options) and record the diagnostics every ``every`` steps.

    The probe batch is the first ``probe_rows`` training rows; with batch norm it is normalized by its own
    statistics, as a training batch is. Returns a :class:`Diagnostics`.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an initviz.MLP, got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an initviz.Dataset (see load_digits), got {type(data).__name__}")
    steps = _checks.integer("steps", steps, low=1)
    every = _checks.integer("every", every, low=1, high=steps)
    probe_rows = _checks.integer("probe_rows", probe_rows, low=2)
    x, y = data.x_train[:probe_rows], data.y_train[:probe_rows]
    recorded = list(range(0, steps + 1, every))
    n, hidden, depth = len(recorded), model.depth - 1, model.depth
    table = {k: np.full((n, hidden), np.nan) for k in ("mean", "std", "dead", "saturated", "stream")}
    ratio = np.full((n, depth), np.nan)
    snapshot = {}

    def measure(row):
        trace = model.trace(x, y)
        stats = layer_stats(trace.activations[:-1], model.activation.name)
        for key in ("mean", "std", "dead", "saturated"):
            table[key][row] = getattr(stats, key)
        if trace.streams is not None:
            table["stream"][row] = [np.std(t, dtype=np.float64) for t in trace.streams]
        return trace.loss

    def on_step(step, net):
        if step % every == 0:
            row = step // every
            before = snapshot.pop("weights", None)
            if before is not None:
                ratio[row] = [update_ratio(b, w) for b, w in zip(before, net.weights)]
            measure(row)
        if step % every == every - 1:  # the weights just before the next recorded step
            snapshot["weights"] = [w.copy() for w in net.weights]

    start = measure(0)
    if every == 1:
        snapshot["weights"] = [w.copy() for w in model.weights]
    history = train(model, data, steps=steps, on_step=on_step, **train_options)
    lr = train_options.get("lr")
    if lr is None:
        lr = optim.default_lr(train_options.get("optimizer", "sgd"))
    return Diagnostics(
        steps=np.array(recorded),
        mean=table["mean"],
        std=table["std"],
        dead=table["dead"],
        saturated=table["saturated"],
        ratio=ratio,
        stream_std=table["stream"] if model.residual else None,
        initial_loss=float(start) if np.isfinite(start) else float("inf"),
        history=history,
        lr=float(lr),
    )
