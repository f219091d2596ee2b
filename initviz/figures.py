"""Regenerate every figure in images/: ``python -m initviz.figures [--out images] [--only NAME ...]``.

The four figures the source note links to (``Weight_init_1.PNG`` … ``Weight_init_4.PNG``),
the overview teaser and each notebook's key figure. Every one is computed from seeded
runs, so the files come out the same each time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")

from . import experiment, plots  # noqa: E402
from .data import load_digits  # noqa: E402
from .mlp import MLP  # noqa: E402
from .symmetry import record_training  # noqa: E402

TEASER_INITS = ("normal:std=0.01", "normal:std=1", "he_normal")


def _zero_init():
    digits = load_digits()
    return plots.zero_init_figure(MLP([64, 16, 10], "sigmoid", "zeros").trace(digits.x_train[:64], digits.y_train[:64]))


def _symmetry(with_random):
    digits = load_digits()
    runs = [
        (
            "constant 0.1",
            record_training(MLP([64, 16, 10], "sigmoid", "constant:value=0.1"), digits, steps=1000, lr=0.3, every=10),
        )
    ]
    if with_random:
        runs.append(
            (
                "Xavier normal",
                record_training(MLP([64, 16, 10], "sigmoid", "xavier_normal"), digits, steps=1000, lr=0.3, every=10),
            )
        )
    return plots.symmetry_figure(runs)


def _experiment():
    return plots.accuracy_heatmap(experiment.run_grid(experiment.design_grid(seeds=3), workers=2))


FIGURES = {
    "Weight_init_1.PNG": lambda: _symmetry(with_random=False),
    "Weight_init_2.PNG": _zero_init,
    "Weight_init_3.PNG": lambda: plots.gaussian_note_figure(0.1),
    "Weight_init_4.PNG": lambda: plots.gaussian_note_figure(10),
    "teaser.png": lambda: plots.init_comparison(
        TEASER_INITS, "relu", depth=10, title="The same 10-layer ReLU network under three initializations"
    ),
    "01_constant.png": lambda: _symmetry(with_random=True),
    "02_gaussian.png": lambda: plots.gaussian_summary(),
    "03_xavier.png": lambda: plots.xavier_activation_figure(("tanh", "sigmoid", "relu"), depth=30, width=100),
    "04_he.png": lambda: plots.xavier_vs_he_figure(depth=30, width=128),
    "05_experiment.png": _experiment,
}
"""File name → a function that draws it."""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m initviz.figures", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="images", help="folder to write to (default: images)")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(FIGURES), metavar="NAME", help=f"just these files: {', '.join(FIGURES)}"
    )
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or FIGURES:
        start = time.perf_counter()
        # fixed metadata so the PNG bytes depend on the pixels only
        FIGURES[name]().savefig(os.path.join(args.out, name), dpi=100, metadata={"Software": None})
        print(f"{name:20s} {time.perf_counter() - start:5.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
