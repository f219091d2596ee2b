"""The helpers notebook 05 adds: the propagation figure, the grid's progress bar, the loss-curve axis, the exercise."""

import io
import warnings

import numpy as np
import pytest

import initviz as iv
from initviz import exercises, experiment, plots, widgets

INITS = ("zeros", "normal:std=0.01", "normal:std=10", "he_normal")


@pytest.fixture(autouse=True)
def strict_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def tiny_profiles(depth=6):
    profiles = {}
    for act in ("sigmoid", "relu"):
        for init in INITS:
            trace = iv.propagate(init, act, depth=depth, width=16, n_samples=32, seed=0)
            profiles[init, act] = (iv.layer_stats(trace.activations, act), iv.layer_stats(trace.grad_activations))
    return profiles


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tiny_results():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        configs = experiment.cross_grid(
            ["zeros", "he_normal", "normal:std=10"], ["relu"], [3], seeds=2, steps=40, width=32, lr=1.0
        )
        return experiment.run_grid(configs)


def test_propagation_figure_names_every_broken_signal():
    fig = plots.propagation_figure(tiny_profiles(), mark_layer=3)
    shown = texts(fig)
    # zero init: relu outputs are all 0 from layer 1; sigmoid outputs stick at 0.5; gradients are 0 below the top
    assert "zeros: all zeros from layer 1" in shown
    assert "zeros: constant from layer 1" in shown
    assert "zeros: all zeros from layer 5" in shown  # backward, read down from the top layer (6)
    assert any(t.startswith("N(0, 10²): exploded at layer") for t in shown)
    assert len(fig.axes) == 6 and len(png(fig)) > 10_000


def test_propagation_figure_draws_zero_std_on_the_edge_not_blank():
    fig = plots.propagation_figure({k: v for k, v in tiny_profiles().items() if k == ("zeros", "relu")})
    forward_ax = fig.axes[0]
    line, floor = forward_ax.lines[0], forward_ax.lines[1]
    assert np.isnan(line.get_ydata()).all()  # nothing to show on a log axis ...
    assert len(floor.get_xdata()) == 6  # ... so every layer gets a ▼ on the bottom edge
    assert "all healthy" not in texts(fig)


def test_propagation_figure_all_healthy_and_bad_input():
    fig = plots.propagation_figure({k: v for k, v in tiny_profiles().items() if k == ("he_normal", "relu")})
    assert texts(fig).count("all healthy") == 2
    with pytest.raises(ValueError, match="profiles is empty"):
        plots.propagation_figure({})


def test_loss_curves_axis_reaches_the_best_curve(tiny_results):
    fig = plots.loss_curves(tiny_results)
    bottom = fig.axes[0].get_ylim()[0]
    best = min(np.nanmin(r.history.loss) for r in tiny_results)
    assert bottom <= max(best, 1e-3)
    assert any("diverged 2/2" in t.get_text() for t in fig.legends[0].get_texts())
    assert len(png(fig)) > 5_000


def test_progress_bar_callback_moves_the_bar_and_names_the_run(tiny_results):
    box, callback = widgets.progress_bar(len(tiny_results))
    bar, label = box.children
    assert (bar.value, bar.max) == (0, len(tiny_results))
    diverged = next(r for r in tiny_results if r.record["diverged"])
    callback(1, len(tiny_results), diverged)
    assert bar.value == 1 and "1/6 runs done" in label.value and "diverged at step" in label.value
    callback(len(tiny_results), len(tiny_results), tiny_results[0])
    assert bar.value == bar.max and bar.bar_style == "success"


def test_progress_bar_works_with_run_grid():
    box, callback = widgets.progress_bar(2)
    experiment.run_grid(
        experiment.cross_grid(["he_normal"], ["tanh"], [1], seeds=2, steps=5, width=4), progress=callback
    )
    assert box.children[0].value == 2 and box.children[1].value.startswith("2/2 runs done")


def test_progress_bar_rejects_bad_arguments():
    with pytest.raises(ValueError, match="total"):
        widgets.progress_bar(0)
    with pytest.raises(TypeError, match="total"):
        widgets.progress_bar(2.5)
    with pytest.raises(TypeError, match="description"):
        widgets.progress_bar(3, description=7)


def test_check_default_linear_ratio(capsys):
    exercises.check_default_linear_ratio((1 / 6) ** 10)
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_default_linear_ratio(2.0**-10)
    out = capsys.readouterr().out
    assert out.startswith("Not quite.") and "Hint" in out
    exercises.check_default_linear_ratio((1 / 6) ** 4, depth=4)
    assert capsys.readouterr().out.startswith("Correct.")
    assert exercises.default_linear_ratio(3) == pytest.approx((1 / 6) ** 3)
    exercises.check_default_linear_ratio(None)
    assert capsys.readouterr().out.startswith("Replace None")
    with pytest.raises(TypeError, match="answer"):
        exercises.check_default_linear_ratio("1e-8")
    with pytest.raises(ValueError, match="answer"):
        exercises.check_default_linear_ratio(-1.0)
