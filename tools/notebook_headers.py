"""Write the first two cells of every notebook from the repository URL in pyproject.toml.

Cell 0 is the title (kept as written) followed by "Open in Colab" and Binder badges
for that notebook; cell 1 is the setup cell, which installs initviz only on Colab.

Run: python tools/notebook_headers.py        (rewrites notebooks/NN_*.ipynb and the Korean notebooks/ko/NN_*.ipynb)
     python tools/notebook_headers.py --check (exit 1 if any notebook is out of date)

A Korean twin's badges open the Korean twin; its setup cell is the same code as the English one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parents[1]
BADGE_MARK = "<!-- badges -->"
SETUP_MARK = "# Setup: on Colab this installs initviz"


def repo_url() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"].rstrip("/")


def badges(notebook: str, url: str | None = None) -> str:
    """The badge line for ``notebook``, a path below notebooks/ such as "03_xavier.ipynb" or "ko/03_xavier.ipynb"."""
    url = url or repo_url()
    slug = url.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{slug}/blob/main/notebooks/{notebook}"
    binder = f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/notebooks/{notebook}"
    return (
        f"{BADGE_MARK}\n[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})"
    )


def setup_source(url: str | None = None) -> str:
    url = url or repo_url()
    return (
        f"{SETUP_MARK} (from {url}); elsewhere it does nothing.\n"
        "import sys\n\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n\n"
        f'    package = "initviz @ git+{url}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'
    )


def with_headers(nb, name: str):
    title = nb.cells[0]
    if title.cell_type != "markdown":
        raise SystemExit(f"{name}: cell 0 must be the markdown title")
    if BADGE_MARK in title.source:  # drop the old badge block: the mark line and the badge line after it
        before, _, after = title.source.partition(BADGE_MARK)
        title.source = before.rstrip() + "\n" + after.lstrip("\n").partition("\n")[2]
    lines = title.source.strip().splitlines()
    title_line, rest = lines[0], "\n".join(lines[1:]).strip()
    # the badges sit right under the title; anything else in the title cell follows them
    title.source = title_line + "\n\n" + badges(name) + ("\n\n" + rest if rest else "")
    setup = nbformat.v4.new_code_cell(setup_source())
    if len(nb.cells) > 1 and nb.cells[1].cell_type == "code" and nb.cells[1].source.startswith(SETUP_MARK):
        nb.cells[1].source = setup.source
    else:
        nb.cells.insert(1, setup)
    return nb


def notebooks():
    """Every English notebook and Korean twin, as paths."""
    folder = ROOT / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted((folder / "ko").glob("[0-9][0-9]_*.ipynb"))


def main(argv):
    check = "--check" in argv
    stale = []
    for path in notebooks():
        name = path.relative_to(ROOT / "notebooks").as_posix()
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        after = nbformat.writes(with_headers(nb, name))
        if before != after:
            stale.append(name)
            if not check:
                path.write_text(after)
    if check and stale:
        raise SystemExit(f"notebook headers out of date: {stale}; run python tools/notebook_headers.py")
    print("updated: " + ", ".join(stale) if stale and not check else "headers up to date")


if __name__ == "__main__":
    main(sys.argv[1:])
