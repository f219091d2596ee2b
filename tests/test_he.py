"""Notebook 04 (He initialization): its numerics, figures, panel and exercise checks."""

import itertools
import math
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz import exercises, plots, widgets


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("pattern", sorted(plots.HE_WIDTH_PATTERNS))
@pytest.mark.parametrize("depth", [1, 7, 50])
def test_layer_widths(pattern, depth):
    widths = plots.layer_widths(pattern, depth)
    assert len(widths) == depth + 1 and all(isinstance(w, int) and w >= 1 for w in widths)
    first, last = {"funnel": (256, 64), "alternating": (64, 256 if depth % 2 else 64), "constant": (128, 128)}[pattern]
    assert (widths[0], widths[-1]) == (first, last)


@pytest.mark.parametrize(
    "spec_args, shape",
    [
        (("he", "fan_in", "relu", 0.0), (100, 400)),
        (("he", "fan_out", "relu", 0.0), (100, 400)),
        (("he", "fan_in", "leaky_relu", 0.3), (400, 100)),
        (("he", "fan_out", "leaky_relu", 1.0), (400, 100)),
        (("he", "fan_in", "tanh", 0.5), (200, 300)),
        (("xavier", "fan_out", "relu", 0.0), (100, 400)),
    ],
)
def test_weight_variances_match_the_initializer(spec_args, shape):
    init, mode, activation, slope = spec_args
    name, options = iv.parse_init(plots.he_init_spec(init, mode, activation, slope))
    sample = iv.initialize(name, shape, rng=0, dtype=np.float64, **options)
    (expected,) = plots.he_weight_variances(list(shape), init, mode=mode, activation=activation, negative_slope=slope)
    assert sample.var() == pytest.approx(expected, rel=0.03)


def test_he_variances_formulas():
    widths = [100, 400, 50]
    np.testing.assert_allclose(plots.he_weight_variances(widths, "he"), [2 / 100, 2 / 400])
    np.testing.assert_allclose(plots.he_weight_variances(widths, "he", mode="fan_out"), [2 / 400, 2 / 50])
    leaky = plots.he_weight_variances(widths, "he", activation="leaky_relu", negative_slope=0.5)
    np.testing.assert_allclose(leaky, [2 / 1.25 / 100, 2 / 1.25 / 400])
    np.testing.assert_allclose(plots.he_weight_variances(widths, "xavier"), [2 / 500, 2 / 450])


def test_theory_for_changing_widths_is_exact_for_relu():
    widths = plots.layer_widths("funnel", 12)
    fan_in = plots.init_profiles(widths, plots.he_weight_variances(widths, "he"), "relu")
    np.testing.assert_allclose(fan_in.theory_second_moment, 1.0, rtol=1e-9)
    assert fan_in.theory_grad_var[0] == pytest.approx(widths[-1] / widths[1], rel=1e-9)
    fan_out = plots.init_profiles(widths, plots.he_weight_variances(widths, "he", mode="fan_out"), "relu")
    np.testing.assert_allclose(fan_out.theory_grad_var, 1.0, rtol=1e-9)
    assert fan_out.theory_second_moment[-1] / fan_out.theory_second_moment[0] == pytest.approx(
        widths[1] / widths[-1], rel=1e-9
    )


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_measured_profile_follows_theory_in_a_wide_net(activation):
    widths = [512, 1024, 512, 1024, 512, 1024, 512]
    v = plots.he_weight_variances(widths, "xavier")
    p = plots.init_profiles(widths, v, activation, negative_slope=0.2, n_samples=256, nets=2)
    np.testing.assert_allclose(p.std, p.theory_std, rtol=0.1)
    np.testing.assert_allclose(p.mean, p.theory_mean, atol=0.02)
    np.testing.assert_allclose(np.sqrt(p.grad_var), np.sqrt(p.theory_grad_var), rtol=0.15)


