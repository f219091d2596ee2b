"""The one probe of a network at initialization: measured and predicted, layer by layer.

:func:`probe` builds a bias-free (or biased) stack of any widths from an init spec, sends
``randn(n_samples, n_0)`` forward and a standard-normal gradient backward from the top, and returns a
:class:`Probe`: every layer's values (for histograms), their statistics (``initviz.layer_stats``,
averaged over ``nets`` nets if asked), what the mean-field theory predicts for exactly these widths
(``initviz.theory.predict_layers``) and the verdict on each direction (``initviz.verdict.judge``).

Seeding: the weights, the input and the top gradient come from three independent streams of one
seed. Two inits of the normal family (``normal``, ``xavier_normal``, ``he_normal``, ``lecun_normal``)
with one seed and widths therefore draw the *same* standard-normal numbers, only scaled: Xavier
against He in a ReLU net then differs by 2^(−l/2) at layer l, up to float32 rounding (ReLU is
positively homogeneous). Every init sees the same input. Several nets run at once, stacked along a
leading axis, so ``nets=4`` costs little more than one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import _checks
from . import activations as _activations
from ._threads import one_blas_thread
from .init import initialize, parse_init, weight_variance
from .mlp import _act_backward, _act_forward
from .stats import LayerStats, batch_layer_stats
from .theory import Profile, predict_layers
from .verdict import Verdict, judge

__all__ = ["Probe", "probe", "layer_widths", "WIDTH_PATTERNS"]

WIDTH_PATTERNS = {
    "constant": "constant {mid}",
    "funnel": "funnel {high} → {low}",
    "alternating": "alternating {low} ↔ {high}",
}
"""Width patterns for :func:`layer_widths`; widths that change make fan_in and fan_out differ."""

_NORMAL_FAMILY = ("normal", "xavier_normal", "he_normal", "lecun_normal")
_CACHE_ENTRIES = 24
_CACHE_BYTES = 256 * 2**20  # a 50-layer net of width 500 is 50 MB of draws: keep a handful, not a gigabyte
_draws = OrderedDict()  # key -> arrays; a panel moved back and forth reuses its draws


def layer_widths(pattern, depth, *, low=64, high=256):
    """Widths ``[n_0, ..., n_depth]``: "constant" (the geometric mean of low and high, 128 by default),
    "funnel" (high down to low, geometric) or "alternating" (low, high, low, ...)."""
    _checks.choice("pattern", pattern, WIDTH_PATTERNS)
    depth = _checks.integer("depth", depth, low=1, high=1000)
    low = _checks.integer("low", low, low=1, high=100_000)
    high = _checks.integer("high", high, low=low, high=100_000)
    steps = np.arange(depth + 1)
    if pattern == "funnel":
        widths = np.rint(high * (low / high) ** (steps / depth))
    elif pattern == "alternating":
        widths = np.where(steps % 2 == 0, low, high)
    else:
        widths = np.full(depth + 1, np.rint(np.sqrt(low * high)))
    return [int(w) for w in widths]


def _nbytes(cache):
    """The bytes held by a cache whose values are lists (or tuples) of arrays."""
    return sum(a.nbytes for arrays in cache.values() for a in arrays)


def _cached(key, make):
    if key in _draws:
        _draws.move_to_end(key)
        return _draws[key]
    value = _draws[key] = make()
    while len(_draws) > 1 and (len(_draws) > _CACHE_ENTRIES or _nbytes(_draws) > _CACHE_BYTES):
        _draws.popitem(last=False)  # the least recently used
    return value


def _read_only(arrays):
    for a in arrays:  # cached, so shared between calls: a student's in-place edit must not change them
        a.flags.writeable = False
    return arrays


def _streams(seed):
    """Independent generators for the weights, the input and the top gradient of one seed."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


def _unit_normals(widths, seeds, dtype):
    """Standard-normal draws of every layer, one net per seed stacked on a leading axis.

    Each net's numbers come in the order ``initialize`` would consume them from that seed's stream.
    """

    def make():
        rngs = [_streams(s)[0] for s in seeds]
        shapes = list(zip(widths[:-1], widths[1:]))
        layers = [[] for _ in shapes]
        for rng in rngs:
            for layer, shape in zip(layers, shapes):
                layer.append(rng.standard_normal(shape).astype(dtype))
        return _read_only([np.stack(layer) for layer in layers])

    return _cached(("unit", widths, tuple(seeds), np.dtype(dtype).str), make)


_scaled = OrderedDict()  # (widths, seeds, dtype) → buffers that std·N(0, 1) is written into, reused


