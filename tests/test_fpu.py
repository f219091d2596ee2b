"""Flushing subnormals: it takes effect inside the block only, and it leaves training results bit for bit the same."""

import numpy as np
import pytest

import initviz as iv
from initviz._fpu import AVAILABLE, flush_subnormals

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="no glibc fenv on this platform: flushing is a no-op here")


def test_subnormals_are_zero_inside_the_block_and_back_after():
    tiny = np.full(8, 1e-39, np.float32)  # below float32's smallest normal, 1.18e-38
    with flush_subnormals():
        assert (tiny * np.float32(1)).max() == 0
        assert np.float32(1e-20) * np.float32(1e-20) == 0
        assert (np.full((4, 8), 1e-20, np.float32) @ np.full((8, 4), 1e-20, np.float32)).max() == 0
    assert (tiny * np.float32(1)).max() > 0


def test_a_vanishing_run_trains_the_same_with_and_without_flushing():
    """N(0, 0.01²) through 30 ReLU layers: its gradients go subnormal, which is where flushing acts.

    Every step's loss is the same bit for bit. Not every parameter is: the biases start at exactly 0, so the
    lower layers' biases do take subnormal updates (~1e-38) without flushing; they feed the layers above, and
    a few weights of the top layers end up one float32 step apart.
    """
    data = iv.load_digits()
    runs = []
    for flush in (False, True):
        net = iv.MLP([64] + [100] * 30 + [10], "relu", "normal:std=0.01", rng=0)
        if flush:
            with flush_subnormals():
                history = iv.train(net, data, steps=60, eval_every=60)
        else:
            history = iv.train(net, data, steps=60, eval_every=60)
        runs.append((history, net))
    (h0, n0), (h1, n1) = runs
    assert np.array_equal(h0.loss, h1.loss) and h0.final_test_accuracy == h1.final_test_accuracy
    for a, b in zip(n0.weights, n1.weights):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-30)
