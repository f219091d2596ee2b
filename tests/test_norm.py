"""Batch norm, residual blocks, Adam and LSUV: finite differences, PyTorch (when installed) and the edge cases."""

import math
import warnings

import numpy as np
import pytest

import initviz as iv
from initviz import optim
from initviz.lsuv import lsuv, lsuv_options
from initviz.norm import BatchNorm


def net64(activation="tanh", **kw):
    return iv.MLP([5, 6, 6, 6, 4], activation, "xavier_normal:gain=1.3", rng=0, dtype=np.float64, **kw)


def numeric_gradient(loss, p, eps=1e-6):
    out = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + eps
        up = loss()
        p[idx] = old - eps
        down = loss()
        p[idx] = old
        out[idx] = (up - down) / (2 * eps)
    return out


def randomize(net, rng):
    for norm in net.norms or []:
        norm.gamma[:] = rng.uniform(0.5, 1.5, norm.features)
        norm.beta[:] = rng.normal(0, 0.3, norm.features)
    for l, b in enumerate(net.biases):
        if net._bias_used[l]:
            b[:] = rng.normal(0, 0.1, b.shape)


SETUPS = [
    dict(norm="batch"),
    dict(residual=True),
    dict(residual=True, branch_scale=0.5),
    dict(residual=True, branch_scale="zero"),
    dict(residual=True, norm="batch"),
]


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu", "sigmoid"])
@pytest.mark.parametrize("setup", SETUPS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_gradients_match_finite_differences(setup, activation):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(9, 5)), rng.integers(0, 4, size=9)
    net = net64(activation, **setup)
    randomize(net, rng)
    trace = net.trace(x, y)
    loss = lambda: net.trace(x, y).loss  # noqa: E731
    pairs = list(zip(net.weights, trace.grad_weights))
    pairs += [(b, g) for b, g, used in zip(net.biases, trace.grad_biases, net._bias_used) if used]
    if net.norms:
        pairs += [(n.gamma, g) for n, g in zip(net.norms, trace.grad_gammas)]
        pairs += [(n.beta, g) for n, g in zip(net.norms, trace.grad_betas)]
    for p, g in pairs:
        np.testing.assert_allclose(g, numeric_gradient(loss, p), rtol=1e-5, atol=1e-7)


def test_batch_norm_layers_have_no_bias_and_the_head_keeps_its_own():
    net = net64(norm="batch")
    assert net._bias_used == [False, False, False, True]
    assert set(net.parameters()) == {f"W{i}" for i in range(1, 5)} | {"b4"} | {
        f"{k}{i}" for k in ("gamma", "beta") for i in range(1, 4)
    }


def test_batch_norm_forward_normalizes_and_tracks_running_statistics():
    rng = np.random.default_rng(1)
    t = rng.normal(3.0, 2.0, size=(50, 4))
    bn = BatchNorm(4, dtype=np.float64)
    y = bn(t, update_running=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), t.var(axis=0) / (t.var(axis=0) + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(bn.running_mean, 0.1 * t.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * t.var(axis=0, ddof=1), rtol=1e-12)
    evaluated = bn(t, training=False)
    np.testing.assert_allclose(evaluated, (t - bn.running_mean) / np.sqrt(bn.running_var + 1e-5), rtol=1e-12)


def test_evaluation_uses_running_statistics_so_rows_do_not_interact():
    net = net64(norm="batch")
    x = np.random.default_rng(2).normal(size=(20, 5))
    for _ in range(3):
        net.step(x, np.zeros(20, int), lr=0.01)
    np.testing.assert_allclose(net.forward(x)[:1], net.forward(x[:1]), rtol=1e-12)
    assert not np.allclose(net.norms[0].running_mean, 0)


def test_batch_of_one_is_refused_in_training():
    net = net64(norm="batch")
    with pytest.raises(ValueError, match="at least 2 rows per batch"):
        net.trace(np.zeros((1, 5)), np.zeros(1, int))


@pytest.mark.parametrize(
    "setup", SETUPS + [dict()], ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "plain"
)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_step_matches_a_hand_made_update_from_the_traced_gradient(setup, optimizer):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 4, size=8)
    net = net64("relu", **setup)
    randomize(net, rng)
    trace = net.trace(x, y)
    before = {k: v.copy() for k, v in net.parameters().items()}
    grads = {f"W{i + 1}": g for i, g in enumerate(trace.grad_weights)}
    grads.update({f"b{i + 1}": g for i, g in enumerate(trace.grad_biases)})
    for i, (gg, gb) in enumerate(zip(trace.grad_gammas or [], trace.grad_betas or [])):
        grads[f"gamma{i + 1}"], grads[f"beta{i + 1}"] = gg, gb
    assert net.step(x, y, lr=0.1, optimizer=optimizer) == pytest.approx(trace.loss)
    for name, p in net.parameters().items():
        g = grads[name]
        # Adam's first step is lr·g/(|g| + eps): the sign of the gradient, times lr
        expected = before[name] - (0.1 * g if optimizer == "sgd" else 0.1 * g / (np.abs(g) + 1e-8))
        np.testing.assert_allclose(p, expected, rtol=1e-9, atol=1e-9, err_msg=name)


