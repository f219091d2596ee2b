"""Notebook 05's module: the grid's figures (per-panel outcomes, plateaus, verdicts), its tables and every check."""

import io
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import initviz as iv
from initviz import experiment
from initviz.draw import palette
from initviz.lessons import experiment as lesson


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tiny_results():
    """ReLU depth 3 with zeros, He and a diverging N(0, 10²); tanh depth 2 with He only (the rest: not run)."""
    configs = experiment.cross_grid(
        ["zeros", "he_normal", "normal:std=10"], ["relu"], [3], seeds=2, steps=40, width=32, lr=1.0
    )
    configs += experiment.cross_grid(["he_normal"], ["tanh"], [2], seeds=2, steps=40, width=32, lr=0.1)
    return experiment.run_grid(configs)


@pytest.fixture(scope="module")
def tiny_probes():
    return {
        (init, act): iv.probe(init, act, depth=6, width=16, n_samples=32)
        for act in ("tanh", "relu")
        for init in ("zeros", "normal:std=0.01", "normal:std=10", "he_normal")
    }


def test_tanh_gain_is_pytorchs():
    name, options = iv.parse_init(lesson.TANH_GAIN)
    assert name == "xavier_normal" and options["gain"] == iv.gain("tanh") == 5 / 3
    assert lesson.label(lesson.TANH_GAIN) == "xavier_normal, gain 5/3"
    assert lesson.label("normal:std=0.01") == "N(0, 0.01²)"
    assert 100 * iv.weight_variance(lesson.TANH_GAIN, (100, 100)) == pytest.approx(25 / 9)


def test_notebook_grid_is_the_design_plus_part_d_once():
    grid = lesson.notebook_grid(seeds=3)
    assert len(grid) == len(set(grid)) == 72 + 9
    assert grid[:72] == experiment.design_grid(seeds=3)
    cells = {(c.init, c.activation, c.depth) for c in grid[72:]}
    assert cells == {(lesson.TANH_GAIN, "tanh", 5), ("xavier_normal", "tanh", 30), (lesson.TANH_GAIN, "tanh", 30)}


def test_init_table_names_each_init_in_both_libraries():
    table = lesson.init_table({"he_normal": 1.99, lesson.TANH_GAIN: 2.77, "uniform": 0.5})
    assert "| he_normal | 1.99 | `kaiming_normal_` | `HeNormal` (truncated) |" in table
    assert 'calculate_gain("tanh")' in table and "| 2.77 |" in table
    assert "| uniform | 0.5 | — | — |" in table


def test_propagation_figure_names_every_verdict(tiny_probes):
    fig = lesson.propagation_figure(tiny_probes, mark_layer=3)
    shown = texts(fig)
    for (init, _), p in tiny_probes.items():
        assert f"{lesson.label(init)}: {p.forward_verdict}" in shown
        assert f"{lesson.label(init)}: {p.backward_verdict}" in shown
    assert "zeros: all zeros from layer 1" in shown
    assert any(t.startswith("N(0, 10²): exploded at layer") for t in shown)
    colors = {t.get_text(): t.get_color() for ax in fig.axes for t in ax.texts}
    he = tiny_probes["he_normal", "relu"].forward_verdict
    assert colors[f"he_normal: {he}"] == palette.grade_color(he)
    assert len(fig.axes) == 6 and len(png(fig)) > 5_000


def test_propagation_rows_have_their_own_limits(tiny_probes):
    fig = lesson.propagation_figure(tiny_probes)
    tanh_forward, relu_forward = fig.axes[0], fig.axes[3]
    assert tanh_forward.get_ylim() == pytest.approx(lesson.ROW_LIMITS["tanh"]["forward"])
    low, high = relu_forward.get_ylim()
    stds = np.concatenate([p.forward.std for (_, act), p in tiny_probes.items() if act == "relu"])
    shown = stds[np.isfinite(stds) & (stds > 0)]
    assert low < shown.min() and high > shown.max()  # the data's range: every value on the axis
    custom = lesson.propagation_figure(tiny_probes, limits={("relu", "backward"): (1e-2, 1e2)})
    assert custom.axes[4].get_ylim() == pytest.approx((1e-2, 1e2))


