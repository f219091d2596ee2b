"""Notebook 01 (constant initialization): symmetry measures, recorded training, figures, panel, exercises."""

import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import initviz as iv
from initviz import exercises, plots, widgets
from initviz.symmetry import column_spread, distinct_units, nonzero_gradients, record_training


@pytest.fixture(scope="module")
def digits():
    return iv.load_digits()


@pytest.fixture(autouse=True)
def strict_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def titles(fig):
    return [ax.get_title() for ax in fig.axes] + [ax.get_title(loc="left") for ax in fig.axes]


# --- symmetry measures -------------------------------------------------------------------------------------------


def test_column_spread_and_distinct_units():
    same = np.tile(np.arange(5.0)[:, None], (1, 4))
    assert column_spread(same) == 0.0
    assert distinct_units(same) == 1
    two = same.copy()
    two[:, 2:] += 1.0
    assert column_spread(two) == 1.0
    assert distinct_units(two) == 2
    assert distinct_units(np.zeros((3, 7))) == 1
    assert distinct_units(iv.initialize("xavier_normal", (64, 16), rng=0)) == 16
    tiny = same + 1e-6 * np.arange(4)  # differences far below 1% of max|W| count as one unit
    assert distinct_units(tiny) == 1
    assert distinct_units(tiny, rtol=0) == 4


def test_measures_reject_bad_arguments():
    with pytest.raises(ValueError, match="weights"):
        column_spread(np.zeros(4))
    with pytest.raises(TypeError, match="weights"):
        distinct_units("abc")
    with pytest.raises(ValueError, match="rtol"):
        distinct_units(np.zeros((2, 2)), rtol=-1)


@pytest.mark.parametrize(
    "activation, expected",
    [("sigmoid", ["W2", "b2"]), ("tanh", ["b2"]), ("relu", ["b2"]), ("leaky_relu", ["b2"]), ("linear", ["b2"])],
)
def test_zero_init_gradients_depend_on_phi_at_zero(digits, activation, expected):
    net = iv.MLP([64, 16, 10], activation, "zeros")
    assert nonzero_gradients(net, digits.x_train[:64], digits.y_train[:64]) == expected


def test_nonzero_gradients_rejects_non_models(digits):
    with pytest.raises(TypeError, match="model"):
        nonzero_gradients("net", digits.x_train[:4], digits.y_train[:4])


# --- recorded training ---------------------------------------------------------------------------------------------


def test_constant_init_stays_symmetric_random_does_not(digits):
    const = record_training(iv.MLP([64, 8, 10], "tanh", "constant:value=0.1"), digits, steps=60, every=20)
    rand = record_training(iv.MLP([64, 8, 10], "tanh", "xavier_normal"), digits, steps=60, every=20)
    assert list(const.steps) == [0, 20, 40, 60]
    assert const.weights.shape == (4, 64, 8)
    assert all(column_spread(w) == 0.0 for w in const.weights)
    assert list(const.distinct) == [1, 1, 1, 1]
    assert not np.array_equal(const.weights[0], const.weights[-1])  # it did train
    assert plots.describe_matrix(const.last_gradient) == "identical columns"
    assert list(rand.distinct) == [8, 8, 8, 8]
    assert rand.test_accuracy[-1] > const.test_accuracy[-1]
    assert const.at(0) == 0 and const.at(39) == 1 and const.at(1000) == 3


def test_zero_init_tanh_never_moves_first_layer(digits):
    rec = record_training(iv.MLP([64, 8, 10], "tanh", "zeros"), digits, steps=30, every=10)
    assert np.all(rec.weights == 0)
    rec = record_training(iv.MLP([64, 8, 10], "sigmoid", "zeros"), digits, steps=30, every=10)
    assert np.any(rec.weights[-1] != 0) and column_spread(rec.weights[-1]) == 0.0


def test_record_training_stops_at_divergence_and_keeps_finite_weights(digits):
    rec = record_training(iv.MLP([64, 16, 10], "linear", "he_normal"), digits, steps=50, lr=10.0, every=5)
    assert rec.diverged_at is not None
    assert np.isfinite(rec.weights).all()
    after = rec.weights[rec.steps >= rec.diverged_at]
    assert len(after) >= 2 and all(np.array_equal(w, after[0]) for w in after)
    fig = plots.symmetry_figure([("diverging", rec)])
    FigureCanvasAgg(fig).draw()
    assert any(f"diverged at step {rec.diverged_at}" in t for t in titles(fig))