def test_residual_shapes_are_checked():
    with pytest.raises(ValueError, match="hidden layer of one width"):
        iv.MLP([5, 6, 7, 4], residual=True)
    with pytest.raises(ValueError, match="residual nets only"):
        iv.MLP([5, 6, 6, 4], branch_scale=0.5)
    with pytest.raises(ValueError, match="branch_scale must be > 0"):
        iv.MLP([5, 6, 6, 4], residual=True, branch_scale=-1)
    with pytest.raises(ValueError, match="allowed: batch"):
        iv.MLP([5, 6, 4], norm="layer")
    with pytest.raises(ValueError, match="linear_head=True"):
        iv.MLP([5, 6, 4], norm="batch", linear_head=False)


def test_residual_stream_doubles_per_block_and_branch_scaling_bounds_it():
    x = np.random.default_rng(4).normal(size=(2000, 64)).astype(np.float32)
    sizes = [64] + [256] * 21 + [10]

    def stream_var(**kw):
        net = iv.MLP(sizes, "relu", "he_normal", residual=True, rng=0, **kw)
        return np.array([t.var() for t in net.trace(x).streams])

    plain, scaled, zero = stream_var(), stream_var(branch_scale="1/sqrt(L)"), stream_var(branch_scale="zero")
    per_block = (plain[-1] / plain[0]) ** (1 / 20)
    assert 1.8 < per_block < 2.2  # Var(t + f(t)) = 2·Var(t) for a He branch that keeps the variance
    assert 2.0 < scaled[-1] / scaled[0] < 3.5  # (1 + 1/L)^L → e
    np.testing.assert_allclose(zero, zero[0], rtol=1e-6)  # zero branches: the stream is t_0 at init


def test_zero_branch_still_gets_a_gradient():
    net = iv.MLP([5, 6, 6, 6, 4], "relu", "he_normal", residual=True, branch_scale="zero", rng=0)
    trace = net.trace(np.random.default_rng(5).normal(size=(16, 5)), np.arange(16) % 4)
    assert all(np.abs(g).sum() > 0 for g in trace.grad_weights)


def test_adam_defaults_are_pytorchs():
    assert optim.ADAM_DEFAULTS == {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8}
    assert optim.default_lr("adam") == 1e-3 and optim.default_lr("sgd") == 0.01
    with pytest.raises(ValueError, match="momentum applies to optimizer 'sgd' only"):
        optim.make("adam", momentum=0.9)
    with pytest.raises(ValueError, match="allowed: adam, sgd"):
        optim.make("rmsprop")


def test_adam_in_train_learns_and_is_reproducible():
    data = iv.make_spiral(n=300, seed=1)
    runs = [
        iv.train(iv.MLP([2, 32, 32, 3], "relu", "he_normal", rng=3), data, steps=300, optimizer="adam", seed=5)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)
    assert np.mean(runs[0].loss[-50:]) < np.mean(runs[0].loss[:50])


# --- LSUV ---


def test_lsuv_by_name_needs_data_and_says_so():
    for call in (lambda: iv.initialize("lsuv", (3, 3)), lambda: iv.MLP([3, 4, 2], init="lsuv")):
        with pytest.raises(ValueError, match="lsuv needs a data batch"):
            call()
    with pytest.raises(ValueError, match="lsuv needs a data batch"):
        iv.weight_variance("lsuv", (3, 3))
    with pytest.raises(ValueError, match="lsuv needs a data batch"):
        lsuv(iv.MLP([3, 2]), None)
    assert iv.parse_init("lsuv:base=normal:std=0.01,tol=0.05") == ("lsuv", {"base": "normal:std=0.01", "tol": 0.05})


def test_lsuv_options_are_checked_whole():
    assert lsuv_options({}) == {"base": "orthogonal", "tol": 0.1, "max_iter": 10}
    assert lsuv_options({"max_iter": 3.0})["max_iter"] == 3
    for options, fragment in (
        ({"base": "bogus"}, "unknown initializer"),
        ({"base": "normal:std=-1"}, "std must be >= 0"),
        ({"base": "lsuv"}, "draws weights by itself"),
        ({"tol": 0}, "tol must be > 0"),
        ({"max_iter": 0}, "max_iter must be >= 1"),
        ({"max_iter": 2.5}, "max_iter must be an integer"),
    ):
        with pytest.raises((ValueError, TypeError), match=fragment):
            lsuv_options(options)
    with pytest.raises(TypeError, match="allowed: \\['base', 'tol', 'max_iter'\\]"):
        lsuv_options({"high": 1})


