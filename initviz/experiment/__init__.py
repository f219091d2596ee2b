"""The note's empty §6 experiment, run for real: which initialization trains best?

Library use (the notebook)::

    results = run_grid(design_grid(seeds=3))

Command line (headless, same grid; ``initviz/experiment/__main__.py``)::

    python -m initviz.experiment --out out/
    python -m initviz.experiment --init xavier_normal he_normal --activation relu --depth 30 --seeds 1 --out out/
    python -m initviz.experiment --init he_normal lsuv --depth 30 --norm batch --optimizer adam --out out/
    python -m initviz.experiment --grid cures --out out/     # notebook 07's grid (cures_grid)

writes ``out/results.json`` (one record per run), ``out/results.md`` (a table of
mean ± std test accuracy) and the figures; progress goes to stderr.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _checks
from .._threads import worker_pool
from ..data import load_digits
from ..init import DATA_INITIALIZERS, init_label, parse_init
from ..lsuv import lsuv_options
from ..mlp import MLP
from ..train import History, train

__all__ = [
    "INITS",
    "TREATMENTS",
    "Config",
    "Result",
    "design_grid",
    "cross_grid",
    "cures_grid",
    "treatment_label",
    "base_init",
    "run",
    "run_grid",
    "summarize",
    "markdown_table",
]

INITS = ("zeros", "normal:std=0.01", "normal:std=1", "standard_uniform", "xavier_normal", "he_normal")
"""The six inits of the design: zero, too small, too large, Glorot's "standard", Xavier, He."""

GRID_ACTIVATIONS = ("sigmoid", "tanh", "relu")


class Config(NamedTuple):
    """One training run: an init spec, an activation, the architecture, the optimizer's settings and a seed.

    ``norm`` ("batch" or None), ``residual`` and ``branch_scale`` (None, a number, "1/sqrt(L)" or "zero") set
    the architecture (``initviz.MLP``); ``optimizer`` is "sgd" or "adam"; an init ``"lsuv:base=..."`` is
    rescaled on a batch of training digits (``initviz.lsuv``).
    """

    init: str
    activation: str
    depth: int
    width: int = 100
    steps: int = 2000
    lr: float = 0.01
    batch_size: int = 64
    seed: int = 0
    norm: str | None = None
    residual: bool = False
    branch_scale: str | float | None = None
    optimizer: str = "sgd"


TREATMENTS = {
    "plain": {},
    "batchnorm": {"norm": "batch"},
    "residual": {"residual": True},
    "residual 1/√L": {"residual": True, "branch_scale": "1/sqrt(L)"},
    "residual zero-init": {"residual": True, "branch_scale": "zero"},
    "LSUV": {"lsuv": True},
    "Adam": {"optimizer": "adam", "lr": 1e-3},
}
"""Notebook 07's cures, each applied to every init: settings on top of notebook 05's plain SGD net."""

CURES_CELLS = (("relu", 30), ("sigmoid", 5))
"""Where notebook 05 found failures: ReLU at depth 30, and sigmoid at depth 5 (only N(0, 1) learned)."""

LSUV_BATCH = 256
"""Training digits LSUV measures its variances on (drawn with the run's seed)."""


def base_init(init):
    """The init an LSUV spec starts from (``"lsuv:base=xavier_normal"`` → ``"xavier_normal"``); others as given."""
    name, options = parse_init(init)
    return lsuv_options(options)["base"] if name in DATA_INITIALIZERS else init


def treatment_label(config):
    """A config's cure in words, as in :data:`TREATMENTS` ("plain", "batchnorm", "residual 1/√L", "LSUV", "Adam";
    combinations are joined with " + ")."""
    parts = []
    if parse_init(config.init)[0] in DATA_INITIALIZERS:
        parts.append("LSUV")
    if config.norm == "batch":
        parts.append("batchnorm")
    if config.residual:
        scale = config.branch_scale
        words = {None: "", "1/sqrt(L)": " 1/√L", "invsqrt": " 1/√L", "zero": " zero-init"}
        parts.append("residual" + (words[scale] if scale in words else f" ×{scale:g}"))
    if config.optimizer == "adam":
        parts.append("Adam")
    return " + ".join(parts) or "plain"


