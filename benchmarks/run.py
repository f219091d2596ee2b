"""All of initviz's speed and memory figures, with their targets: ``python benchmarks/run.py``.

1. Panel update latency: control change → finished PNG, for the gaussian panel (5 layers ×
   100 units × 1000 samples) and the Xavier panel, against the naive approach (new
   ``plt.subplots`` + ``ax.hist`` per panel on every change), measured side by side.
2. Trainer step against PyTorch (see trainer_step.py).
3. Notebook suite wall time, and 4. each kernel's peak memory (see notebook_suite.py).

Each figure is the median of several repeats. ``--quick`` skips the notebooks.
No timing is asserted anywhere; this script prints, and says which targets are met.
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the naive baseline only)
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_suite  # noqa: E402
import trainer_step  # noqa: E402

import initviz as iv  # noqa: E402
from initviz.widgets import gaussian_panel, xavier_panel  # noqa: E402

GAUSSIAN_CHANGES = [
    (0.1, "sigmoid"),
    (1.0, "tanh"),
    (0.05, "relu"),
    (10.0, "sigmoid"),
    (0.3, "tanh"),
    (0.14, "relu"),
    (0.02, "sigmoid"),
    (3.0, "tanh"),
    (1.0, "relu"),
    (0.1, "tanh"),
    (0.5, "sigmoid"),
]
XAVIER_CHANGES = [
    ("tanh", "uniform"),
    ("relu", "normal"),
    ("sigmoid", "uniform"),
    ("tanh", "normal"),
    ("relu", "uniform"),
    ("linear", "normal"),
    ("tanh", "uniform"),
    ("sigmoid", "normal"),
    ("relu", "uniform"),
    ("tanh", "normal"),
    ("leaky_relu", "uniform"),
]


def _naive_gaussian(std, activation, depth=5, width=100):
    trace = iv.propagate(f"normal:std={std}", activation, depth=depth, width=width)
    acts, grads = iv.layer_stats(trace.activations, activation), iv.layer_stats(trace.grad_activations)
    fig, axes = plt.subplots(2, 5, figsize=(12, 5.8), layout="constrained", dpi=72)
    for ax, h in zip(axes[0], trace.activations):
        ax.hist(h.ravel(), 40)
    layers = np.arange(1, depth + 1)
    axes[1, 0].semilogy(layers, acts.std, "o-")
    axes[1, 1].semilogy(layers, grads.std, "o-")
    axes[1, 2].plot(layers, acts.saturated)
    fig.savefig(io.BytesIO(), format="png", dpi=72)
    plt.close(fig)


def _naive_xavier(activation, distribution, fan_in=100, fan_out=300, depth=20):
    name = f"xavier_{distribution}"
    w = iv.initialize(name, (fan_in, fan_out), rng=0)
    widths = [fan_in if i % 2 == 0 else fan_out for i in range(depth + 1)]
    net = iv.MLP.from_weights(
        [iv.initialize(name, (a, b), rng=i) for i, (a, b) in enumerate(zip(widths, widths[1:]))],
        activation=activation,
        linear_head=False,
    )
    trace = net.trace(np.random.default_rng(0).standard_normal((500, fan_in)))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), layout="constrained", dpi=80)
    axes[0].hist(w.ravel(), 50, density=True)
    axes[1].semilogy(range(1, depth + 1), [h.std() for h in trace.activations], "o-")
    axes[2].semilogy(range(1, depth + 1), [g.std() for g in trace.grad_activations], "o-")
    fig.savefig(io.BytesIO(), format="png", dpi=80)
    plt.close(fig)


def _side_by_side(panel_update, naive, changes):
    panel_update(*changes[0])
    naive(*changes[0])  # warm up fonts and caches for both
    ours, theirs = [], []
    for change in changes[1:]:
        start = time.perf_counter()
        panel_update(*change)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        naive(*change)
        theirs.append(time.perf_counter() - start)
    return statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3


def panel_latency():
    gaussian = gaussian_panel(depth=5, width=100)
    xavier = xavier_panel()
    return {
        "gaussian": _side_by_side(lambda s, a: gaussian.update(std=s, activation=a), _naive_gaussian, GAUSSIAN_CHANGES),
        "xavier": _side_by_side(
            lambda a, d: xavier.update(activation=a, distribution=d), _naive_xavier, XAVIER_CHANGES
        ),
    }


def main(argv):
    quick = "--quick" in argv
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    rows = []
    for name, (ours, theirs) in panel_latency().items():
        ratio = ours / theirs
        rows.append(
            (
                f"panel update, {name}",
                f"{ours:.0f} ms vs naive {theirs:.0f} ms",
                f"{ratio:.2f}",
                "<= 0.25x naive",
                ratio <= 0.25,
            )
        )
    for depth, ours, theirs, ratio, gflops in trainer_step.main(print_table=False):
        rows.append(
            (
                f"SGD step, depth {depth}",
                f"{ours:.3f} ms vs torch {theirs:.3f} ms ({gflops:.0f} GFLOP/s)",
                f"{ratio:.2f}",
                "<= 0.6x torch",
                None if np.isnan(ratio) else ratio <= 0.6,
            )
        )
    if not quick:
        timings = notebook_suite.main([])
        total = sum(seconds for _, seconds, _, _ in timings)
        rows.append(("notebooks, all six", f"{total:.0f} s", "", "<= 180 s", total <= 180))
        for name, seconds, rss, children in timings:
            if name.startswith("05"):
                rows.append((f"notebook {name}", f"{seconds:.0f} s", "", "<= 120 s", seconds <= 120))
            peak = max(rss, children)
            rows.append((f"peak memory {name}", f"{peak:.0f} MiB", "", "< 1024 MiB", peak < 1024))
    print(f"\n{'figure':34s} {'measured':48s} {'ratio':>6s}  {'target':16s} met")
    for figure, measured, ratio, target, met in rows:
        verdict = "n/a" if met is None else ("yes" if met else "NO")
        print(f"{figure:34s} {measured:48s} {ratio:>6s}  {target:16s} {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
