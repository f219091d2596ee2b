"""Notebook 02's module: figures, the panel's states and extremes, and every exercise check (right and wrong)."""

import itertools
import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import initviz as iv
from initviz.draw import palette
from initviz.lessons import answers
from initviz.lessons import gaussian as g


@pytest.fixture(scope="module")
def panel():
    return g.panel()


def texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


def test_spec():
    assert g.spec(0.1) == "normal:std=0.1" and g.spec(np.float64(10)) == "normal:std=10.0"
    with pytest.raises(ValueError, match="std must be > 0"):
        g.spec(0)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: g.histogram_grid("sigmoid", stds=(0.01, 10), depth=3),
        lambda: g.histogram_grid("relu", depth=3),
        lambda: g.note_figure(10, depth=3),
        lambda: g.summary_figure(stds=(0.1, 10), activations=("sigmoid", "relu"), depth=3),
        lambda: g.saturation_figure(10, depth=3),
        lambda: g.depth_figure(0.1, depth=6),
        lambda: g.critical_figure(("relu",), depths=(2, 4), stds=(0.05, 0.14, 0.3)),
        g.panel_figure,
    ],
)
def test_figures_draw(draw):
    fig = draw()
    assert isinstance(fig, Figure) and fig.axes
    fig.canvas.draw()


def test_histogram_grid_titles_carry_each_layers_std_and_bounded_rows_span_the_output_range():
    fig = g.histogram_grid("tanh", stds=(0.01, 10), depth=3)
    stds = iv.probe("normal:std=0.01", "tanh", depth=3).forward.std
    assert fig.axes[2].get_title() == f"layer 3  ·  std {stds[2]:.2g}"
    assert fig.axes[0].get_ylabel() == "std 0.01" and fig.axes[3].get_ylabel() == "std 10"
    assert all(ax.get_xlim() == pytest.approx((-1.1, 1.1)) for ax in fig.axes)  # tanh's range and 5% more


def test_relu_rows_share_one_log_axis_on_which_each_layer_steps_by_the_same_factor():
    depth, std, width = 5, 0.01, 100
    fig = g.histogram_grid("relu", stds=(std, 1.0), depth=depth, width=width)
    for row in (fig.axes[:depth], fig.axes[depth:]):
        assert len({ax.get_xlim() for ax in row}) == 1  # "each row shares one x-axis" is true
    centres = []
    for ax in fig.axes[:depth]:
        counts, edges, _ = ax.patches[0].get_data()
        centres.append(np.average((edges[1:] + edges[:-1]) / 2, weights=counts))
    step = np.diff(centres)
    np.testing.assert_allclose(step, math.log10(std * math.sqrt(width / 2)), atol=0.05)
    assert "% are 0" in texts(fig.axes[0]) and fig.axes[0].get_xlabel() == "activation > 0, log scale"


def test_note_figures_have_a_row_per_activation():
    small, large = g.note_figure(0.1), g.note_figure(10)
    assert len(small.axes) == len(large.axes) == 15

    def suptitle(fig):  # Figure.get_suptitle is matplotlib >= 3.8; the floor is 3.7
        return " ".join(t.get_text() for t in fig.findobj(Text))

    assert "small std" in suptitle(small) and "large std" in suptitle(large)
    assert [ax.get_ylabel() for ax in large.axes[::5]] == ["sigmoid", "tanh", "ReLU"]


def test_summary_draws_theory_under_every_measured_curve_in_the_std_colours():
    fig = g.summary_figure(stds=(0.01, 1), activations=("sigmoid", "relu"), depth=3)
    log_axes = [ax for ax in fig.axes if ax.get_yscale() == "log"]
    assert len(log_axes) == 4 and all(len(ax.lines) == 4 for ax in log_axes)  # 2 stds × (theory, measured)
    colours = {line.get_color() for line in log_axes[0].lines}
    assert colours == {palette.init_color("normal:std=0.01"), palette.init_color("normal:std=1")}
    assert "the same for all 2 stds" in texts(fig.axes[5])  # ReLU's dead units: one draw, only scaled


