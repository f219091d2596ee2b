"""Notebook 07's numbers: the stored cures grid, its tables, and the measurements at init the notebook explains.

The lesson module ``initviz.lessons.cures`` draws these and re-exports them for the notebook. The grid is stored
in ``initviz/results/cures.json``, made by ``python -m initviz.experiment --grid cures --out out/`` (its
``results.json``); :func:`stored_records` reads it. Tables are markdown strings, like
:func:`initviz.experiment.markdown_table`.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np

from ..data import load_digits
from ..init import init_label, weight_variance
from ..mlp import MLP
from ..probe import probe
from ..stats import layer_stats
from ..verdict import judge
from . import INITS, TREATMENTS, cures_grid, summarize

__all__ = [
    "STORED",
    "LIVE",
    "stored_records",
    "accuracy",
    "cell_table",
    "robustness_table",
    "init_table",
    "bn_relative_steps",
    "stream_profile",
    "stream_theory",
    "scale_invariance",
    "live_configs",
    "compare_live",
]

LN10 = math.log(10)


STORED = "cures.json"
"""The stored grid, in ``initviz/results/``: ``python -m initviz.experiment --grid cures --out out/`` wrote it."""


def stored_records():
    """The records of the full grid (``initviz/results/cures.json``): 6 inits × 7 cures × 2 cells × 3 seeds."""
    text = resources.files("initviz").joinpath("results", STORED).read_text()
    return json.loads(text)


def _rows(records, activation, depth):
    return [r for r in summarize(records) if r["activation"] == activation and r["depth"] == depth]


def accuracy(records, init, treatment, activation="relu", depth=30):
    """The summary row (mean, std, runs, diverged, ...) of one cell of the grid."""
    for row in _rows(records, activation, depth):
        if row["base_init"] == init and row["treatment"] == treatment:
            return row
    raise KeyError(f"no runs for init {init!r}, cure {treatment!r}, {activation} depth {depth}")


def _treatments(records):
    seen = []
    for r in records:
        if r.get("treatment", "plain") not in seen:
            seen.append(r.get("treatment", "plain"))
    return [t for t in TREATMENTS if t in seen] + [t for t in seen if t not in TREATMENTS]


def _inits(records):
    seen = {r.get("base_init", r["init"]) for r in records}
    return [i for i in INITS if i in seen] + sorted(seen - set(INITS))


def cell_table(records, activation="relu", depth=30, *, inits=None, cures=None, spread=False):
    """A markdown table: one row per init, one column per cure, mean test accuracy (and divergences).

    ``inits`` and ``cures`` pick rows and columns; ``spread`` adds ± the std over seeds.
    """
    cures = list(cures or _treatments(records))
    lines = ["| init | " + " | ".join(cures) + " |", "|---|" + "---:|" * len(cures)]
    for init in inits or _inits(records):
        cells = []
        for cure in cures:
            try:
                row = accuracy(records, init, cure, activation, depth)
            except KeyError:
                cells.append("—")
                continue
            text = f"{100 * row['mean']:.1f}%" + (f" ± {100 * row['std']:.1f}" if spread else "")
            if row["diverged"]:
                text = (
                    "diverged" if row["diverged"] == row["runs"] else f"{text} ({row['diverged']}/{row['runs']} div.)"
                )
            cells.append(text)
        lines.append(f"| {init_label(init)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def stream_profile(init="he_normal", *, depth=30, width=100, branch_scale=None, n_samples=512, seed=0):
    """Std of a residual net's stream after each block at init, on standard-normal inputs, and its verdict."""
    net = MLP([width] * (depth + 1) + [10], "relu", init, residual=True, branch_scale=branch_scale, rng=seed)
    x = np.random.default_rng(seed).standard_normal((n_samples, width))
    streams = net.trace(x).streams
    stats = layer_stats(streams)
    return stats.std, judge(stats.std, finite=stats.finite)


