"""Notebook 04's module: init specs, figures, the panel's states and every exercise check (right and wrong)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz.lessons import he


def test_init_spec():
    assert he.init_spec("xavier", "fan_out") == "xavier_normal"
    assert he.init_spec("he", "fan_out", "relu") == "he_normal:mode=fan_out"
    assert he.init_spec("he", "fan_in", "leaky_relu", 0.2) == "he_normal:mode=fan_in,negative_slope=0.2"
    with pytest.raises(ValueError, match="allowed: he, xavier"):
        he.init_spec("kaiming")
    with pytest.raises(ValueError, match="negative_slope must be <= 1"):
        he.init_spec("he", "fan_in", "leaky_relu", 2)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: he.second_moment_figure(depth=6, width=32),
        lambda: he.fan_mode_figure("funnel", depth=6, nets=2),
        lambda: he.fan_mode_figure("alternating", depth=6, nets=2),
        lambda: he.xavier_vs_he_figure(depth=12, width=64),
        lambda: he.spread_figure((16, 64), depth=6, nets=20),
    ],
)
def test_figures_draw(draw):
    fig = draw()
    assert isinstance(fig, Figure) and fig.axes
    fig.canvas.draw()


def test_fan_modes_have_their_own_colours_and_directions_their_styles():
    from initviz.draw import palette

    fig = he.fan_mode_figure("funnel", depth=6, nets=2)
    forward, backward = fig.axes[0], fig.axes[1]
    modes = {line.get_label(): line for line in forward.lines if line.get_label().startswith("He")}
    assert modes["He, fan_in"].get_color() == palette.init_color("he_normal")
    assert modes["He, fan_out"].get_color() == palette.HE_FAN_OUT != palette.init_color("he_normal")
    assert {line.get_marker() for line in forward.lines if line.get_label().startswith("He")} == {"o"}
    assert {line.get_marker() for line in backward.lines if line.get_label().startswith("He")} == {"s"}


def test_spread_runs_are_one_probe_per_seed_and_read_only():
    runs = he.spread_runs(16, depth=5, nets=3, n_samples=8)
    assert runs.shape == (3, 5) and not runs.flags.writeable
    one = iv.probe("he_normal", "relu", depth=5, width=16, n_samples=8, seed=2)
    np.testing.assert_allclose(runs[2], one.per_net_forward.second_moment[0])
    assert he.spread_runs(16, depth=5, nets=3, n_samples=8) is runs  # cached
    with pytest.raises(ValueError, match="nets must be >= 2"):
        he.spread_runs(16, nets=1)


def test_spread_figure_names_each_width_and_its_sum():
    fig = he.spread_figure((16, 64), depth=6, nets=20)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0].startswith("width 16: Σ1/n = 0.38\nstd of log₂ at layer 6: ")
    assert labels[1].startswith("width 64: Σ1/n = 0.09")


def test_xavier_vs_he_states_the_measured_ratio():
    fig = he.xavier_vs_he_figure(depth=12, width=64)
    text = fig.axes[0].texts[0].get_text()
    assert "Xavier / He = 2^-12.0" in text and "theory 2^-12" in text


def test_panel_names_its_states_from_the_verdict():
    panel = he.panel()
    panel.update(init="xavier", activation="relu", depth=50, widths="constant")
    forward, backward = panel.view.forward.state.get_text(), panel.view.backward.state.get_text()
    assert forward.startswith("vanished at layer") and backward.startswith("vanished at layer")
    panel.update(init="he", activation="relu", depth=50, widths="constant")
    assert panel.view.forward.state.get_text() == "healthy" == panel.view.backward.state.get_text()
    panel.update(init="he", activation="sigmoid", depth=50)
    assert panel.view.forward.state.get_text().startswith("collapsed to 0.5")


def test_panel_colours_follow_the_init():
    from initviz.draw import palette

    panel = he.panel()
    panel.update(init="xavier")
    assert panel.view.forward.measured.get_color() == palette.init_color("xavier_normal")
    panel.update(init="he")
    assert panel.view.backward.measured.get_color() == palette.init_color("he_normal")


def test_switches_and_the_slope_never_move_the_axes():
    """Init, mode, widths and slope keep the y-limits (no background redraw); depth and activation set them."""
    panel = he.panel()
    panel.update(activation="leaky_relu")
    fast = panel.view.fast
    before = fast.redraws
    for settings in ({"init": "xavier"}, {"mode": "fan_out"}, {"widths": "alternating"}, {"negative_slope": 0.0}):
        panel.update(activation="leaky_relu", **settings)
    for a in np.linspace(0, 1, 11):
        panel.update(activation="leaky_relu", init="xavier", negative_slope=float(a))
    assert fast.redraws == before
    panel.update(activation="sigmoid")
    assert fast.redraws == before + 1


def test_panel_limits_hold_every_measured_value():
    view = he.HeView()
    for activation in ("relu", "leaky_relu", "tanh", "sigmoid"):
        for init in ("xavier", "he"):
            for depth in (1, 50):
                view.update(init=init, activation=activation, depth=depth, widths="constant", negative_slope=0.0)
                low, high = view.forward.ax.get_ylim()
                for profile in (view.forward, view.backward):
                    y = profile.measured.get_ydata()
                    y = y[np.isfinite(y)]
                    assert low <= y.min() and y.max() <= high, (activation, init, depth)


def test_depth_redraws_on_release_and_the_static_figure_is_the_view():
    panel = he.panel()
    assert not panel.controls["depth"].continuous_update
    assert panel.controls["negative_slope"].continuous_update
    fig = he.panel_figure(init="xavier")
    assert isinstance(fig, Figure) and fig.texts[0].get_text().startswith("Xavier: Var(W) = 2/(n_in+n_out)")


def test_slope_slider_is_enabled_for_leaky_relu_only():
    panel = he.panel()
    assert panel.controls["negative_slope"].disabled
    panel.controls["activation"].value = "leaky_relu"
    assert not panel.controls["negative_slope"].disabled


def test_check_he_leaky_std(capsys):
    right = math.sqrt(2 / 1.04) / math.sqrt(512)
    assert he.check_he_leaky_std(right)
    assert not he.check_he_leaky_std(math.sqrt(2 / 512))
    assert "ReLU's gain" in capsys.readouterr().out
    assert not he.check_he_leaky_std(None)
    assert "Replace None" in capsys.readouterr().out


def test_check_he_normal(capsys):
    def right(fan_in, fan_out, rng):
        return rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))

    def variance_for_std(fan_in, fan_out, rng):
        return rng.normal(0.0, 2 / fan_in, size=(fan_in, fan_out))

    def transposed(fan_in, fan_out, rng):
        return right(fan_in, fan_out, rng).T

    def todo(fan_in, fan_out, rng):
        raise NotImplementedError

    assert he.check_he_normal(right)
    assert not he.check_he_normal(variance_for_std)
    assert "square root" in capsys.readouterr().out
    assert not he.check_he_normal(lambda i, o, rng: rng.normal(0, np.sqrt(2 / o), size=(i, o)))
    assert "n_in" in capsys.readouterr().out
    assert not he.check_he_normal(transposed)
    assert "transposed" in capsys.readouterr().out
    assert not he.check_he_normal(todo)
    assert "Write your he_normal" in capsys.readouterr().out


def test_check_relu_second_moment(capsys):
    assert he.check_relu_second_moment(lambda z: np.mean(np.maximum(z, 0) ** 2))
    said = capsys.readouterr().out
    assert "agrees with initviz" in said and "= 2.00/n_in, He's 2/n_in" in said
    assert not he.check_relu_second_moment(lambda z: np.var(np.maximum(z, 0)))
    assert "second moment" in capsys.readouterr().out
    assert not he.check_relu_second_moment(lambda z: np.mean(z**2))
    assert "apply ReLU first" in capsys.readouterr().out
    assert not he.check_relu_second_moment(lambda z: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out

    def todo(z): ...

    assert not he.check_relu_second_moment(todo)
    assert "Write your relu_second_moment" in capsys.readouterr().out


def test_check_fan_in_gradient_factor(capsys):
    widths = iv.layer_widths("funnel", 30)
    assert he.check_fan_in_gradient_factor(widths[-1] / widths[1], widths)
    assert not he.check_fan_in_gradient_factor(widths[1] / widths[-1], widths)
    assert "top over layer 1" in capsys.readouterr().out


def test_check_xavier_he_depth(capsys):
    assert he.check_xavier_he_depth(20)
    assert not he.check_xavier_he_depth(19)
    assert "still above" in capsys.readouterr().out
    assert he.check_xavier_he_depth(10, ratio=2.0**-10)
    with pytest.raises(TypeError, match="answer must be an int"):
        he.check_xavier_he_depth(19.5)
