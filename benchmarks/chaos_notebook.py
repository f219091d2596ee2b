"""Notebook 06's budget: its run time and peak kernel memory, its slowest cells, and the panel's update time.

Run: python benchmarks/chaos_notebook.py [--repeats 2] [--skip-notebook]

Targets (from the issue; printed, never asserted): the notebook runs top to bottom in <= 150 s on the 2-core
CI machine with its kernel under 1 GiB, and a panel update takes <= 250 ms. The notebook is executed as an
in-memory copy (the stored one is not touched) with one extra cell that reports the kernel's peak resident
memory (VmHWM, Linux only). The panel is timed kernel-side, compute + PNG, as ``Panel.update`` does it; a
background redraw (an axis limit or the activation changed) is counted separately.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_edge_of_chaos.ipynb"
PEAK = (
    "import json as _json\n"
    "_hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "print(_json.dumps({'self_kib': int(_hwm)}))"
)


def run_notebook():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    start = time.perf_counter()
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.record_timing = True
    client.execute()
    seconds = time.perf_counter() - start
    peak = json.loads(nb.cells[-1].outputs[0]["text"])["self_kib"] / 1024
    cells = []
    for i, cell in enumerate(nb.cells[:-1]):
        timing = cell.metadata.get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in timing:
            begin = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cells.append(((end - begin).total_seconds(), i, cell.source.splitlines()[0][:60]))
    return seconds, peak, sorted(cells, reverse=True)


def time_panel(repeats=3):
    import matplotlib

    matplotlib.use("Agg")
    from initviz.lessons import chaos as lesson

    panel = lesson.panel()
    sweep = [{"sigma_w2": round(10 ** (k / 20), 3)} for k in range(-12, 41, 2)]  # slider steps, 0.25 → 100
    sweep += [{"sigma_b2": b / 100} for b in range(0, 51, 5)]
    sweep += [{"activation": a} for a in ("relu", "tanh")]
    fresh, repeat, redraws = [], [], 0
    for lap in range(repeats):
        for settings in sweep:
            before = panel.view.fast.redraws
            start = time.perf_counter()
            panel.update(**settings)
            took = 1000 * (time.perf_counter() - start)
            if panel.view.fast.redraws > before:
                redraws += 1
            (fresh if lap == 0 else repeat).append(took)
    default = []
    for _ in range(20):
        start = time.perf_counter()
        panel.update(sigma_w2=1.0, sigma_b2=0.05, activation="tanh")
        default.append(1000 * (time.perf_counter() - start))
    return {
        "default_median_ms": statistics.median(default),
        "first_visit_median_ms": statistics.median(fresh),
        "first_visit_max_ms": max(fresh),
        "revisit_median_ms": statistics.median(repeat) if repeat else float("nan"),
        "updates": len(fresh) + len(repeat),
        "background_redraws": redraws,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="laps of the panel sweep (default 2)")
    parser.add_argument("--skip-notebook", action="store_true", help="time the panel only")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} (the timings scale with it)")
    if not args.skip_notebook:
        seconds, peak, cells = run_notebook()
        print(f"notebook 06: {seconds:.1f} s top to bottom (target <= 150 s), kernel peak {peak:.0f} MiB (< 1024)")
        print("slowest cells:")
        for took, i, first in cells[:6]:
            print(f"  cell {i:2d}: {took:6.1f} s   {first}")
    panel = time_panel(args.repeats)
    print(
        f"panel update (compute + PNG): default view median {panel['default_median_ms']:.0f} ms; "
        f"slider sweep first visit median {panel['first_visit_median_ms']:.0f} ms, "
        f"max {panel['first_visit_max_ms']:.0f} ms; revisits median {panel['revisit_median_ms']:.0f} ms "
        f"(target <= 250 ms); {panel['background_redraws']} of {panel['updates']} updates redrew the background"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
