"""Notebook 03 (Xavier): theory for alternating widths, the figures, the panel at its corners, the exercises."""

import warnings

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

import initviz as iv
from initviz import exercises, plots, widgets

CORNER_FANS = (1, 500)
CORNER_DEPTHS = (1, 50)


# --- theory for a stack of alternating widths ---


def test_layered_profile_matches_closed_form_for_linear_alternating_net():
    fan_in, fan_out, var_w = 100, 300, 2 / 400
    prof = plots.xavier_layered_profile([fan_in, fan_out, fan_in, fan_out, fan_in], var_w, "linear")
    forward = np.cumprod([fan_in * var_w, fan_out * var_w, fan_in * var_w, fan_out * var_w])
    np.testing.assert_allclose(prof.activation_std**2, forward, rtol=1e-9)
    # dL/dh_{l-1} gains n_out of layer l: layer 4 has n_out = fan_in, layer 3 fan_out, layer 2 fan_in
    backward = [fan_in * var_w * fan_out * var_w * fan_in * var_w, fan_in * var_w * fan_out * var_w, fan_in * var_w, 1]
    np.testing.assert_allclose(prof.gradient_std**2, backward, rtol=1e-9)


def test_layered_profile_is_predict_profile_for_equal_widths():
    prof = plots.xavier_layered_profile([100] * 9, 0.01, "tanh")
    ref = iv.predict_profile(8, 0.01, 100, "tanh")
    for a, b in zip(prof, ref):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("activation, rtol", [("tanh", 0.1), ("sigmoid", 0.1), ("relu", 0.25)])
def test_layered_profile_matches_a_simulated_alternating_net(activation, rtol):
    # ReLU's layer variances scatter more from net to net (a few % per layer, compounding); swapping n_in and
    # n_out in the theory would be off by a factor 2 per layer here, far beyond either tolerance
    widths = [400, 800] * 3 + [400]
    net = iv.MLP(widths, activation, "xavier_normal", bias=False, linear_head=False, rng=1, dtype=np.float64)
    trace = net.trace(np.random.default_rng(0).standard_normal((400, 400)), rng=2)
    prof = plots.xavier_layered_profile(widths, [float(w.var()) for w in net.weights], activation)
    np.testing.assert_allclose([h.std() for h in trace.activations], prof.activation_std, rtol=rtol)
    np.testing.assert_allclose([g.std() for g in trace.grad_activations], prof.gradient_std, rtol=rtol + 0.05)


def test_layered_profile_past_overflow_is_inf_not_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prof = plots.xavier_layered_profile([10, 20, 10, 20], [1e200] * 3, "relu")
    assert np.isinf(prof.pre_activation_std[-1])
    assert np.isnan(prof.gradient_std[0])


@pytest.mark.parametrize(
    "args, error, words",
    [
        (("abc", 0.01, "tanh"), TypeError, "widths"),
        (([100], 0.01, "tanh"), ValueError, "widths"),
        (([100, 0, 100], 0.01, "tanh"), ValueError, "widths"),
        (([100, 200, 100], [0.01], "tanh"), ValueError, "weight_vars"),
        (([100, 200, 100], -1.0, "tanh"), ValueError, "weight_vars"),
        (([100, 200, 100], 0.01, "softplus"), ValueError, "activation"),
    ],
)
def test_layered_profile_bad_arguments(args, error, words):
    with pytest.raises(error, match=words):
        plots.xavier_layered_profile(*args)


def test_gradient_state_counts_layers_from_the_top():
    assert plots._xavier_gradient_state([1e-9, 1e-3, 1.0], [1, 1, 1]) == "vanished at layer 1 (backward)"
    assert plots._xavier_gradient_state([0.0, 0.0, 1e-8, 1.0], [1, 1, 1, 1]) == "vanished at layer 3 (backward)"
    assert plots._xavier_gradient_state([0.5, 1.0], [1, 1]) == "healthy"


# --- static figures ---


def _png(fig):
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def test_figures_draw_without_warnings_and_hold_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fan = plots.xavier_fan_rule_figure(fan_in=20, fan_out=60, depth=6)
        hist = plots.xavier_histogram_figure(fan_in=20, fan_out=60)
        act = plots.xavier_activation_figure(depth=6, width=50)
        for fig in (fan, hist, act):
            assert _png(fig)
    assert len(fan.axes[0].lines) == 6  # three rules, measured and theory
    assert len(act.axes[1].lines) == 6  # three activations, measured and theory
    assert [ax.get_title().split(":")[0] for ax in hist.axes] == ["xavier_normal", "xavier_uniform"]