def test_saturation_figure_counts_where_sigmoid_and_tanh_pile_up():
    fig = g.saturation_figure(10, depth=3)
    h = iv.probe("normal:std=10", "sigmoid", depth=3).activations[-1]
    sigmoid, tanh = fig.axes
    assert f"{np.mean(np.abs(h) < 0.03):.0%} within 0.03 of 0" in sigmoid.get_title()
    assert "of -1" in tanh.get_title() and "saturated" in texts(sigmoid)


def test_depth_figure_names_each_activation_with_its_verdict():
    fig = g.depth_figure(0.1, depth=20)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for name, label in zip(("sigmoid", "tanh", "relu"), labels):
        verdict = iv.probe("normal:std=0.1", name, depth=20, dtype=np.float64).forward_verdict
        assert label.endswith(str(verdict))
    assert labels[0].startswith("sigmoid: collapsed to 0.5 from layer")
    driven = fig.axes[2].lines[0].get_ydata()
    assert driven[-1] < 1e-6 * driven[0]  # sigmoid's input-driven part vanishes


def test_critical_figure_marks_the_critical_std_where_the_depths_cross():
    stds = (0.08, 0.1, 0.12, 0.14142, 0.17, 0.2)
    fig = g.critical_figure(("tanh", "relu"), depths=(5, 20), width=100, stds=stds)
    tanh_backward, relu_forward = fig.axes[1], fig.axes[2]
    for ax, critical in ((tanh_backward, 0.1), (relu_forward, math.sqrt(2 / 100))):
        assert ax.lines[-1].get_xdata()[0] == pytest.approx(critical)  # the dashed critical line
        shallow, deep = ax.lines[1].get_ydata(), ax.lines[3].get_ydata()  # measured, 5 and 20 layers
        below, above = np.array(stds) < critical * 0.95, np.array(stds) > critical * 1.05
        assert (deep[below] < shallow[below]).all() and (deep[above] > shallow[above]).all()


# --- the panel ---


def test_default_panel_says_what_the_verdict_says_not_healthy(panel):
    panel.update(std=0.1, activation="sigmoid", depth=10, width=100)
    view = panel.view
    p = iv.probe("normal:std=0.1", "sigmoid", depth=10, width=100, n_samples=128)
    forward, backward = view.forward.state.get_text(), view.backward.state.get_text()
    assert forward == str(p.forward_verdict) and backward == str(p.backward_verdict)
    assert forward.startswith("collapsed to 0.5 from layer") and backward.startswith("shrinks ×0.2")
    assert "healthy" not in forward + backward
    assert view.forward.state.get_color() == palette.GRADE_COLORS["broken"]


def test_panel_measured_profile_sits_on_the_theory(panel):
    panel.update(std=0.1, activation="tanh", depth=10, width=100)
    for profile in (panel.view.forward, panel.view.backward):
        np.testing.assert_allclose(profile.measured.get_ydata(), profile.theory.get_ydata(), rtol=0.15)
    assert panel.view.title.get_text() == "tanh · 10 layers × 100 units · input randn(128, 100)"
    panel.update(std=0.1, activation="tanh", depth=1)
    assert panel.view.title.get_text().startswith("tanh · 1 layer × 100 units")


def test_every_histogram_of_the_panel_has_its_own_tick_labels(panel):
    for activation in ("sigmoid", "relu"):
        panel.update(std=0.1, activation=activation, depth=10, width=100)
        shown = [ax for ax in panel.view.hist.axes if ax.get_visible()]
        assert [ax.get_title() for ax in shown] == ["layer 1", "layer 4", "layer 7", "layer 10"]
        for ax in shown:
            assert any(t.get_visible() and t.get_text() for t in ax.get_xticklabels()), ax.get_title()


def test_panel_colours_follow_the_std_ladder_and_the_activation(panel):
    panel.update(std=0.01, activation="tanh")
    assert panel.view.forward.measured.get_color() == palette.init_color("normal:std=0.01")
    assert panel.view.hist.steps[0].get_facecolor()[:3] == pytest.approx(
        __import__("matplotlib").colors.to_rgb(palette.activation_color("tanh"))
    )


