"""Notebook 01's module (and the symmetry numerics it draws): figures, the panel's states, every exercise check."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz.draw import palette
from initviz.lessons import constant
from initviz.symmetry import column_spread, distinct_units, nonzero_gradients, record_training


@pytest.fixture(scope="module")
def digits():
    return iv.load_digits()


@pytest.fixture(scope="module")
def small_runs(digits):
    """A constant and a random run of a [64, 8, 10] sigmoid net, 20 steps."""
    const = record_training(iv.MLP([64, 8, 10], "sigmoid", "constant:value=0.1"), digits, steps=20, every=10)
    rand = record_training(iv.MLP([64, 8, 10], "sigmoid", "xavier_normal"), digits, steps=20, every=10)
    return const, rand


def titles(fig):
    return [ax.get_title() for ax in fig.axes] + [ax.get_title(loc="left") for ax in fig.axes]


def images(fig):
    return [image for ax in fig.axes for image in ax.get_images()]


# --- the symmetry numerics ---------------------------------------------------------------------------------------


def test_column_spread_and_distinct_units():
    same = np.tile(np.arange(5.0)[:, None], (1, 4))
    assert column_spread(same) == 0.0 and distinct_units(same) == 1
    two = same.copy()
    two[:, 2:] += 1.0
    assert column_spread(two) == 1.0 and distinct_units(two) == 2
    assert distinct_units(np.zeros((3, 7))) == 1
    assert distinct_units(iv.initialize("xavier_normal", (64, 16), rng=0)) == 16
    tiny = same + 1e-6 * np.arange(4)  # differences far below 1% of max|W| count as one unit
    assert distinct_units(tiny) == 1 and distinct_units(tiny, rtol=0) == 4


@pytest.mark.parametrize(
    "activation, expected",
    [("sigmoid", ["W2", "b2"]), ("tanh", ["b2"]), ("relu", ["b2"]), ("leaky_relu", ["b2"]), ("linear", ["b2"])],
)
def test_zero_init_gradients_depend_on_phi_at_zero(digits, activation, expected):
    net = iv.MLP([64, 16, 10], activation, "zeros")
    assert nonzero_gradients(net, digits.x_train[:64], digits.y_train[:64]) == expected


def test_constant_init_stays_symmetric_random_does_not(digits):
    const = record_training(iv.MLP([64, 8, 10], "tanh", "constant:value=0.1"), digits, steps=60, every=20)
    rand = record_training(iv.MLP([64, 8, 10], "tanh", "xavier_normal"), digits, steps=60, every=20)
    assert list(const.steps) == [0, 20, 40, 60] and const.weights.shape == (4, 64, 8)
    assert all(column_spread(w) == 0.0 for w in const.weights)
    assert list(const.distinct) == [1, 1, 1, 1]
    assert not np.array_equal(const.weights[0], const.weights[-1])  # it did train
    assert constant.describe_matrix(const.last_gradient) == "identical columns"
    assert list(rand.distinct) == [8, 8, 8, 8]
    assert rand.test_accuracy[-1] > const.test_accuracy[-1]


# --- figures -----------------------------------------------------------------------------------------------------


def test_describe_matrix():
    assert constant.describe_matrix(np.full((2, 3), 0.5)) == "all = 0.5"
    assert constant.describe_matrix(np.array([[1.0, 1.0], [2.0, 2.0]])) == "identical columns"
    assert constant.describe_matrix(np.array([[1.0, 2.0], [1.0, 2.0]])) == "identical rows"
    assert constant.describe_matrix(np.array([[1.0, 2.0], [3.0, 4.0]])) == ""


def test_zero_init_figure_states_the_facts_and_scales_never_negative_values_from_0(digits):
    net = iv.MLP([64, 16, 10], "sigmoid", "zeros")
    fig = constant.zero_init_figure(net, digits.x_train[:64], digits.y_train[:64])
    assert isinstance(fig, Figure)
    fig.canvas.draw()
    text = " | ".join(titles(fig))
    assert "hidden h₁ = sigmoid(x·0 + 0)\nall = 0.5" in text and "output p = softmax(z₂)\nall = 0.1" in text
    assert "gradient dL/dW₁\nall = 0" in text and "identical rows (units)" in text and "every row different" in text
    x, hidden, p, grad_w1, grad_w2 = images(fig)
    # sigmoid outputs and probabilities: the sequential scale over 0…1; inputs and gradients: signed, centred at 0
    for image in (hidden, p):
        assert image.get_cmap().name == palette.POSITIVE_CMAP and image.get_clim() == (0.0, 1.0)
    for image in (x, grad_w1, grad_w2):
        low, high = image.get_clim()
        assert image.get_cmap().name == palette.SIGNED_CMAP and low == -high


def test_zero_init_figure_with_tanh_is_signed_and_relu_starts_at_0(digits):
    batch = digits.x_train[:16], digits.y_train[:16]
    fig = constant.zero_init_figure(iv.MLP([64, 16, 10], "tanh", "zeros"), *batch)
    assert "hidden h₁ = tanh(x·0 + 0)\nall = 0" in titles(fig) and "gradient dL/dW₂\nall = 0" in titles(fig)
    assert images(fig)[1].get_cmap().name == palette.SIGNED_CMAP
    fig = constant.zero_init_figure(iv.MLP([64, 16, 10], "relu", "he_normal"), *batch)
    assert "hidden h₁ = relu(xW₁ + b₁)\ncolumns differ" not in titles(fig)  # no claim the data do not make
    hidden = images(fig)[1]
    assert hidden.get_cmap().name == palette.POSITIVE_CMAP and hidden.get_clim()[0] == 0.0
    assert hidden.get_clim()[1] == pytest.approx(float(hidden.get_array().max()))


def test_zero_init_figure_rejects_bad_arguments(digits):
    batch = digits.x_train[:8], digits.y_train[:8]
    with pytest.raises(ValueError, match="one hidden layer"):
        constant.zero_init_figure(iv.MLP([64, 8, 8, 10], "sigmoid", "zeros"), *batch)
    with pytest.raises(ValueError, match="n_show"):
        constant.zero_init_figure(iv.MLP([64, 8, 10], "sigmoid", "zeros"), *batch, n_show=0)
    with pytest.raises(TypeError, match="net must be an initviz.MLP"):
        constant.zero_init_figure("net", *batch)


def test_symmetry_figure_and_curves(small_runs):
    const, rand = small_runs
    fig = constant.symmetry_figure([("constant", const), ("random", rand)])
    fig.canvas.draw()
    text = " | ".join(titles(fig))
    assert "1 distinct unit of 8" in text and "8 distinct units of 8" in text
    assert "constant: W₁ at init\nall = 0.1" in text and "hidden h₁ after 20 steps\nidentical columns" in text
    hidden = [image for image in images(fig) if image.axes.get_ylabel() == "test digit"]
    assert all(image.get_cmap().name == palette.POSITIVE_CMAP for image in hidden)  # sigmoid outputs
    curves = constant.symmetry_curves([("constant", const), ("random", rand)], chance=0.1)
    units_ax = curves.axes[1]
    assert [list(line.get_ydata()) for line in units_ax.get_lines()] == [[1, 1, 1], [8, 8, 8]]
    colours = [line.get_color() for line in units_ax.get_lines()]
    assert colours == [palette.init_color("constant"), palette.init_color("xavier_normal")]
    by_activation = constant.symmetry_curves([("a", const)], color_by="activation")
    assert by_activation.axes[0].get_lines()[0].get_color() == palette.activation_color("sigmoid")


def test_a_constant_with_noise_is_not_drawn_as_the_constant_family(digits):
    net = iv.MLP([64, 8, 10], "sigmoid", "constant:value=0.1")
    net.weights[0] += np.random.default_rng(0).normal(0, 1e-4, net.weights[0].shape).astype(np.float32)
    noisy = record_training(net, digits, steps=10, every=10)
    line = constant.symmetry_curves([("noisy", noisy)]).axes[0].get_lines()[0]
    assert line.get_color() == palette.OTHER


def test_symmetry_figures_reject_bad_arguments(small_runs):
    with pytest.raises(ValueError, match="rows"):
        constant.symmetry_figure([])
    with pytest.raises(ValueError, match="runs"):
        constant.symmetry_curves([])
    with pytest.raises(TypeError, match="Recording"):
        constant.symmetry_figure([("a", "not a run")])
    with pytest.raises(ValueError, match="color_by"):
        constant.symmetry_curves([("a", small_runs[0])], color_by="colour")


def test_symmetry_figure_reports_divergence(digits):
    rec = record_training(iv.MLP([64, 16, 10], "linear", "he_normal"), digits, steps=50, lr=10.0, every=5)
    assert rec.diverged_at is not None
    fig = constant.symmetry_figure([("diverging", rec)])
    fig.canvas.draw()
    assert any(f"diverged at step {rec.diverged_at}" in t for t in titles(fig))


# --- the panel ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel(digits):
    return constant.panel(digits, hidden=8, max_steps=40, every=10)


def test_panel_states_the_symmetry(panel):
    view = panel.view
    panel.update(value=0.5, activation="tanh", steps=40)
    after = view.images["constant", 1].get_array()
    accuracy = view.dots["constant"].get_ydata()[0]
    # each column's first title line is static; the second line, which changes with the step, is a note
    assert view.images["constant", 1].axes.get_title().startswith("W₁ after the steps shown")
    expected = f"1 distinct unit, acc {accuracy:.0%} (±{np.abs(after).max():.2g})"
    assert view.notes["constant", 1].get_text() == expected
    assert view.notes["constant", 2].get_text().startswith("identical columns (±")
    assert view.notes["random", 1].get_text().startswith("8 distinct units, acc ")
    assert view.notes["random", 2].get_text().startswith("columns differ by ≤")
    assert view.now_label.get_text() == "step 40"
    assert view.images["random", 0].axes.get_title().startswith("Xavier normal: W₁ at init\nweights within ±")
    before = view.images["constant", 0].get_array()
    assert before.shape == (64, 8) and np.all(before == 0.5)
    assert "tanh hidden units" in view.suptitle.get_text() and "constant 0.5 (top)" in view.suptitle.get_text()


def test_panel_zero_init_depends_on_activation(panel):
    view = panel.view
    panel.update(value=0.0, activation="tanh", steps=40)
    assert np.all(view.images["constant", 1].get_array() == 0)
    assert view.notes["constant", 2].get_text() == "identical columns (all = 0)"
    panel.update(value=0.0, activation="sigmoid", steps=40)
    moved = view.images["constant", 1].get_array()
    assert np.any(moved != 0) and np.all(moved == moved[:, :1])


def test_panel_steps_slider_moves_the_picture_and_the_dots(panel):
    a = panel.update(value=0.5, activation="relu", steps=10)
    b = panel.update(value=0.5, activation="relu", steps=30)
    assert a != b
    assert panel.view.now_label.get_text() == "step 30"
    assert list(panel.view.now.get_xdata()) == [30, 30]
    x, _ = panel.view.dots["random"].get_data()
    assert list(x) == [30]


def test_panel_end_dots_are_inside_the_axes(panel):
    panel.update(value=0.1, activation="sigmoid", steps=40)
    ax = panel.view.accuracy_ax
    low, high = ax.get_xlim()
    assert low < 0 and high > 40 and ax.get_ylim()[1] > 1


def test_panel_controls(panel):
    controls = panel.controls
    assert not controls["value"].continuous_update  # a new value trains: redraw on release
    assert controls["steps"].continuous_update and controls["steps"].step == 10
    assert controls["steps"].max == 40 and set(controls["activation"].options) == set(iv.ACTIVATIONS)


def test_panel_rejects_bad_arguments(digits, panel):
    with pytest.raises(ValueError, match="unknown control"):
        panel.update(std=1.0)
    with pytest.raises(ValueError, match="value must be <= 10"):
        panel.update(value=11.0)
    with pytest.raises(TypeError, match="data"):
        constant.panel(data="digits")
    with pytest.raises(ValueError, match="every"):
        constant.panel(digits, max_steps=10, every=20)
    with pytest.raises(ValueError, match="initializer"):
        constant.panel(digits, random_init="gaussian")


# --- exercises ---------------------------------------------------------------------------------------------------


def test_check_zero_init_gradients(capsys):
    assert constant.check_zero_init_gradients({"W1", "b1", "W2", "b2"}, activation="sigmoid", step=1)
    assert capsys.readouterr().out.startswith("Correct.")
    assert not constant.check_zero_init_gradients({"W2", "b2"}, activation="sigmoid", step=1)
    out = capsys.readouterr().out
    assert out.startswith("Not quite.") and "2 more parameter(s)" in out and "before the first update" in out
    assert "W1" not in out  # no give-away
    assert constant.check_zero_init_gradients({"b2"}, activation="relu", step=1)
    assert not constant.check_zero_init_gradients({"W2", "b2"}, activation="relu", step=1)
    assert "relu(0) = 0" in capsys.readouterr().out
    assert not constant.check_zero_init_gradients(set(), activation="relu", step=0)
    assert "p − onehot(y)" in capsys.readouterr().out
    assert not constant.check_zero_init_gradients(None)
    assert capsys.readouterr().out.startswith("Replace None")
    with pytest.raises(ValueError, match="unknown names"):
        constant.check_zero_init_gradients({"W3"})
    with pytest.raises(TypeError, match="answer"):
        constant.check_zero_init_gradients(3)


def test_check_distinct_units(capsys):
    assert constant.check_distinct_units(16, "constant:value=0.5", "xavier_normal", "tanh")
    assert capsys.readouterr().out.startswith("Correct.")
    assert not constant.check_distinct_units(1, "constant:value=0.5", "xavier_normal", "tanh")
    assert "W₂'s rows differ" in capsys.readouterr().out
    assert constant.check_distinct_units(1, "zeros", "xavier_normal", "relu")
    assert not constant.check_distinct_units(16, "zeros", "xavier_normal", "relu")
    assert "slope at 0 is 0" in capsys.readouterr().out
    assert not constant.check_distinct_units(16, "constant:value=0.5", "constant:value=0.2", "tanh")
    assert "all start equal" in capsys.readouterr().out
    assert not constant.check_distinct_units(None)
    assert capsys.readouterr().out.startswith("Replace None")
    with pytest.raises(ValueError, match="between 1 and 16"):
        constant.check_distinct_units(0)
    with pytest.raises(TypeError, match="answer"):
        constant.check_distinct_units(1.5)


def test_check_same_units(capsys):
    def right(W):
        return bool(np.all(W == W[:, :1]))

    def unique_columns(W):
        return np.unique(W, axis=1).shape[1] == 1

    def todo(W): ...

    assert constant.check_same_units(right)
    assert constant.check_same_units(unique_columns)
    assert "agrees with initviz" in capsys.readouterr().out
    assert not constant.check_same_units(lambda W: bool(np.all(W == W[0])))  # rows, not columns
    assert "compares rows" in capsys.readouterr().out
    assert not constant.check_same_units(lambda W: bool(np.all(W == W[0, 0])))  # every weight equal
    assert "every weight is the same" in capsys.readouterr().out
    assert not constant.check_same_units(lambda W: bool(np.all(W[:, 0] == W[:, 1])))
    assert "not only the first two" in capsys.readouterr().out
    assert not constant.check_same_units(lambda W: W == W[:, :1])  # forgot np.all
    assert "np.all" in capsys.readouterr().out
    assert not constant.check_same_units(todo)
    assert "Write your same_units" in capsys.readouterr().out
    with pytest.raises(TypeError, match="pass your function itself"):
        constant.check_same_units(right(np.zeros((2, 2))))


def test_images_are_registered():
    assert set(constant.IMAGES) == {"01_constant.png", "Weight_init_1.PNG", "Weight_init_2.PNG"}
    fig = constant.IMAGES["Weight_init_2.PNG"]()
    assert isinstance(fig, Figure) and len(images(fig)) == 5
