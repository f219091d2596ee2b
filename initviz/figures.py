"""Regenerate every figure in images/: ``python -m initviz.figures [--out images] [--only NAME ...]``.

Each lesson module (``initviz.lessons.*``) lists the images it makes in its ``IMAGES`` dict: the four
figures the source note links to (``Weight_init_1.PNG`` … ``Weight_init_4.PNG``), the README's
teaser and each notebook's key figure. Every one is computed from seeded runs, so the files come out
the same each time.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")

LESSONS = ("overview", "constant", "gaussian", "xavier", "he", "experiment", "chaos", "cures")
"""The lesson modules, in notebook order (00 … 07)."""


def figures():
    """File name → a function that draws it, from every lesson module's ``IMAGES``."""
    found = {}
    for name in LESSONS:
        try:
            module = importlib.import_module(f"initviz.lessons.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"initviz.lessons.{name}":
                raise
            continue
        found.update(getattr(module, "IMAGES", {}))
    return found


def main(argv=None):
    available = figures()
    parser = argparse.ArgumentParser(prog="python -m initviz.figures", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="images", help="folder to write to (default: images)")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(available), metavar="NAME", help=f"just these files: {', '.join(available)}"
    )
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or available:
        start = time.perf_counter()
        # fixed metadata so the PNG bytes depend on the pixels only
        available[name]().savefig(os.path.join(args.out, name), dpi=100, metadata={"Software": None})
        print(f"{name:20s} {time.perf_counter() - start:5.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
