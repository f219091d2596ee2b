"""Notebook 02's panel: median redraw time against the naive "new pyplot figure + ax.hist per layer" version.

Run: python benchmarks/gaussian_panel.py [depth] [width]     (defaults: 10 layers of 100 units)

Both are timed with time.perf_counter on the same 10 control changes, interleaved so that
both see the same machine load; the report gives the medians and their ratio.
"""

from __future__ import annotations

import io
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the naive baseline only)
import numpy as np  # noqa: E402

import initviz as iv  # noqa: E402
from initviz.widgets import gaussian_panel  # noqa: E402

SETTINGS = [
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


def naive(std, activation, depth, width):
    trace = iv.propagate(("normal", {"std": std}), activation, depth=depth, width=width)
    acts, grads = iv.layer_stats(trace.activations, activation), iv.layer_stats(trace.grad_activations)
    shown = np.unique(np.linspace(1, depth, min(5, depth)).round().astype(int))
    fig, axes = plt.subplots(2, 5, figsize=(12, 5.8), layout="constrained", dpi=72)
    for ax, k in zip(axes[0], shown):
        ax.hist(trace.activations[k - 1].ravel(), 40)
        ax.set_title(f"layer {k}")
    layers = np.arange(1, depth + 1)
    axes[1, 0].semilogy(layers, acts.std, "o-")
    axes[1, 1].semilogy(layers, grads.std, "o-")
    axes[1, 2].plot(layers, acts.saturated)
    fig.savefig(io.BytesIO(), format="png", dpi=72)
    plt.close(fig)


def main(depth=10, width=100):
    panel = gaussian_panel(std=SETTINGS[0][0], activation=SETTINGS[0][1], depth=depth, width=width)
    naive(*SETTINGS[0], depth, width)  # warm-up: fonts, caches
    times = {"panel": [], "naive": []}
    for std, activation in SETTINGS[1:]:
        start = time.perf_counter()
        panel.update(std=std, activation=activation)
        times["panel"].append(time.perf_counter() - start)
        start = time.perf_counter()
        naive(std, activation, depth, width)
        times["naive"].append(time.perf_counter() - start)
    panel_ms, naive_ms = (statistics.median(times[k]) * 1e3 for k in ("panel", "naive"))
    print(
        f"depth {depth}, width {width}: panel {panel_ms:.0f} ms, naive {naive_ms:.0f} ms (medians of "
        f"{len(SETTINGS) - 1} updates), ratio {panel_ms / naive_ms:.2f}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
