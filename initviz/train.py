"""Mini-batch SGD or Adam with softmax cross-entropy, and the history it leaves.

Training never blows up silently: when the loss becomes inf or NaN the run stops,
and ``History.diverged_at`` says at which step. It runs on one BLAS thread with float32
subnormals flushed to zero (``initviz._fpu``): a vanished signal then costs no extra time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import _checks, optim
from ._fpu import flush_subnormals
from ._threads import one_blas_thread
from .data import Dataset
from .mlp import MLP, softmax_cross_entropy

__all__ = ["History", "train"]


@dataclass
class History:
    """What one training run did.

    Attributes
    ----------
    loss : ndarray
        Mini-batch loss at every step; NaN after a divergence.
    eval_steps : list of int
        Steps after which the full train and test sets were scored.
    train_loss, train_accuracy, test_accuracy : list of float
        The scores at ``eval_steps`` (train_loss is inf for a diverged net).
    diverged_at : int or None
        The first step whose loss was inf or NaN.
    seconds : float
        Wall time of the run, scoring included; ``step_seconds`` counts the SGD steps only.
    """

    loss: np.ndarray
    eval_steps: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    diverged_at: int | None = None
    seconds: float = 0.0
    step_seconds: float = 0.0

    @property
    def steps_run(self):
        """Steps taken, counting the one that diverged."""
        return len(self.loss) if self.diverged_at is None else self.diverged_at + 1

    @property
    def step_ms(self):
        """Mean wall time of one SGD step in milliseconds (scoring excluded)."""
        return 1e3 * self.step_seconds / max(self.steps_run, 1)

    @property
    def diverged(self):
        return self.diverged_at is not None

    @property
    def status(self):
        """``"diverged at step k"`` or ``"trained"``."""
        return f"diverged at step {self.diverged_at}" if self.diverged else "trained"

    @property
    def final_train_loss(self):
        """Train-set loss at the end, or None if the run diverged."""
        if self.diverged or not self.train_loss:
            return None
        return self.train_loss[-1]

    @property
    def final_test_accuracy(self):
        return self.test_accuracy[-1] if self.test_accuracy else None


def _score(model, data):
    with np.errstate(all="ignore"):
        logits = model.forward(data.x_train)
        loss = softmax_cross_entropy(logits, data.y_train)[0] if np.isfinite(logits).all() else float("inf")
    return loss, model.accuracy(data.x_train, data.y_train), model.accuracy(data.x_test, data.y_test)


def train(
    model,
    data,
    *,
    steps=2000,
    lr=None,
    batch_size=64,
    momentum=0.0,
    optimizer="sgd",
    eval_every=200,
    seed=0,
    on_step=None,
):
    """Train ``model`` on ``data`` with mini-batch SGD or Adam; returns a :class:`History`.

    Parameters
    ----------
    model : MLP
        Trained in place.
    data : Dataset
        From ``initviz.load_digits`` or ``initviz.make_circles`` / ``make_spiral``.
    steps, lr, batch_size, momentum : the settings; batches are drawn by shuffled epochs. lr defaults to
        0.01 for SGD and to PyTorch's 1e-3 for Adam.
    optimizer : "sgd" or "adam"
        Adam (Kingma & Ba 2015) with PyTorch's betas (0.9, 0.999) and eps 1e-8, see ``initviz.optim``.
    eval_every : int
        Score the full train and test sets every this many steps (and at the end).
    seed : int
        Seeds the batch order; with a seeded model the whole run is reproducible.
    on_step : callable, optional
        ``on_step(step, model)`` after every step that did not diverge (``step`` counts from 1),
        e.g. to take snapshots of the weights.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an initviz.MLP, got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an initviz.Dataset (see load_digits), got {type(data).__name__}")
    steps = _checks.integer("steps", steps, low=1)
    optim.make(optimizer, momentum=_checks.number("momentum", momentum, low=0, high=1, high_open=True))
    lr = _checks.number("lr", optim.default_lr(optimizer) if lr is None else lr, low=0, low_open=True)
    batch_size = _checks.integer("batch_size", batch_size, low=1)
    momentum = float(momentum)
    eval_every = _checks.integer("eval_every", eval_every, low=1)
    if model.sizes[0] != data.x_train.shape[1] or model.sizes[-1] < data.n_classes:
        raise ValueError(
            f"model sizes {model.sizes} do not fit the data: {data.x_train.shape[1]} features, {data.n_classes} classes"
        )
    rng = _checks.generator(seed, "seed")
    x = data.x_train.astype(model.dtype, copy=False)
    y = data.y_train
    n = len(x)
    batch_size = min(batch_size, n)
    if model.norms and batch_size < 2:
        raise ValueError(f"batch normalization needs batch_size >= 2, got {batch_size}")
    history = History(loss=np.full(steps, np.nan))
    # one BLAS thread (see _threads.py); float32 subnormals flushed to 0, which keeps a vanishing net's run
    # ~10x faster and changes nothing above 1.2e-38 (see _fpu.py)
    with one_blas_thread(), flush_subnormals():
        start = time.perf_counter()
        order, cursor = rng.permutation(n), 0
        for step in range(steps):
            if cursor + batch_size > n:
                order, cursor = rng.permutation(n), 0
            idx = order[cursor : cursor + batch_size]
            cursor += batch_size
            tick = time.perf_counter()
            loss = model._step(x[idx], y[idx], lr, momentum, optimizer)
            history.step_seconds += time.perf_counter() - tick
            history.loss[step] = loss
            if not np.isfinite(loss):
                history.diverged_at = step
            if history.diverged or (step + 1) % eval_every == 0 or step + 1 == steps:
                train_loss, train_acc, test_acc = _score(model, data)
                history.eval_steps.append(step + 1)
                history.train_loss.append(train_loss)
                history.train_accuracy.append(train_acc)
                history.test_accuracy.append(test_acc)
            if history.diverged:
                break
            if on_step is not None:
                on_step(step + 1, model)
        history.seconds = time.perf_counter() - start
    return history
