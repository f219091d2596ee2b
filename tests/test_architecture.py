"""The package's shape: three layers, no import cycles, small modules, one palette.

- numerics (``initviz/*.py`` and ``initviz/experiment``) import neither matplotlib, ipywidgets,
  ``initviz.draw`` nor ``initviz.lessons``;
- the drawing kit (``initviz/draw``) imports the numerics, never a lesson;
- lesson modules (``initviz/lessons``) import the numerics and the kit, never another lesson;
- no two modules import each other (directly or round a longer loop), no module is over 600 lines;
- no colour literal appears in a figure module outside ``initviz/draw/palette.py``.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "initviz"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
COLOUR = re.compile(r"""["'](#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?)["']""")
NAMED = re.compile(r"""color\s*=\s*["'](?!C\d)([a-z]+)["']""")  # color="red", but not the cycle's "C0"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """Every initviz module (and third-party top-level name) that ``path`` imports, lazily or not."""
    tree = ast.parse(path.read_text())
    here = module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
            submodules = []
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                ).exists():
                    submodules.append(candidate)
            found.update(submodules or [base])  # "from . import _checks" imports _checks, not the package
    return found


def layer(name):
    if name.startswith("initviz.draw"):
        return "draw"
    if name.startswith("initviz.lessons"):
        return "lessons"
    if name in ("initviz.figures",):
        return "app"
    if name == "initviz.experiment.__main__":
        return "app"
    return "numerics"


# "initviz" itself only re-exports the numerics (its __init__); an edge to it is an edge to those
GRAPH = {module_name(p): {m for m in imports(p) if m.startswith("initviz.")} for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_import_downwards_only(path):
    name = module_name(path)
    own = layer(name)
    for target in imports(path):
        top = target.split(".")[0]
        if own == "numerics":
            assert top not in ("matplotlib", "ipywidgets", "IPython"), f"{name} (numerics) imports {target}"
        if target.startswith("initviz"):
            allowed = {
                "numerics": {"numerics"},
                "draw": {"numerics", "draw"},
                "lessons": {"numerics", "draw", "lessons"},
            }
            assert layer(target) in allowed.get(own, {"numerics", "draw", "lessons", "app"}), f"{name} imports {target}"
    if own == "lessons" and path.name not in ("__init__.py", "answers.py"):
        others = {
            t
            for t in imports(path)
            if layer(t) == "lessons" and t not in ("initviz.lessons", "initviz.lessons.answers")
        }
        assert not others, f"{name} imports another lesson: {others}"


def test_no_import_cycles():
    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for target in GRAPH.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    cycles = [name for name in GRAPH if name in reach(name)]
    assert not cycles, f"modules on an import cycle: {cycles}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_600_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= 600, f"{path.relative_to(PACKAGE)} has {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_colours_live_in_the_palette_only(path):
    if path.name == "palette.py":
        return
    text = path.read_text()
    literals = COLOUR.findall(text) + NAMED.findall(text)
    assert not literals, f"{path.relative_to(PACKAGE)} names colours {literals}: take them from initviz.draw.palette"


def test_the_checks_can_fail(tmp_path):
    """The colour and layering checks above catch what they are for."""
    bad = tmp_path / "bad.py"
    bad.write_text('ax.plot(x, color="#ff0000")\nax.plot(x, color="red")\n')
    assert COLOUR.findall(bad.read_text()) == ["#ff0000"] and NAMED.findall(bad.read_text()) == ["red"]
    assert layer("initviz.lessons.he") == "lessons" and layer("initviz.probe") == "numerics"
