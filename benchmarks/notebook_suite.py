"""Wall time and peak memory of each notebook, executed top to bottom in a fresh kernel.

Run: python benchmarks/notebook_suite.py [notebooks/NN_x.ipynb ...]
The stored notebooks are not modified: each is executed as an in-memory copy with one
extra cell at the end that reports the kernel's peak resident memory (ru_maxrss) and
that of its child processes (the experiment's worker processes). Linux only (/proc).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import json as _json, resource as _resource\n"
    "_hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "print(_json.dumps({'self_kib': int(_hwm),"
    " 'children_kib': _resource.getrusage(_resource.RUSAGE_CHILDREN).ru_maxrss}))"
)
# VmHWM is the kernel's own peak; ru_maxrss would also count pages inherited from the process
# that started it. The workers' figure is an upper bound: it includes pages shared with the kernel.


def measure(path: Path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    memory = json.loads(nb.cells[-1].outputs[0]["text"])
    return seconds, memory["self_kib"] / 1024, memory["children_kib"] / 1024


def main(argv):
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    for path in paths:
        seconds, rss, children = measure(path)
        rows.append((path.name, seconds, rss, children))
        print(
            f"{path.name:28s} {seconds:7.1f} s  kernel peak {rss:7.0f} MiB  workers peak {children:6.0f} MiB",
            flush=True,
        )
    print(f"{'total':28s} {sum(r[1] for r in rows):7.1f} s")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
