"""How fast the panels of notebooks 01–04 answer in a real browser: JupyterLab + Debian's Chromium.

Run: python benchmarks/browser_panels.py [--only 02_gaussian.ipynb ...] [--steps 12]

JupyterLab is started on loopback and driven by headless Chromium through Playwright, as
``tests/test_browser.py`` does (its settings, selectors and helpers are imported from there). For each
notebook: run all cells, then, on its panel's main slider,

(a) single steps: one arrow key, then wait until the figure has settled; the time from the key press until
    the panel's ``<img>`` has loaded the new PNG. The median over the steps is the figure (target ≤ 150 ms);
(b) a sweep: 12 arrow keys about 40 ms apart; the time from the last key until the last new image has
    loaded (target ≤ 300 ms);
(c) on-release sliders (depth, width, the constant's value): drag the handle with the mouse and let go; the
    time from the release until the new image has loaded (target ≤ 300 ms).

Everything is timed inside the page with ``performance.now()``: a capturing key/pointer listener, a
MutationObserver on the image's ``src`` and its ``load`` event. The kernel's websocket is wrapped too, so a
single step is split into front end (key → first message to the kernel), server + kernel (→ the message
that carries the PNG), display (→ new ``src`` → image loaded). No timing is asserted; this script prints.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_browser as tb  # noqa: E402  (the browser test's settings, selectors and helpers, reused)

SINGLE_TARGET_MS, SWEEP_TARGET_MS, RELEASE_TARGET_MS = 150, 300, 300
SWEEP_KEYS, SWEEP_GAP_S = 12, 0.040
QUIET_S = 0.6  # no new image for this long: the panel has settled

# Per notebook: the main slider (label), the keys of the single steps and of the sweep (each key moves it),
# what to set first, and the on-release sliders with how far to drag them (in handle widths: + right).
R, L = "ArrowRight", "ArrowLeft"
CASES = {
    "01_constant.ipynb": {
        "slider": "SGD steps shown",
        "singles": [L] * 6 + [R] * 6,
        "sweep": [L] * SWEEP_KEYS,
        "release": [("constant value c", -0.12)],
    },
    "02_gaussian.ipynb": {
        "slider": "weight std",
        "singles": [R] * 6 + [L] * 6,
        "sweep": [R] * SWEEP_KEYS,
        "release": [("depth (layers)", 0.1), ("width (units per layer)", 0.12)],
    },
    "03_xavier.ipynb": {  # every slider here redraws on release; a key press is a release
        "slider": "fan_out (n_out)",
        "singles": [L] * 6 + [R] * 6,
        "sweep": [L] * 8 + [R] * 4,
        "release": [("depth (layers)", -0.15)],
    },
    "04_he.ipynb": {
        "slider": "leaky ReLU slope a",
        "select": ("activation", "leaky ReLU"),  # the slope is greyed out until the activation is leaky ReLU
        "singles": [R] * 6 + [L] * 6,
        "sweep": [R] * SWEEP_KEYS,
        "release": [("depth (layers)", -0.15)],
    },
}

# Timestamps inside the page: keys, pointer releases, the kernel websocket's traffic (installed before
# JupyterLab opens its sockets), and, once armed on a panel, every new src of its image and every load.
INIT_SCRIPT = """(() => {
    const b = window.__bench = {keys: [], ups: [], sent: [], received: [], srcs: [], loads: []};
    document.addEventListener('keydown', () => b.keys.push(performance.now()), true);
    document.addEventListener('pointerup', () => b.ups.push(performance.now()), true);
    const Native = window.WebSocket;
    const size = (d) => typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
    window.WebSocket = function (...args) {
        const ws = new Native(...args);
        const send = ws.send.bind(ws);
        ws.send = (data) => { b.sent.push([performance.now(), size(data)]); return send(data); };
        ws.addEventListener('message', (e) => b.received.push([performance.now(), size(e.data)]));
        return ws;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})()"""

ARM_JS = f"""(index) => {{
    const b = window.__bench;
    const img = document.querySelectorAll('{tb.PANELS}')[index].querySelector(':scope > img');
    if (b.observer) b.observer.disconnect();
    b.observer = new MutationObserver(() => b.srcs.push(performance.now()));
    b.observer.observe(img, {{attributes: true, attributeFilter: ['src']}});
    img.addEventListener('load', () => b.loads.push(performance.now()));
    for (const k of ['keys', 'ups', 'sent', 'received', 'srcs', 'loads']) b[k].length = 0;
    return img.naturalWidth + 'x' + img.naturalHeight;
}}"""

STATE_JS = "() => JSON.parse(JSON.stringify(window.__bench, (k, v) => k === 'observer' ? undefined : v))"
COUNTS_JS = "() => [window.__bench.loads.length, window.__bench.srcs.length]"
CLEAR_JS = """() => {
    for (const k of ['keys', 'ups', 'sent', 'received', 'srcs', 'loads']) window.__bench[k].length = 0;
}"""


@contextlib.contextmanager
def lab_server():
    """JupyterLab serving a temporary copy of notebooks/: tests/test_browser.py's server, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="initviz-bench-lab-") as tmp, tb.lab_server(Path(tmp)) as server:
        yield server


def open_and_run(page, lab, name):
    """Open ``name`` in a workspace of its own, run all cells, wait for the panel's first image."""
    workspace = re.sub(r"\W", "-", Path(name).stem) + "-bench"
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{name}?reset&token={lab['token']}")
    page.locator(f"{tb.NOTEBOOK} .jp-Cell").first.wait_for(timeout=tb.SERVER_START_SECONDS * 1000)
    tb.wait_until(lambda: tb.kernel_state(lab, name) == "idle", tb.SERVER_START_SECONDS, f"the kernel of {name}")
    tb.wait_until(lambda: page.evaluate(tb.KERNEL_STATUS_JS) == "idle", tb.SERVER_START_SECONDS, "the page to see it")
    start = time.monotonic()
    tb.run_all_cells(page)

    def ran():
        prompts = page.evaluate(tb.CELL_PROMPTS_JS)
        done = prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
        return done and page.evaluate(tb.KERNEL_STATUS_JS) == "idle"

    tb.wait_until(ran, tb.RUN_ALL_SECONDS, f"every cell of {name} to run", interval=1)
    tb.wait_until(lambda: page.evaluate(tb.PANELS_JS) > 0, tb.WIDGET_SECONDS, f"the panel of {name}")
    tb.wait_until(lambda: page.evaluate(tb.PANEL_IMAGE_JS, 0), tb.WIDGET_SECONDS, f"the panel's image in {name}")
    return time.monotonic() - start


def slider(page, label):
    """The slider of panel 0 whose label is ``label``, and its handle (ipywidgets 8: noUiSlider, 7: jQuery UI)."""
    sliders = page.locator(tb.PANELS).nth(0).locator(".widget-slider")
    for i in range(sliders.count()):
        s = sliders.nth(i)
        if s.locator(".widget-label").first.inner_text().strip() == label:
            return s, s.locator(".noUi-handle, .ui-slider-handle").first
    raise LookupError(f"no slider {label!r} in the panel")


def settle(page, seconds=QUIET_S, timeout=30.0):
    """Wait until no new image has arrived for ``seconds`` (or ``timeout``)."""
    deadline, last, quiet_since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        counts = page.evaluate(COUNTS_JS)
        if counts != last:
            last, quiet_since = counts, time.monotonic()
        elif time.monotonic() - quiet_since >= seconds:
            return
        time.sleep(0.05)


def wait_for_load(page, loads_before, timeout=30.0):
    page.wait_for_function(f"() => window.__bench.loads.length > {loads_before}", timeout=timeout * 1000)


def _after(events, t):
    return next((e for e in events if (e[0] if isinstance(e, list) else e) >= t), None)


def single_steps(page, track, handle, keys):
    """One key at a time, each after the panel settled: key → image loaded, split into its parts.

    Each step also says whether its setting was shown before (a kept background or cached draws may help)."""
    rows = []
    readout = track.locator(".widget-readout")
    seen = {readout.inner_text().strip()}
    for key in keys:
        page.evaluate(CLEAR_JS)
        handle.focus()
        page.keyboard.press(key)
        value = readout.inner_text().strip()
        revisit = value in seen
        seen.add(value)
        try:
            wait_for_load(page, 0, timeout=20)
        except Exception:  # noqa: BLE001 - a key that left the figure unchanged: say so, do not hang
            rows.append(None)
            continue
        settle(page, 0.3)
        b = page.evaluate(STATE_JS)
        t_key = b["keys"][0]
        sent = _after(b["sent"], t_key)
        load = b["loads"][0]
        src = b["srcs"][0]
        # the PNG arrives in the largest message before the new src
        before_src = [r for r in b["received"] if r[0] <= src]
        png_msg = max(before_src, key=lambda r: r[1]) if before_src else None
        rows.append(
            {
                "total": load - t_key,
                "src": src - t_key,
                "front": (sent[0] - t_key) if sent else float("nan"),
                "kernel": (png_msg[0] - sent[0]) if sent and png_msg else float("nan"),
                "display": (load - png_msg[0]) if png_msg else float("nan"),
                "png_kb": png_msg[1] / 1e3 if png_msg else float("nan"),
                "images": len(b["loads"]),
                "revisit": revisit,
            }
        )
    return rows


def sweep(page, handle, keys):
    """Keys about SWEEP_GAP_S apart; the time from the last key until the last new image has loaded."""
    settle(page, 0.3)
    page.evaluate(CLEAR_JS)
    handle.focus()
    next_key = time.monotonic()
    for key in keys:
        time.sleep(max(0.0, next_key - time.monotonic()))
        next_key = time.monotonic() + SWEEP_GAP_S
        page.keyboard.press(key)
    settle(page)
    b = page.evaluate(STATE_JS)
    if not b["loads"]:
        return None
    gaps = [b - a for a, b in zip(b["keys"], b["keys"][1:])]
    return {
        "settle": b["loads"][-1] - b["keys"][-1],
        "images": len(b["loads"]),
        "gap": statistics.median(gaps) if gaps else float("nan"),
    }


def release(page, label, fraction, repeats=3):
    """Drag the slider's handle by ``fraction`` of the track and let go, ``repeats`` times in the same direction,
    so every release asks for a setting not shown before (no kept background, no cached run helps)."""
    track, handle = slider(page, label)
    readout = track.locator(".widget-readout")
    times = []
    for _ in range(repeats):
        settle(page, 0.3)
        page.evaluate(CLEAR_JS)
        before = readout.inner_text().strip()
        box = handle.bounding_box()
        bar = track.locator(".noUi-target, .ui-slider").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        dx = fraction * bar["width"]
        page.mouse.move(x, y)
        page.mouse.down()
        for k in range(1, 6):
            page.mouse.move(x + dx * k / 5, y)
            time.sleep(0.03)
        page.mouse.up()
        if readout.inner_text().strip() == before:  # at the end of its track: nothing new to show
            times.append(float("nan"))
            continue
        try:
            wait_for_load(page, 0, timeout=30)
        except Exception:  # noqa: BLE001
            times.append(float("nan"))
            continue
        settle(page, 0.3)
        b = page.evaluate(STATE_JS)
        up = b["ups"][-1]
        later = [t for t in b["loads"] if t >= up]
        times.append(later[-1] - up if later else float("nan"))
    return times


def measure_notebook(context, lab, name, case):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        run_seconds = open_and_run(page, lab, name)
        size = page.evaluate(ARM_JS, 0)
        if "select" in case:
            label, option = case["select"]
            select = page.locator(tb.PANELS).nth(0).locator(".widget-dropdown", has_text=label).locator("select")
            select.select_option(label=option)
            wait_for_load(page, 0)
            settle(page)
        track, handle = slider(page, case["slider"])
        singles = single_steps(page, track, handle, case["singles"])
        swept = sweep(page, handle, case["sweep"])
        released = {label: release(page, label, fraction) for label, fraction in case["release"]}
        if errors:
            raise RuntimeError(f"{name}: JavaScript errors in the page: {errors[:3]}")
        return {"run all": run_seconds, "image": size, "singles": singles, "sweep": swept, "release": released}
    finally:
        page.close()
        tb.shut_down_kernels(lab)


def _median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def _met(value, target):
    return "n/a" if value != value else ("met" if value <= target else "MISSED")


def report(results):
    lines = ["", f"{'notebook · control':44s} {'measured':>12s}  {'target':>9s}  verdict   detail"]
    summary = {}
    for name, r in results.items():
        case = CASES[name]
        steps = [s for s in r["singles"] if s]
        single = _median([s["total"] for s in steps])
        parts = {k: _median([s[k] for s in steps]) for k in ("front", "kernel", "display", "png_kb")}
        first = _median([s["total"] for s in steps if not s["revisit"]])
        again = _median([s["total"] for s in steps if s["revisit"]])
        detail = (
            f"{len(steps)}/{len(r['singles'])} steps (new settings {first:.0f} ms, seen before {again:.0f} ms); "
            f"front end {parts['front']:.0f} ms, server+kernel {parts['kernel']:.0f} ms, display "
            f"{parts['display']:.0f} ms; PNG {parts['png_kb']:.0f} kB, {r['image']} px"
        )
        lines.append(
            f"{name[:2] + ' · ' + case['slider'] + ', one step':44s} {single:9.0f} ms  "
            f"{'≤ ' + str(SINGLE_TARGET_MS):>6s} ms  {_met(single, SINGLE_TARGET_MS):8s}  {detail}"
        )
        settle_ms = r["sweep"]["settle"] if r["sweep"] else float("nan")
        images = r["sweep"]["images"] if r["sweep"] else 0
        gap = r["sweep"]["gap"] if r["sweep"] else float("nan")
        lines.append(
            f"{name[:2] + ' · ' + case['slider'] + ', sweep of ' + str(len(case['sweep'])):44s} {settle_ms:9.0f} ms"
            f"  {'≤ ' + str(SWEEP_TARGET_MS):>6s} ms  {_met(settle_ms, SWEEP_TARGET_MS):8s}  "
            f"settle after the last key; keys {gap:.0f} ms apart, {images} images shown"
        )
        summary[name] = {"single_ms": single, "sweep_settle_ms": settle_ms, **{f"{k}_ms": v for k, v in parts.items()}}
        for label, times in r["release"].items():
            worst = max(times) if times else float("nan")
            lines.append(
                f"{name[:2] + ' · ' + label + ', on release':44s} {_median(times):9.0f} ms"
                f"  {'≤ ' + str(RELEASE_TARGET_MS):>6s} ms  {_met(_median(times), RELEASE_TARGET_MS):8s}  "
                f"median of {len(times)} releases, worst {worst:.0f} ms"
            )
            summary[name][f"release {label}_ms"] = _median(times)
    print("\n".join(lines))
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="notebooks to measure (default: 01-04)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    names = args.only or list(CASES)
    if not tb.CHROMIUM.exists():
        print(f"{tb.CHROMIUM} not found (Debian: apt-get install chromium); nothing measured")
        return {}
    from playwright.sync_api import sync_playwright

    print(
        f"browser benchmark: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} at the start",
        flush=True,
    )
    results = {}
    with lab_server() as lab, sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(tb.CHROMIUM),
            headless=True,
            args=tb.CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.add_init_script(INIT_SCRIPT)
        version = context.browser.version if context.browser else ""
        try:
            for name in names:
                results[name] = measure_notebook(context, lab, name, CASES[name])
                print(f"{name}: measured (all cells ran in {results[name]['run all']:.0f} s)", flush=True)
        finally:
            context.close()
    summary = report(results)
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}; Chromium {version}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "raw": results}, indent=1))
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
