"""Which deep tanh nets train? Schoenholz et al. (2017)'s trainability experiment, on the digits.

Schoenholz, Gilmer, Ganguli & Sohl-Dickstein ("Deep information propagation", ICLR 2017) trained tanh
nets over a grid of σ_w² and depth and found that a net of depth L trains only when L ≲ 6·ξ_c
(``initviz.chaos.depth_scale``). This package runs that grid on scikit-learn's 8×8 digits with one fixed
SGD budget; every cell is seeded, so a cell run again gives the same numbers.

Library use (the notebook)::

    records = run_grid(grid([1.0, 1.75, 3.0], [10, 40], seeds=1), Settings())

Command line (``initviz/trainability/__main__.py``; the stored result came from its default grid)::

    python -m initviz.trainability --out initviz/results/trainability.json

Each net is ``[64] + [width] * depth + [10]``: ``depth`` tanh layers and a linear softmax head. Weights are
N(0, σ_w²/fan_in) in every layer, biases N(0, σ_b²). The weights of one (depth, seed) are the same
standard-normal draws at every σ_w², only scaled, so neighbouring columns of the heat map differ by σ_w²
alone.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import _checks
from .._threads import worker_pool
from ..chaos import depth_scale
from ..data import load_digits
from ..mlp import MLP
from ..random_nets import draw_biases, draw_weights
from ..train import train

__all__ = [
    "SIGMA_W2",
    "DEPTHS",
    "STORED",
    "Settings",
    "Cell",
    "grid",
    "make_net",
    "run_cell",
    "run_grid",
    "accuracy_table",
    "boundary",
    "load",
    "stored_cell",
]

SIGMA_W2 = tuple(float(s) for s in np.round(np.arange(1.0, 4.001, 0.25), 2))
"""The stored grid's σ_w²: 1 to 4 in steps of 0.25, the span of Schoenholz et al.'s heat maps."""
DEPTHS = (5, 10, 15, 20, 30, 40, 50, 60, 80, 100)
"""The stored grid's depths (tanh layers)."""
STORED = Path(__file__).resolve().parent.parent / "results" / "trainability.json"
"""Where the stored grid lives (shipped with the package)."""
TRAINED = 0.5
"""A cell counts as trained when its mean test accuracy is at least this (chance is 0.1)."""


class Settings(NamedTuple):
    """What every cell of one grid shares: the net (besides σ_w² and depth) and the SGD budget."""

    sigma_b2: float = 0.05
    width: int = 100
    steps: int = 1000
    lr: float = 0.01
    batch_size: int = 32
    activation: str = "tanh"

    def checked(self):
        _checks.number("sigma_b2", self.sigma_b2, low=0)
        _checks.integer("width", self.width, low=1, high=4096)
        _checks.integer("steps", self.steps, low=1, high=1_000_000)
        _checks.number("lr", self.lr, low=0, low_open=True)
        _checks.integer("batch_size", self.batch_size, low=1, high=100_000)
        _checks.choice("activation", self.activation, ("tanh",))
        return self


class Cell(NamedTuple):
    sigma_w2: float
    depth: int
    seed: int = 0


def grid(sigma_w2s=SIGMA_W2, depths=DEPTHS, *, seeds=2):
    """Every (σ_w², depth, seed) with seeds 0 … seeds−1."""
    seeds = _checks.integer("seeds", seeds, low=1, high=100)
    sigma_w2s = [_checks.number("sigma_w2", s, low=0, low_open=True, high=100) for s in sigma_w2s]
    depths = [_checks.integer("depth", d, low=1, high=500) for d in depths]
    if not sigma_w2s or not depths:
        raise ValueError("grid needs at least one sigma_w2 and one depth")
    return [Cell(s, d, seed) for d in depths for s in sigma_w2s for seed in range(seeds)]


_DATA = {}


def _digits():
    if "digits" not in _DATA:
        _DATA["digits"] = load_digits()
    return _DATA["digits"]


def make_net(cell, settings=None):
    """The initialized MLP of one cell (float32): weights and biases drawn from the seed (cell.seed, cell.depth)."""
    settings = (settings or Settings()).checked()
    data = _digits()
    widths = [data.n_features] + [settings.width] * cell.depth + [data.n_classes]
    weights = draw_weights(widths, cell.sigma_w2, rng=np.random.default_rng([cell.seed, cell.depth]))
    biases = draw_biases(widths, settings.sigma_b2, rng=np.random.default_rng([cell.seed, cell.depth, 1]))
    return MLP.from_weights(
        [w.astype(np.float32) for w in weights], [b.astype(np.float32) for b in biases], settings.activation
    )


