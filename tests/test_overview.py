"""Notebook 00's figures: plots.init_comparison (the teaser) and plots.convergence_figure."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

from initviz import experiment, plots

TEASER = ("normal:std=0.01", "normal:std=1", "he_normal")


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def test_teaser_names_each_signal_state():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.init_comparison(TEASER, "relu", depth=10, title="teaser")
        png(fig)
    texts = legend_texts(fig.axes[0])
    assert "vanished at layer" in texts[0]
    assert "exploded at layer" in texts[1]
    assert texts[2].endswith("healthy")
    he = fig.axes[0].get_lines()[2].get_ydata()
    assert np.all((he > 0.5) & (he < 2)), he  # He keeps a ReLU stack's std near 1


def test_teaser_uses_notebook_05_colours():
    fig = plots.init_comparison(("xavier_normal", "he_normal", "lecun_normal"), "relu", depth=3)
    colors = [line.get_color() for line in fig.axes[0].get_lines()]
    assert colors[:2] == [plots.INIT_COLORS["xavier_normal"], plots.INIT_COLORS["he_normal"]]
    assert colors[2] not in colors[:2]


@pytest.mark.parametrize("inits", [("zeros",), ("zeros", "normal:std=1000"), ("constant:value=0.5", "he_normal")])
def test_teaser_extremes_draw_without_warnings(inits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.init_comparison(inits, "relu", depth=30)
        data = png(fig)
    assert data.startswith(b"\x89PNG")
    texts = legend_texts(fig.axes[0])
    assert any(word in " ".join(texts) for word in ("all zeros", "constant", "overflow", "exploded"))


def test_teaser_differs_between_activations():
    assert png(plots.init_comparison(TEASER, "relu", depth=5)) != png(plots.init_comparison(TEASER, "tanh", depth=5))


@pytest.mark.parametrize("bad, error", [((), ValueError), ("he_normal", TypeError), (("no_such_init",), ValueError)])
def test_teaser_rejects_bad_inits(bad, error):
    with pytest.raises(error, match="init"):
        plots.init_comparison(bad, "relu", depth=3)


@pytest.fixture(scope="module")
def tiny_results():
    configs = experiment.cross_grid(["normal:std=1", "he_normal"], ["relu"], [5], seeds=2, steps=30)
    return experiment.run_grid(configs)


def test_convergence_figure_marks_divergence_and_accuracy(tiny_results):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.convergence_figure(tiny_results, title="tiny")
        png(fig)
    loss_ax, acc_ax = fig.axes[:2]
    texts = legend_texts(acc_ax)
    assert len(texts) == 4
    assert all("diverged at step" in t for t in texts[:2]), texts
    assert all("test accuracy" in t and "seed" in t for t in texts[2:]), texts
    he = [r.history for r in tiny_results if r.config.init == "he_normal"]
    accuracy_lines = [line for line in acc_ax.get_lines() if len(line.get_xdata()) == len(he[0].eval_steps)]
    assert np.allclose(accuracy_lines[0].get_ydata(), he[0].test_accuracy)
    assert loss_ax.get_ylim() == pytest.approx((0, 1.2 * np.log(10)))


def test_convergence_figure_all_diverged_and_long_smoothing(tiny_results):
    diverged = [r for r in tiny_results if r.history.diverged]
    assert diverged, "the N(0, 1) runs should diverge (notebook 05 sees it at step 3)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png(plots.convergence_figure(diverged))
        png(plots.convergence_figure(tiny_results, smooth=1000))  # longer than the run: one smoothed point


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"results": []}, ValueError),
        ({"n_classes": 1}, ValueError),
        ({"smooth": 0}, ValueError),
        ({"smooth": 2.5}, TypeError),
    ],
)
def test_convergence_figure_rejects_bad_arguments(tiny_results, kwargs, error):
    kwargs = {"results": tiny_results, **kwargs}
    name = next(k for k in kwargs if k != "results") if len(kwargs) > 1 else "results"
    with pytest.raises(error, match=name):
        plots.convergence_figure(**kwargs)
