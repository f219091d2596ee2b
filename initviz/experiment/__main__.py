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

from .. import _checks
from ..activations import ACTIVATIONS
from ..init import DATA_INITIALIZERS, initialize, parse_init, weight_variance
from ..lsuv import lsuv_options
from ..norm import NORMS
from ..optim import OPTIMIZERS, default_lr
from . import GRID_ACTIVATIONS, INITS, TREATMENTS, cross_grid, cures_grid, design_grid, markdown_table, run_grid

BRANCH_SCALES = ("1/sqrt(L)", "zero")


def _init_arg(value):
    """An init spec, checked whole: its name, and its options by drawing a small weight with them.

    ``lsuv`` needs data, so it draws nothing here: its options are checked whole instead, its base spec
    by drawing a small weight from that.
    """
    try:
        name, options = parse_init(value)
        if name in DATA_INITIALIZERS:
            lsuv_options(options)
        else:
            initialize(name, (4, 4), rng=0, **options)
            weight_variance(value, (4, 4))
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{value!r}: {exc}") from None
    return value


def _branch_scale_arg(value):
    """A residual branch scale: 1/sqrt(L), zero (Fixup/ReZero-style zero last layer) or a number > 0."""
    if value in BRANCH_SCALES:
        return value
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a branch scale: allowed: {', '.join(BRANCH_SCALES)} or a number > 0"
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"{value} is out of range: a branch scale must be a number > 0")
    return number


_bounded = _checks.cli_number


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
    p.add_argument(
        "--lr",
        type=_bounded(float, 0, open_low=True),
        help="learning rate (default 0.01 for sgd, 1e-3 for adam)",
    )
    p.add_argument("--batch-size", type=_bounded(int, 1, 100_000), default=64, help="mini-batch size (default 64)")
    p.add_argument("--seeds", type=_bounded(int, 1, 100), default=3, help="seeds per cell, 0..N-1 (default 3)")
    p.add_argument(
        "--workers",
        type=_bounded(int, 1, 64),
        default=min(2, os.cpu_count() or 1),
        help="processes to run in parallel (default: up to 2)",
    )
    p.add_argument("--norm", choices=("none",) + NORMS, default="none", help="normalization before each activation")
    p.add_argument("--residual", action="store_true", help="residual blocks h <- h + a*f(h) (no normalization)")
    p.add_argument(
        "--branch-scale",
        type=_branch_scale_arg,
        metavar="SCALE",
        help="residual branch scale a: 1/sqrt(L), zero (zero last layer of each branch) or a number (needs --residual)",
    )
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd", help="sgd (default) or adam (PyTorch defaults)")
    p.add_argument(
        "--grid",
        choices=("design", "cures"),
        help="design: notebook 05's grid (the default without --init/--activation/--depth); cures: notebook 07's, "
        f"every init x {{{', '.join(TREATMENTS)}}} at relu depth 30 and sigmoid depth 5",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="where results.json, results.md and figures go")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    return p


def _report(done, total, result):
    r = result.record
    state = f"diverged at step {r['diverged_at']}" if r["diverged"] else f"test {100 * r['test_accuracy']:.1f}%"
    cure = "" if r.get("treatment", "plain") == "plain" else f" [{r['treatment']}]"
    print(
        f"[{done:>3}/{total}] {r['init']:<18} {r['activation']:<7} depth {r['depth']:<3} seed {r['seed']}{cure}: "
        f"{state} ({r['seconds']:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def _configs(parser, args):
    setup = dict(norm=None if args.norm == "none" else args.norm, residual=args.residual)
    setup.update(branch_scale=args.branch_scale, optimizer=args.optimizer)
    if args.branch_scale is not None and not args.residual:
        parser.error("argument --branch-scale: applies to residual nets only: add --residual")
    if args.grid == "cures":
        fixed = [f for f, v in (("--norm", setup["norm"]), ("--residual", args.residual), ("--lr", args.lr)) if v]
        fixed += [f for f, v in (("--optimizer", args.optimizer != "sgd"), ("--branch-scale", args.branch_scale)) if v]
        fixed += [f for f, v in (("--activation", args.activation), ("--depth", args.depth)) if v]
        if fixed or args.batch_size != 64:
            parser.error(
                f"argument --grid cures: sets its cures, cells and batch itself; drop {fixed or ['--batch-size']}"
            )
        bad = [i for i in args.init or [] if parse_init(i)[0] in DATA_INITIALIZERS]
        if bad:
            parser.error(f"argument --grid cures: LSUV is one of its cures; give base inits only, not {bad}")
        return cures_grid(inits=args.init or INITS, seeds=args.seeds, steps=args.steps, width=args.width)
    lr = default_lr(args.optimizer) if args.lr is None else args.lr
    common = dict(seeds=args.seeds, steps=args.steps, lr=lr, batch_size=args.batch_size, width=args.width)
    if args.grid == "design" or (args.init is None and args.activation is None and args.depth is None):
        configs = design_grid(**common)
    else:
        configs = cross_grid(args.init or INITS, args.activation or GRID_ACTIVATIONS, args.depth or [5], **common)
    return [c._replace(**setup) for c in configs]


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    configs = _configs(parser, args)
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    results = run_grid(configs, workers=args.workers, progress=_report)
    records = [r.record for r in results]
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(records, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"# initviz experiment: {len(records)} runs on scikit-learn digits\n\n")
        if args.grid == "cures":
            settings = "SGD lr 0.01 (Adam lr 0.001)"
        else:
            settings = f"{args.optimizer.upper() if args.optimizer == 'sgd' else 'Adam'} lr {configs[0].lr}"
        f.write(
            f"{settings}, batch {configs[0].batch_size}, {args.steps} steps, width {args.width}, "
            f"{args.seeds} seed(s) per cell.\n\n"
        )
        f.write(markdown_table(records))
    if not args.no_figures:
        if args.grid == "cures":
            from ..lessons import cures as lesson

            figures = lesson.grid_figures(records)
        else:
            from ..lessons import experiment as lesson

            figures = lesson.experiment_figures(results)
        for name, fig in figures.items():
            fig.savefig(os.path.join(args.out, name), dpi=100)
    print(
        f"{len(records)} runs in {time.perf_counter() - start:.1f} s; "
        f"wrote results.json and results.md to {os.path.abspath(args.out)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
