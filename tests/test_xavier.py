"""Notebook 03's module: widths, figures, the panel's states and caches, and every exercise check (right and wrong)."""

import importlib
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz.draw import palette
from initviz.lessons import answers, xavier


def test_alternating_widths():
    assert xavier.alternating_widths(100, 300, 4) == [100, 300, 100, 300, 100]
    assert xavier.alternating_widths(5, 5, 1) == [5, 5]
    with pytest.raises(ValueError, match="fan_in"):
        xavier.alternating_widths(0, 3, 2)
    with pytest.raises(TypeError, match="depth"):
        xavier.alternating_widths(3, 3, 1.5)


def test_graded_puts_the_grade_in_front_unless_healthy():
    assert xavier.graded(iv.judge([1.0, 0.9, 1.1])) == "healthy"
    drift = iv.judge(np.geomspace(1, 0.14, 20))
    assert xavier.graded(drift) == "drifting: " + drift.text


@pytest.mark.parametrize(
    "draw",
    [
        lambda: xavier.fan_rule_figure(20, 60, depth=6),
        lambda: xavier.weight_histogram_figure(20, 60),
        lambda: xavier.activation_shape_figure(),
        lambda: xavier.activation_depth_figure(depth=6, width=50),
        lambda: xavier.spread_figure(width=32, depth=6, nets=10, n_samples=16),
        lambda: xavier.panel_figure(depth=5),
    ],
)
def test_figures_draw(draw):
    fig = draw()
    assert isinstance(fig, Figure) and fig.axes
    fig.canvas.draw()


def test_theory_is_a_band_under_every_measured_line():
    fig = xavier.activation_depth_figure(depth=6, width=50)
    for ax in fig.axes:
        bands = [line for line in ax.lines if line.get_linewidth() == palette.THEORY["linewidth"]]
        marked = [line for line in ax.lines if line.get_marker() not in (None, "None", "")]
        assert len(bands) == len(marked) == 3
        for band, measured in zip(bands, marked):
            assert band.get_color() == measured.get_color()
            assert band.get_zorder() <= measured.get_zorder() and ax.lines.index(band) < ax.lines.index(measured)


def test_activation_depth_legend_holds_the_verdicts():
    fig = xavier.activation_depth_figure(("tanh", "sigmoid"), depth=30, width=100)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    tanh = iv.probe("xavier_normal", "tanh", depth=30, width=100).forward_verdict
    assert labels[0] == f"tanh: {xavier.graded(tanh)}" and labels[0].startswith("tanh: drifting: shrinks")
    assert labels[1].startswith("sigmoid: broken: collapsed to 0.5")


def test_activation_shape_figure_shows_the_slopes_at_zero():
    fig = xavier.activation_shape_figure(("tanh", "sigmoid"))
    notes = [t.get_text() for t in fig.axes[1].texts]
    assert "tanh′(0) = 1" in notes and any(n.startswith("sigmoid′(0) = 0.25") for n in notes)
    colors = [line.get_color() for line in fig.axes[1].lines[:2]]
    assert colors == [palette.activation_color("tanh"), palette.activation_color("sigmoid")]
    with pytest.raises(TypeError, match="activations"):
        xavier.activation_shape_figure("tanh")
    with pytest.raises(ValueError, match="activation"):
        xavier.activation_shape_figure(("tanh", "swish"))


def test_histogram_density_integrates_to_one():
    fig = xavier.weight_histogram_figure(200, 300)
    for ax in fig.axes:
        data = ax.patches[0].get_data()
        assert np.sum(data.values * np.diff(data.edges)) == pytest.approx(1.0, abs=1e-3)
        x, y = ax.lines[0].get_data()
        assert np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)) == pytest.approx(1.0, abs=0.02)


def test_spread_figure_reports_what_it_measured():
    fig = xavier.spread_figure(width=32, depth=6, nets=20, n_samples=16)
    p = iv.probe("xavier_normal", "relu", depth=6, width=32, n_samples=16, nets=20)
    end = np.log2(p.per_net_forward.second_moment[:, -1])
    text = fig.axes[0].texts[0].get_text()
    assert f"median {np.median(end):.1f}, std {end.std():.2f}" in text and "theory -6.0" in text
    mean = fig.axes[0].lines[-1].get_ydata()  # log₂ of the mean over the theory: near 0 in expectation
    np.testing.assert_allclose(mean, np.log2(p.per_net_forward.second_moment.mean(axis=0) / 2.0 ** -np.arange(1, 7)))


