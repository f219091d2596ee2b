"""Time one SGD step of a ReLU MLP (100 units per layer, batch 64, float32), initviz against PyTorch.

Run: python benchmarks/trainer_step.py
initviz is timed on the path ``initviz.train`` takes (``MLP._step`` on one BLAS thread, see
initviz/_threads.py), so PyTorch gets one thread too: both use the same thread count.
The two are timed in alternating blocks of steps (the
machine's speed drifts by more than the differences measured) and each figure is the
median over the blocks.
torch is optional: without it only initviz's figures are printed.
"""

from __future__ import annotations

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


def _interleaved_median_ms(fns, steps, repeats=25, warmup=5):
    """Median ms per call of each of ``fns``, timed in alternating blocks of ``steps`` calls.

    The machine's speed drifts (other load, clock changes) by more than the differences
    measured here, so the candidates take turns rather than run one after the other; the
    few untimed calls before each block let that library's thread pool wake up again after
    the other one has been running.
    """
    for fn in fns:
        fn()  # allocate buffers
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            for _ in range(warmup):
                fn()
            t0 = time.perf_counter()
            for _ in range(steps):
                fn()
            ts.append((time.perf_counter() - t0) / steps * 1e3)
    return [statistics.median(ts) for ts in times]


def _initviz_step(depth):
    data = iv.load_digits()
    net = iv.MLP([N_IN] + [WIDTH] * depth + [N_OUT], "relu", "he_normal", rng=0)
    x, y = data.x_train[:BATCH], data.y_train[:BATCH]
    return lambda: net._step(x, y, 0.01, 0.0)  # what train() calls, without the per-call argument checks


def _torch_step(depth, threads):
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

    return step


def initviz_step_ms(depth):
    return _median_ms(_initviz_step(depth))


def torch_step_ms(depth, threads):
    return _median_ms(_torch_step(depth, threads))


def _steps_per_block(depth):
    return max(10, 300 // depth)  # ~10-20 ms per block


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
    from initviz._threads import one_blas_thread

    threads = 1  # train() runs on one BLAS thread; torch gets the same
    with one_blas_thread():
        return _main(print_table, threads)


def _main(print_table, threads):
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
        print("torch not installed: PyTorch comparison skipped (pip install torch)", file=sys.stderr)
    rows = []
    peak = matmul_gflops()
    for depth in (5, 30):
        if have_torch:  # measured side by side, see _interleaved_median_ms
            ours, theirs = _interleaved_median_ms(
                [_initviz_step(depth), _torch_step(depth, threads)], steps=_steps_per_block(depth)
            )
        else:
            ours, theirs = _median_ms(_initviz_step(depth)), float("nan")
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
