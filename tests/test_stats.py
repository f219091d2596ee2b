import numpy as np
import pytest

import initviz as iv


def test_layer_stats_and_fractions():
    tanh_layer = np.array([[0.99, -0.98, 0.1, 0.0]])
    relu_layer = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 3.0]])
    assert iv.saturated_fraction(tanh_layer, "tanh") == 0.5
    assert iv.saturated_fraction(np.array([0.01, 0.5, 0.99, 0.96]), "sigmoid") == 0.5
    assert iv.dead_fraction(relu_layer) == 1 / 3
    s = iv.layer_stats([relu_layer, relu_layer * 2], "relu")
    np.testing.assert_allclose(s.mean, [1.0, 2.0])
    np.testing.assert_allclose(s.dead, [1 / 3, 1 / 3])
    np.testing.assert_allclose(s.finite, [1, 1])


def test_non_finite_values_are_counted_not_averaged():
    s = iv.layer_stats([np.array([[1.0, np.inf], [3.0, np.nan]])])
    assert s.finite[0] == 0.5 and s.mean[0] == 2.0
    assert np.isnan(s.input_std[0])
    assert iv.judge(s.std, finite=s.finite).text == "overflow at layer 1"


def test_input_driven_std_sees_units_stuck_at_their_own_values():
    rng = np.random.default_rng(0)
    offsets = rng.normal(0, 1, 50)  # each unit at its own value, barely moving with the input
    h = offsets + 1e-6 * rng.normal(size=(200, 50))
    s = iv.layer_stats([h])
    assert s.std[0] == pytest.approx(offsets.std(), rel=1e-3)
    assert s.input_std[0] < 2e-6 and iv.input_driven_std(h) == s.input_std[0]
    assert s.second_moment[0] == pytest.approx(np.mean(h**2), rel=1e-9)


def test_batch_layer_stats_gives_one_row_per_net():
    a = np.random.default_rng(1).normal(size=(3, 40, 7))
    s = iv.stats.batch_layer_stats([a, 2 * a], "relu")
    assert s.std.shape == (3, 2)
    np.testing.assert_allclose(s.std[:, 1], 2 * s.std[:, 0])
    np.testing.assert_allclose(s.std[1, 0], a[1].std())


def test_histogram_counts_share_bins():
    layers = [np.zeros(10), np.ones(10), np.array([np.inf, 0.5])]
    counts, edges = iv.histogram_counts(layers, bins=4)
    assert counts.shape == (3, 4) and len(edges) == 5
    assert counts.sum(axis=1).tolist() == [10, 10, 1]
    assert edges[0] == 0.0 and edges[-1] == 1.0