# --- the panel ---


def test_default_panel_says_drifting_not_healthy():
    panel = xavier.panel()
    forward, backward = panel.view.forward.state.get_text(), panel.view.backward.state.get_text()
    assert forward == "drifting:\nshrinks ×0.9 per layer (×0.14 over 20 layers)"
    assert backward.startswith("drifting:\nshrinks")
    assert panel.view.forward.state.get_color() == palette.grade_color("drifting")


def test_panel_states_follow_the_verdict():
    panel = xavier.panel()
    panel.update(fan_in=100, fan_out=100, activation="linear", depth=10)
    assert panel.view.forward.state.get_text() == "healthy"
    panel.update(activation="sigmoid", depth=50)
    assert panel.view.backward.state.get_text().startswith("broken:\nvanished at layer")
    panel.update(fan_in=1, fan_out=1, activation="relu")
    assert "all zeros from layer" in panel.view.forward.state.get_text()


def test_direction_is_a_style_and_the_colour_is_xaviers():
    view = xavier.panel().view
    purple = palette.init_color("xavier_normal")
    assert view.forward.measured.get_color() == view.backward.measured.get_color() == purple
    assert view.forward.measured.get_marker() == palette.FORWARD["marker"]
    assert view.backward.measured.get_marker() == palette.BACKWARD["marker"]


def test_activation_switches_keep_the_background_and_distributions_keep_theirs():
    panel = xavier.panel()
    fast = panel.view.fast
    panel.update()
    before = fast.redraws
    for activation in ("sigmoid", "relu", "leaky_relu", "linear", "tanh"):
        panel.update(activation=activation)
    assert fast.redraws == before  # limits hold every activation's theory for these fans
    # the weight histogram is in the background: a new distribution draws it once, then it is kept
    for distribution in ("normal", "uniform", "normal", "uniform"):
        panel.update(distribution=distribution)
    assert fast.redraws == before + 1
    panel.update(fan_in=500)
    assert fast.redraws == before + 2


def test_histogram_is_reused_when_only_the_activation_changes(monkeypatch):
    panel = xavier.panel()
    calls = []
    original = panel.view.weights.update
    monkeypatch.setattr(panel.view.weights, "update", lambda *a, **k: calls.append(1) or original(*a, **k))
    panel.update(activation="relu")
    assert calls == []
    panel.update(distribution="normal")
    assert calls == [1]


def test_probe_caches_uniform_weights_and_returns_copies(monkeypatch):
    module = importlib.import_module("initviz.probe")
    widths = xavier.alternating_widths(30, 40, 3)
    a = iv.probe("xavier_uniform", "tanh", widths=widths, seed=5)
    draws = []
    monkeypatch.setattr(module, "initialize", lambda *args, **kw: draws.append(1) or iv.initialize(*args, **kw))
    iv.probe("xavier_uniform", "sigmoid", widths=widths, seed=5)
    assert draws == []  # a new activation reuses the weights
    iv.probe("xavier_uniform", "sigmoid", widths=widths, seed=6)
    assert len(draws) == 3
    a.weights[0][:] = 0  # a probe's weights stay writable; the cache is not touched
    b = iv.probe("xavier_uniform", "relu", widths=widths, seed=5)
    stream = np.random.default_rng(np.random.SeedSequence(5).spawn(3)[0])  # the probe's weight stream
    expected = iv.initialize("xavier_uniform", (30, 40), rng=stream)
    np.testing.assert_array_equal(b.weights[0], expected.astype(np.float32))


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
        xavier.panel(**kwargs)


def test_view_rejects_bad_updates():
    view = xavier.XavierView()
    with pytest.raises(ValueError, match="depth"):
        view.update(depth=51)
    with pytest.raises(ValueError, match="distribution"):
        view.update(distribution="laplace")


# --- exercises ---


