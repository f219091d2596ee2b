import warnings

import numpy as np
import pytest

import initviz as iv


def small_net(activation, bias=True, linear_head=True, seed=0):
    return iv.MLP(
        [5, 7, 6, 4],
        activation,
        "xavier_normal:gain=1.5",
        bias=bias,
        linear_head=linear_head,
        rng=seed,
        dtype=np.float64,
        negative_slope=0.1,
    )


def loss_of(net, x, y):
    return net.trace(x, y).loss


@pytest.mark.parametrize("activation", iv.ACTIVATIONS)
def test_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(9, 5))
    y = rng.integers(0, 4, size=9)
    net = small_net(activation)
    for b in net.biases:  # nonzero biases so their gradients are checked too
        b[:] = rng.normal(0, 0.1, size=b.shape)
    trace = net.trace(x, y)
    eps = 1e-6
    for params, grads in ((net.weights, trace.grad_weights), (net.biases, trace.grad_biases)):
        for p, g in zip(params, grads):
            numeric = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + eps
                up = loss_of(net, x, y)
                p[idx] = old - eps
                down = loss_of(net, x, y)
                p[idx] = old
                numeric[idx] = (up - down) / (2 * eps)
            np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


def test_grad_activations_match_finite_differences_on_hidden_layer():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 5))
    net = small_net("tanh", linear_head=False)
    g_out = rng.normal(size=(3, 4))
    trace = net.trace(x, grad_output=g_out)
    # dL/dh_1 for L = sum(g_out * out): perturb h_1 by running the remaining layers by hand
    h1 = trace.activations[0]

    def rest(h):
        for W, b in zip(net.weights[1:], net.biases[1:]):
            h = np.tanh(h @ W + b)
        return np.sum(g_out * h)

    eps = 1e-6
    numeric = np.zeros_like(h1)
    for idx in np.ndindex(h1.shape):
        hp, hm = h1.copy(), h1.copy()
        hp[idx] += eps
        hm[idx] -= eps
        numeric[idx] = (rest(hp) - rest(hm)) / (2 * eps)
    np.testing.assert_allclose(trace.grad_activations[0], numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(trace.grad_activations[-1], g_out)


@pytest.mark.parametrize("activation", iv.ACTIVATIONS)
def test_step_applies_the_traced_gradient(activation):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 5))
    y = rng.integers(0, 4, size=8)
    net = small_net(activation)
    before = [w.copy() for w in net.weights]
    trace = net.trace(x, y)
    loss = net.step(x, y, lr=0.1)
    assert loss == pytest.approx(trace.loss)
    for w0, w1, g in zip(before, net.weights, trace.grad_weights):
        np.testing.assert_allclose(w1, w0 - 0.1 * g, rtol=1e-10, atol=1e-12)


def test_momentum_accumulates_velocity():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 4, size=8)
    a, b = small_net("relu"), small_net("relu")
    a.step(x, y, lr=0.1, momentum=0.9)
    a.step(x, y, lr=0.1, momentum=0.9)
    b.step(x, y, lr=0.1)
    b.step(x, y, lr=0.1)
    assert not np.allclose(a.weights[0], b.weights[0])


def test_trace_records_every_layer():
    x = np.random.default_rng(4).normal(size=(1000, 100)).astype(np.float32)
    net = iv.MLP([100] * 6, "tanh", "xavier_normal", bias=False, linear_head=False)
    t = net.trace(x)
    assert len(t.pre_activations) == len(t.activations) == len(t.grad_activations) == 5
    assert t.grad_biases is None
    np.testing.assert_allclose(t.activations[2], np.tanh(t.pre_activations[2]), rtol=1e-6)
    assert all(a.dtype == np.float32 for a in t.activations)


def test_forward_of_in_place_path_matches_activation_functions():
    x = np.random.default_rng(5).normal(size=(20, 5))
    for name in iv.ACTIVATIONS:
        net = small_net(name, bias=False, linear_head=False)
        h = x
        for W in net.weights:
            h = iv.activation(name, 0.1)(h @ W)
        np.testing.assert_allclose(net.forward(x), h, rtol=1e-12)


def test_zero_init_outputs_are_identical_for_every_input():
    x = np.random.default_rng(6).normal(size=(50, 10))
    net = iv.MLP([10, 8, 8], "sigmoid", "zeros", linear_head=False)
    out = net.forward(x)
    assert np.all(out == 0.5)


def test_training_is_reproducible_and_learns():
    data = iv.make_spiral(n=300, seed=1)
    runs = []
    for _ in range(2):
        net = iv.MLP([2, 32, 32, 3], "relu", "he_normal", rng=3)
        runs.append(iv.train(net, data, steps=400, lr=0.1, batch_size=32, seed=5))
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)
    assert runs[0].test_accuracy == runs[1].test_accuracy
    assert runs[0].train_accuracy[-1] > 0.6  # chance is 1/3
    assert np.mean(runs[0].loss[-50:]) < np.mean(runs[0].loss[:50])


def test_divergence_is_reported_not_raised_and_silent():
    data = iv.make_circles(n=200)
    net = iv.MLP([2, 50, 50, 50, 2], "relu", "normal:std=10", rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = iv.train(net, data, steps=500, lr=10.0)
    assert h.diverged
    assert h.status == f"diverged at step {h.diverged_at}"
    assert not np.isfinite(h.loss[h.diverged_at])
    assert np.isnan(h.loss[h.diverged_at + 1 :]).all()
    assert h.final_train_loss is None


def test_float32_by_default():
    net = iv.MLP([4, 3, 2])
    assert all(w.dtype == np.float32 for w in net.weights)