def run_cell(cell, settings=None):
    """Train one cell on the digits; returns its record (a dict of plain numbers)."""
    settings = (settings or Settings()).checked()
    cell = Cell(*cell)
    model = make_net(cell, settings)
    history = train(
        model,
        _digits(),
        steps=settings.steps,
        lr=settings.lr,
        batch_size=settings.batch_size,
        eval_every=settings.steps,
        seed=cell.seed,
    )
    return {
        "sigma_w2": cell.sigma_w2,
        "depth": cell.depth,
        "seed": cell.seed,
        "test_accuracy": history.final_test_accuracy,
        "train_accuracy": history.train_accuracy[-1],
        "final_train_loss": history.final_train_loss,
        "diverged": history.diverged,
        "seconds": round(history.seconds, 3),
    }


def _run(args):
    return run_cell(*args)


def run_grid(cells, settings=None, *, workers=1, progress=None):
    """Run every cell (in ``workers`` processes if > 1); returns the records in the order given.

    ``progress(done, total, record)`` is called after each cell. Each cell is seeded on its own, so the
    records do not depend on ``workers``.
    """
    cells = [Cell(*c) for c in cells]
    if not cells:
        raise ValueError("cells is empty: give at least one (sigma_w2, depth, seed)")
    settings = (settings or Settings()).checked()
    workers = _checks.integer("workers", workers, low=1, high=64)
    records = [None] * len(cells)
    if workers == 1:
        for i, cell in enumerate(cells):
            records[i] = run_cell(cell, settings)
            if progress:
                progress(i + 1, len(cells), records[i])
        return records
    order = sorted(range(len(cells)), key=lambda i: -cells[i].depth)  # the longest first
    with worker_pool(workers) as pool:
        futures = {i: pool.submit(_run, (cells[i], settings)) for i in order}
        for done, i in enumerate(order, start=1):
            records[i] = futures[i].result()
            if progress:
                progress(done, len(cells), records[i])
    return records


def accuracy_table(records):
    """``(sigma_w2s, depths, mean)``: the mean test accuracy over seeds, one row per depth, one column per σ_w²."""
    if not records:
        raise ValueError("records is empty")
    sigma_w2s = sorted({r["sigma_w2"] for r in records})
    depths = sorted({r["depth"] for r in records})
    total, count = np.zeros((len(depths), len(sigma_w2s))), np.zeros((len(depths), len(sigma_w2s)))
    for r in records:
        i, j = depths.index(r["depth"]), sigma_w2s.index(r["sigma_w2"])
        total[i, j] += r["test_accuracy"]
        count[i, j] += 1
    with np.errstate(invalid="ignore"):
        return np.array(sigma_w2s), np.array(depths), np.where(count > 0, total / np.maximum(count, 1), np.nan)


class Boundary(NamedTuple):
    """How well L ≲ 6·ξ_c separates the cells that trained from those that did not."""

    sigma_w2: np.ndarray
    deepest_trained: np.ndarray  # per σ_w²: the deepest depth whose mean accuracy >= TRAINED (0 if none)
    edge: np.ndarray  # per σ_w²: midway between that depth and the next one of the grid (nan at either end)
    six_xi: np.ndarray  # 6·ξ_c at each σ_w²
    agree: float  # share of cells on the side 6·ξ_c predicts (trained iff depth <= 6·ξ_c)
    trained_beyond: int  # cells deeper than 6·ξ_c that trained anyway
    failed_within: int  # cells within 6·ξ_c that did not train


def boundary(records, sigma_b2, *, threshold=TRAINED):
    """Compare the trained region of a grid with 6·ξ_c (tanh, ``sigma_b2``); see :class:`Boundary`."""
    threshold = _checks.number("threshold", threshold, low=0, high=1)
    sigma_w2s, depths, mean = accuracy_table(records)
    six_xi = np.array([6 * depth_scale(s, sigma_b2, "tanh") for s in sigma_w2s])
    trained = mean >= threshold
    predicted = depths[:, None] <= six_xi[None, :]
    deepest = np.array([depths[trained[:, j]].max() if trained[:, j].any() else 0 for j in range(len(sigma_w2s))])
    edge = np.full(len(sigma_w2s), np.nan)
    for j, d in enumerate(deepest):
        deeper = depths[depths > d]
        if d and deeper.size:
            edge[j] = 0.5 * (d + deeper[0])
    return Boundary(
        sigma_w2s,
        deepest,
        edge,
        six_xi,
        float(np.mean(trained == predicted)),
        int(np.sum(trained & ~predicted)),
        int(np.sum(~trained & predicted)),
    )


def load(path=None):
    """The stored grid: a dict with ``command``, ``settings``, ``records`` and how it was made."""
    path = STORED if path is None else Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no stored grid at {path}: run python -m initviz.trainability --out {path}")
    with open(path) as f:
        stored = json.load(f)
    stored["settings"] = Settings(**stored["settings"])
    return stored


def stored_cell(stored, sigma_w2, depth, seed):
    """The stored record of one cell, or a KeyError naming it."""
    for r in stored["records"]:
        if math.isclose(r["sigma_w2"], sigma_w2) and r["depth"] == depth and r["seed"] == seed:
            return r
    raise KeyError(f"no stored cell sigma_w2={sigma_w2:g}, depth={depth}, seed={seed}")