def test_xavier_over_he_is_two_to_the_minus_depth_with_the_same_draws():
    widths = [64] * 31
    x = plots.init_profiles(widths, plots.he_weight_variances(widths, "xavier"), "relu").second_moment
    h = plots.init_profiles(widths, plots.he_weight_variances(widths, "he"), "relu").second_moment
    assert np.log2(x[-1] / h[-1]) == pytest.approx(-30, abs=1e-3)


def test_profiles_are_deterministic_and_seeded():
    widths = plots.layer_widths("alternating", 6)
    v = plots.he_weight_variances(widths, "he")
    a = plots.init_profiles(widths, v, "relu", seed=3)
    b = plots.init_profiles(widths, v, "relu", seed=3)
    c = plots.init_profiles(widths, v, "relu", seed=4)
    np.testing.assert_array_equal(a.second_moment, b.second_moment)
    assert not np.array_equal(a.second_moment, c.second_moment)


def test_backward_state_counts_down_from_the_top():
    grad_std = np.array([1e-9, 1e-7, 1e-3, 1.0])
    assert plots._backward_state(grad_std, np.ones(4)) == "vanished at layer 2"
    assert plots._backward_state(np.ones(4), np.ones(4)) == "healthy"
    assert plots._backward_state(np.ones(3), np.array([0.5, 1, 1])) == "overflow at layer 1"


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: plots.layer_widths("cone", 5), ValueError),
        (lambda: plots.layer_widths("funnel", 0), ValueError),
        (lambda: plots.layer_widths("funnel", 2.5), TypeError),
        (lambda: plots.he_init_spec("kaiming"), ValueError),
        (lambda: plots.he_init_spec("he", mode="fan_avg"), ValueError),
        (lambda: plots.he_weight_variances([10], "he"), ValueError),
        (lambda: plots.he_weight_variances("10,20", "he"), TypeError),
        (lambda: plots.he_weight_variances([10, 20], "he", negative_slope=2.0), ValueError),
        (lambda: plots.he_weight_variances([10, 20], "he", activation="gelu"), ValueError),
        (lambda: plots.init_profiles([10, 20, 30], [0.1], "relu"), ValueError),
        (lambda: plots.init_profiles([10, 20], [-0.1], "relu"), ValueError),
        (lambda: plots.init_profiles([10, 20], [float("nan")], "relu"), ValueError),
        (lambda: plots.init_profiles([10, 20], [0.1], "relu", nets=0), ValueError),
        (lambda: widgets.he_panel(max_depth=1), ValueError),
    ],
)
def test_bad_arguments_raise(call, error):
    with pytest.raises(error):
        call()


def test_figures_draw():
    fig = plots.fan_mode_figure("alternating", depth=6, nets=2)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes[:2]][0].startswith("forward")
    fig.canvas.draw()
    fig = plots.xavier_vs_he_figure(depth=12, width=64)
    assert any("2^{-12.0}" in t.get_text() for t in fig.axes[0].texts)
    fig.canvas.draw()


def _states(panel):
    return tuple(ax.texts[0].get_text() for ax in panel.figure.axes)


@pytest.fixture(scope="module")
def panel():
    return widgets.he_panel(max_depth=50)


def test_panel_corners(panel):
    """Every init, mode, activation and end of depth; both ends of the slope for leaky ReLU; all width patterns."""
    patterns = itertools.cycle(sorted(plots.HE_WIDTH_PATTERNS))
    for init, mode, activation, depth in itertools.product(
        ["xavier", "he"], ["fan_in", "fan_out"], ["relu", "leaky_relu", "tanh", "sigmoid"], [1, 50]
    ):
        slopes = [0.0, 1.0] if activation == "leaky_relu" else [0.5]
        for slope in slopes:
            png = panel.update(
                init=init, mode=mode, negative_slope=slope, activation=activation, depth=depth, widths=next(patterns)
            )
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            forward, backward = _states(panel)
            assert forward and backward
            if depth == 1:
                assert (forward, backward) == ("healthy", "healthy")


