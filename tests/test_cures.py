"""Notebook 07's module: figures, tables, the stored grid and every exercise check (right and wrong)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz import experiment
from initviz.lessons import cures


@pytest.fixture(scope="module")
def tiny():
    """A tiny version of the grid: two inits, every cure, both cells, two seeds, a few steps."""
    configs = experiment.cures_grid(inits=("normal:std=1", "he_normal"), seeds=2, steps=40, width=8)
    return [r.record for r in experiment.run_grid(configs, workers=1)]


def test_stored_grid_is_the_full_design():
    records = cures.stored_records()
    assert len(records) == len(experiment.cures_grid(seeds=3))
    keys = {(r["init"], r["activation"], r["depth"], r["treatment"], r["seed"]) for r in records}
    expected = {(c.init, c.activation, c.depth, experiment.treatment_label(c), c.seed) for c in experiment.cures_grid()}
    assert keys == expected
    assert {r["steps"] for r in records} == {2000} and {r["batch_size"] for r in records} == {64}


def test_live_configs_are_cells_of_the_stored_grid():
    grid = set(experiment.cures_grid(seeds=1))
    assert all(c in grid for c in cures.live_configs())
    assert [experiment.treatment_label(c) for c in cures.live_configs()] == [cure for _, cure in cures.LIVE]


@pytest.mark.parametrize(
    "draw",
    [
        lambda r: cures.heatmap_figure(r),
        lambda r: cures.loss_curves_figure(r),
        lambda r: cures.loss_curves_figure(r, ["plain", "Adam"], activation="sigmoid", depth=5),
        lambda r: cures.stream_figure(depth=6, width=16),
        lambda r: cures.scale_invariance_figure(depth=4, width=16),
    ],
)
def test_figures_draw(tiny, draw):
    fig = draw(tiny)
    assert isinstance(fig, Figure) and fig.axes
    fig.canvas.draw()


def test_heatmap_names_divergence():
    records = cures.stored_records()
    fig = cures.heatmap_figure(records)
    texts = [t.get_text() for t in fig.axes[0].texts]
    row = cures.accuracy(records, "normal:std=1", "plain")
    assert row["diverged"] == row["runs"] and "diverged" in texts


def test_tables(tiny):
    table = cures.cell_table(tiny)
    assert table.splitlines()[0] == "| init | " + " | ".join(experiment.TREATMENTS) + " |"
    assert "| he_normal |" in table and "| N(0, 1²) |" in table
    robust = cures.robustness_table(tiny)
    assert "| plain |" in robust and "of 2" in robust and "the others" in robust
    with pytest.raises(KeyError, match="no runs"):
        cures.accuracy(tiny, "xavier_normal", "plain")


def test_stream_profile_verdicts():
    std, verdict = cures.stream_profile(depth=12, width=64)
    assert verdict.grade != "healthy" and std[-1] / std[0] > 20
    std, verdict = cures.stream_profile(depth=12, width=64, branch_scale="zero")
    assert verdict.healthy and np.allclose(std, std[0])


def test_scale_invariance_slope_is_minus_two():
    scales, losses, ratios = cures.scale_invariance((0.5, 1.0, 2.0, 4.0), depth=4, width=32)
    np.testing.assert_allclose(losses, losses[1], rtol=1e-3)
    np.testing.assert_allclose(np.diff(ratios) / np.diff(np.log10(scales)), -2, atol=0.05)


def test_init_table_and_bn_steps():
    table = cures.init_table(("zeros", "he_normal"), depth=6, width=32)
    assert "| zeros | all zeros from layer 1 | 2.303 | 0 (exactly) |" in table and "| he_normal | healthy |" in table
    steps = cures.bn_relative_steps(("normal:std=0.01", "normal:std=1"), depth=6, width=32)
    assert steps["normal:std=0.01"][0] > steps["normal:std=1"][0]


def test_diagnostics_figures_draw_with_a_verdict_at_init():
    data = iv.load_digits()
    diags = {
        name: iv.record_training(iv.MLP([64, 16, 16, 16, 10], act, "xavier_normal", rng=0), data, steps=40, every=20)
        for name, act in (("relu", "relu"), ("sigmoid", "sigmoid"))
    }
    fig = cures.diagnostics_figure(diags)
    fig.canvas.draw()
    assert fig.axes[0].texts[0].get_text() == str(cures._at_init_verdict(diags["relu"]))
    cures.diagnostics_figure({"s": diags["sigmoid"]}, activation="sigmoid").canvas.draw()
    table = cures.ratio_summary(diags)
    assert table.splitlines()[0] == "| run | layer 1 | layer 2 | layer 3 | head |" and "| relu |" in table


def test_compare_live_puts_the_stored_seed_beside(tiny):
    configs = [c for c in experiment.cures_grid(inits=("he_normal",), seeds=1, steps=40, width=8)][:2]
    results = experiment.run_grid(configs)
    table = cures.compare_live(results, tiny)
    assert table.count("\n") == 4 and "| he_normal | plain |" in table


def test_check_initial_loss(capsys):
    assert cures.check_initial_loss(math.log(10))
    assert not cures.check_initial_loss(1.0)
    assert "natural log" in capsys.readouterr().out
    assert not cures.check_initial_loss(0.1)
    assert "probability" in capsys.readouterr().out
    assert not cures.check_initial_loss(None)
    assert "Replace None" in capsys.readouterr().out


def test_check_stream_growth(capsys):
    assert cures.check_stream_growth(2.0**29)
    assert not cures.check_stream_growth(2.0**14.5)
    assert "std" in capsys.readouterr().out
    assert not cures.check_stream_growth(30)
    assert "double" in capsys.readouterr().out


def test_check_batch_norm(capsys):
    def right(z, gamma, beta, eps=1e-5):
        return gamma * (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + eps) + beta

    def unbiased(z, gamma, beta, eps=1e-5):
        return gamma * (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0, ddof=1) + eps) + beta

    def rows(z, gamma, beta, eps=1e-5):
        return gamma * (z - z.mean(axis=1, keepdims=True)) / np.sqrt(z.var(axis=1, keepdims=True) + eps) + beta

    def todo(z, gamma, beta, eps=1e-5):
        return None

    assert cures.check_batch_norm(right)
    assert np.allclose(
        right(np.arange(12.0).reshape(4, 3), 1, 0), iv.BatchNorm(3, dtype=np.float64)(np.arange(12.0).reshape(4, 3))
    )
    assert not cures.check_batch_norm(unbiased)
    assert "biased batch variance" in capsys.readouterr().out
    assert not cures.check_batch_norm(rows)
    assert "layer norm" in capsys.readouterr().out
    assert not cures.check_batch_norm(todo)
    assert "Write your batch_norm" in capsys.readouterr().out


def test_check_update_ratio(capsys):
    assert cures.check_update_ratio(lambda b, a: np.log10(np.linalg.norm(a - b) / np.linalg.norm(a)))
    assert not cures.check_update_ratio(lambda b, a: np.linalg.norm(a - b) / np.linalg.norm(a))
    assert "log₁₀ of the ratio" in capsys.readouterr().out
    assert not cures.check_update_ratio(lambda b, a: np.log(np.linalg.norm(a - b) / np.linalg.norm(a)))
    assert "natural log" in capsys.readouterr().out
    assert not cures.check_update_ratio(lambda b, a: np.log10(np.linalg.norm(a - b)))
    assert "size of the weights" in capsys.readouterr().out
