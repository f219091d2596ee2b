"""The trainer on the numpy versions people have: numpy 1.26 against 2.x, side by side in one run.

    python benchmarks/numpy_versions.py PYTHON [PYTHON ...] [--repeats 3] [--unset-openblas-env]

Each PYTHON is an interpreter of a venv with initviz installed (e.g. one with numpy 1.26.4 and this one).
For each it prints numpy's and OpenBLAS's versions and kernel (threadpoolctl), then, alternating the
interpreters so that a busy machine hurts them alike:

- the SGD step (``MLP._step`` on one BLAS thread, as ``train()`` runs it) at depth 5 and 30, median ms;
- the four matrix products one depth-30 step is made of, median µs each;
- notebook 05's grid of training runs in one process (the six inits × 4 cells, 1 seed, 500 steps), in s,
  and the slowest cell, which is where float32 subnormals (signals near 1e-38) cost the most.

``--unset-openblas-env`` removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the child processes only
(machines of this kind may set them; the tests and CI leave them as they are).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_info
import initviz as iv
from initviz import experiment
from initviz._threads import one_blas_thread

what = sys.argv[1]
out = {"numpy": np.__version__}
blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
out["openblas"] = [f"{i['prefix']} {i['version']} ({i.get('architecture')})" for i in blas]
rng = np.random.default_rng(0)

def step_ms(depth, repeats=400):
    net = iv.MLP([64] + [100] * depth + [10], "relu", "he_normal", rng=0)
    x = rng.standard_normal((64, 64)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    with one_blas_thread():
        for _ in range(20):
            net._step(x, y, 1e-4, 0.0)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            net._step(x, y, 1e-4, 0.0)
            times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))

def product_us(a_shape, b_shape, repeats=2000):
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    c = np.empty((a_shape[0], b_shape[1]), np.float32)
    with one_blas_thread():
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            np.dot(a, b, out=c)
            times.append(time.perf_counter() - t)
    return 1e6 * float(np.median(times))

if what == "step":
    out["step_ms"] = {"5": step_ms(5), "30": step_ms(30)}
    out["products_us"] = {
        "h @ W (64x100 @ 100x100)": product_us((64, 100), (100, 100)),
        "h.T @ g (100x64 @ 64x100)": product_us((100, 64), (64, 100)),
        "g @ W.T (64x100 @ 100x100)": product_us((64, 100), (100, 100)),
        "ones @ g (1x64 @ 64x100)": product_us((1, 64), (64, 100)),
    }
else:
    configs = experiment.design_grid(seeds=1, steps=500)
    cells = {}
    t = time.perf_counter()
    for config in configs:
        r = experiment.run(config)
        cells[f"{config.init} {config.activation} {config.depth}"] = r.history.seconds
    out["grid_s"] = time.perf_counter() - t
    slowest = max(cells, key=cells.get)
    out["slowest"] = [slowest, cells[slowest], float(np.median(list(cells.values())))]
print(json.dumps(out))
"""


def run(python, what, env):
    done = subprocess.run([python, "-c", CHILD, what], capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{python} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pythons", nargs="+", metavar="PYTHON", help="interpreters of venvs with initviz installed")
    parser.add_argument("--repeats", type=int, default=3, help="alternating rounds per measurement (default 3)")
    parser.add_argument("--unset-openblas-env", action="store_true", help="unset OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    seen = {k: env.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    print(f"environment: {seen}" + ("; unset for the children" if args.unset_openblas_env else ""))
    if args.unset_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    results = {p: {"step": [], "grid": []} for p in args.pythons}
    for _ in range(args.repeats):  # alternate the interpreters, so load drifts hit them alike
        for python in args.pythons:
            results[python]["step"].append(run(python, "step", env))
    for python in args.pythons:
        results[python]["grid"].append(run(python, "grid", env))
    base = None
    for python, r in results.items():
        first = r["step"][0]
        step5 = statistics.median(s["step_ms"]["5"] for s in r["step"])
        step30 = statistics.median(s["step_ms"]["30"] for s in r["step"])
        grid = r["grid"][0]
        base = base or (step30, grid["grid_s"])
        print(f"\n{python}\n  numpy {first['numpy']}; BLAS: {'; '.join(first['openblas'])}")
        print(f"  SGD step: depth 5 {step5:.3f} ms, depth 30 {step30:.3f} ms (×{step30 / base[0]:.2f} of the first)")
        for name in first["products_us"]:
            us = statistics.median(s["products_us"][name] for s in r["step"])
            print(f"    {name:28s} {us:7.1f} µs")
        slowest, seconds, median = grid["slowest"]
        print(
            f"  notebook 05's grid, one process, 500 steps: {grid['grid_s']:.1f} s (×{grid['grid_s'] / base[1]:.2f});"
            f" slowest run {slowest}: {seconds:.2f} s against a median run of {median:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
