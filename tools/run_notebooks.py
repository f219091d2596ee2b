"""Execute the notebooks top to bottom in a fresh kernel and store them with their outputs.

Run: python tools/run_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all of them, English and Korean)

Outputs are stored so GitHub and nbviewer show the figures; widget state and cell timings are not
stored, so a re-run changes the files only where an output changed.
Prints each notebook's wall time. Fails on any error output or stderr warning.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def merged_streams(outputs):
    """One output per run of stdout (or stderr) text: how a print is split into chunks depends on timing."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if out.output_type == "stream" and last is not None and last.output_type == "stream" and last.name == out.name:
            last.text += out.text
        else:
            merged.append(out)
    return merged


def run(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    ).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # timings from an earlier run
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = merged_streams(cell.outputs)
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i}: stderr: {out.text.strip()[:200]}")
    if problems:
        raise SystemExit(f"{path.name} is not clean:\n  " + "\n  ".join(problems))
    nbformat.write(nb, path)
    return seconds


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: every notebook and twin)")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"notebooks: {str(path)!r} is not a notebook file (.ipynb) here")
    english = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    default = [*english, *sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))]
    paths = [p.resolve() for p in args.notebooks] or default
    total = 0.0
    for path in paths:
        seconds = run(path)
        total += seconds
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {seconds:6.1f} s", flush=True)
    print(f"total  {total:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
