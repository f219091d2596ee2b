"""The note's empty §6 experiment, run for real: which initialization trains best?

Library use (the notebook)::

    results = run_grid(design_grid(seeds=3))

Command line (headless, same grid; ``initviz/experiment/__main__.py``)::

    python -m initviz.experiment --out out/
    python -m initviz.experiment --init xavier_normal he_normal --activation relu --depth 30 --seeds 1 --out out/

writes ``out/results.json`` (one record per run), ``out/results.md`` (a table of
mean ± std test accuracy) and the figures; progress goes to stderr.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

import numpy as np

from .. import _checks
from ..data import load_digits
from ..init import init_label, parse_init
from ..mlp import MLP
from ..train import History, train

__all__ = ["INITS", "Config", "Result", "design_grid", "cross_grid", "run", "run_grid", "summarize", "markdown_table"]

INITS = ("zeros", "normal:std=0.01", "normal:std=1", "standard_uniform", "xavier_normal", "he_normal")
"""The six inits of the design: zero, too small, too large, Glorot's "standard", Xavier, He."""

GRID_ACTIVATIONS = ("sigmoid", "tanh", "relu")


class Config(NamedTuple):
    """One training run: an init spec, an activation, the architecture, SGD settings and a seed."""

    init: str
    activation: str
    depth: int
    width: int = 100
    steps: int = 2000
    lr: float = 0.01
    batch_size: int = 64
    seed: int = 0


class Result(NamedTuple):
    config: Config
    record: dict
    history: History


def design_grid(*, inits=INITS, seeds=3, steps=2000, lr=0.01, batch_size=64, width=100):
    """The design of §6-1 (b): every init × {sigmoid, tanh, ReLU} at depth 5, and ReLU at depth 30."""
    seeds = _checks.integer("seeds", seeds, low=1)
    cells = [(init, act, 5) for act in GRID_ACTIVATIONS for init in inits]
    cells += [(init, "relu", 30) for init in inits]
    return [
        Config(init, act, depth, width, steps, lr, batch_size, seed)
        for init, act, depth in cells
        for seed in range(seeds)
    ]


def cross_grid(inits, activations, depths, *, seeds=3, steps=2000, lr=0.01, batch_size=64, width=100):
    """Every combination of the given inits, activations and depths."""
    seeds = _checks.integer("seeds", seeds, low=1)
    return [
        Config(init, act, depth, width, steps, lr, batch_size, seed)
        for depth in depths
        for act in activations
        for init in inits
        for seed in range(seeds)
    ]


_DATA = {}


def _digits():
    if "digits" not in _DATA:
        _DATA["digits"] = load_digits()
    return _DATA["digits"]


def run(config, data=None):
    """Train one :class:`Config` on the digits (or ``data``); returns a :class:`Result`.

    The seed fixes both the weights and the batch order; the train/test split is
    the same for every run.
    """
    data = _digits() if data is None else data
    parse_init(config.init)
    model = MLP(
        [data.n_features] + [config.width] * config.depth + [data.n_classes],
        config.activation,
        config.init,
        rng=config.seed,
    )
    history = train(
        model,
        data,
        steps=config.steps,
        lr=config.lr,
        batch_size=config.batch_size,
        eval_every=max(1, config.steps // 10),
        seed=config.seed,
    )
    record = {
        "init": config.init,
        "activation": config.activation,
        "depth": config.depth,
        "width": config.width,
        "seed": config.seed,
        "steps": config.steps,
        "lr": config.lr,
        "batch_size": config.batch_size,
        "final_train_loss": history.final_train_loss,
        "diverged": history.diverged,
        "diverged_at": history.diverged_at,
        "test_accuracy": history.final_test_accuracy,
        "seconds": round(history.seconds, 4),
        "step_ms": round(history.step_ms, 4),
    }
    return Result(config, record, history)


def run_grid(configs, *, workers=1, progress=None):
    """Run every config; returns the results in the order given.

    ``workers > 1`` runs them in that many processes (each run is seeded on its
    own, so the results do not depend on it; each trains on one BLAS thread, see
    ``train``). ``progress(done, total, result)`` is called after each run.
    """
    configs = list(configs)
    if not configs:
        raise ValueError("configs is empty: give at least one run")
    workers = _checks.integer("workers", workers, low=1, high=64)
    results = [None] * len(configs)
    if workers == 1:
        for i, config in enumerate(configs):
            results[i] = run(config)
            if progress:
                progress(i + 1, len(configs), results[i])
        return results
    # the longest runs go first so the two workers finish together
    order = sorted(range(len(configs)), key=lambda i: -configs[i].depth * configs[i].steps)
    with ProcessPoolExecutor(workers) as pool:
        futures = {i: pool.submit(run, configs[i]) for i in order}
        for done, i in enumerate(order, start=1):
            results[i] = futures[i].result()
            if progress:
                progress(done, len(configs), results[i])
    return results


def summarize(records):
    """Group records by (init, activation, depth): mean and std of test accuracy, divergences.

    Returns a list of dicts in first-seen order with keys init, label, activation, depth,
    runs, mean, std, diverged, final_train_loss (the mean over runs that did not diverge).
    """
    groups = {}
    for r in records:
        groups.setdefault((r["init"], r["activation"], r["depth"]), []).append(r)
    rows = []
    for (init, act, depth), runs in groups.items():
        acc = np.array([r["test_accuracy"] for r in runs], dtype=float)
        losses = [r["final_train_loss"] for r in runs if r["final_train_loss"] is not None]
        rows.append(
            {
                "init": init,
                "label": init_label(init),
                "activation": act,
                "depth": depth,
                "runs": len(runs),
                "mean": float(acc.mean()),
                "std": float(acc.std()),
                "diverged": sum(r["diverged"] for r in runs),
                "final_train_loss": float(np.mean(losses)) if losses else None,
            }
        )
    return rows


def markdown_table(records):
    """A readable table of the grid: test accuracy mean ± std over seeds, and divergences."""
    lines = [
        "| depth | activation | init | test accuracy (mean ± std) | runs | diverged | final train loss |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for row in summarize(records):
        loss = "—" if row["final_train_loss"] is None else f"{row['final_train_loss']:.3f}"
        accuracy = f"{100 * row['mean']:.1f}% ± {100 * row['std']:.1f}"
        lines.append(
            f"| {row['depth']} | {row['activation']} | {row['label']} | {accuracy} | {row['runs']} | "
            f"{row['diverged']} | {loss} |"
        )
    return "\n".join(lines) + "\n"