CORNERS = list(itertools.product([1e-3, 1e2], ["sigmoid", "tanh", "relu", "leaky_relu"], [(1, 10), (50, 500)]))


@pytest.mark.parametrize("std, activation, size", CORNERS)
def test_panel_draws_every_corner(panel, std, activation, size):
    depth, width = size
    png = panel.update(std=std, activation=activation, depth=depth, width=width)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    shown = [ax for ax in panel.view.hist.axes if ax.get_visible()]
    assert len(shown) == min(depth, 4) and shown[-1].get_title() == f"layer {depth}"
    forward, backward = panel.view.forward.state.get_text(), panel.view.backward.state.get_text()
    assert forward and backward
    if depth == 50 and activation in ("relu", "leaky_relu") and std == 1e2:
        assert forward.startswith("overflow at layer") and backward.startswith("meaningless")
        assert "overflowed" in texts(shown[-1])
    if depth == 50 and activation == "sigmoid" and std == 1e-3:
        assert forward.startswith("collapsed to 0.5") and ("vanished" in backward or "zeros" in backward)


def test_panel_rejects_bad_settings():
    for kwargs, error, word in [
        ({"std": 0}, ValueError, "std"),
        ({"std": 1e3}, ValueError, "std"),
        ({"std": "big"}, TypeError, "std"),
        ({"activation": "softmax"}, ValueError, "activation"),
        ({"depth": 51}, ValueError, "depth"),
        ({"width": 5}, ValueError, "width"),
        ({"width": 2.5}, TypeError, "width"),
    ]:
        with pytest.raises(error, match=word):
            g.panel(**kwargs)
    view = g.GaussianView()
    with pytest.raises(ValueError, match="depth"):
        view.update(depth=0)


def test_figures_reject_bad_arguments():
    for call, error, word in [
        (lambda: g.histogram_grid("relu", stds=[]), ValueError, "stds"),
        (lambda: g.histogram_grid("relu", stds="0.1"), TypeError, "stds"),
        (lambda: g.histogram_grid("relu", stds=(0.1, -1)), ValueError, r"stds\[1\]"),
        (lambda: g.histogram_grid("gelu"), ValueError, "activation"),
        (lambda: g.note_figure("10"), TypeError, "std"),
        (lambda: g.saturation_figure(10, depth=3, layer=4), ValueError, "layer"),
        (lambda: g.depth_figure(np.inf), ValueError, "std"),
        (lambda: g.critical_figure(depths=(0,)), ValueError, r"depths\[0\]"),
    ]:
        with pytest.raises(error, match=word):
            call()


# --- exercises ---


def right_layer_stds(x, weights, phi):
    h, stds = x, []
    for W in weights:
        h = phi(h @ W)
        stds.append(h.std())
    return stds


def test_check_layer_stds_accepts_the_loop_and_float64(capsys):
    assert g.check_layer_stds(right_layer_stds)
    assert "agrees with initviz on 3 input(s)" in capsys.readouterr().out
    assert g.check_layer_stds(lambda x, ws, phi: right_layer_stds(x.astype(float), ws, phi))


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x, ws, phi: [x.std(), *right_layer_stds(x, ws, phi)], "the input x is not a layer"),
        (lambda x, ws, phi: right_layer_stds(x, ws, lambda z: z), "apply the activation"),
        (lambda x, ws, phi: [(h @ W).std() for h, W in zip(_inputs(x, ws, phi), ws)], "before φ"),
        (lambda x, ws, phi: [phi(x @ W).std() for W in ws[:1]] * len(ws), "differs"),
        (lambda x, ws, phi: np.square(right_layer_stds(x, ws, phi)), "variance"),
        (lambda x, ws, phi: _w_first(x, ws, phi), "not W @ h"),
        (lambda x, ws, phi: [np.std(h, axis=0).mean() for h in _outputs(x, ws, phi)], "input-driven std"),
        (lambda x, ws, phi: right_layer_stds(x, ws, phi)[-1], "returned shape ()"),
    ],
)
def test_check_layer_stds_names_the_common_mistakes(capsys, wrong, hint):
    assert not g.check_layer_stds(wrong)
    assert hint in capsys.readouterr().out


