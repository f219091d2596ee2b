"""Time one SGD step of a ReLU MLP (100 units per layer, batch 64, float32), initviz against PyTorch.

Run: python benchmarks/trainer_step.py
Both use the same thread count; each figure is the median of several repeats.
torch is optional: without it only initviz's figures are printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

import initviz as iv

WIDTH, BATCH, N_IN, N_OUT = 100, 64, 64, 10


def _median_ms(fn, steps=300, repeats=7):
    fn()  # warm up buffers and caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        times.append((time.perf_counter() - t0) / steps * 1e3)
    return statistics.median(times)


def initviz_step_ms(depth):
    data = iv.load_digits()
    net = iv.MLP([N_IN] + [WIDTH] * depth + [N_OUT], "relu", "he_normal", rng=0)
    x, y = data.x_train[:BATCH], data.y_train[:BATCH]
    return _median_ms(lambda: net.step(x, y, 0.01))


def torch_step_ms(depth, threads):
    import torch

    torch.set_num_threads(threads)
    layers = []
    for a, b in zip([N_IN] + [WIDTH] * depth, [WIDTH] * depth):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers, torch.nn.Linear(WIDTH, N_OUT))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    data = iv.load_digits()
    x, y = torch.from_numpy(data.x_train[:BATCH]), torch.from_numpy(data.y_train[:BATCH])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    return _median_ms(step)


def step_gflops(depth, ms):
    sizes = [N_IN] + [WIDTH] * depth + [N_OUT]
    flops = sum(3 * 2 * BATCH * a * b for a, b in zip(sizes[:-1], sizes[1:]))  # forward + two backward matmuls
    return flops / (ms * 1e-3) / 1e9


def matmul_gflops():
    a = np.ones((BATCH, WIDTH), np.float32)
    b = np.ones((WIDTH, WIDTH), np.float32)
    out = np.empty((BATCH, WIDTH), np.float32)
    ms = _median_ms(lambda: np.matmul(a, b, out=out), steps=3000)
    return 2 * BATCH * WIDTH * WIDTH / (ms * 1e-3) / 1e9


def main(print_table=True):
    try:
        from threadpoolctl import threadpool_info

        threads = max(int(p.get("num_threads", 1)) for p in threadpool_info()) if threadpool_info() else 1
    except ImportError:
        threads = os.cpu_count() or 1
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
        print("torch not installed: PyTorch comparison skipped (pip install torch)", file=sys.stderr)
    rows = []
    peak = matmul_gflops()
    for depth in (5, 30):
        ours = initviz_step_ms(depth)
        theirs = torch_step_ms(depth, threads) if have_torch else float("nan")
        rows.append((depth, ours, theirs, ours / theirs, step_gflops(depth, ours)))
    if not print_table:
        return rows
    print(f"trainer step, ReLU MLP width {WIDTH}, batch {BATCH}, float32, {threads} thread(s)")
    print(
        f"{'depth':>5} {'initviz ms':>11} {'torch ms':>9} {'ratio':>6} {'target':>7} "
        f"{'GFLOP/s':>8} {'matmul GFLOP/s':>15}"
    )
    for depth, ours, theirs, ratio, gf in rows:
        ok = "ok" if ratio <= 0.6 else ("n/a" if np.isnan(ratio) else "MISSED")
        print(f"{depth:>5} {ours:>11.3f} {theirs:>9.3f} {ratio:>6.2f} {'<=0.60':>7} {gf:>8.1f} {peak:>15.1f}  {ok}")
    return rows


if __name__ == "__main__":
    main()