def cures_grid(*, inits=INITS, treatments=tuple(TREATMENTS), cells=CURES_CELLS, seeds=3, steps=2000, width=100):
    """Notebook 07's grid: every init × every cure of :data:`TREATMENTS`, at ReLU depth 30 and sigmoid depth 5.

    Batch 64, SGD lr 0.01 (Adam: lr 1e-3), ``steps`` steps, seeds 0 … seeds−1, as notebook 05.
    """
    seeds = _checks.integer("seeds", seeds, low=1)
    for name in treatments:
        _checks.choice("treatment", name, TREATMENTS)
    configs = []
    for act, depth in cells:
        for name in treatments:
            settings = dict(TREATMENTS[name])
            lsuv = settings.pop("lsuv", False)
            settings.setdefault("lr", 0.01)
            for init in inits:
                spec = f"lsuv:base={init}" if lsuv else init
                for seed in range(seeds):
                    configs.append(Config(spec, act, depth, width, steps, batch_size=64, seed=seed, **settings))
    return configs


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
    name, _ = parse_init(config.init)
    batch = None
    if name in DATA_INITIALIZERS:  # LSUV's batch: training digits drawn with the run's own seed
        rows = np.random.default_rng([config.seed, 7]).permutation(len(data.x_train))[:LSUV_BATCH]
        batch = data.x_train[np.sort(rows)]
    model = MLP(
        [data.n_features] + [config.width] * config.depth + [data.n_classes],
        config.activation,
        config.init,
        norm=config.norm,
        residual=config.residual,
        branch_scale=config.branch_scale,
        data=batch,
        rng=config.seed,
    )
    history = train(
        model,
        data,
        steps=config.steps,
        lr=config.lr,
        batch_size=config.batch_size,
        optimizer=config.optimizer,
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
        "norm": config.norm,
        "residual": config.residual,
        "branch_scale": config.branch_scale,
        "optimizer": config.optimizer,
        "treatment": treatment_label(config),
        "base_init": base_init(config.init),
        "initial_loss": _finite_or_none(history.loss[0]),
        "lsuv_converged": None if model.lsuv_report is None else model.lsuv_report.all_converged,
        "loss_every": LOSS_EVERY,
        "loss_curve": _loss_curve(history.loss),
    }
    return Result(config, record, history)


LOSS_EVERY = 20
"""results.json keeps each run's mini-batch loss as means over windows of this many steps."""


def _finite_or_none(value):
    return float(value) if np.isfinite(value) else None


def _loss_curve(loss):
    """Window means of the loss (None from the window where it diverged on: JSON has no NaN)."""
    n = len(loss) // LOSS_EVERY * LOSS_EVERY
    means = loss[:n].reshape(-1, LOSS_EVERY).mean(axis=1) if n else np.array([])
    return [round(float(v), 5) if np.isfinite(v) else None for v in means]


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
    with worker_pool(workers) as pool:
        futures = {i: pool.submit(run, configs[i]) for i in order}
        for done, i in enumerate(order, start=1):
            results[i] = futures[i].result()
            if progress:
                progress(done, len(configs), results[i])
    return results


_SETUP_KEYS = ("norm", "residual", "branch_scale", "optimizer", "lr")


def summarize(records):
    """Group records by (init, activation, depth) and the setup (norm, residual, branch scale, optimizer, lr):
    mean and std of test accuracy, divergences.

    Returns a list of dicts in first-seen order with keys init, label, activation, depth,
    runs, mean, std, diverged, final_train_loss (the mean over runs that did not diverge), and
    treatment and base_init ("plain" and the init for records without them).
    """
    groups = {}
    for r in records:
        setup = tuple(str(r.get(k)) for k in _SETUP_KEYS)
        groups.setdefault((r["init"], r["activation"], r["depth"], setup), []).append(r)
    rows = []
    for (init, act, depth, _), runs in groups.items():
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
                "treatment": runs[0].get("treatment", "plain"),
                "base_init": runs[0].get("base_init", init),
            }
        )
    return rows


def markdown_table(records):
    """A readable table of the grid: test accuracy mean ± std over seeds, and divergences."""
    rows = summarize(records)
    setups = any(row["treatment"] != "plain" for row in rows)  # a column for the cures only when there are some
    cure, rule = (" cure |", "---|") if setups else ("", "")
    lines = [
        f"| depth | activation | init |{cure} test accuracy (mean ± std) | runs | diverged | final train loss |",
        f"|---:|---|---|{rule}---:|---:|---:|---:|",
    ]
    for row in rows:
        loss = "—" if row["final_train_loss"] is None else f"{row['final_train_loss']:.3f}"
        accuracy = f"{100 * row['mean']:.1f}% ± {100 * row['std']:.1f}"
        label = init_label(row["base_init"]) if setups else row["label"]
        cure_cell = f" {row['treatment']} |" if setups else ""
        lines.append(
            f"| {row['depth']} | {row['activation']} | {label} |{cure_cell} "
            f"{accuracy} | {row['runs']} | {row['diverged']} | {loss} |"
        )
    return "\n".join(lines) + "\n"