def _outputs(x, weights, phi):
    h, out = x, []
    for W in weights:
        h = phi(h @ W)
        out.append(h)
    return out


def _inputs(x, weights, phi):
    return [x, *_outputs(x, weights, phi)[:-1]]


def _w_first(x, weights, phi):
    h, stds = x, []
    for W in weights:
        h = phi(W @ h)
        stds.append(h.std())
    return stds


def test_check_layer_stds_reminds_about_a_stub_and_reports_a_crash(capsys):
    def todo(x, weights, phi): ...

    assert not g.check_layer_stds(todo)
    assert "Write your layer_stds" in capsys.readouterr().out

    def in_place(x, weights, phi):
        x *= 2
        return right_layer_stds(x, weights, phi)

    assert not g.check_layer_stds(in_place)
    assert "raised ValueError" in capsys.readouterr().out
    assert g.check_layer_stds(right_layer_stds)  # the probes were not changed


def test_check_function_names_a_known_mistake_that_changes_the_shape(capsys):
    double = lambda v: [2 * v]  # noqa: E731
    got = answers.check_function(
        lambda v: [v, 2 * v], double, [(1.0,)], "f", "general", wrong=[(lambda v: [v, 2 * v], "specific")]
    )
    assert not got and "Hint: specific" in capsys.readouterr().out
    assert not answers.check_function(lambda v: [v, 3 * v], double, [(1.0,)], "f", "general")
    assert "returned shape (2,), expected (1,)" in capsys.readouterr().out
    crashes = [(lambda v: 1 / 0, "never"), (lambda v: [3 * v], "triple")]  # a mistake that cannot run is skipped
    assert not answers.check_function(lambda v: [3 * v], double, [(1.0,)], "f", "general", wrong=crashes)
    assert "Hint: triple" in capsys.readouterr().out


def test_check_relu_layer_factor(capsys):
    assert g.check_relu_layer_factor(0.01 * np.sqrt(50))
    assert not g.check_relu_layer_factor(0.1)
    assert "divides by √2" in capsys.readouterr().out
    assert not g.check_relu_layer_factor(100 * 0.01**2 / 2)
    assert "variance" in capsys.readouterr().out
    assert not g.check_relu_layer_factor(None)
    assert "Replace None" in capsys.readouterr().out
    with pytest.raises(TypeError, match="answer"):
        g.check_relu_layer_factor("0.07")


def test_check_relu_layer_factor_matches_the_grid(capsys):
    stds = iv.probe("normal:std=0.01", "relu", depth=5).forward.std
    assert g.check_relu_layer_factor(float((stds[-1] / stds[0]) ** 0.25))


def test_check_sigmoid_gradient_factor_matches_the_measured_gradient(capsys):
    grads = iv.probe("normal:std=0.01", "sigmoid").backward.std
    assert g.check_sigmoid_gradient_factor(float((grads[0] / grads[-1]) ** 0.25))
    assert not g.check_sigmoid_gradient_factor(0.1)
    assert "σ′(0) = 1/4" in capsys.readouterr().out
    assert not g.check_sigmoid_gradient_factor(0.05)
    assert "σ(0) = 1/2" in capsys.readouterr().out
    with pytest.raises(ValueError, match="std"):
        g.check_sigmoid_gradient_factor(0.025, std=0.5)


def test_check_relu_flat_std(capsys):
    assert g.check_relu_flat_std(np.sqrt(2 / 400), width=400)
    assert not g.check_relu_flat_std(np.sqrt(1 / 400), width=400)
    assert "twice the variance" in capsys.readouterr().out
    assert not g.check_relu_flat_std(0.3, width=400)
    assert "solve" in capsys.readouterr().out
    with pytest.raises(ValueError, match="width"):
        g.check_relu_flat_std(0.1, width=0)


def test_images_are_registered():
    assert set(g.IMAGES) == {"02_gaussian.png", "Weight_init_3.PNG", "Weight_init_4.PNG"}
