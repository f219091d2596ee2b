import warnings

import numpy as np
import pytest

import initviz as iv


@pytest.mark.parametrize("name", iv.ACTIVATIONS)
def test_derivative_matches_finite_difference(name):
    act = iv.activation(name, negative_slope=0.1)
    z = np.linspace(-4, 4, 161) + 0.013  # off the kink at 0
    eps = 1e-6
    numeric = (act(z + eps) - act(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.derivative(z), numeric, atol=1e-6)


def test_sigmoid_is_stable_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = iv.activation("sigmoid")(np.array([-1e4, 0.0, 1e4]))
        d = iv.activation("sigmoid").derivative(np.array([-1e4, 1e4]))
    assert s.tolist() == [0.0, 0.5, 1.0]
    assert d.tolist() == [0.0, 0.0]


def test_known_values():
    assert iv.activation("relu")(np.array([-2.0, 3.0])).tolist() == [0.0, 3.0]
    assert iv.activation("leaky_relu", 0.1)(np.array([-2.0, 3.0])).tolist() == pytest.approx([-0.2, 3.0])
    assert iv.activation("tanh").derivative(np.array(0.0)) == 1.0
    assert iv.activation("sigmoid").derivative(np.array(0.0)) == 0.25
