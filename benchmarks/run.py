"""All of initviz's speed and memory figures, with their targets: ``python benchmarks/run.py [--quick] [--browser]``.

Runs every benchmark script, one after the other (the machine has two cores), each in a process of its
own, and prints what each prints, then a line per script:

1. ``trainer_step.py``: one SGD step of a ReLU MLP against PyTorch (when installed), depth 5 and 30;
2. ``bn_step.py``: a batch-norm, an Adam and a residual training step, against PyTorch (when installed);
3. ``panels.py``: every lesson panel's ``update()`` (compute + PNG), new code against the first edition;
4. ``notebook_suite.py``: each notebook's wall time and peak memory, top to bottom in a fresh kernel;
5. ``chaos_notebook.py``: notebook 06's budget and its panel;
6. ``browser_panels.py`` (only with ``--browser``): the panels of 01–04 end to end, JupyterLab + Chromium.

``--quick`` skips the notebooks (4, and 5's notebook run) and the browser, and takes fewer rounds in 3.
Each script also runs alone (``python benchmarks/<name>.py``); ``numpy_versions.py``, which needs other
interpreters, runs only alone. No timing is asserted anywhere: the scripts print and say which targets
are met. Timings on a shared machine move with its load: each script prints the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def plan(quick, browser):
    """``(script, arguments)`` in the order they run."""
    steps = [
        ("trainer_step.py", []),
        ("bn_step.py", []),
        ("panels.py", ["--rounds", "3"] if quick else []),
    ]
    if not quick:
        steps.append(("notebook_suite.py", []))
    steps.append(("chaos_notebook.py", ["--skip-notebook"] if quick else []))
    if browser and not quick:
        steps.append(("browser_panels.py", []))
    return steps


def load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the notebooks and the browser; fewer rounds")
    parser.add_argument("--browser", action="store_true", help="also measure the panels in JupyterLab + Chromium")
    args = parser.parse_args(argv)
    import numpy as np

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average {load()}",
        flush=True,
    )
    done = []
    for script, arguments in plan(args.quick, args.browser):
        print(f"\n=== {script} {' '.join(arguments)} (load average {load()})", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *arguments], cwd=HERE.parent)
        done.append((script, code, time.monotonic() - start))
    print(f"\n{'script':22s} {'exit':>4s} {'took':>8s}")
    for script, code, seconds in done:
        print(f"{script:22s} {code:4d} {seconds:7.0f} s")
    print(f"load average at the end {load()}")
    return max(code for _, code, _ in done)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
