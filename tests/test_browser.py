"""The notebooks in a real browser: JupyterLab on loopback, driven by headless Chromium through Playwright.

For each notebook: run all cells, check that no cell shows an error or stderr output, that the panel's
controls rendered (not "Error displaying widget"), then move a slider of every panel and check that the
panel's figure changed. The notebooks are copied to a temporary folder first, so the browser never saves
into the repository.

Needs Debian's ``chromium`` package (/usr/bin/chromium) and ``pip install playwright`` (never
``playwright install``: its browser download is not used). Without them the test is skipped, except when
the environment variable CI is set: then it fails, so CI always runs it.

Run: pytest -s tests/test_browser.py   (-s shows the time per notebook; pytest -m "not browser" leaves it out)
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The notebooks with interactive panels that a learner moves; each must work in a real browser.
NOTEBOOKS = ["01_constant.ipynb", "02_gaussian.ipynb", "03_xavier.ipynb", "04_he.ipynb", "ko/04_he.ipynb"]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

SERVER_START_SECONDS = 120
RUN_ALL_SECONDS = 600  # one notebook, all cells, on a 2-core runner
WIDGET_SECONDS = 60
REDRAW_SECONDS = 60
SETTLE_SECONDS = 10  # after a slider move that may not change the figure, before trying the next slider

# JupyterLab settings for a quiet, deterministic page: every cell stays in the DOM (no windowing) and no
# news/update toasts (which would also try to reach the network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def require(ok: bool, reason: str) -> None:
    """Skip when something the browser test needs is missing, but fail on CI, which must run it."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so the browser test must run; see .ci/run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer {url} within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def lab_server(base):
    """A JupyterLab server on 127.0.0.1 with a random token, serving a copy of notebooks/ made in ``base``.

    Yields ``{"url", "token", "root", "log"}``; the server is stopped on exit. The ``lab`` fixture and
    benchmarks/browser_panels.py both start it here.
    """
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token = secrets.token_hex(24)
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    env.pop("MPLBACKEND", None)  # CI sets Agg; a learner's kernel uses the inline backend
    log = base / "server.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                f"--IdentityProvider.token={token}",  # = --ServerApp.token, which jupyter_server 2 deprecates
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.root_dir={root}",
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={base / 'workspaces'}",
                "--LabApp.extension_manager=readonly",  # no PyPI queries from the extension manager
                "--ServerApp.terminals_enabled=False",
            ]
            + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=base,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{url}/api/status?token={token}", process, log)
        yield {"url": url, "token": token, "root": root, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 with a random token, serving a temporary copy of notebooks/."""
    require(CHROMIUM.exists(), f"{CHROMIUM} not found (Debian: apt-get install chromium)")
    require(importlib.util.find_spec("playwright") is not None, "playwright is not installed (pip install playwright)")
    with lab_server(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")
def browser_context(lab, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


def wait_until(predicate, seconds: float, what, interval: float = 0.25):
    """Poll ``predicate`` until it returns something true; ``what`` (a string or a callable giving one, evaluated
    only on timeout) says what was awaited."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


# Everything below looks only inside the notebook on show (other tabs would be hidden panels in the same DOM).
NOTEBOOK = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"

# Code cells that have code in them, and their prompts: "[ ]:" before, "[*]:" while running, "[7]:" after.
CELL_PROMPTS_JS = f"""() => Array.from(document.querySelectorAll('{NOTEBOOK} .jp-CodeCell'))
    .filter(cell => (cell.querySelector('.cm-content')?.innerText ?? '').trim() !== '')
    .map(cell => (cell.querySelector('.jp-InputPrompt')?.innerText ?? '').trim())"""

KERNEL_STATUS_JS = f"""() => document.querySelector('{NOTEBOOK} .jp-Notebook-ExecutionIndicator')
    ?.getAttribute('data-status')"""

# Panels: a widget box holding a slider and an image (initviz.widgets.Panel is VBox[HBox[controls], Image]).
PANELS = f"{NOTEBOOK} .jp-OutputArea-output .widget-vbox:has(.widget-slider):has(> img)"
PANELS_JS = f"""() => document.querySelectorAll('{PANELS}').length"""

# The PNG behind the panel's <img> (a blob: URL, renewed on every redraw): compare bytes, not URLs.
PANEL_IMAGE_JS = f"""async (index) => {{
    const img = document.querySelectorAll('{PANELS}')[index].querySelector(':scope > img');
    if (!img.src) return '';
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(text);
}}"""


def kernel_state(lab, name: str) -> str | None:
    """The execution state of the kernel of the notebook's session, as the server sees it (None: no kernel yet)."""
    with urllib.request.urlopen(f"{lab['url']}/api/sessions?token={lab['token']}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        if session.get("path") == name and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def shut_down_kernels(lab) -> None:
    """End the notebook's kernel so the next notebook starts alone on the (2-core) runner."""
    with urllib.request.urlopen(f"{lab['url']}/api/sessions?token={lab['token']}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(
            f"{lab['url']}/api/sessions/{session['id']}?token={lab['token']}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


def run_all_cells(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def check_notebook_in_browser(context, lab, name: str) -> dict:
    """Open ``name`` in JupyterLab, run all cells, check outputs and widgets, move each panel's slider.

    Returns the slider moved in each panel and timings in seconds."""
    timings = {}
    start = time.monotonic()
    page = context.new_page()
    console_errors = []
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    try:
        # A workspace of its own, reset: only this notebook is open, whatever earlier tests left behind.
        workspace = re.sub(r"\W", "-", Path(name).stem)
        page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{name}?reset&token={lab['token']}")
        page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=SERVER_START_SECONDS * 1000)
        # Run All before the notebook's session has its kernel would open a "Select Kernel" dialog instead.
        wait_until(lambda: kernel_state(lab, name) == "idle", SERVER_START_SECONDS, f"the kernel of {name} to start")
        wait_until(lambda: page.evaluate(KERNEL_STATUS_JS) == "idle", SERVER_START_SECONDS, "the page to see it")
        timings["open"] = time.monotonic() - start

        run_start = time.monotonic()
        run_all_cells(page)

        def all_cells_ran():
            prompts = page.evaluate(CELL_PROMPTS_JS)
            done = prompts and all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in prompts)
            return done and page.evaluate(KERNEL_STATUS_JS) == "idle"

        wait_until(
            all_cells_ran,
            RUN_ALL_SECONDS,
            lambda: f"every code cell of {name} to run; prompts now: {page.evaluate(CELL_PROMPTS_JS)}",
            interval=1,
        )
        timings["run all"] = time.monotonic() - run_start

        errors = page.locator(f"{NOTEBOOK} {STDERR_OUTPUT}")
        assert errors.count() == 0, f"{name}: error/stderr output in the browser:\n" + "\n---\n".join(
            text[:600] for text in errors.all_inner_texts()[:3]
        )

        widget_start = time.monotonic()
        wait_until(
            lambda: page.locator(f"{NOTEBOOK} .jp-OutputArea-output .widget-slider").count() > 0,
            WIDGET_SECONDS,
            f"slider controls to render in {name}",
        )
        n_panels = page.evaluate(PANELS_JS)
        assert n_panels > 0, f"{name}: no panel (widget box with a slider and a figure) rendered"

        # jupyterlab_widgets shows "Loading widget..." until the view is made or it gives up ("Error displaying ...").
        def loaded_text():
            text = page.locator(NOTEBOOK).inner_text()
            return text if "Loading widget..." not in text else ""

        text = wait_until(loaded_text, WIDGET_SECONDS, f"every widget of {name} to load (still 'Loading widget...')")
        assert "Error displaying widget" not in text, f"{name}: the notebook says 'Error displaying widget'"
        for index in range(n_panels):
            wait_until(
                lambda index=index: page.evaluate(PANEL_IMAGE_JS, index),
                WIDGET_SECONDS,
                f"panel {index} of {name} to show its figure",
            )
        timings["widgets"] = time.monotonic() - widget_start

        move_start = time.monotonic()
        moved = [move_slider_and_check_redraw(page, name, index) for index in range(n_panels)]
        timings["slider moves"] = time.monotonic() - move_start
        assert not console_errors, f"{name}: JavaScript errors in the page: {console_errors[:3]}"
    except Exception as error:
        shot = lab["root"].parent / f"failure-{Path(name).stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        raise AssertionError(f"{error}\n(screenshot: {shot}; server log: {lab['log']})") from error
    finally:
        page.close()
        shut_down_kernels(lab)
    timings["total"] = time.monotonic() - start
    return moved, timings


def move_slider_and_check_redraw(page, name: str, index: int) -> str:
    """Move the panel's sliders with the keyboard, one at a time, until the figure changes; return the slider's label.

    A slider may legitimately leave the default figure alone (e.g. the leaky-ReLU slope while the activation is
    ReLU), so each is given SETTLE_SECONDS before the next is tried; the last one gets REDRAW_SECONDS."""
    sliders = page.locator(PANELS).nth(index).locator(".widget-slider")
    count = sliders.count()
    tried = []
    for position in range(count):
        slider = sliders.nth(position)
        label = slider.locator(".widget-label").first.inner_text().strip()
        if slider.locator("[disabled], .ui-slider-disabled, .ui-state-disabled").count():
            tried.append(f"{label} (disabled, skipped)")  # e.g. the leaky-ReLU slope while the activation is ReLU
            continue
        readout = slider.locator(".widget-readout")
        handle = slider.locator(".noUi-handle, .ui-slider-handle").first  # ipywidgets 8 (noUiSlider) or 7 (jQuery UI)
        before_value = readout.inner_text().strip()
        before_png = page.evaluate(PANEL_IMAGE_JS, index)
        handle.focus()
        for key in ("ArrowRight", "ArrowLeft"):  # left if the slider already sits at its right end
            for _ in range(3):
                handle.press(key)
            if readout.inner_text().strip() != before_value:
                break
        after_value = readout.inner_text().strip()
        assert after_value != before_value, f"{name}, panel {index}: slider {label!r} did not move from {before_value}"
        seconds = REDRAW_SECONDS if position == count - 1 else SETTLE_SECONDS
        try:
            wait_until(lambda old=before_png: page.evaluate(PANEL_IMAGE_JS, index) not in ("", old), seconds, "")
            return f"{label} {before_value} → {after_value}"
        except AssertionError:
            tried.append(f"{label} {before_value} → {after_value}")
    raise AssertionError(f"{name}, panel {index}: the figure did not change after moving any slider: {tried}")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_panels_respond_in_browser(name, lab, browser_context, capsys):
    if not (ROOT / "notebooks" / name).exists():
        pytest.fail(f"notebooks/{name} does not exist")
    moved, timings = check_notebook_in_browser(browser_context, lab, name)
    with capsys.disabled():
        print(f"\n[browser] {name}: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
        print(f"[browser] {name}: figure redrawn after moving " + "; ".join(moved))