def test_histogram_density_integrates_to_one_and_matches_its_curve():
    fig = plots.xavier_histogram_figure(fan_in=200, fan_out=300)
    for ax in fig.axes:
        data = ax.patches[0].get_data()
        values, edges = data.values, data.edges
        assert np.sum(values * np.diff(edges)) == pytest.approx(1.0, abs=1e-3)
        x, y = ax.lines[0].get_data()
        assert np.trapezoid(y, x) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: plots.xavier_fan_rule_figure(fan_in=0), "fan_in"),
        (lambda: plots.xavier_fan_rule_figure(depth=1.5), "depth"),
        (lambda: plots.xavier_histogram_figure(fan_out=-3), "fan_out"),
        (lambda: plots.xavier_activation_figure(("tanh", "swish")), "activation"),
        (lambda: plots.xavier_activation_figure("tanh"), "activations"),
    ],
)
def test_figure_bad_arguments(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()


# --- the panel ---


@pytest.fixture(scope="module")
def panel():
    return widgets.xavier_panel(dpi=30)  # every artist is still drawn; small PNGs keep 80 redraws quick


def _states(panel):
    view_forward = panel.figure.axes[1].texts[-1].get_text()
    view_backward = panel.figure.axes[2].texts[-1].get_text()
    return view_forward, view_backward


KNOWN = ("healthy", "vanished at layer", "all zeros from layer", "constant from layer", "exploded at layer", "overflow")


@pytest.mark.parametrize("activation", iv.ACTIVATIONS)
@pytest.mark.parametrize("distribution", ["uniform", "normal"])
def test_panel_corners_draw_without_warnings(panel, activation, distribution):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fan_in in CORNER_FANS:
            for fan_out in CORNER_FANS:
                for depth in CORNER_DEPTHS:
                    png = panel.update(
                        fan_in=fan_in, fan_out=fan_out, distribution=distribution, activation=activation, depth=depth
                    )
                    assert bytes(png[:4]) == b"\x89PNG"
                    forward, backward = _states(panel)
                    assert forward.startswith(KNOWN), forward
                    assert backward.startswith(KNOWN), backward
                    measured = panel.figure.axes[1].lines[0].get_ydata()
                    assert len(measured) == depth


def test_panel_names_vanished_states(panel):
    panel.update(fan_in=100, fan_out=100, distribution="normal", activation="relu", depth=50)
    forward, backward = _states(panel)
    assert forward.startswith("vanished at layer")
    assert backward.startswith("vanished at layer") and backward.endswith("(backward)")
    panel.update(activation="sigmoid")
    assert _states(panel)[1].startswith("vanished at layer")
    panel.update(fan_in=1, fan_out=1, activation="relu")
    assert _states(panel)[0].startswith("all zeros from layer")
    panel.update(fan_in=100, fan_out=100, activation="tanh", depth=10)
    assert _states(panel) == ("healthy", "healthy")


def test_panel_changes_its_artists_not_its_axes(panel):
    axes_before = list(panel.figure.axes)
    uniform = panel.update(fan_in=100, fan_out=300, distribution="uniform", activation="tanh", depth=20)
    hist_uniform = panel.figure.axes[0].patches[0].get_data()[0].copy()
    normal = panel.update(distribution="normal")
    hist_normal = panel.figure.axes[0].patches[0].get_data()[0]
    assert panel.figure.axes == axes_before
    assert uniform != normal
    assert not np.array_equal(hist_uniform, hist_normal)
    theory = panel.figure.axes[1].lines[1].get_ydata()
    measured = panel.figure.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(measured, theory, rtol=0.25)  # 100 ↔ 300 is wide enough for the theory


def test_panel_is_deterministic():
    a = widgets.xavier_panel(fan_in=50, fan_out=200, activation="sigmoid", depth=12)
    b = widgets.xavier_panel(fan_in=50, fan_out=200, activation="sigmoid", depth=12)
    assert a.image.value == b.image.value
    assert _png(plots.xavier_figure(depth=5)) == _png(plots.xavier_figure(depth=5))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"fan_in": 3}, "fan_in"),
        ({"fan_out": 1000}, "fan_out"),
        ({"distribution": "gaussian"}, "distribution"),
        ({"activation": "gelu"}, "activation"),
        ({"depth": 0}, "depth"),
    ],
)
def test_panel_bad_arguments(kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        widgets.xavier_panel(**kwargs)


def test_view_update_bad_arguments():
    view = plots.XavierView()
    with pytest.raises(ValueError, match="fan_in"):
        view.update(fan_in=0)
    with pytest.raises(ValueError, match="depth"):
        view.update(depth=51)


# --- exercises ---


def test_check_xavier_bound(capsys):
    assert exercises.check_xavier_bound(np.sqrt(6 / (576 + 1152)), shape=(3, 3, 64, 128))
    assert not exercises.check_xavier_bound(np.sqrt(6 / (64 + 128)), shape=(3, 3, 64, 128))
    assert not exercises.check_xavier_bound(None)
    assert "Replace None" in capsys.readouterr().out
    with pytest.raises(TypeError, match="answer"):
        exercises.check_xavier_bound("0.06")


def test_check_xavier_pair_factor():
    assert exercises.check_xavier_pair_factor(0.64, fan_in=50, fan_out=200)
    assert not exercises.check_xavier_pair_factor(1.0, fan_in=50, fan_out=200)
    with pytest.raises(ValueError, match="fan_in"):
        exercises.xavier_pair_factor(0, 10)


def test_pair_factor_matches_a_simulated_pair():
    net = iv.MLP([50, 200, 50], "linear", "xavier_normal", bias=False, linear_head=False, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((20000, 50))
    assert net.forward(x).var() / x.var() == pytest.approx(exercises.xavier_pair_factor(50, 200), rel=0.1)


def test_check_sigmoid_gain():
    assert exercises.check_sigmoid_gain(4)
    assert not exercises.check_sigmoid_gain(2)
    with pytest.raises(ValueError, match="answer"):
        exercises.check_sigmoid_gain(float("nan"))