def _uniform(fan_in, fan_out, rng, bound):
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def test_check_xavier_uniform(capsys):
    def right(fan_in, fan_out, rng):
        return _uniform(fan_in, fan_out, rng, np.sqrt(6 / (fan_in + fan_out)))

    def std_as_bound(fan_in, fan_out, rng):
        return _uniform(fan_in, fan_out, rng, np.sqrt(2 / (fan_in + fan_out)))

    def normal_with_the_right_std(fan_in, fan_out, rng):
        return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))

    def bound_as_std(fan_in, fan_out, rng):
        return rng.normal(0, np.sqrt(6 / (fan_in + fan_out)), size=(fan_in, fan_out))

    def todo(fan_in, fan_out, rng):
        raise NotImplementedError

    assert xavier.check_xavier_uniform(right)
    assert "Correct" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(std_as_bound)
    assert "a = √3·std" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(normal_with_the_right_std)
    assert "beyond the bound" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(bound_as_std)
    assert "normal with std a" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(lambda i, o, rng: _uniform(i, o, rng, 6 / i))
    assert "square root, and both fans" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(lambda i, o, rng: _uniform(i, o, rng, np.sqrt(6 / i)))
    assert "n_in only" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(lambda i, o, rng: right(i, o, rng).T)
    assert "transposed" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(lambda i, o, rng: rng.uniform(0, np.sqrt(6 / (i + o)), (i, o)))
    assert "mean" in capsys.readouterr().out
    assert not xavier.check_xavier_uniform(todo)
    assert "Write your xavier_uniform" in capsys.readouterr().out


def test_check_sampler_bound_is_optional():
    draw = lambda rng: rng.normal(0, 0.1, size=(200, 300))  # noqa: E731
    assert answers.check_sampler(draw, (np.random.default_rng(0),), (200, 300), 0.1, "w", "hint")
    assert not answers.check_sampler(draw, (np.random.default_rng(0),), (200, 300), 0.1, "w", "hint", bound=0.2)


def test_check_xavier_bound(capsys):
    assert xavier.check_xavier_bound(math.sqrt(6 / (576 + 1152)))
    assert not xavier.check_xavier_bound(math.sqrt(6 / (64 + 128)))
    assert "kh·kw" in capsys.readouterr().out
    assert not xavier.check_xavier_bound(math.sqrt(2 / (576 + 1152)))
    assert "that is the std" in capsys.readouterr().out
    assert xavier.check_xavier_bound(math.sqrt(6 / 500), shape=(200, 300))
    assert not xavier.check_xavier_bound(None)
    assert "Replace None" in capsys.readouterr().out
    with pytest.raises(TypeError, match="answer"):
        xavier.check_xavier_bound("0.06")


def test_check_xavier_pair_factor(capsys):
    assert xavier.check_xavier_pair_factor(0.64, fan_in=50, fan_out=200)
    assert not xavier.check_xavier_pair_factor(1.0, fan_in=50, fan_out=200)
    assert "only when n_in = n_out" in capsys.readouterr().out
    assert not xavier.check_xavier_pair_factor(0.4, fan_in=50, fan_out=200)
    assert "first layer only" in capsys.readouterr().out
    assert not xavier.check_xavier_pair_factor(2.0, fan_in=50, fan_out=200)
    assert "multiply" in capsys.readouterr().out
    with pytest.raises(ValueError, match="fan_in"):
        xavier.pair_factor(0, 10)


def test_pair_factor_matches_a_simulated_pair():
    p = iv.probe("xavier_normal", "linear", widths=[50, 200, 50], n_samples=4000, nets=4)
    assert p.forward.std[-1] ** 2 == pytest.approx(xavier.pair_factor(50, 200), rel=0.05)


def test_check_sigmoid_gain(capsys):
    assert xavier.check_sigmoid_gain(4)
    assert not xavier.check_sigmoid_gain(16)
    assert "square root" in capsys.readouterr().out
    assert not xavier.check_sigmoid_gain(0.25)
    assert "σ′(0) itself" in capsys.readouterr().out
    assert not xavier.check_sigmoid_gain(2)
    assert "no extra square root" in capsys.readouterr().out
    with pytest.raises(ValueError, match="answer"):
        xavier.check_sigmoid_gain(float("nan"))


def test_sigmoid_gain_run(capsys):
    xavier.sigmoid_gain_run(None)
    assert "Put your gain" in capsys.readouterr().out
    xavier.sigmoid_gain_run(4, depth=10, width=50)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[1].startswith("xavier_normal ") and out[2].startswith("xavier_normal:gain=4 ")
    with pytest.raises(ValueError, match="gain"):
        xavier.sigmoid_gain_run(-1)
