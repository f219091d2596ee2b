"""Time one training step of a batch-normalized ReLU MLP (depth 30, width 100, batch 64, float32), initviz
against PyTorch's identical net (Linear without bias → BatchNorm1d → ReLU, a biased linear head, SGD).

Run: python benchmarks/bn_step.py
Both run on one thread (initviz.train's BLAS setting), timed side by side in alternating blocks
(``trainer_step._interleaved_median_ms``); each figure is the median over the blocks. Also timed:
the residual net (no normalization) and an Adam step of the plain net. The target is the issue's:
a BN step ≤ 0.6× PyTorch's. torch is optional: without it only initviz's figures are printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trainer_step as ts  # noqa: E402

import initviz as iv  # noqa: E402

DEPTH = 30


def _initviz(depth, optimizer="sgd", **kw):
    data = iv.load_digits()
    net = iv.MLP([ts.N_IN] + [ts.WIDTH] * depth + [ts.N_OUT], "relu", "he_normal", rng=0, **kw)
    x, y = data.x_train[: ts.BATCH], data.y_train[: ts.BATCH]
    lr = 1e-3 if optimizer == "adam" else 0.01
    return lambda: net._step(x, y, lr, 0.0, optimizer)  # what train() calls


def _torch(depth, threads, *, norm=False, optimizer="sgd"):
    import torch

    torch.set_num_threads(threads)
    layers = []
    for a, b in zip([ts.N_IN] + [ts.WIDTH] * depth, [ts.WIDTH] * depth):
        layers += [torch.nn.Linear(a, b, bias=not norm)] + ([torch.nn.BatchNorm1d(b)] if norm else [])
        layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers, torch.nn.Linear(ts.WIDTH, ts.N_OUT)).train()
    opt = torch.optim.Adam(net.parameters()) if optimizer == "adam" else torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    data = iv.load_digits()
    x, y = torch.from_numpy(data.x_train[: ts.BATCH]), torch.from_numpy(data.y_train[: ts.BATCH])

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(net(x), y).backward()
        opt.step()

    return step


def main():
    from initviz._threads import one_blas_thread

    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
        print("torch not installed: PyTorch comparison skipped (pip install torch)", file=sys.stderr)
    cases = [
        ("batch norm, SGD", dict(norm="batch"), dict(norm=True)),
        ("plain, Adam", dict(optimizer="adam"), dict(optimizer="adam")),
        ("residual, SGD", dict(residual=True, branch_scale="1/sqrt(L)"), None),
    ]
    blocks = ts._steps_per_block(DEPTH)
    print(f"training step, ReLU MLP depth {DEPTH}, width {ts.WIDTH}, batch {ts.BATCH}, float32, 1 thread")
    print(f"{'net':>16} {'initviz ms':>11} {'torch ms':>9} {'ratio':>6} {'target':>7}")
    with one_blas_thread():
        for name, ours, theirs in cases:
            if have_torch and theirs is not None:
                mine, other = ts._interleaved_median_ms([_initviz(DEPTH, **ours), _torch(DEPTH, 1, **theirs)], blocks)
            else:
                mine, other = ts._median_ms(_initviz(DEPTH, **ours), steps=blocks), float("nan")
            ratio = mine / other
            target = "<=0.60" if name.startswith("batch") else "—"
            verdict = ("ok" if ratio <= 0.6 else "MISSED") if target != "—" and ratio == ratio else ""
            print(f"{name:>16} {mine:>11.3f} {other:>9.3f} {ratio:>6.2f} {target:>7}  {verdict}")


if __name__ == "__main__":
    main()