def test_record_training_rejects_bad_arguments(digits):
    net = iv.MLP([64, 4, 10], "relu", "he_normal")
    with pytest.raises(TypeError, match="model"):
        record_training("net", digits)
    with pytest.raises(TypeError, match="data"):
        record_training(net, (digits.x_train, digits.y_train))
    with pytest.raises(ValueError, match="steps"):
        record_training(net, digits, steps=-1)
    with pytest.raises(ValueError, match="lr"):
        record_training(net, digits, lr=0)
    with pytest.raises(ValueError, match="do not fit"):
        record_training(iv.MLP([2, 4, 2], "relu", "he_normal"), digits)


# --- figures -------------------------------------------------------------------------------------------------------


def test_zero_init_figure_states_the_facts(digits):
    trace = iv.MLP([64, 16, 10], "sigmoid", "zeros").trace(digits.x_train[:64], digits.y_train[:64])
    fig = plots.zero_init_figure(trace)
    FigureCanvasAgg(fig).draw()
    text = " | ".join(titles(fig))
    assert "all = 0.5" in text and "all = 0.1" in text and "all = 0" in text
    assert "identical rows" in text and "every row different" in text
    deep = iv.MLP([64, 8, 8, 10], "sigmoid", "zeros").trace(digits.x_train[:8], digits.y_train[:8])
    with pytest.raises(ValueError, match="one hidden layer"):
        plots.zero_init_figure(deep)
    with pytest.raises(ValueError, match="n_show"):
        plots.zero_init_figure(trace, n_show=0)


def test_zero_init_figure_with_tanh_shows_zero_hidden(digits):
    trace = iv.MLP([64, 16, 10], "tanh", "zeros").trace(digits.x_train[:64], digits.y_train[:64])
    fig = plots.zero_init_figure(trace)
    FigureCanvasAgg(fig).draw()
    assert "hidden h₁ = φ(x·0 + 0)\nall = 0" in titles(fig)
    assert "gradient dL/dW₂\nall = 0" in titles(fig)


def test_symmetry_figure_and_curves(digits):
    const = record_training(iv.MLP([64, 8, 10], "sigmoid", "constant:value=0.1"), digits, steps=20, every=10)
    rand = record_training(iv.MLP([64, 8, 10], "sigmoid", "xavier_normal"), digits, steps=20, every=10)
    fig = plots.symmetry_figure([("constant", const), ("random", rand)])
    FigureCanvasAgg(fig).draw()
    text = " | ".join(titles(fig))
    assert "1 distinct unit(s) of 8" in text and "8 distinct unit(s) of 8" in text
    assert "constant: W₁ at init\nall = 0.1" in text
    curves = plots.symmetry_curves([("constant", const), ("random", rand)], chance=0.1)
    units_ax = curves.axes[1]
    assert [list(line.get_ydata()) for line in units_ax.get_lines()] == [[1, 1, 1], [8, 8, 8]]
    with pytest.raises(ValueError, match="rows"):
        plots.symmetry_figure([])
    with pytest.raises(ValueError, match="runs"):
        plots.symmetry_curves([])
    with pytest.raises(ValueError, match="2-D"):
        plots.heatmap(fig.axes[0], np.zeros(3))


def test_describe_matrix():
    assert plots.describe_matrix(np.full((2, 3), 0.5)) == "all = 0.5"
    assert plots.describe_matrix(np.array([[1.0, 1.0], [2.0, 2.0]])) == "identical columns"
    assert plots.describe_matrix(np.array([[1.0, 2.0], [1.0, 2.0]])) == "identical rows"
    assert plots.describe_matrix(np.array([[1.0, 2.0], [3.0, 4.0]])) == ""


# --- panel ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return widgets.constant_panel(digits, hidden=8, max_steps=40, every=10)


def readout(panel):
    (accuracy_ax,) = [ax for ax in panel.figure.axes if ax.get_ylabel() == "test accuracy"]
    return accuracy_ax.get_title(loc="left")


