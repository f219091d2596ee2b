"""Notebook 02 (Gaussian initialization): figures, the explorer panel at its corners, exercises."""

import itertools
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz import exercises, plots, widgets


@pytest.fixture(autouse=True)
def strict_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture(scope="module")
def panel():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return widgets.gaussian_panel()


# --- the panel ------------------------------------------------------------------------------------------------------

CORNERS = list(itertools.product([1e-3, 1e2], ["sigmoid", "tanh", "relu", "leaky_relu"], [1, 50], [10, 500]))


@pytest.mark.parametrize("std, activation, depth, width", CORNERS)
def test_panel_draws_every_corner_without_warnings(panel, std, activation, depth, width):
    n_axes = len(panel.figure.axes)
    png = panel.update(std=std, activation=activation, depth=depth, width=width)
    explorer = panel.explorer
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(panel.figure.axes) == n_axes  # artists are updated, not added
    shown = [ax for ax in explorer.hist_axes if ax.get_visible()]
    assert len(shown) == min(depth, 5)
    assert shown[-1].get_title().startswith(f"layer {depth} ")
    forward, backward = explorer.forward.state.get_text(), explorer.backward.state.get_text()
    assert forward and backward
    if depth == 50 and activation in ("relu", "leaky_relu"):
        assert ("overflow at layer" if std == 1e2 else "vanished at layer") in forward
    if depth == 50 and activation == "tanh" and std == 1e-3:
        assert "vanished at layer" in forward and "all zeros from layer" in forward
    if depth == 50 and activation == "sigmoid" and std == 1e-3:
        assert forward.startswith("values stuck near 0.5")
        assert "vanished at layer" in backward
    if depth == 1:
        assert forward == "healthy"


def test_overflowed_layers_are_labelled_not_blank(panel):
    panel.update(std=1e2, activation="relu", depth=50, width=100)
    explorer = panel.explorer
    last = explorer.hist_axes[-1]
    assert "overflowed" in " ".join(t.get_text() for t in last.texts)
    assert last.get_title().endswith("std overflow")
    assert explorer.backward.state.get_text().startswith("forward overflow at layer")


def test_panel_redraws_differ_between_settings_and_repeat_exactly(panel):
    a = panel.update(std=0.1, activation="tanh", depth=10, width=100)
    counts_a = panel.explorer.histograms.hist.steps[-1].get_data()[0].copy()
    b = panel.update(std=2.0, activation="tanh", depth=10, width=100)
    counts_b = panel.explorer.histograms.hist.steps[-1].get_data()[0]
    assert a != b and not np.array_equal(counts_a, counts_b)
    assert panel.update(std=0.1, activation="tanh", depth=10, width=100) == a


def test_panel_theory_matches_measured_profile(panel):
    panel.update(std=0.1, activation="tanh", depth=10, width=100)
    measured = panel.explorer.forward.measured.get_ydata()
    theory = panel.explorer.forward.theory.get_ydata()
    np.testing.assert_allclose(measured, theory, rtol=0.1)


def test_panel_shows_sigmoid_input_driven_line_only_for_sigmoid(panel):
    panel.update(std=0.1, activation="sigmoid", depth=10, width=100)
    driven = panel.explorer.driven.get_ydata()
    assert len(driven) == 10 and driven[-1] < 1e-4 * driven[0]
    assert "dotted" in panel.explorer.forward.ax.get_title()
    panel.update(activation="relu")
    assert len(panel.explorer.driven.get_ydata()) == 0
    assert "dotted" not in panel.explorer.forward.ax.get_title()


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        ({"std": 0}, ValueError, "std"),
        ({"std": "big"}, TypeError, "std"),
        ({"std": 1e3}, ValueError, "std"),
        ({"activation": "softmax"}, ValueError, "activation"),
        ({"depth": 0}, ValueError, "depth"),
        ({"depth": 51}, ValueError, "depth"),
        ({"width": 5}, ValueError, "width"),
        ({"width": 2.5}, TypeError, "width"),
    ],
)
def test_panel_rejects_bad_arguments(kwargs, error, word):
    with pytest.raises(error, match=word):
        widgets.gaussian_panel(**kwargs)


def test_panel_update_rejects_unknown_control(panel):
    with pytest.raises(ValueError, match="unknown control"):
        panel.update(seed=3)
    assert panel.controls["std"].continuous_update and not panel.controls["width"].continuous_update


# --- static figures -------------------------------------------------------------------------------------------------


def test_histogram_grid_rows_are_stds_and_titles_carry_the_layer_std():
    fig = plots.gaussian_histogram_grid("tanh", stds=(0.01, 10), depth=3)
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    stats = iv.layer_stats(iv.propagate("normal:std=0.01", "tanh", depth=3).activations, "tanh")
    assert fig.axes[2].get_title() == f"layer 3  ·  std {stats.std[2]:.2g}"
    assert fig.axes[0].get_ylabel() == "std 0.01" and fig.axes[3].get_ylabel() == "std 10"
    assert fig.axes[0].get_xlim() == (-1.0, 1.0)  # tanh's whole output range


