"""The Korean edition keeps in step with the English: every notebook has a twin, with the same code cells
in the same order, the same sections, and markdown that is Korean.

"Korean" is measured simply: the share of Hangul among the letters of a markdown cell's prose, after code,
maths, links and HTML are taken out. A Korean lecturer keeps English terms in parentheses ("기울기 소실
(vanishing gradient)"), so a real translation is far from 100%; an untranslated cell is near 0.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import sync_twins  # noqa: E402

ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HANGUL_CELL = 0.3  # a markdown cell with some prose: at least this share of its letters are Hangul
HANGUL_NOTEBOOK = 0.5  # over all of a notebook's prose
MIN_LETTERS = 20  # a cell with fewer letters (a formula, a badge line) is not judged on its own

_STRIP = [
    re.compile(r"<!-- badges -->\n[^\n]*"),  # the badge line the header tool writes (English alt texts)
    re.compile(r"```.*?```", re.S),  # code blocks
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"\$[^$]*\$"),  # inline maths
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>]+>"),  # HTML tags (<details>, <summary>)
    re.compile(r"\\[A-Za-z]+"),  # LaTeX commands left over
]


def prose_letters(markdown):
    """(Hangul syllables, Latin letters) in the prose of a markdown cell."""
    text = markdown
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    return len(re.findall(r"[\uac00-\ud7a3]", text)), len(re.findall(r"[A-Za-z]", text))


def hangul_share(markdown):
    hangul, latin = prose_letters(markdown)
    return hangul / (hangul + latin) if hangul + latin else 1.0


def test_the_measure_tells_a_translation_from_english():
    english = "Each layer multiplies the signal's variance by n·Var(W); depth turns any factor other than 1 into decay."
    korean = (
        "각 층은 신호의 분산에 n·Var(W)를 곱합니다. 깊이가 깊어지면 1이 아닌 배율은 모두 소실이나 폭주로 이어집니다."
    )
    with_terms = (
        "기울기 소실 (vanishing gradient) 은 깊은 신경망에서 역전파 (backpropagation) 의 기울기가 작아지는 현상입니다."
    )
    assert hangul_share(english) == 0
    assert hangul_share(korean) > 0.8 and hangul_share(with_terms) > HANGUL_CELL


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.name)
def test_every_notebook_has_a_twin_in_step(path):
    twin = ROOT / "notebooks" / "ko" / path.name
    assert twin.exists(), f"no Korean twin for {path.name}: python tools/sync_twins.py --new {path.name[:2]}"
    english, korean = nbformat.read(path, as_version=4), nbformat.read(twin, as_version=4)
    problems, stale = sync_twins.compare(english, korean)
    assert not problems, f"{path.name}: {problems}"
    assert not stale, f"{path.name}: code cells {stale} differ from the English; run python tools/sync_twins.py"
    ours = [c.source for c in english.cells if c.cell_type == "code"]
    theirs = [c.source for c in korean.cells if c.cell_type == "code"]
    assert ours == theirs


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.name)
def test_twin_markdown_is_korean(path):
    twin = ROOT / "notebooks" / "ko" / path.name
    if not twin.exists():
        pytest.skip("no twin (the test above fails for it)")
    total_hangul = total_latin = 0
    for i, cell in enumerate(nbformat.read(twin, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        hangul, latin = prose_letters(cell.source)
        total_hangul, total_latin = total_hangul + hangul, total_latin + latin
        if hangul + latin >= MIN_LETTERS:
            share = hangul / (hangul + latin)
            assert share >= HANGUL_CELL, f"ko/{path.name} cell {i} is {share:.0%} Hangul: still English?"
    assert total_hangul / max(total_hangul + total_latin, 1) >= HANGUL_NOTEBOOK, f"ko/{path.name}"


def test_sync_reports_structure_and_stale_code(tmp_path):
    english = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("## A"), nbformat.v4.new_code_cell("x = 1")]
    )
    twin = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 가"), nbformat.v4.new_code_cell("x = 0")])
    assert sync_twins.compare(english, twin) == ([], [0])
    assert sync_twins.carry(english, twin) == 1 and twin.cells[1].source == "x = 1"
    assert sync_twins.compare(english, twin) == ([], [])
    twin.cells.append(nbformat.v4.new_code_cell("y = 2"))
    assert sync_twins.compare(english, twin)[0] == ["section 1: 1 code cells in English, 2 in the twin"]
    twin.cells.insert(0, nbformat.v4.new_markdown_cell("## 더"))
    assert "sections" in sync_twins.compare(english, twin)[0][0]
