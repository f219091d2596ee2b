"""``python -m initviz.experiment``: the note's §6 experiment from the command line.

Every flag is checked when the arguments are parsed, init specs whole (name and options), so a bad
value exits with status 2 and a message before any run starts or any folder is written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

from ..activations import ACTIVATIONS
from ..init import initialize, parse_init, weight_variance
from . import GRID_ACTIVATIONS, INITS, cross_grid, design_grid, markdown_table, run_grid


def _init_arg(value):
    """An init spec, checked whole: its name, and its options by drawing a small weight with them."""
    try:
        name, options = parse_init(value)
        initialize(name, (4, 4), rng=0, **options)
        weight_variance(value, (4, 4))
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{value!r}: {exc}") from None
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
        from ..lessons import experiment as lesson

        for name, fig in lesson.experiment_figures(results).items():
            fig.savefig(os.path.join(args.out, name), dpi=100)
    print(
        f"{len(records)} runs in {time.perf_counter() - start:.1f} s; "
        f"wrote results.json and results.md to {os.path.abspath(args.out)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