def test_relu_histograms_cut_the_zero_spike():
    fig = plots.gaussian_histogram_grid("relu", stds=(1.0,), depth=2)
    ax = fig.axes[0]
    counts = ax.patches[0].get_data()[0]
    assert counts.max() > ax.get_ylim()[1]  # the bar of exact zeros is taller than the axis
    assert "exactly 0 (bar cut)" in " ".join(t.get_text() for t in ax.texts)


def test_summary_has_theory_under_every_measured_curve():
    fig = plots.gaussian_summary(stds=(0.1, 10), activations=("sigmoid", "relu"), depth=3)
    assert len(fig.axes) == 6
    log_axes = [ax for ax in fig.axes if ax.get_yscale() == "log"]
    assert len(log_axes) == 4 and all(len(ax.lines) == 4 for ax in log_axes)  # 2 stds × (theory, measured)
    relu_dead = fig.axes[5]
    assert "the same for all 2 stds" in " ".join(t.get_text() for t in relu_dead.texts)


def test_saturation_figure_counts_where_sigmoid_and_tanh_pile_up():
    fig = plots.gaussian_saturation_figure(10, depth=3)
    sigmoid_title, tanh_title = (ax.get_title() for ax in fig.axes)
    h = iv.propagate("normal:std=10", "sigmoid", depth=3).activations[-1]
    assert f"{np.mean(np.abs(h) < 0.03):.0%} within 0.03 of 0" in sigmoid_title
    assert "of -1" in tanh_title


def test_depth_figure_and_note_figures():
    fig = plots.gaussian_depth_figure(0.1, depth=6)
    sigmoid_driven = fig.axes[2].lines[0].get_ydata()
    assert sigmoid_driven[-1] < 0.01 * sigmoid_driven[0]  # the input-driven part of sigmoid vanishes
    small, large = plots.gaussian_note_figure(0.1), plots.gaussian_note_figure(10)
    assert len(small.axes) == len(large.axes) == 15
    assert "small std" in small.get_suptitle() and "large std" in large.get_suptitle()
    assert [ax.get_ylabel() for ax in large.axes[::5]] == ["sigmoid", "tanh", "ReLU"]


def test_theory_past_float64_overflow_is_inf_not_an_error():
    profile = plots._gaussian_theory(100, "relu", 50, 500)
    assert np.isinf(profile.activation_std[-1]) and np.isfinite(profile.activation_std[0])
    assert np.isfinite(profile.gradient_std).all() and profile.gradient_std[-1] == 1
    exact = iv.predict_profile(10, 100**2, 500, "relu")
    np.testing.assert_allclose(plots._gaussian_theory(100, "relu", 10, 500).gradient_std, exact.gradient_std)


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: plots.gaussian_histogram_grid("relu", stds=[]), ValueError, "stds"),
        (lambda: plots.gaussian_histogram_grid("relu", stds="0.1"), TypeError, "stds"),
        (lambda: plots.gaussian_histogram_grid("relu", stds=(0.1, -1)), ValueError, r"stds\[1\]"),
        (lambda: plots.gaussian_histogram_grid("gelu"), ValueError, "activation"),
        (lambda: plots.gaussian_note_figure(-1), ValueError, "std"),
        (lambda: plots.gaussian_note_figure("10"), TypeError, "std"),
        (lambda: plots.gaussian_saturation_figure(10, depth=3, layer=4), ValueError, "layer"),
        (lambda: plots.gaussian_depth_figure(np.inf), ValueError, "std"),
        (lambda: plots.GaussianExplorer().update(depth=0), ValueError, "depth"),
    ],
)
def test_figures_reject_bad_arguments(call, error, word):
    with pytest.raises(error, match=word):
        call()


# --- exercises ------------------------------------------------------------------------------------------------------


def test_check_relu_layer_factor(capsys):
    exercises.check_relu_layer_factor(0.01 * np.sqrt(50))
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_relu_layer_factor(0.1)  # forgot the 1/2 of ReLU
    assert capsys.readouterr().out.startswith("Not quite")
    exercises.check_relu_layer_factor(None)
    assert capsys.readouterr().out.startswith("Replace None")
    with pytest.raises(TypeError, match="answer"):
        exercises.check_relu_layer_factor("0.07")


def test_check_sigmoid_gradient_factor_matches_the_measured_gradient(capsys):
    grads = iv.layer_stats(iv.propagate("normal:std=0.01", "sigmoid").grad_activations).std
    measured = (grads[0] / grads[-1]) ** 0.25
    exercises.check_sigmoid_gradient_factor(measured)
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_sigmoid_gradient_factor(0.1)  # forgot sigmoid's slope 1/4
    assert capsys.readouterr().out.startswith("Not quite")


def test_check_relu_flat_std(capsys):
    exercises.check_relu_flat_std(np.sqrt(2 / 400), width=400)
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_relu_flat_std(np.sqrt(1 / 400), width=400)
    assert capsys.readouterr().out.startswith("Not quite")
    with pytest.raises(ValueError, match="width"):
        exercises.check_relu_flat_std(0.1, width=0)
