"""Launch links agree with the one repository URL (pyproject.toml [project.urls] Repository).

Every notebook's cell 0 carries Colab and Binder badges for that very notebook, cell 1 is the setup cell
that installs initviz from that URL on Colab and does nothing anywhere else, README.md's Colab/Binder
links point at that repository and at notebooks that exist, and every notebook's kernel is "python3".
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11+ (so does tools/notebook_headers.py)")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
    (ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb")
)
SETUP_MARK = "# Setup: on Colab this installs initviz"
# Link targets in markdown ("](url)") and HTML (href="url").
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?[^)]*\)|href=[\"']([^\"']+)[\"']")


def repository_url() -> str:
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"].rstrip("/")
    return url


def links(text: str) -> list[str]:
    return [markdown or html for markdown, html in LINK.findall(text)]


def colab_target(url: str):
    """(owner/name, branch, path) of a Colab notebook link, or None for other Colab URLs (e.g. the badge image)."""
    match = re.fullmatch(r"https://colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/([^/]+)/(.+)", url)
    return match.groups() if match else None


def binder_target(url: str):
    """(owner/name, ref, path opened in JupyterLab or None) of a mybinder.org launch link, or None (badge image)."""
    parts = urlsplit(url)
    match = re.fullmatch(r"/v2/gh/([^/]+/[^/]+)/([^/]+)/?", parts.path)
    if parts.netloc != "mybinder.org" or not match:
        return None
    query = parse_qs(parts.query)
    path = None
    if "urlpath" in query:
        path = re.sub(r"^/?(lab/tree|tree|notebooks|doc/tree)/", "", query["urlpath"][0])
    elif "labpath" in query:
        path = query["labpath"][0]
    elif "filepath" in query:
        path = query["filepath"][0]
    return match.group(1), match.group(2), path


def launch_links(text: str):
    """All Colab notebook links and Binder launch links in ``text``, as (kind, url, (repo, ref, path))."""
    found = []
    for url in links(text):
        if url.startswith("https://colab.research.google.com/") and (target := colab_target(url)):
            found.append(("colab", url, target))
        elif url.startswith("https://mybinder.org/") and (target := binder_target(url)):
            found.append(("binder", url, target))
        elif "colab.research.google.com/github" in url or "mybinder.org/v2" in url:
            found.append(("unparsed", url, None))
    return found


def test_repository_url_is_a_github_repository():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository_url()), repository_url()


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.relative_to(ROOT / "notebooks").as_posix())
def test_notebook_badges_point_at_this_notebook(path):
    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0]
    assert title.cell_type == "markdown", "cell 0 must be the markdown title with the badges"
    slug = repository_url().removeprefix("https://github.com/")
    found = launch_links(title.source)
    kinds = {kind for kind, _, _ in found}
    assert {"colab", "binder"} <= kinds, f"cell 0 needs an 'Open in Colab' and a Binder badge, found {kinds or None}"
    for kind, url, target in found:
        assert target is not None, f"cannot read this {kind} link: {url}"
        repo, ref, opened = target
        assert repo == slug, f"{kind} badge points at {repo}, not at {slug} (pyproject.toml): {url}"
        assert ref == "main", f"{kind} badge opens branch {ref!r}, not main: {url}"
        here = path.relative_to(ROOT).as_posix()
        assert opened == here, f"{kind} badge opens {opened!r}, not this notebook ({here}): {url}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.relative_to(ROOT / "notebooks").as_posix())
def test_setup_cell_installs_from_the_repository_only_on_colab(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    setup = nb.cells[1]
    assert setup.cell_type == "code" and setup.source.startswith(SETUP_MARK), "cell 1 must be the setup cell"
    assert not setup.get("outputs"), "the setup cell prints nothing off Colab"
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(setup.source, f"{path.name}:cell 1", "exec"), {})
    assert calls == [], "off Colab the setup cell must do nothing"

    colab = types.ModuleType("google.colab")
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    exec(compile(setup.source, f"{path.name}:cell 1", "exec"), {})
    assert len(calls) == 1, "on Colab the setup cell runs one pip install"
    command = list(calls[0][0][0])
    assert command[:4] == [sys.executable, "-m", "pip", "install"], command
    requirements = [arg for arg in command[4:] if not arg.startswith("-")]
    # initviz only: Colab already has numpy, matplotlib, ipywidgets and scikit-learn.
    assert requirements == [f"initviz @ git+{repository_url()}"], requirements


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.relative_to(ROOT / "notebooks").as_posix())
def test_kernelspec_is_python3(path):
    kernelspec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"kernelspec is {kernelspec}"


def test_readme_launch_links_agree_with_the_repository():
    readme = (ROOT / "README.md").read_text()
    slug = repository_url().removeprefix("https://github.com/")
    for kind, url, target in launch_links(readme):
        assert target is not None, f"cannot read this {kind} link in README.md: {url}"
        repo, ref, opened = target
        assert repo == slug, f"README {kind} link points at {repo}, not at {slug} (pyproject.toml): {url}"
        assert ref == "main", f"README {kind} link opens branch {ref!r}, not main: {url}"
        if opened is not None:
            assert (ROOT / opened).is_file(), f"README {kind} link opens {opened}, which does not exist: {url}"


@pytest.mark.parametrize("readme", ["README.md", "README.ko.md"])
def test_readme_links_exist(readme):
    if not (ROOT / readme).exists():
        pytest.skip(f"no {readme}")
    for url in links((ROOT / readme).read_text()):
        target = url.split("#")[0]
        if target and not re.match(r"[a-z]+:", url):
            assert (ROOT / target).exists(), f"{readme} links to {url}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.relative_to(ROOT / "notebooks").as_posix())
def test_links_between_notebooks_exist(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for url in links(cell.source):
            target = url.split("#")[0]
            if target and not re.match(r"[a-z]+:", url):
                assert (path.parent / target).exists(), f"{path.name} links to {url}, which does not exist"


def test_notebook_headers_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "notebook_headers.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
