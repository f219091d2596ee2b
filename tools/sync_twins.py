"""Keep each Korean twin (notebooks/ko/NN_name.ipynb) in step with its English notebook.

Run: python tools/sync_twins.py            carry the English code cells into every twin
     python tools/sync_twins.py --check    change nothing; exit 1 if a twin is missing, out of step or drifted
     python tools/sync_twins.py --new NN   start a twin for notebook NN: the English cells, to be translated

The code cells of a twin are the English notebook's, in the same order; its markdown is Korean and is
never touched. Both notebooks are cut into sections at their ``##`` headings, and code cells are matched
section by section, in order. A twin whose structure no longer matches — a different number of sections,
or a section with a different number of code cells — is reported, not guessed at: add or remove the
Korean cell by hand, then run the tool again. After a sync, run ``python tools/run_notebooks.py`` so the
twins' outputs are fresh.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ROOT / "notebooks"
KOREAN = ENGLISH / "ko"


def sections(nb):
    """The notebook's cells grouped at ``##`` headings (the cells before the first one form section 0)."""
    groups = [[]]
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            groups.append([])
        groups[-1].append(cell)
    return groups


def code_cells(cells):
    return [c for c in cells if c.cell_type == "code"]


def compare(english, twin):
    """Problems that stop a sync (structure), and the code cells that differ (index in the twin's code cells)."""
    en, ko = sections(english), sections(twin)
    if len(en) != len(ko):
        return [f"{len(en) - 1} sections in English, {len(ko) - 1} in the twin"], []
    problems, stale, index = [], [], 0
    for number, (a, b) in enumerate(zip(en, ko)):
        ca, cb = code_cells(a), code_cells(b)
        if len(ca) != len(cb):
            problems.append(f"section {number}: {len(ca)} code cells in English, {len(cb)} in the twin")
        for x, y in zip(ca, cb):
            if x.source != y.source:
                stale.append(index)
            index += 1
    return problems, stale


def carry(english, twin):
    """Put the English code cells into the twin in place (sources only; outputs are cleared where they changed)."""
    ours = (c for s in sections(english) for c in code_cells(s))
    pairs = zip(ours, (c for s in sections(twin) for c in code_cells(s)))
    changed = 0
    for source, target in pairs:
        if source.source != target.source:
            target.source = source.source
            target.outputs, target.execution_count = [], None
            changed += 1
    return changed


def new_twin(english):
    twin = nbformat.reads(nbformat.writes(english), as_version=4)
    for cell in twin.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return twin


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/sync_twins.py", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on any problem")
    parser.add_argument("--new", metavar="NN", help="start the twin of notebook NN (e.g. 03) from its English cells")
    args = parser.parse_args(argv)
    notebooks = sorted(ENGLISH.glob("[0-9][0-9]_*.ipynb"))
    if args.new:
        matches = [p for p in notebooks if p.name.startswith(f"{args.new}_")]
        if not matches:
            parser.exit(2, f"no English notebook {args.new}_*.ipynb; have: {', '.join(p.name for p in notebooks)}\n")
        target = KOREAN / matches[0].name
        if target.exists():
            parser.exit(2, f"{target.relative_to(ROOT)} exists already\n")
        KOREAN.mkdir(exist_ok=True)
        nbformat.write(new_twin(nbformat.read(matches[0], as_version=4)), target)
        print(f"wrote {target.relative_to(ROOT)}: translate its markdown cells")
        return 0
    failed = False
    for path in notebooks:
        twin_path = KOREAN / path.name
        if not twin_path.exists():
            print(f"{path.name}: no Korean twin (python tools/sync_twins.py --new {path.name[:2]})")
            failed = True
            continue
        english, twin = nbformat.read(path, as_version=4), nbformat.read(twin_path, as_version=4)
        problems, stale = compare(english, twin)
        for problem in problems:
            print(f"{path.name}: structure differs: {problem}")
        failed |= bool(problems)
        if stale and args.check:
            print(f"{path.name}: {len(stale)} code cell(s) differ from the English (python tools/sync_twins.py)")
            failed = True
        elif stale and not problems:
            print(f"{path.name}: carried {carry(english, twin)} code cell(s) into the twin")
            nbformat.write(twin, twin_path)
    for orphan in sorted(set(p.name for p in KOREAN.glob("*.ipynb")) - {p.name for p in notebooks}):
        print(f"ko/{orphan}: a twin with no English notebook")
        failed = True
    if not failed:
        print("twins in step")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