def _scaled_buffers(units, key):
    """Buffers for std·N(0, 1), reused from call to call: new arrays of this size cost more in page faults
    than the multiplication itself. :func:`probe` keeps copies of what it hands out, never the buffers."""
    if key not in _scaled:
        _scaled[key] = [np.empty_like(z) for z in units]
        while len(_scaled) > 1 and (len(_scaled) > 4 or _nbytes(_scaled) > _CACHE_BYTES // 4):
            _scaled.popitem(last=False)
    _scaled.move_to_end(key)
    return _scaled[key]


def _weights(spec, widths, seeds, dtype, variances):
    """The stacked weights of one net per seed (Var(W_l) = ``variances[l]``), and whether they are reused
    buffers that the next call overwrites. The normal family is std·N(0, 1) of one cached draw."""
    name, options = spec
    shapes = list(zip(widths[:-1], widths[1:]))
    if name in _NORMAL_FAMILY and options.get("mean", 0.0) == 0.0:
        stds = [dtype.type(np.sqrt(v)) for v in variances]
        units = _unit_normals(widths, seeds, dtype)
        buffers = _scaled_buffers(units, (widths, tuple(seeds), np.dtype(dtype).str))
        return [np.multiply(z, s, out=out) for z, s, out in zip(units, stds, buffers)], True

    def make():
        nets = []
        for seed in seeds:
            rng = _streams(seed)[0]
            nets.append([initialize(name, shape, rng=rng, dtype=dtype, **options) for shape in shapes])
        return _read_only([np.stack(layer) for layer in zip(*nets)])

    # cached like the unit normals (a panel that switches only the activation reuses them); a copy is
    # returned, so a probe's weights stay writable and editing them leaves the cache alone
    key = ("draw", name, tuple(sorted(options.items())), widths, tuple(seeds), np.dtype(dtype).str)
    return [w.copy() for w in _cached(key, make)], False


def _signals(widths, n_samples, seed, dtype):
    def make():
        _, x_rng, g_rng = _streams(seed)
        x = x_rng.standard_normal((n_samples, widths[0])).astype(dtype)
        g = g_rng.standard_normal((n_samples, widths[-1])).astype(dtype)
        return tuple(_read_only([x, g]))

    return _cached(("xg", widths[0], widths[-1], n_samples, seed, np.dtype(dtype).str), make)


def _run(weights, biases, phi, x, grad_top):
    """Forward and backward through the stack for a stack of nets at once (leading axis: the net).

    No weight gradients: the probe does not need them.
    """
    name, slope = phi.name, phi.negative_slope
    zs, hs = [], []
    h = x
    with np.errstate(all="ignore"):  # extreme inits overflow on purpose; the verdict names it
        for W, b in zip(weights, biases):
            z = np.matmul(h, W)
            if b is not None:
                z += b[:, None, :]
            h = np.empty_like(z)
            _act_forward(name, slope, z, h)
            zs.append(z)
            hs.append(h)
        grads = [None] * len(weights)
        g = grad_top
        for l in range(len(weights) - 1, -1, -1):
            grads[l] = g
            if l:
                g = g.copy()
                _act_backward(name, slope, zs[l], hs[l], g)
                g = np.matmul(g, weights[l].transpose(0, 2, 1))
    return zs, hs, grads


def _mean_over_nets(stats):
    """Pool per-net LayerStats (fields of shape (nets, layers)) as if all nets' values were one sample.

    The pooled variance is the mean of the nets' variances plus the variance of their means (the law of
    total variance), so ``second_moment`` is the mean over nets of each net's E[h²].
    """
    with np.errstate(invalid="ignore"):  # a net that overflowed has NaN moments; the pool is then NaN too
        between = stats.mean.var(axis=0)
    return LayerStats(
        mean=stats.mean.mean(axis=0),
        std=np.sqrt(np.mean(stats.std**2, axis=0) + between),
        saturated=stats.saturated.mean(axis=0),
        dead=stats.dead.mean(axis=0),
        finite=stats.finite.min(axis=0),
        input_std=np.sqrt(np.mean(stats.input_std**2, axis=0)),
    )


@dataclass
class Probe:
    """One probe of a net at init; index ``l`` of every per-layer list or array is layer ``l + 1``.

    Attributes
    ----------
    init, activation, widths, seed, nets, bias_std : the settings.
    inputs, weights, pre_activations, activations, grad_activations : arrays of the first net.
    forward, backward : LayerStats of the activations h_l and of the gradients dL/dh_l (mean over nets).
    per_net_forward, per_net_backward : the same for each net: every field has shape (nets, layers).
    weight_vars : Var(W_l) of each layer, from the init's formula (``initviz.init.weight_variance``).
    theory : the wide-net prediction for these widths (``Profile``), or None where it does not apply
        (weights whose mean is not 0, such as a nonzero constant).
    """

    init: str | tuple
    activation: _activations.Activation
    widths: list
    seed: int
    nets: int
    bias_std: float
    inputs: np.ndarray
    weights: list
    pre_activations: list
    activations: list
    grad_activations: list
    forward: LayerStats
    backward: LayerStats
    per_net_forward: LayerStats
    per_net_backward: LayerStats
    weight_vars: np.ndarray
    theory: Profile | None

    @property
    def depth(self):
        return len(self.widths) - 1

    @property
    def forward_verdict(self) -> Verdict:
        """The verdict on the activations, read from layer 1 up."""
        f = self.forward
        return judge(f.std, finite=f.finite, means=f.mean, input_std=f.input_std, saturated=f.saturated, dead=f.dead)

    @property
    def backward_verdict(self) -> Verdict:
        """The verdict on the gradients, read from the top layer down; meaningless after a forward overflow."""
        if self.forward_verdict.kind == "overflow":
            upstream = self.forward_verdict
            return Verdict("broken", "overflow", f"meaningless: forward {upstream}", upstream.layer, np.nan, np.nan)
        return judge(self.backward.std, direction="backward", finite=self.backward.finite)


def _zero_mean(spec):
    name, options = spec
    if name == "constant":
        return options.get("value", 0.0) == 0
    if name in ("normal", "truncated_normal"):
        return options.get("mean", 0.0) == 0
    if name == "uniform":
        return options.get("low", 0.0) == -options.get("high", 1.0)
    return True


def probe(
    init,
    activation="relu",
    *,
    depth=5,
    width=100,
    widths=None,
    n_samples=1000,
    nets=1,
    seed=0,
    negative_slope=0.01,
    bias_std=0.0,
    dtype=np.float32,
):
    """Probe a freshly initialized stack: ``randn(n_samples, n_0)`` forward, a randn gradient back from the top.

    Parameters
    ----------
    init : str or (name, options)
        An init spec such as ``"he_normal"`` or ``"normal:std=0.1"``; every layer is drawn from it.
    activation : str
        One of ``initviz.ACTIVATIONS``; every layer applies it (no linear head).
    depth, width : the net is ``depth`` layers of ``width`` units, unless ``widths = [n_0, ..., n_L]`` is given.
    n_samples : rows of the input batch.
    nets : average the statistics over this many nets (seeds ``seed``, ``seed + 1``, ...): one finite net
        wanders around the theory line, an average of several sits closer to it.
    bias_std : biases drawn from N(0, bias_std²) (σ_b = bias_std in the theory); 0 means no biases.
    """
    spec = parse_init(init)
    phi = _activations.get(activation, negative_slope)
    if widths is None:
        depth = _checks.integer("depth", depth, low=1, high=1000)
        width = _checks.integer("width", width, low=1, high=10_000)
        widths = [width] * (depth + 1)
    elif isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 2:
        raise ValueError(f"widths needs at least [n_0, n_1], got {list(widths)}")
    n_samples = _checks.integer("n_samples", n_samples, low=1, high=1_000_000)
    nets = _checks.integer("nets", nets, low=1, high=100)
    seed = _checks.integer("seed", seed, low=0, high=2**32 - nets)
    bias_std = _checks.number("bias_std", bias_std, low=0)
    dtype = _checks.float_dtype(dtype)
    seeds = range(seed, seed + nets)
    with one_blas_thread():  # small products: see _threads.py
        weight_vars = np.array([weight_variance(spec, shape) for shape in zip(widths[:-1], widths[1:])])
        weights, reused = _weights(spec, widths, seeds, dtype, weight_vars)
        signals = [_signals(widths, n_samples, s, dtype) for s in seeds]
        x, g = np.stack([xg[0] for xg in signals]), np.stack([xg[1] for xg in signals])
        biases = [None] * (len(widths) - 1)
        if bias_std:
            rngs = [np.random.default_rng(np.random.SeedSequence(s).spawn(4)[3]) for s in seeds]
            biases = [np.stack([r.normal(0.0, bias_std, n).astype(dtype) for r in rngs]) for n in widths[1:]]
        zs, hs, grads = _run(weights, biases, phi, x, g)
        forward = batch_layer_stats(hs, phi.name)
        backward = batch_layer_stats(grads, detail=False)
    theory = None
    if _zero_mean(spec):
        theory = predict_layers(widths, weight_vars, phi, bias_var=bias_std**2, negative_slope=phi.negative_slope)
    first = lambda arrays: [a[0] for a in arrays]  # noqa: E731
    return Probe(
        init=init,
        activation=phi,
        widths=list(widths),
        seed=seed,
        nets=nets,
        bias_std=bias_std,
        inputs=x[0],
        weights=[w.copy() for w in first(weights)] if reused else first(weights),
        pre_activations=first(zs),
        activations=first(hs),
        grad_activations=first(grads),
        forward=_mean_over_nets(forward),
        backward=_mean_over_nets(backward),
        per_net_forward=forward,
        per_net_backward=backward,
        weight_vars=weight_vars,
        theory=theory,
    )
