"""The one verdict: the cases the second edition must get right, and the words it uses."""

import numpy as np
import pytest

import initviz as iv
from initviz.verdict import judge, power_of_ten


def test_default_gaussian_panel_is_not_healthy():
    """Sigmoid, std 0.1, 10 layers: the gradient falls from 1 to about 2·10⁻⁶ (it was labelled healthy)."""
    p = iv.probe("normal:std=0.1", "sigmoid", depth=10)
    back = p.backward_verdict
    assert back.grade == "broken" and back.kind == "shrinks"
    assert 1e-6 < back.total < 1e-5, back
    assert back.text.startswith("shrinks ×0.2") and "over 10 layers" in back.text
    assert p.forward_verdict.kind == "collapsed" and p.forward_verdict.text.startswith("collapsed to 0.5")


def test_xavier_relu_depth_30_gradient_is_flagged():
    back = iv.probe("xavier_normal", "relu", depth=30).backward_verdict
    assert back.grade == "broken" and 1e-5 < back.total < 1e-4
    assert back.per_layer == pytest.approx(2**-0.5, rel=0.05)


def test_the_7x_forward_drop_of_the_xavier_panel_is_flagged():
    """Notebook 03's default panel: tanh, Xavier uniform, widths alternating 100 ↔ 300, 20 layers."""
    forward = iv.probe("xavier_uniform", "tanh", widths=[100, 300] * 10 + [100]).forward_verdict
    assert not forward.healthy and forward.grade == "drifting"
    assert forward.total < 1 / 5


def test_he_relu_depth_30_is_healthy():
    p = iv.probe("he_normal", "relu", depth=30)
    assert p.forward_verdict.healthy and p.backward_verdict.healthy
    assert iv.probe("he_normal", "relu", widths=iv.layer_widths("funnel", 30), nets=4).forward_verdict.healthy


def test_xavier_tanh_says_what_it_is():
    """Not flat, not broken: it shrinks slowly (like 1/√l), which the words give as a factor per layer."""
    p = iv.probe("xavier_normal", "tanh", depth=30)
    for verdict in (p.forward_verdict, p.backward_verdict):
        assert verdict.grade == "drifting" and verdict.kind == "shrinks"
        assert 0.9 < verdict.per_layer < 1 and 0.1 < verdict.total < 0.4


@pytest.mark.parametrize(
    "stds, kwargs, grade, text",
    [
        ([1.0, 0.5, 0.0, 0.0], {}, "broken", "all zeros from layer 3"),
        ([1.0, 0.0], {"means": [0.5, 0.5]}, "broken", "constant 0.5 from layer 2"),
        ([1.0, 1e-8], {}, "broken", "vanished at layer 2 (×1e-08 per layer)"),
        ([1.0, 10.0, 1e7], {}, "broken", "exploded at layer 3 (×3.2e+03 per layer)"),
        ([1.0, np.inf], {}, "broken", "overflow at layer 2"),
        ([1.0, 2.0], {"finite": [1.0, 0.5]}, "broken", "overflow at layer 2"),
        ([1.0, 0.9], {}, "healthy", "healthy"),
        ([1.0, 0.5, 0.3, 0.2], {}, "drifting", "shrinks ×0.58 per layer (×0.2 over 4 layers)"),
        ([1.0, 0.1, 0.01, 0.001], {}, "broken", "shrinks ×0.1 per layer (10⁻³ over 4 layers)"),
        ([0.5, 0.5], {"saturated": [0.9, 0.95]}, "broken", "saturated: 90% of units at layer 1"),
        ([0.5, 0.5], {"dead": [0.1, 0.6]}, "broken", "dead: 60% of units at layer 2"),
        ([0.2, 0.2], {"means": [0.5, 0.5], "input_std": [0.2, 1e-5]}, "broken", "collapsed to 0.5 from layer 2"),
        ([1e-9], {}, "broken", "vanished at layer 1"),
    ],
)
def test_words_for_each_state(stds, kwargs, grade, text):
    verdict = judge(stds, **kwargs)
    assert (verdict.grade, verdict.text) == (grade, text)
    assert str(verdict) == text


def test_backward_profiles_are_read_from_the_top_and_numbered_from_the_input():
    assert judge([1e-9, 0.1, 1.0], direction="backward").text == "vanished at layer 1 (×3.2e-05 per layer)"
    assert judge([0.0, 0.0, 1.0], direction="backward").text == "all zeros at layer 2 and below"
    assert judge([1.0, 1.0, 1.0], direction="backward").healthy
    assert judge([1.0, 1e-8, 1.0], direction="backward").layer == 2


def test_power_of_ten_reads_at_a_glance():
    assert [power_of_ten(v) for v in (0.14, 37, 4e-5, 1e-6, 2.4e8, 0.0099999)] == [
        "×0.14",
        "×37",
        "4·10⁻⁵",
        "10⁻⁶",
        "2·10⁸",
        "10⁻²",
    ]


def test_verdict_rejects_bad_profiles():
    with pytest.raises(ValueError, match="one value per layer"):
        judge([1.0, 2.0], finite=[1.0])
    with pytest.raises(ValueError, match="allowed: backward, forward"):
        judge([1.0], direction="up")
    with pytest.raises(ValueError, match="non-empty 1-D"):
        judge([])
