"""Notebook 06's lesson module: its figures draw, its panel names states from the verdict, its checks can fail."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from initviz import chaos, trainability
from initviz import random_nets as rn
from initviz.draw import palette
from initviz.lessons import chaos as lesson


def test_inits_on_the_diagram():
    assert lesson.init_sigma_w2("xavier_normal") == pytest.approx(1.0)
    assert lesson.init_sigma_w2("lecun_normal") == pytest.approx(1.0)
    assert lesson.init_sigma_w2("he_normal") == pytest.approx(2.0)
    assert lesson.init_sigma_w2("normal:std=1", width=100) == pytest.approx(100.0)
    assert lesson.SHOWCASE["critical"] == pytest.approx(1.761)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: lesson.correlation_map_figure(depth=5, width=50, nets=2),
        lesson.phase_diagram_figure,
        lesson.relu_map_figure,
        lambda: lesson.trainability_figure(trainability.load()),
        lambda: lesson.spectra_figure(
            {
                (a, w): rn.jacobian_singular_values([2, 6], 1.5, 0.01, a, weights=w, width=20)
                for a in ("tanh", "relu")
                for w in rn.WEIGHTS
            }
        ),
    ],
)
def test_figures_draw(draw):
    fig = draw()
    assert isinstance(fig, Figure) and fig.axes
    fig.canvas.draw()


def test_trainability_figure_states_the_agreement():
    stored = trainability.load()
    found = trainability.boundary(stored["records"], stored["settings"].sigma_b2)
    title = lesson.trainability_figure(stored).axes[0].get_title()
    assert f"{found.agree:.0%} of cells on the side L ≤ 6·ξ_c predicts" in title


def test_training_figure_colours_follow_the_init():
    import initviz as iv

    data = iv.make_circles(n=64)
    runs = {}
    for name in rn.WEIGHTS:
        ws = [w.astype(np.float32) for w in rn.draw_weights([2, 8, 2], 1.0, name, rng=0)]
        runs[name] = [iv.train(iv.MLP.from_weights(ws, None, "tanh"), data, steps=30, eval_every=10)]
    specs = {"gaussian": "normal:std=0.1", "orthogonal": "orthogonal"}
    fig = lesson.training_figure(runs, specs, window=5)
    colors = {line.get_label(): line.get_color() for line in fig.axes[0].lines}
    assert colors["orthogonal (1 seeds)"] == palette.init_color("orthogonal")
    assert colors["gaussian (1 seeds)"] == palette.init_color("normal:std=0.1")


def test_panel_names_its_states_from_the_verdict():
    panel = lesson.panel()
    view = panel.view
    panel.update(sigma_w2=1.0, sigma_b2=0.05, activation="tanh")
    assert view.q.state.get_text() == "healthy"
    assert view.c_state.get_text().startswith("c₀ = 0.95, 1 − c: shrinks")  # ordered: nearby inputs merge
    assert "ordered" in view.title.get_text() and "χ₁ = 0.759" in view.title.get_text()
    panel.update(sigma_w2=3.0)
    assert " grows " in view.c_state.get_text() and "chaotic" in view.title.get_text()
    panel.update(sigma_w2=100.0, sigma_b2=0.0, activation="relu")
    assert view.q.state.get_text().startswith("exploded at layer") and "unbounded" in view.title.get_text()
    assert view.q.measured.get_color() == palette.activation_color("relu")
    mesh, line = view.background["relu"]
    assert mesh.get_visible() and line.get_visible() and not view.background["tanh"][0].get_visible()
    panel.update(sigma_w2=0.25, sigma_b2=0.0, activation="tanh")
    assert view.q.state.get_text().startswith("vanished at layer")


def test_panel_marker_and_c_star_follow_the_sliders():
    panel = lesson.panel()
    panel.update(sigma_w2=3.0, sigma_b2=0.2)
    assert list(panel.view.marker.get_xdata()) == [3.0] and list(panel.view.marker.get_ydata()) == [0.2]
    assert panel.view.c_star.get_ydata()[0] == pytest.approx(chaos.c_star(3.0, 0.2))


def test_check_depth_scale(capsys):
    truth = chaos.depth_scale(1.2, 0.05)
    assert lesson.check_depth_scale(truth)
    assert not lesson.check_depth_scale(6 * truth)
    assert "6·ξ_c" in capsys.readouterr().out
    assert not lesson.check_depth_scale(-1 / np.log10(chaos.chi_1(1.2, 0.05)))
    assert "natural log" in capsys.readouterr().out
    assert not lesson.check_depth_scale(None)
    assert "Replace None" in capsys.readouterr().out


def test_notebook_solutions_pass_the_checks(capsys):
    z = np.random.default_rng(1).standard_normal(1_000_000)

    def chi_1(sigma_w2, sigma_b2):  # exercise 2's solution, as in the notebook
        q = 1.0
        for _ in range(50):
            q = sigma_w2 * np.mean(np.tanh(np.sqrt(q) * z) ** 2) + sigma_b2
        return sigma_w2 * np.mean((1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)

    assert lesson.check_chi_1(chi_1)
    assert lesson.check_depth_scale(-1 / np.log(chi_1(1.2, 0.05)))
    low, high = 1.0, 4.0
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (mid, high) if chaos.chi_1(mid, 0.2) < 1 else (low, mid)
    assert lesson.check_critical_sigma_w2((low + high) / 2, sigma_b2=0.2)


def test_check_chi_1_names_the_mistakes(capsys):
    def at_q1(sigma_w2, sigma_b2):
        z = np.random.default_rng(0).standard_normal(1_000_000)
        return sigma_w2 * np.mean((1 - np.tanh(z) ** 2) ** 2)

    def unsquared(sigma_w2, sigma_b2):
        q = chaos.q_star(sigma_w2, sigma_b2)
        z = np.random.default_rng(0).standard_normal(1_000_000)
        return sigma_w2 * np.mean(1 - np.tanh(np.sqrt(q) * z) ** 2)

    def todo(sigma_w2, sigma_b2): ...

    assert not lesson.check_chi_1(at_q1)
    assert "fixed point q*" in capsys.readouterr().out
    assert not lesson.check_chi_1(unsquared)
    assert "square" in capsys.readouterr().out
    assert not lesson.check_chi_1(lambda sw, sb: chaos.chi_1(sw, 0.0))
    assert "adds σ_b²" in capsys.readouterr().out
    assert not lesson.check_chi_1(todo)
    assert "in place of `...`" in capsys.readouterr().out


def test_check_critical_sigma_w2(capsys):
    assert lesson.check_critical_sigma_w2(2.285)
    assert not lesson.check_critical_sigma_w2(1.0)
    assert "without biases" in capsys.readouterr().out
    assert not lesson.check_critical_sigma_w2(2.0)
    assert "ReLU" in capsys.readouterr().out
    assert not lesson.check_critical_sigma_w2(1.761)
    assert "σ_b² = 0.05" in capsys.readouterr().out
    assert not lesson.check_critical_sigma_w2(2.153)
    assert "not at q = 1" in capsys.readouterr().out
    assert lesson.check_critical_sigma_w2(1.986, sigma_b2=0.1)