def test_propagation_marks_what_a_log_axis_cannot_show(tiny_probes):
    """N(0, 0.01²) with tanh falls below the row's axis (▽, hollow); zeros sit at exactly 0 (▼, filled)."""
    fig = lesson.propagation_figure(tiny_probes)
    tanh_forward = fig.axes[0]
    small = palette.init_color("normal:std=0.01")
    hollow = [line for line in tanh_forward.lines if line.get_marker() == "v" and line.get_markerfacecolor() == "none"]
    assert any(line.get_color() == small for line in hollow)
    zeros = [line for line in tanh_forward.lines if line.get_color() == palette.init_color("zeros")]
    assert any(line.get_marker() == "v" and len(line.get_xdata()) == 6 for line in zeros)


def test_propagation_figure_rejects_nothing():
    with pytest.raises(ValueError, match="probes is empty"):
        lesson.propagation_figure({})


def test_heatmap_says_diverged_and_not_run(tiny_results):
    fig = lesson.accuracy_heatmap(tiny_results)
    shown = texts(fig)
    assert "diverged\n2/2 runs" in shown
    assert shown.count("not run") == 2  # zeros and N(0, 10²) were not run with tanh
    ax = fig.axes[0]
    grey = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(matplotlib_rgb(palette.MISSING))]
    assert len(grey) == 1
    assert [t.get_text() for t in ax.get_xticklabels()] == ["relu\ndepth 3", "tanh\ndepth 2"]


def matplotlib_rgb(color):
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def test_loss_curves_say_what_happened_in_each_panel(tiny_results):
    fig = lesson.loss_curves(tiny_results, zoom=None)
    relu, tanh = fig.axes[0], fig.axes[1]
    relu_labels, tanh_labels = legend_texts(relu), legend_texts(tanh)
    assert any(t.startswith("N(0, 10²): diverged 2/2 (step") for t in relu_labels)
    assert all("diverged" not in t for t in tanh_labels)  # each panel speaks for itself
    he = experiment.summarize([r.record for r in tiny_results if r.config.activation == "tanh"])[0]
    assert tanh_labels == [f"he_normal: loss {he['final_train_loss']:.3g}, test {he['mean']:.0%}"]
    assert len(png(fig)) > 5_000


def test_loss_curves_dash_lines_that_coincide_or_share_a_colour():
    def styles(inits):
        results = experiment.run_grid(experiment.cross_grid(inits, ["tanh"], [2], seeds=1, steps=30, width=8))
        ax = lesson.loss_curves(results, zoom=None).axes[0]
        return {line.get_label().split(":")[0]: line.get_linestyle() for line in ax.lines if ":" in line.get_label()}

    overlap = styles(["zeros", "normal:std=0.01"])  # both stay at ln 10: on top of each other
    assert overlap["zeros"] == "-" and overlap["N(0, 0.01²)"] != "-"
    family = styles(["xavier_normal", lesson.TANH_GAIN])  # one init family, one colour
    assert family["xavier_normal"] == "-" and family["xavier_normal, gain 5/3"] != "-"


def test_loss_curves_zoom_into_the_plateau(tiny_results):
    fig = lesson.loss_curves(tiny_results, zoom=("relu", 3))
    zoom = [ax for ax in fig.axes if ax.get_visible()][-1]
    assert "plateau" in zoom.get_title() and zoom.get_yscale() == "linear"
    labels = legend_texts(zoom)
    assert "zeros" in labels and any(t.startswith("class frequencies only: H(y) = 2.30") for t in labels)
    zeros = [line for line in zoom.lines if line.get_color() == palette.init_color("zeros")]
    assert len(zeros) == 2  # one line per seed
    auto = lesson.loss_curves(tiny_results)  # "auto" finds no cell with two inits on the plateau here
    assert len([ax for ax in auto.axes if ax.get_visible()]) == 2


def test_experiment_figures(tiny_results):
    figures = lesson.experiment_figures(tiny_results)
    assert set(figures) == {"accuracy_heatmap.png", "loss_curves.png"}
    assert all(isinstance(f, Figure) for f in figures.values())


