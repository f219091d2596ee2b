"""``python -m initviz.trainability``: the trainability grid (σ_w² × depth, tanh, digits) from the command line.

Every flag is checked when the arguments are parsed, so a bad value exits with status 2 and a message
naming what is allowed, before any cell runs or any file is written. Progress goes to stderr; the result
is one JSON file with the command, the settings, the initviz version, the wall time and one record per cell.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time

import numpy as np

from .. import _checks
from . import DEPTHS, SIGMA_W2, Settings, grid, run_grid

PROG = "python -m initviz.trainability"


_bounded = _checks.cli_number


def _json_path(value):
    if not value.endswith(".json"):
        raise argparse.ArgumentTypeError(f"{value!r} must be a file name ending in .json")
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"{value!r}: its folder {folder} does not exist")
    return value


def _parser():
    defaults = Settings()
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Train tanh MLPs on scikit-learn's 8x8 digits over a grid of sigma_w2 x depth "
        "(weights N(0, sigma_w2/fan_in), biases N(0, sigma_b2)) and store the test accuracies as JSON: "
        "Schoenholz et al. (2017)'s trainability experiment. The defaults are the grid stored in "
        "initviz/results/trainability.json.",
    )
    p.add_argument(
        "--sigma-w2",
        nargs="+",
        type=_bounded(float, 0, 100, open_low=True),
        default=list(SIGMA_W2),
        metavar="S",
        help="weight variances sigma_w2 (> 0 and <= 100; default 1 to 4 in steps of 0.25)",
    )
    p.add_argument(
        "--depth",
        nargs="+",
        type=_bounded(int, 1, 500),
        default=list(DEPTHS),
        metavar="L",
        help=f"numbers of tanh layers (1..500; default {' '.join(map(str, DEPTHS))})",
    )
    p.add_argument("--sigma-b2", type=_bounded(float, 0, 10), default=defaults.sigma_b2, help="bias variance (0..10)")
    p.add_argument("--width", type=_bounded(int, 1, 4096), default=defaults.width, help="units per layer (1..4096)")
    p.add_argument("--steps", type=_bounded(int, 1, 1_000_000), default=defaults.steps, help="SGD steps per cell")
    p.add_argument("--lr", type=_bounded(float, 0, 10, open_low=True), default=defaults.lr, help="learning rate")
    p.add_argument("--batch-size", type=_bounded(int, 1, 100_000), default=defaults.batch_size, help="mini-batch")
    p.add_argument("--seeds", type=_bounded(int, 1, 100), default=2, help="seeds per cell, 0..N-1 (1..100)")
    p.add_argument(
        "--workers",
        type=_bounded(int, 1, 64),
        default=min(2, os.cpu_count() or 1),
        help="processes to run in parallel (1..64; default: up to 2)",
    )
    p.add_argument("--out", required=True, type=_json_path, metavar="FILE.json", help="where the JSON result goes")
    return p


def _report(done, total, record):
    r = record
    state = "diverged" if r["diverged"] else f"test {100 * r['test_accuracy']:.1f}%"
    print(
        f"[{done:>4}/{total}] sigma_w2 {r['sigma_w2']:<5g} depth {r['depth']:<4} seed {r['seed']}: "
        f"{state} ({r['seconds']:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    from .. import __version__

    settings = Settings(args.sigma_b2, args.width, args.steps, args.lr, args.batch_size)
    cells = grid(args.sigma_w2, args.depth, seeds=args.seeds)
    print(f"{len(cells)} cells on {args.workers} worker(s)", file=sys.stderr, flush=True)
    start = time.perf_counter()
    records = run_grid(cells, settings, workers=args.workers, progress=_report)
    seconds = time.perf_counter() - start
    result = {
        "command": " ".join([PROG] + [shlex.quote(a) for a in argv]),
        "initviz_version": __version__,
        "numpy_version": np.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s)",
        "workers": args.workers,
        "wall_seconds": round(seconds, 1),
        "settings": settings._asdict(),
        "sigma_w2": sorted(set(args.sigma_w2)),
        "depths": sorted(set(args.depth)),
        "seeds": args.seeds,
        "records": records,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"{len(records)} cells in {seconds:.1f} s; wrote {os.path.abspath(args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
