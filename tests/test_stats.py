import numpy as np

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
    assert iv.signal_state(s.std, s.finite) == "overflow at layer 1"


def test_signal_state_names_the_first_broken_layer():
    assert iv.signal_state([1.0, 0.5, 0.0, 0.0]) == "all zeros from layer 3"
    assert iv.signal_state([1.0, 0.0], means=[0.5, 0.5]) == "constant from layer 2"
    assert iv.signal_state([1.0, 1e-8]) == "vanished at layer 2"
    assert iv.signal_state([1.0, 10.0, 1e7]) == "exploded at layer 3"
    assert iv.signal_state([1.0, 0.9]) == "healthy"


def test_histogram_counts_share_bins():
    layers = [np.zeros(10), np.ones(10), np.array([np.inf, 0.5])]
    counts, edges = iv.histogram_counts(layers, bins=4)
    assert counts.shape == (3, 4) and len(edges) == 5
    assert counts.sum(axis=1).tolist() == [10, 10, 1]
    assert edges[0] == 0.0 and edges[-1] == 1.0