def test_panel_names_vanished_signals(panel):
    panel.update(init="xavier", mode="fan_in", activation="relu", depth=50, widths="constant")
    forward, backward = _states(panel)
    assert forward.startswith("vanished at layer") and backward.startswith("vanished at layer")
    panel.update(init="he", mode="fan_in", activation="relu", depth=50, widths="constant")
    assert _states(panel) == ("healthy", "healthy")
    panel.update(init="he", activation="sigmoid", depth=50)
    assert _states(panel)[1].startswith("vanished at layer")


def test_panel_changes_artists_in_place(panel):
    axes_before = list(panel.figure.axes)
    line = panel.figure.axes[0].lines[0]
    settings = dict(init="he", activation="relu", depth=10, widths="alternating")  # unnamed controls: defaults
    panel.update(mode="fan_in", **settings)
    fan_in = line.get_ydata().copy()
    png_in = panel.image.value
    panel.update(mode="fan_out", **settings)
    assert panel.figure.axes == axes_before and panel.figure.axes[0].lines[0] is line
    assert not np.allclose(fan_in, line.get_ydata())
    assert png_in != panel.image.value
    panel.update(init="xavier")
    legend_handle = panel.figure.axes[0].get_legend().legend_handles[0]
    assert legend_handle.get_color() == plots.COLORS["xavier"] == line.get_color()


def test_panel_is_deterministic():
    settings = dict(init="he", mode="fan_out", negative_slope=0.3, activation="leaky_relu", depth=20, widths="funnel")
    assert widgets.he_panel().update(**settings) == widgets.he_panel().update(**settings)


def test_panel_rejects_unknown_controls(panel):
    with pytest.raises(ValueError, match="unknown control"):
        panel.update(std=1.0)


def _verdict(capsys, check, *args, **kwargs):
    check(*args, **kwargs)
    return capsys.readouterr().out


def test_check_he_leaky_std(capsys):
    right = math.sqrt(2 / 1.04) / math.sqrt(512)
    assert _verdict(capsys, exercises.check_he_leaky_std, right).startswith("Correct")
    assert _verdict(capsys, exercises.check_he_leaky_std, math.sqrt(2 / 512)).startswith("Not quite")
    assert _verdict(capsys, exercises.check_he_leaky_std, None).startswith("Replace None")
    with pytest.raises(TypeError):
        exercises.check_he_leaky_std("0.06")


def test_check_keras_he_stddev(capsys):
    right = math.sqrt(2 / 512) / 0.87962566103423978
    assert _verdict(capsys, exercises.check_keras_he_stddev, right).startswith("Correct")
    assert _verdict(capsys, exercises.check_keras_he_stddev, math.sqrt(2 / 512)).startswith("Not quite")


def test_check_fan_in_gradient_factor(capsys):
    widths = plots.layer_widths("funnel", 30)
    right = widths[-1] / widths[1]
    assert _verdict(capsys, exercises.check_fan_in_gradient_factor, right, widths).startswith("Correct")
    assert _verdict(capsys, exercises.check_fan_in_gradient_factor, 1 / right, widths).startswith("Not quite")
    with pytest.raises(ValueError):
        exercises.check_fan_in_gradient_factor(1.0, [10, 20])


def test_check_xavier_he_depth(capsys):
    assert _verdict(capsys, exercises.check_xavier_he_depth, 20).startswith("Correct")
    assert _verdict(capsys, exercises.check_xavier_he_depth, 19).startswith("Not quite")
    assert _verdict(capsys, exercises.check_xavier_he_depth, 10, ratio=2.0**-10).startswith("Correct")
    with pytest.raises(TypeError):
        exercises.check_xavier_he_depth(20.0)
    with pytest.raises(ValueError):
        exercises.check_xavier_he_depth(20, ratio=0)
