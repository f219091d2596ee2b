"""The trainability grid: the stored result is complete and reproducible, the CLI writes what it says.

The stored grid (``initviz/results/trainability.json``) came from ``python -m initviz.trainability``; three
of its small cells are trained again here and must give the stored numbers. They are bitwise the same on
the machine that made them; another CPU may sum float32 products in another order, so the test allows a
test-set answer or two and a relative 1e-3 in the loss.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

import initviz
from initviz import trainability
from initviz.trainability import Cell, Settings

STORED = trainability.load()
TINY = ["--sigma-w2", "1", "3", "--depth", "2", "3", "--seeds", "1", "--steps", "20", "--width", "16"]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "initviz.trainability", *args], capture_output=True, text=True, timeout=300
    )


def test_stored_grid_is_complete_and_says_how_it_was_made():
    assert STORED["command"].startswith("python -m initviz.trainability")
    assert STORED["initviz_version"] == initviz.__version__
    assert STORED["settings"] == Settings()  # the defaults are the stored grid's settings
    assert STORED["sigma_w2"] == list(trainability.SIGMA_W2) and STORED["depths"] == list(trainability.DEPTHS)
    cells = {(r["sigma_w2"], r["depth"], r["seed"]) for r in STORED["records"]}
    assert cells == {tuple(c) for c in trainability.grid(seeds=STORED["seeds"])}
    assert all(0 <= r["test_accuracy"] <= 1 for r in STORED["records"])


@pytest.mark.parametrize("sigma_w2, depth, seed", [(1.0, 5, 0), (1.75, 15, 1), (4.0, 10, 0)])
def test_stored_cells_are_recomputed(sigma_w2, depth, seed):
    stored = trainability.stored_cell(STORED, sigma_w2, depth, seed)
    again = trainability.run_cell(Cell(sigma_w2, depth, seed), STORED["settings"])
    assert again["test_accuracy"] == pytest.approx(stored["test_accuracy"], abs=2.5 / 450)
    assert again["final_train_loss"] == pytest.approx(stored["final_train_loss"], rel=1e-3)
    assert again["diverged"] == stored["diverged"]


def test_boundary_against_a_hand_made_grid():
    records = [
        {"sigma_w2": s, "depth": d, "seed": 0, "test_accuracy": acc}
        for s, d, acc in [(1.0, 10, 0.9), (1.0, 50, 0.1), (1.75, 10, 0.9), (1.75, 50, 0.8)]
    ]
    found = trainability.boundary(records, 0.05)
    np.testing.assert_array_equal(found.deepest_trained, [10, 50])
    np.testing.assert_array_equal(found.edge, [30, np.nan])  # midway to the next depth; none past the deepest
    assert found.six_xi[0] == pytest.approx(6 * initviz.chaos.depth_scale(1.0, 0.05))
    assert found.agree == 1.0 and found.trained_beyond == 0 and found.failed_within == 0
    records[1]["test_accuracy"] = 0.9  # depth 50 > 6·ξ_c ≈ 22 at σ_w² = 1, and it trained
    assert trainability.boundary(records, 0.05).trained_beyond == 1


def test_accuracy_table_means_over_seeds():
    records = [{"sigma_w2": 1.0, "depth": 5, "seed": s, "test_accuracy": a} for s, a in ((0, 0.5), (1, 0.7))]
    sigma_w2s, depths, mean = trainability.accuracy_table(records)
    assert list(sigma_w2s) == [1.0] and list(depths) == [5] and mean[0, 0] == pytest.approx(0.6)


def test_same_weights_scaled_across_sigma_w2():
    a = trainability.make_net(Cell(1.0, 3, 0))
    b = trainability.make_net(Cell(4.0, 3, 0))
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(wb, 2 * wa, rtol=1e-6)


def test_workers_do_not_change_the_records():
    cells = trainability.grid([1.5], [2, 3], seeds=1)
    settings = Settings(steps=15, width=8)
    strip = lambda rs: [{k: v for k, v in r.items() if k != "seconds"} for r in rs]  # noqa: E731
    one = trainability.run_grid(cells, settings, workers=1)
    two = trainability.run_grid(cells, settings, workers=2)
    assert strip(one) == strip(two)


def test_cli_writes_the_json_and_reports_progress(tmp_path):
    out = tmp_path / "grid.json"
    done = cli(*TINY, "--workers", "1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["command"] == "python -m initviz.trainability " + " ".join(
        TINY + ["--workers", "1", "--out", str(out)]
    )
    assert len(result["records"]) == 4 and result["settings"]["width"] == 16
    assert "[   4/4]" in done.stderr and done.stdout == ""
