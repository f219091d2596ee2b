import json
import subprocess
import sys

from initviz import experiment

TINY = ["--depth", "2", "--width", "16", "--steps", "30", "--seeds", "2", "--workers", "1"]


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "initviz.experiment", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_cli_writes_records_table_and_figures(tmp_path):
    out = tmp_path / "out"
    done = cli("--init", "zeros", "he_normal", "--activation", "relu", *TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    records = json.loads((out / "results.json").read_text())
    assert len(records) == 4
    keys = {
        "init",
        "activation",
        "depth",
        "width",
        "seed",
        "steps",
        "final_train_loss",
        "diverged",
        "test_accuracy",
        "seconds",
        "step_ms",
    }
    assert all(keys <= set(r) for r in records)
    assert {r["seed"] for r in records} == {0, 1}
    assert "| 2 | relu | he_normal |" in (out / "results.md").read_text()
    assert (out / "accuracy_heatmap.png").stat().st_size > 5000
    assert "[  4/4]" in done.stderr and done.stdout == ""


def test_cli_is_deterministic_apart_from_timings(tmp_path):
    runs = []
    for name in ("a", "b"):
        assert cli("--init", "xavier_normal", *TINY, "--no-figures", "--out", str(tmp_path / name)).returncode == 0
        records = json.loads((tmp_path / name / "results.json").read_text())
        runs.append([{k: v for k, v in r.items() if k not in ("seconds", "step_ms")} for r in records])
    assert runs[0] == runs[1]


def test_parallel_workers_give_the_same_results():
    configs = experiment.cross_grid(["he_normal"], ["tanh"], [2], seeds=2, steps=20, width=8)
    one = [r.record["final_train_loss"] for r in experiment.run_grid(configs, workers=1)]
    two = [r.record["final_train_loss"] for r in experiment.run_grid(configs, workers=2)]
    assert one == two


def test_diverged_run_is_recorded_with_null_loss(tmp_path):
    done = cli(
        "--init",
        "normal:std=10",
        "--activation",
        "relu",
        "--depth",
        "3",
        "--steps",
        "50",
        "--lr",
        "1",
        "--seeds",
        "1",
        "--workers",
        "1",
        "--no-figures",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    (record,) = json.loads((tmp_path / "results.json").read_text())
    assert record["diverged"] is True and record["final_train_loss"] is None
    assert "diverged at step" in done.stderr


def test_design_grid_shape():
    grid = experiment.design_grid(seeds=3)
    assert len(grid) == 6 * 3 * 3 + 6 * 3
    assert {(c.activation, c.depth) for c in grid} == {("sigmoid", 5), ("tanh", 5), ("relu", 5), ("relu", 30)}