def test_update_ratio_figure():
    fig = lesson.update_ratio_figure({("he_normal", "at init"): [1e-3, 2e-3], ("he_normal", "later"): [1e-4, 1e-4]})
    ax = fig.axes[0]
    solid, dashed = ax.lines[0], ax.lines[1]
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    assert solid.get_color() == palette.init_color("he_normal")
    with pytest.raises(ValueError, match="ratios is empty"):
        lesson.update_ratio_figure({})


def test_tanh_gain_figure_states_come_from_the_verdicts():
    probes = {spec: iv.probe(spec, "tanh", depth=8, width=32) for spec in ("xavier_normal", lesson.TANH_GAIN)}
    fig = lesson.tanh_gain_figure(probes)
    for ax, p in zip(fig.axes, probes.values()):
        shown = [t.get_text() for t in ax.texts]
        assert shown == [f"forward: {p.forward_verdict}", f"backward: {p.backward_verdict}"]
    assert "σ_w² = 2.78" in fig.axes[1].get_title()


def test_decision_boundaries():
    circles = iv.make_circles()
    model = iv.MLP([2, 8, 2], "relu", "he_normal", rng=0)
    assert len(lesson.decision_boundaries([model], circles, ["he"], resolution=20).axes) == 1
    with pytest.raises(ValueError, match="2-D data"):
        lesson.decision_boundaries([model], iv.load_digits(), ["he"])
    with pytest.raises(ValueError, match="one title per model"):
        lesson.decision_boundaries([model], circles, [])


def test_chi_table_and_report(capsys):
    table = lesson.chi_table([("relu", "xavier_normal", 1.0, 0.5, 0.25, 0.25, 0.24)], depth=5)
    assert "| relu | xavier_normal | 1 | 0.5 | 0.25 | 0.25 | 0.24 |" in table and "χ^((5−1)/2)" in table
    lesson.report("a claim", True)
    lesson.report("another", False)
    assert capsys.readouterr().out == "PASS  a claim\nFAIL  another\n"


def test_check_default_linear_ratio(capsys):
    assert lesson.default_linear_ratio(3) == pytest.approx((1 / 6) ** 3)
    assert lesson.check_default_linear_ratio((1 / 6) ** 10)
    assert not lesson.check_default_linear_ratio(2.0**-10)
    assert "Xavier against He" in capsys.readouterr().out
    assert not lesson.check_default_linear_ratio((1 / 6) ** 5)
    assert "ratio of the stds" in capsys.readouterr().out
    assert lesson.check_default_linear_ratio((1 / 6) ** 4, depth=4)
    assert not lesson.check_default_linear_ratio(None)
    assert "Replace None" in capsys.readouterr().out
    with pytest.raises(TypeError, match="answer"):
        lesson.check_default_linear_ratio("1e-8")


def test_check_fixed_point_chi(capsys):
    def right(sigma_w2, activation):
        return iv.chi(iv.forward_variances(400, sigma_w2, 0.0, activation)[-1], sigma_w2, activation)

    def at_the_input(sigma_w2, activation):
        return iv.chi(1.0, sigma_w2, activation)

    def todo(sigma_w2, activation): ...

    assert lesson.check_fixed_point_chi(right)
    assert not lesson.check_fixed_point_chi(at_the_input)
    assert "iterate to the fixed point" in capsys.readouterr().out
    assert not lesson.check_fixed_point_chi(todo)
    assert "Write your fixed_point_chi" in capsys.readouterr().out


def test_check_sigmoid_edge_std(capsys):
    critical = iv.critical_sigma_w2("sigmoid")
    assert lesson.check_sigmoid_edge_std(math.sqrt(critical / 400))
    assert not lesson.check_sigmoid_edge_std(critical / 400)
    assert "square root" in capsys.readouterr().out
    assert not lesson.check_sigmoid_edge_std(1.0)
    assert "chaotic side" in capsys.readouterr().out
    assert lesson.check_sigmoid_edge_std(math.sqrt(critical / 100), width=100)
    with pytest.raises(ValueError, match="width"):
        lesson.check_sigmoid_edge_std(0.5, width=0)


def test_images_are_registered():
    assert "05_experiment.png" in lesson.IMAGES and callable(lesson.IMAGES["05_experiment.png"])
    assert np.isfinite(lesson._class_prior_loss()) and lesson._class_prior_loss() < math.log(10)
