"""The note's empty §6 experiment, run for real: which initialization trains best?

Library use (the notebook)::

    results = run_grid(design_grid(seeds=3))

Command line (headless, same grid)::

    python -m initviz.experiment --out out/
    python -m initviz.experiment --init xavier_normal he_normal --activation relu --depth 30 --seeds 1 --out out/

writes ``out/results.json`` (one record per run), ``out/results.md`` (a table of
mean ± std test accuracy) and the figures; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

import numpy as np

from . import _checks
from .activations import ACTIVATIONS
from .data import load_digits
from .init import init_label, parse_init
from .mlp import MLP
from .train import History, train

__all__ = ["INITS", "Config", "Result", "design_grid", "run", "run_grid", "summarize", "markdown_table", "main"]

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


# --- command line -------------------------------------------------------------------------


def _init_arg(value):
    try:
        parse_init(value)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _bounded(kind, low, high=None, *, open_low=False):
    def parse(value):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a{'n integer' if kind is int else ' number'}") from None
        if (
            not math.isfinite(number)
            or (number <= low if open_low else number < low)
            or (high is not None and number > high)
        ):
            allowed = f"{'>' if open_low else '>='} {low}" + (f" and <= {high}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"{value} is out of range: must be {allowed}")
        return number

    return parse


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m initviz.experiment",
        description="Train MLPs on scikit-learn's 8x8 digits under several initializations (the note's §6). "
        "With no --init/--activation/--depth it runs the design grid: every init x "
        "{sigmoid, tanh, relu} at depth 5, and relu at depth 30.",
    )
    p.add_argument(
        "--init",
        nargs="+",
        type=_init_arg,
        metavar="SPEC",
        help="initializer specs, e.g. he_normal normal:std=0.01 (names: see initviz.INITIALIZERS)",
    )
    p.add_argument("--activation", nargs="+", choices=[a for a in ACTIVATIONS if a != "linear"])
    p.add_argument("--depth", nargs="+", type=_bounded(int, 1, 200), help="hidden layers (1..200)")
    p.add_argument("--width", type=_bounded(int, 1, 4096), default=100, help="units per hidden layer (default 100)")
    p.add_argument("--steps", type=_bounded(int, 1, 1_000_000), default=2000, help="SGD steps (default 2000)")
    p.add_argument("--lr", type=_bounded(float, 0, open_low=True), default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--batch-size", type=_bounded(int, 1, 100_000), default=64, help="mini-batch size (default 64)")
    p.add_argument("--seeds", type=_bounded(int, 1, 100), default=3, help="seeds per cell, 0..N-1 (default 3)")
    p.add_argument(
        "--workers",
        type=_bounded(int, 1, 64),
        default=min(2, os.cpu_count() or 1),
        help="processes to run in parallel (default: up to 2)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="where results.json, results.md and figures go")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    return p


def _report(done, total, result):
    r = result.record
    state = f"diverged at step {r['diverged_at']}" if r["diverged"] else f"test {100 * r['test_accuracy']:.1f}%"
    print(
        f"[{done:>3}/{total}] {r['init']:<18} {r['activation']:<7} depth {r['depth']:<3} seed {r['seed']}: "
        f"{state} ({r['seconds']:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def main(argv=None):
    args = _parser().parse_args(argv)
    common = dict(seeds=args.seeds, steps=args.steps, lr=args.lr, batch_size=args.batch_size, width=args.width)
    if args.init is None and args.activation is None and args.depth is None:
        configs = design_grid(**common)
    else:
        configs = cross_grid(args.init or INITS, args.activation or GRID_ACTIVATIONS, args.depth or [5], **common)
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    results = run_grid(configs, workers=args.workers, progress=_report)
    records = [r.record for r in results]
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(records, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"# initviz experiment: {len(records)} runs on scikit-learn digits\n\n")
        f.write(
            f"SGD lr {args.lr}, batch {args.batch_size}, {args.steps} steps, width {args.width}, "
            f"{args.seeds} seed(s) per cell.\n\n"
        )
        f.write(markdown_table(records))
    if not args.no_figures:
        from . import plots

        for name, fig in plots.experiment_figures(results).items():
            fig.savefig(os.path.join(args.out, name), dpi=100)
    print(
        f"{len(records)} runs in {time.perf_counter() - start:.1f} s; "
        f"wrote results.json and results.md to {os.path.abspath(args.out)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
