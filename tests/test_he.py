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
    assert not he.check_relu_second_moment(lambda z: np.var(np.maximum(z, 0)))
    assert "second moment" in capsys.readouterr().out
    assert not he.check_relu_second_moment(lambda z: np.mean(z**2))
    assert "apply ReLU first" in capsys.readouterr().out
    assert not he.check_relu_second_moment(lambda z: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


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
