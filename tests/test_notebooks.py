"""The stored notebooks, and two fresh executions of each with warnings as errors.

- Every stored notebook was executed top to bottom and holds no error, traceback or
  warning output, and no widget state.
- Run in a fresh kernel whose first act is ``warnings.simplefilter("error")``, each
  notebook still runs without an error; run twice, it prints the same text.
"""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WARNINGS_AS_ERRORS = "import warnings\nwarnings.simplefilter('error')"
# widget reprs carry a model id that is new each run
WIDGET_ID = re.compile(r"model_id['\"]?: ?['\"][0-9a-f]+['\"]")


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_ran_top_to_bottom_cleanly(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execution counts {counts}"
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state"
    assert nb.metadata.kernelspec.name == "python3"
    for i, cell in enumerate(_code_cells(nb)):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name} cell {i}: {out.get('ename')}"
            if out.output_type == "stream":
                assert out.name == "stdout", f"{path.name} cell {i} writes to stderr: {out.text[:200]}"
                assert "Warning" not in out.text and "Traceback" not in out.text, f"{path.name} cell {i}"
    assert any("image/png" in out.get("data", {}) for c in _code_cells(nb) for out in c.outputs), "no figure"


def _execute_with_warnings_as_errors(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(WARNINGS_AS_ERRORS))
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = []
    for i, cell in enumerate(_code_cells(nb)[1:]):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name} cell {i}: {out.ename}: {out.evalue}"
            assert out.get("name") != "stderr", f"{path.name} cell {i} wrote to stderr: {out.text[:300]}"
            text = out.get("text") or out.get("data", {}).get("text/markdown") or ""
            if "image/png" not in out.get("data", {}):  # a figure's text/plain is just its size
                text = text or out.get("data", {}).get("text/plain", "")
            texts.append((i, WIDGET_ID.sub("model_id", text)))
    # the number of stream chunks can differ between runs; the text per cell cannot
    joined = {}
    for i, text in texts:
        joined[i] = joined.get(i, "") + text
    return joined


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_warnings_as_errors_and_repeats_its_text(path):
    first = _execute_with_warnings_as_errors(path)
    second = _execute_with_warnings_as_errors(path)
    assert first == second
