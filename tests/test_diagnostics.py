"""Training diagnostics and the experiment's cures: records, grids, summaries and the CLI's new flags."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import initviz as iv
from initviz import experiment


def test_update_ratio_is_log10_of_the_relative_change():
    w = np.ones((4, 4))
    assert iv.update_ratio(w, w * 1.001) == pytest.approx(math.log10(0.001 / 1.001))
    assert math.isnan(iv.update_ratio(w, w))
    assert math.isnan(iv.update_ratio(np.zeros((2, 2)), np.zeros((2, 2))))
    with pytest.raises(ValueError, match="one shape"):
        iv.update_ratio(w, np.ones((3, 3)))


def test_record_training_measures_every_layer_and_matches_sgd():
    data = iv.load_digits()
    net = iv.MLP([64] + [32] * 6 + [10], "relu", "he_normal", rng=0)
    d = iv.record_training(net, data, steps=60, every=20, seed=0)
    assert list(d.steps) == [0, 20, 40, 60]
    assert d.std.shape == (4, 6) and d.ratio.shape == (4, 7)
    assert np.isnan(d.ratio[0]).all() and np.isfinite(d.ratio[1:]).all()
    assert d.initial_loss == pytest.approx(
        iv.MLP([64] + [32] * 6 + [10], "relu", "he_normal", rng=0).trace(data.x_train[:256], data.y_train[:256]).loss
    )
    assert d.history.steps_run == 60 and d.stream_std is None and d.lr == 0.01
    # the same run without diagnostics ends at the same weights: recording does not disturb training
    again = iv.MLP([64] + [32] * 6 + [10], "relu", "he_normal", rng=0)
    iv.train(again, data, steps=60, seed=0)
    np.testing.assert_array_equal(again.weights[0], net.weights[0])


def test_record_training_every_step_ratio_is_the_sgd_step():
    data = iv.load_digits()
    net = iv.MLP([64, 16, 16, 10], "tanh", "xavier_normal", rng=0, bias=False)
    before = [w.copy() for w in net.weights]
    d = iv.record_training(net, data, steps=1, every=1, lr=0.05)
    assert d.ratio[1] == pytest.approx([iv.update_ratio(b, w) for b, w in zip(before, net.weights)])


def test_xavier_at_depth_30_first_layers_barely_move():
    data = iv.load_digits()
    ratios = {}
    for init in ("xavier_normal", "he_normal"):
        d = iv.record_training(iv.MLP([64] + [100] * 30 + [10], "relu", init), data, steps=40, every=20)
        ratios[init] = np.nanmean(d.ratio[1:], axis=0)
    assert abs(ratios["he_normal"][0] - iv.diagnostics.KARPATHY_RATIO) < 0.5
    # ReLU: dW_l = h_(l-1)ᵀ·δ_l and the two shrink in opposite directions: every hidden layer is ~2^-15 of He's
    assert (ratios["xavier_normal"][:-1] < ratios["he_normal"][:-1] - 3).all()


def test_initial_loss_of_a_tiny_init_is_ln10():
    data = iv.load_digits()
    assert iv.initial_loss(iv.MLP([64, 100, 10], "relu", "normal:std=0.01"), data) == pytest.approx(
        math.log(10), abs=0.01
    )


def test_cures_grid_and_labels():
    grid = experiment.cures_grid(seeds=3)
    assert len(grid) == 6 * 7 * 2 * 3
    labels = {experiment.treatment_label(c) for c in grid}
    assert labels == set(experiment.TREATMENTS)
    adam = [c for c in grid if c.optimizer == "adam"]
    assert {c.lr for c in adam} == {1e-3} and {c.lr for c in grid if c.optimizer == "sgd"} == {0.01}
    assert {c.init for c in grid if experiment.treatment_label(c) == "LSUV"} == {
        f"lsuv:base={i}" for i in experiment.INITS
    }
    assert experiment.base_init("lsuv:base=normal:std=0.01") == "normal:std=0.01"
    assert experiment.treatment_label(experiment.Config("he_normal", "relu", 5, norm="batch", optimizer="adam")) == (
        "batchnorm + Adam"
    )
    assert experiment.Config("he_normal", "relu", 5)[:8] == ("he_normal", "relu", 5, 100, 2000, 0.01, 64, 0)


def test_run_records_the_new_settings_and_a_loss_curve():
    config = experiment.Config(
        "lsuv:base=xavier_normal", "relu", 3, width=16, steps=40, norm="batch", optimizer="adam", lr=1e-3
    )
    record = experiment.run(config).record
    assert record["norm"] == "batch" and record["optimizer"] == "adam" and record["residual"] is False
    assert record["treatment"] == "LSUV + batchnorm + Adam" and record["base_init"] == "xavier_normal"
    assert record["lsuv_converged"] is True and len(record["loss_curve"]) == 2
    json.dumps(record, allow_nan=False)  # valid JSON: no NaN


def test_summarize_keeps_old_records_and_splits_cures():
    old = [
        {
            "init": "he_normal",
            "activation": "relu",
            "depth": 5,
            "test_accuracy": 0.9,
            "final_train_loss": 0.1,
            "diverged": False,
        }
    ]
    assert experiment.markdown_table(old).splitlines()[0].count("|") == 8  # no cure column for plain records
    new = old + [{**old[0], "norm": "batch", "treatment": "batchnorm", "base_init": "he_normal", "test_accuracy": 0.5}]
    rows = experiment.summarize(new)
    assert [r["treatment"] for r in rows] == ["plain", "batchnorm"] and rows[1]["mean"] == 0.5
    assert "| 5 | relu | he_normal | batchnorm | 50.0% ± 0.0 |" in experiment.markdown_table(new)


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "initviz.experiment", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_records_the_new_flags(tmp_path):
    done = cli(
        "--init",
        "lsuv:base=normal:std=0.01",
        "--activation",
        "relu",
        "--depth",
        "3",
        "--width",
        "16",
        "--steps",
        "30",
        "--seeds",
        "1",
        "--workers",
        "1",
        "--norm",
        "batch",
        "--optimizer",
        "adam",
        "--no-figures",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    (record,) = json.loads((tmp_path / "results.json").read_text())
    assert record["lr"] == 1e-3 and record["norm"] == "batch" and record["optimizer"] == "adam"
    assert record["init"] == "lsuv:base=normal:std=0.01" and record["lsuv_converged"] is True
    assert "[LSUV + batchnorm + Adam]" in done.stderr


def test_cli_cures_grid_writes_its_figures(tmp_path):
    done = cli(
        "--grid",
        "cures",
        "--init",
        "he_normal",
        "--steps",
        "4",
        "--seeds",
        "1",
        "--width",
        "8",
        "--workers",
        "2",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    records = json.loads((tmp_path / "results.json").read_text())
    assert len(records) == 7 * 2 and {r["treatment"] for r in records} == set(experiment.TREATMENTS)
    assert (tmp_path / "cures_heatmap.png").stat().st_size > 5000
    assert "| 30 | relu | he_normal | residual 1/√L |" in (tmp_path / "results.md").read_text()