@pytest.mark.parametrize("activation", iv.ACTIVATIONS)
@pytest.mark.parametrize("value", [-2.0, 0.0, 2.0])
def test_panel_corners(panel, activation, value):
    first = panel.update(value=value, activation=activation, steps=0)
    last = panel.update(value=value, activation=activation, steps=40)
    text = readout(panel)
    assert f"constant {value:g}: 1/8 distinct units" in text
    assert "random (xavier normal): 8/8 distinct units" in text
    assert "max column difference 0\n" in text
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first != last  # the random row always trains, so the picture changes
    before = panel.figure.axes[0].get_images()[0].get_array()
    assert before.shape == (64, 8) and np.all(before == value)


def test_panel_zero_init_depends_on_activation(panel):
    panel.update(value=0.0, activation="tanh", steps=40)
    after = panel.figure.axes[1]
    assert np.all(after.get_images()[0].get_array() == 0)
    assert after.get_title().endswith("all = 0")
    panel.update(value=0.0, activation="sigmoid", steps=40)
    moved = after.get_images()[0].get_array()
    assert np.any(moved != 0) and np.all(moved == moved[:, :1])
    assert "colour scale" in after.get_title()


def test_panel_steps_slider_changes_the_picture(panel):
    a = panel.update(value=0.5, activation="relu", steps=10)
    b = panel.update(value=0.5, activation="relu", steps=30)
    assert a != b
    assert panel.figure.axes[1].get_title().startswith("W₁ after 30 steps")


def test_panel_rejects_bad_arguments(digits, panel):
    with pytest.raises(ValueError, match="unknown control"):
        panel.update(std=1.0)
    with pytest.raises(TypeError, match="data"):
        widgets.constant_panel(data="digits")
    with pytest.raises(ValueError, match="every"):
        widgets.constant_panel(digits, max_steps=10, every=20)
    with pytest.raises(ValueError, match="initializer"):
        widgets.constant_panel(digits, random_init="gaussian")


def test_symmetry_view_reports_divergence(digits):
    rec = record_training(iv.MLP([64, 16, 10], "linear", "he_normal"), digits, steps=50, lr=10.0, every=5)
    view = plots.SymmetryView()
    view.update(rec, rec, 50, labels=("a", "b"))
    FigureCanvasAgg(view.fig).draw()
    assert f"diverged at step {rec.diverged_at}" in view.axes["acc"].get_title(loc="left")


# --- exercises -----------------------------------------------------------------------------------------------------


def test_check_zero_init_gradients(capsys):
    exercises.check_zero_init_gradients({"W1", "b1", "W2", "b2"}, activation="sigmoid", step=1)
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_zero_init_gradients({"W2", "b2"}, activation="sigmoid", step=1)
    out = capsys.readouterr().out
    assert out.startswith("Not quite.") and "2 more parameter(s)" in out and "W1" not in out  # no give-away
    exercises.check_zero_init_gradients({"b2"}, activation="relu", step=1)
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_zero_init_gradients(set(), activation="relu", step=0)
    assert "1 more parameter(s)" in capsys.readouterr().out
    exercises.check_zero_init_gradients({"W1", "b2"}, activation="relu", step=0)
    assert "1 of yours get a zero gradient" in capsys.readouterr().out
    exercises.check_zero_init_gradients(None)
    assert capsys.readouterr().out.startswith("Replace None")
    with pytest.raises(ValueError, match="unknown names"):
        exercises.check_zero_init_gradients({"W3"})
    with pytest.raises(TypeError, match="answer"):
        exercises.check_zero_init_gradients(3)


def test_check_distinct_units(capsys):
    exercises.check_distinct_units(16, "constant:value=0.5", "xavier_normal", "tanh")
    assert capsys.readouterr().out.startswith("Correct.")
    exercises.check_distinct_units(1, "constant:value=0.5", "xavier_normal", "tanh")
    assert capsys.readouterr().out.startswith("Not quite.")
    exercises.check_distinct_units(1, "zeros", "xavier_normal", "relu")
    assert capsys.readouterr().out.startswith("Correct.")
    with pytest.raises(ValueError, match="between 1 and 16"):
        exercises.check_distinct_units(0)
    with pytest.raises(TypeError, match="answer"):
        exercises.check_distinct_units(1.5)