@pytest.mark.parametrize("base", ["orthogonal", "normal:std=0.01", "normal:std=1", "xavier_normal"])
@pytest.mark.parametrize("setup", [dict(), dict(norm="batch"), dict(residual=True)], ids=["plain", "bn", "res"])
def test_lsuv_gives_every_layer_unit_output_variance(base, setup):
    x = iv.load_digits().x_train[:256]
    net = iv.MLP([64] + [100] * 30 + [10], "relu", f"lsuv:base={base}", data=x, rng=0, **setup)
    report = net.lsuv_report
    assert report.all_converged, str(report)
    assert all(abs(v - 1) < 0.1 for v in report.after)
    for layer in (0, 15, 30):
        assert abs(net._linear_output(net._check_x(x), layer).var() - 1) < 0.1
    assert str(report).startswith(f"LSUV from {base}: every layer")


def test_lsuv_cannot_rescale_a_zero_layer_and_reports_it():
    x = np.random.default_rng(6).normal(size=(32, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = iv.MLP([5, 6, 6, 3], "relu", "lsuv:base=zeros", data=x)
    assert not net.lsuv_report.all_converged and net.lsuv_report.after[0] == 0
    assert "could not be rescaled" in str(net.lsuv_report)
    assert all(np.all(w == 0) for w in net.weights)


def test_lsuv_rescaling_is_one_division_per_layer_for_a_linear_map():
    x = np.random.default_rng(7).normal(size=(64, 5))
    net = iv.MLP([5, 6, 6, 3], "relu", "normal:std=0.3", rng=0, dtype=np.float64)
    report = lsuv(net, x, tol=1e-9)
    assert report.iterations[0] == 1 and math.isclose(report.after[0], 1, rel_tol=1e-9)


# --- PyTorch ---


def torch_bn_net(net, torch):
    """The same net in torch: Linear (no bias before BN) → BatchNorm1d → activation, weights copied."""
    layers = []
    for l, W in enumerate(net.weights):
        has_bias = net._bias_used[l]
        lin = torch.nn.Linear(*W.shape, bias=has_bias).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            if has_bias:
                lin.bias.copy_(torch.from_numpy(net.biases[l]))
        layers.append(lin)
        if l < len(net.weights) - 1:
            layers += [torch.nn.BatchNorm1d(W.shape[1]).double(), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


def test_batch_norm_forward_and_backward_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(64, 20)).astype(np.float32), rng.integers(0, 10, size=64)
    net = iv.MLP([20, 30, 30, 10], "relu", "he_normal", norm="batch", rng=0)
    randomize(net, rng)
    theirs = torch_bn_net(net, torch).float()
    for l, norm in enumerate(net.norms):
        bn = theirs[3 * l + 1]
        with torch.no_grad():
            bn.weight.copy_(torch.from_numpy(norm.gamma))
            bn.bias.copy_(torch.from_numpy(norm.beta))
    trace = net.trace(x, y)
    tx = torch.from_numpy(x)
    loss = torch.nn.functional.cross_entropy(theirs(tx), torch.from_numpy(y))
    loss.backward()
    assert trace.loss == pytest.approx(loss.item(), rel=1e-5)
    for l in range(3):
        np.testing.assert_allclose(trace.grad_weights[l], theirs[3 * l].weight.grad.numpy().T, rtol=2e-4, atol=2e-6)
    for l in range(len(net.norms)):
        bn = theirs[3 * l + 1]
        np.testing.assert_allclose(trace.grad_gammas[l], bn.weight.grad.numpy(), rtol=2e-4, atol=2e-6)
        np.testing.assert_allclose(trace.grad_betas[l], bn.bias.grad.numpy(), rtol=2e-4, atol=2e-6)
    # a training step updates the running statistics as torch's training forward does; eval uses them
    net.step(x, y, lr=0.01)
    for l, norm in enumerate(net.norms):
        bn = theirs[3 * l + 1]
        np.testing.assert_allclose(norm.running_mean, bn.running_mean.numpy(), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(norm.running_var, bn.running_var.numpy(), rtol=1e-4, atol=1e-6)
    single = BatchNorm(30)
    single.running_mean[:] = net.norms[0].running_mean
    single.running_var[:] = net.norms[0].running_var
    bn = torch.nn.BatchNorm1d(30).eval()
    with torch.no_grad():
        bn.running_mean.copy_(torch.from_numpy(single.running_mean))
        bn.running_var.copy_(torch.from_numpy(single.running_var))
        t = rng.normal(size=(5, 30)).astype(np.float32)
        np.testing.assert_allclose(single(t, training=False), bn(torch.from_numpy(t)).numpy(), rtol=1e-5, atol=1e-6)


def test_adam_steps_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=(32, 8)).astype(np.float32), rng.integers(0, 4, size=32)
    net = iv.MLP([8, 16, 16, 4], "tanh", "xavier_normal", rng=0)
    randomize(net, rng)
    layers = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        lin = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin] + ([torch.nn.Tanh()] if l < 2 else [])
    theirs = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(theirs.parameters())  # PyTorch's defaults
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        opt.step()
        net.step(x, y, lr=1e-3, optimizer="adam")
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        np.testing.assert_allclose(W, theirs[2 * l].weight.detach().numpy().T, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, theirs[2 * l].bias.detach().numpy(), rtol=1e-5, atol=1e-6)