def scale_invariance(scales=(0.01, 0.1, 1.0, 10.0, 100.0), *, depth=10, width=100, seed=0):
    """Scale every weight of a batch-normalized net's hidden layers by c: the loss stays, the step lr·‖∇W‖/‖W‖
    falls like 1/c². Returns ``(scales, losses, log10 ratios of the middle hidden layer at lr 0.01)``."""
    data = load_digits()
    x, y = data.x_train[:256], data.y_train[:256]
    losses, ratios = [], []
    for c in scales:
        net = MLP([data.n_features] + [width] * depth + [data.n_classes], "relu", "he_normal", norm="batch", rng=seed)
        for W in net.weights[:-1]:
            W *= c
        trace = net.trace(x, y)
        losses.append(trace.loss)
        g, W = trace.grad_weights[depth // 2], net.weights[depth // 2]
        ratios.append(math.log10(0.01 * _norm(g) / _norm(W)))
    return np.array(scales, float), np.array(losses), np.array(ratios)


def stream_theory(init, depth, width, scale):
    """Var(t_l)/Var(t_1) predicted for a wide net: each block multiplies it by 1 + α²·σ_w²/2 (t symmetric)."""
    blocks = depth - 1
    sigma_w2 = width * weight_variance(init, (width, width))
    alpha = {"1": 1.0, "1/sqrt(L)": 1 / math.sqrt(max(blocks, 1)), "zero": 0.0}.get(scale)
    alpha = float(scale) if alpha is None else alpha
    return (1 + alpha**2 * sigma_w2 / 2) ** np.arange(depth)


def robustness_table(records, activation="relu", depth=30, good=0.85):
    """Per cure: how many of the inits reach ``good`` test accuracy, the ones that do not, and the best."""
    rows = _rows(records, activation, depth)
    lines = [
        f"| cure | inits ≥ {good:.0%} (of {len(_inits(records))}) | the others | best |",
        "|---|---:|---|---|",
    ]

    def show(r):
        state = "diverged" if r["diverged"] == r["runs"] else f"{100 * r['mean']:.0f}%"
        return f"{init_label(r['base_init'])} {state}"

    for cure in _treatments(records):
        mine = [r for r in rows if r["treatment"] == cure]
        if not mine:
            continue
        reached = [r for r in mine if r["mean"] >= good and r["diverged"] < r["runs"]]
        others = ", ".join(show(r) for r in mine if r not in reached) or "—"
        best = max(mine, key=lambda r: r["mean"])
        lines.append(f"| {cure} | {len(reached)} | {others} | {show(best)} |")
    return "\n".join(lines) + "\n"


def init_table(inits=INITS, *, depth=30, width=100):
    """Per init, for a plain ReLU net of ``depth``: the verdict at init (``initviz.probe``), the initial loss on 256
    training digits (against ln 10), and the RMS size of one weight's gradient over the hidden layers."""
    data = load_digits()
    x, y = data.x_train[:256], data.y_train[:256]
    lines = [
        f"| init | forward at init (`iv.probe`) | initial loss (ln 10 = {LN10:.3f}) | "
        "RMS gradient of one weight, hidden layers |",
        "|---|---|---:|---:|",
    ]
    for init in inits:
        verdict = probe(init, "relu", depth=depth, width=width).forward_verdict
        net = MLP([data.n_features] + [width] * depth + [data.n_classes], "relu", init, rng=0)
        trace = net.trace(x, y)
        rms = [_norm(g) / math.sqrt(g.size) for g in trace.grad_weights[:-1]]
        spread = "0 (exactly)" if max(rms) == 0 else f"{min(rms):.1e} … {max(rms):.1e}"
        lines.append(f"| {init_label(init)} | {verdict} | {trace.loss:.4g} | {spread} |")
    return "\n".join(lines) + "\n"


def bn_relative_steps(inits=INITS, *, depth=30, width=100, lr=0.01):
    """Per init, a batch-normalized ReLU net's log₁₀ lr·‖∇W‖/‖W‖ at init (mean over the hidden layers), and ‖W‖."""
    data = load_digits()
    x, y = data.x_train[:256], data.y_train[:256]
    out = {}
    for init in inits:
        net = MLP([data.n_features] + [width] * depth + [data.n_classes], "relu", init, norm="batch", rng=0)
        trace = net.trace(x, y)
        with np.errstate(all="ignore"):
            ratios = [
                math.log10(lr * _norm(g) / _norm(w)) if _norm(w) > 0 and _norm(g) > 0 else float("nan")
                for g, w in zip(trace.grad_weights[1:-1], net.weights[1:-1])
            ]
        out[init] = (float(np.mean(ratios)), _norm(net.weights[depth // 2]))
    return out


def _norm(a):
    """The Frobenius norm in float64 (a float32 gradient of 10²⁶ would overflow when squared)."""
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))


LIVE = (
    ("xavier_normal", "plain"),
    ("xavier_normal", "batchnorm"),
    ("normal:std=1", "batchnorm"),
    ("xavier_normal", "Adam"),
    ("normal:std=0.01", "LSUV"),
)
"""The cells the notebook reruns live (seed 0, the full 2000 steps), to compare with the stored grid."""


def live_configs(cells=LIVE, seed=0):
    """The :class:`initviz.experiment.Config` of each (init, cure) cell of the ReLU depth-30 grid, for one seed."""
    found = []
    for init, cure in cells:
        grid = cures_grid(inits=(init,), treatments=(cure,), cells=(("relu", 30),), seeds=seed + 1)
        found.append(grid[seed])
    return found


def compare_live(results, records):
    """A markdown table: each live run's test accuracy next to the stored run of the same seed, and the stored mean."""
    lines = ["| init | cure | live run | stored, same seed | stored, mean of seeds |", "|---|---|---:|---:|---:|"]
    for result in results:
        r = result.record
        same = [
            s
            for s in records
            if s["init"] == r["init"]
            and s["treatment"] == r["treatment"]
            and s["seed"] == r["seed"]
            and s["activation"] == r["activation"]
            and s["depth"] == r["depth"]
        ]
        row = accuracy(records, r["base_init"], r["treatment"], r["activation"], r["depth"])

        def show(rec):
            return "diverged" if rec["diverged"] else f"{100 * rec['test_accuracy']:.1f}%"

        stored = show(same[0]) if same else "—"
        lines.append(
            f"| {init_label(r['base_init'])} | {r['treatment']} | {show(r)} | {stored} | {100 * row['mean']:.1f}% |"
        )
    return "\n".join(lines) + "\n"
