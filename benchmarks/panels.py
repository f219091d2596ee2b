"""Kernel-side speed of every lesson panel: ``panel.update()`` (compute + PNG bytes), new code vs the first edition.

Run: python benchmarks/panels.py [--rounds 5] [--only constant gaussian ...]

The first edition is commit 33849d3 (its panels: ``initviz.widgets.constant_panel(data)``,
``gaussian_panel()``, ``xavier_panel()``, ``he_panel()``). It is extracted from git into a temporary folder
(``git archive 33849d3 initviz``) and imported from there by a worker subprocess; the new code runs in a
second worker. The parent sends both workers the same settings and alternates them block by block, so
machine load hits both alike: each ratio is measured side by side, the absolute figures are not.

For each panel of notebooks 01–04 (06 and 07: new code only, for information):
- ``default``: ``update()`` at the panel's default settings, after two warm-up calls;
- a dozen steps of its main control from the defaults (01: SGD steps shown; 02: the weight std;
  03: the fan_out slider (each block at a fan_in of its own, so its widths are new), the activation and
  the distribution; 04: the leaky-ReLU slope with leaky ReLU, the init toggle);
- the settings that redraw on release (depth, width, the constant's value), each time at a value not
  seen before, so no cache helps.

A time is from the call of ``panel.update`` until its image is handed to the widget (``panel.sent``);
after a new background the panel then measures where its parts lie, so that the next change can redraw
only its own parts, and that time is printed beside ("then up to … ms"). 03's view keeps what it measured
for each setting: its default row (the same settings again) is a redraw, its fan_out walk is not.

Targets (issue 14; printed, never asserted): an update at the default settings and each step of the main
control ≤ 40 ms median and ≤ 0.25× the first edition's; an on-release redraw ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_EDITION = "33849d3"
UPDATE_TARGET_MS, RATIO_TARGET, RELEASE_TARGET_MS = 40.0, 0.25, 300.0
STEPS = 12

OLD_PANELS = {  # lesson → the first edition's panel maker in initviz.widgets
    "constant": "constant_panel",
    "gaussian": "gaussian_panel",
    "xavier": "xavier_panel",
    "he": "he_panel",
}
NOTEBOOK = {"constant": "01", "gaussian": "02", "xavier": "03", "he": "04", "chaos": "06", "cures": "07"}


def _fresh(values, block, per_block):
    """``per_block`` values for ``block``: every block gets values no earlier block used (no cache helps)."""
    chosen = values[block * per_block : (block + 1) * per_block]
    if len(chosen) < per_block:
        raise ValueError("too many rounds for the fresh values on offer; use fewer --rounds")
    return chosen


def _depths(first, then, block):
    """Three depths no earlier block used: ``first`` (deeper than the default), then ``then``."""
    return [{"depth": d} for d in _fresh([*first, *then], block, 3)]


def _alternate(name, a, b):
    return [{name: (a, b)[k % 2]} for k in range(STEPS)]


FANS_WALK = [200, 100, 50, 20, 10, 20, 50, 100, 200, 300, 500, 300]
FAN_INS = [100, 50, 200, 20, 300, 10, 500]  # one per block: its walk's widths are new to the panel's caches
ACTIVATION_WALK = ["sigmoid", "relu", "leaky_relu", "linear", "tanh"] * 2 + ["sigmoid", "tanh"]


def scenarios(lesson, block):
    """``(name, kind, [settings, ...])`` for one block; kind is "update" (≤ 40 ms) or "release" (≤ 300 ms)."""
    default = ("default settings", "update", [{}] * STEPS)
    if lesson == "constant":
        return [
            default,
            ("SGD steps shown, 12 steps", "update", [{"steps": 300 - 10 * k} for k in range(1, STEPS + 1)]),
            (
                "constant value (on release)",
                "release",
                [{"value": v} for v in _fresh([round(0.15 + 0.05 * k, 2) for k in range(36)], block, 3)],
            ),
        ]
    if lesson == "gaussian":
        return [
            default,
            ("weight std, 12 steps", "update", [{"std": 10 ** (-1 + k / 10)} for k in range(1, STEPS + 1)]),
            ("depth (on release)", "release", _depths(range(11, 51), (), block)),
            ("width (on release)", "release", [{"width": w} for w in _fresh(list(range(110, 501, 10)), block, 3)]),
        ]
    if lesson == "xavier":
        return [
            default,
            (
                "fan_out, 12 steps (new widths)",
                "release",
                [{"fan_in": _fresh(FAN_INS, block, 1)[0], "fan_out": f} for f in FANS_WALK],
            ),
            ("activation switch, 12 changes", "update", [{"activation": a} for a in ACTIVATION_WALK]),
            ("distribution toggle, 12 changes", "update", _alternate("distribution", "normal", "uniform")),
            ("depth (on release)", "release", _depths(range(21, 51), range(1, 20), block)),
        ]
    if lesson == "he":
        slope = [{"activation": "leaky_relu", "negative_slope": round(0.1 + 0.01 * k, 2)} for k in range(1, STEPS + 1)]
        return [
            default,
            ("leaky-ReLU slope, 12 steps", "update", slope),
            ("init toggle, 12 changes", "update", _alternate("init", "xavier", "he")),
            ("depth (on release)", "release", _depths(range(31, 51), range(2, 29), block)),
        ]
    if lesson == "chaos":
        return [
            default,
            ("σ_w², 12 steps", "update", [{"sigma_w2": 10 ** (k / 20)} for k in range(1, STEPS + 1)]),
        ]
    if lesson == "cures":
        return [
            default,
            ("branch scale, 12 changes", "update", _alternate("scale", "1/sqrt(L)", "1")),
            ("depth (on release)", "release", _depths(range(31, 51), range(2, 29), block)),
        ]
    raise ValueError(f"no scenarios for lesson {lesson!r}")


# --- the worker: one process per code, builds each panel once and times what it is sent ---


def _make_panel(code, lesson):
    if code == "old":
        widgets = importlib.import_module("initviz.widgets")
        return getattr(widgets, OLD_PANELS[lesson])()
    return importlib.import_module(f"initviz.lessons.{lesson}").panel()


def worker():
    """Read ``{"lesson", "settings"}`` lines on stdin; answer each with the milliseconds of every update."""
    warnings.simplefilter("ignore")
    import initviz

    panels = {}
    print(json.dumps({"ready": initviz.__file__}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        lesson = request["lesson"]
        if lesson not in panels:
            panels[lesson] = _make_panel(request["code"], lesson)
            for _ in range(2):  # warm up: fonts, caches, the first background
                panels[lesson].update()
        panel = panels[lesson]
        fast = getattr(getattr(panel, "view", None), "fast", None)
        draws = (fast.background_draws, fast.part_draws) if fast is not None else (0, 0)
        times, settling = [], []
        for settings in request["settings"]:
            start = time.perf_counter()
            panel.update(**settings)
            end = time.perf_counter()
            sent = getattr(panel, "sent", end)  # new code: the image goes out before the parts are measured
            times.append((sent - start) * 1e3)
            settling.append((end - sent) * 1e3)
        redrawn = None
        if fast is not None:  # full background draws, and partial ones (only the axes that changed)
            redrawn = [fast.background_draws - draws[0], fast.part_draws - draws[1]]
        print(json.dumps({"ms": times, "settle_ms": settling, "backgrounds": redrawn}), flush=True)


class Worker:
    def __init__(self, code, path):
        env = {**os.environ, "PYTHONPATH": str(path), "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
        self.code = code
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),  # not the worktree: ``import initviz`` must find the code asked for
        )
        ready = json.loads(self.process.stdout.readline())
        self.module = ready["ready"]

    def run(self, lesson, settings):
        self.process.stdin.write(json.dumps({"code": self.code, "lesson": lesson, "settings": settings}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.code} worker died on {lesson} {settings[:1]}")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def extract_first_edition(folder):
    """``git archive 33849d3 initviz`` into ``folder``; returns the folder to put first on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", FIRST_EDITION, "initviz"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _verdict(ok):
    return "met" if ok else "MISSED"


def measure(lessons, rounds):
    tmp = Path(tempfile.mkdtemp(prefix="initviz-first-edition-"))
    try:
        old_path = extract_first_edition(tmp)
        workers = {"new": Worker("new", ROOT)}
        if any(lesson in OLD_PANELS for lesson in lessons):
            workers["old"] = Worker("old", old_path)
        print(f"new code: {workers['new'].module}", flush=True)
        if "old" in workers:
            print(f"first edition ({FIRST_EDITION}): {workers['old'].module}", flush=True)
        samples = {}  # (lesson, scenario) → {"new": [...], "old": [...], "kind": ..., "backgrounds": [...]}
        for block in range(rounds):
            for lesson in lessons:
                codes = ["new", "old"] if lesson in OLD_PANELS else ["new"]
                if block % 2:
                    codes.reverse()  # alternate who goes first
                for name, kind, settings in scenarios(lesson, block):
                    entry = samples.setdefault((lesson, name), {"kind": kind, "backgrounds": []})
                    for code in codes:
                        answer = workers[code].run(lesson, settings)
                        entry.setdefault(code, []).extend(answer["ms"])
                        if code == "new":
                            entry["backgrounds"].append(answer["backgrounds"])
                            entry.setdefault("settle", []).extend(answer["settle_ms"])
            print(f"round {block + 1}/{rounds} done, load average {os.getloadavg()[0]:.2f}", flush=True)
        for w in workers.values():
            w.close()
        return samples
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(samples):
    rows = []
    header = f"{'panel · what':44s} {'new':>8s} {'1st ed.':>8s} {'ratio':>6s}  {'target':24s} verdict"
    lines = ["", header, "-" * len(header)]
    for (lesson, name), entry in samples.items():
        new = statistics.median(entry["new"])
        old = statistics.median(entry["old"]) if "old" in entry else float("nan")
        ratio = new / old if "old" in entry else float("nan")
        if entry["kind"] == "update":
            target = f"≤ {UPDATE_TARGET_MS:.0f} ms" + (f", ≤ {RATIO_TARGET}×" if "old" in entry else "")
            ok = new <= UPDATE_TARGET_MS and (ratio <= RATIO_TARGET if "old" in entry else True)
        else:
            target = f"≤ {RELEASE_TARGET_MS:.0f} ms"
            ok = new <= RELEASE_TARGET_MS
        verdict = _verdict(ok) + ("" if "old" in entry else " (new only)")
        counted = [b for b in entry["backgrounds"] if b is not None]
        settle = max(entry.get("settle", [0.0]))
        settled = f"; then up to {settle:.0f} ms measuring parts, after the image went out" if settle >= 1 else ""
        full, partial = sum(b[0] for b in counted), sum(b[1] for b in counted)
        old_text = f"{old:6.1f}ms" if "old" in entry else f"{'—':>8s}"
        ratio_text = f"{ratio:6.2f}" if "old" in entry else f"{'':6s}"
        lines.append(
            f"{NOTEBOOK[lesson] + ' ' + lesson + ' · ' + name:44s} {new:6.1f}ms {old_text} {ratio_text}  {target:24s} "
            f"{verdict}  (n={len(entry['new'])}, {full} full + {partial} partial background redraws"
            f"{settled})"
        )
        rows.append({"lesson": lesson, "what": name, "kind": entry["kind"], "new_ms": new, "old_ms": old, "met": ok})
    print("\n".join(lines))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="blocks per code, alternated (default 5)")
    parser.add_argument("--only", nargs="*", default=None, help="lessons, e.g. constant gaussian (default: all)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    lessons = args.only or list(NOTEBOOK)
    print(
        f"panels benchmark: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the start",
        flush=True,
    )
    rows = report(measure(lessons, args.rounds))
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
