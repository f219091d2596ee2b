"""Weight initializers, with the formula and the paper of each.

Conventions: a dense weight has shape ``(fan_in, fan_out)`` and a layer computes
``x @ W + b``; a conv kernel has shape ``(kh, kw, in_channels, out_channels)``.
The numbers match PyTorch's ``torch.nn.init`` and Keras' initializers; only the
storage layout differs (PyTorch stores a Linear weight as ``(out, in)``).

References
----------
- LeCun, Bottou, Orr, Müller (1998). Efficient BackProp.
- Glorot & Bengio (2010). Understanding the difficulty of training deep feedforward
  neural networks. AISTATS.
- Saxe, McClelland, Ganguli (2013). Exact solutions to the nonlinear dynamics of
  learning in deep linear neural networks. arXiv:1312.6120.
- He, Zhang, Ren, Sun (2015). Delving deep into rectifiers. ICCV.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from . import _checks

__all__ = ["INITIALIZERS", "DATA_INITIALIZERS", "fans", "gain", "initialize", "parse_init", "weight_variance"]

_LINEAR_GAIN_ONE = {
    "linear",
    "identity",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
}
NONLINEARITIES = frozenset(_LINEAR_GAIN_ONE | {"tanh", "relu", "leaky_relu", "selu"})


def gain(nonlinearity, negative_slope=None):
    """The recommended gain for a nonlinearity, as PyTorch's ``calculate_gain``.

    ============ ==========================
    linear, conv 1
    sigmoid      1
    tanh         5/3
    relu         √2
    leaky_relu   √(2 / (1 + a²)), a = negative_slope, 0.01 if not given
    selu         3/4
    ============ ==========================
    """
    _checks.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if negative_slope is not None and nonlinearity != "leaky_relu":
        raise ValueError(f"negative_slope applies only to nonlinearity 'leaky_relu', got nonlinearity {nonlinearity!r}")
    if nonlinearity in _LINEAR_GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    a = 0.01 if negative_slope is None else _checks.number("negative_slope", negative_slope)
    return math.sqrt(2.0 / (1.0 + a * a))


def fans(shape):
    """Return ``(fan_in, fan_out)`` of a weight of the given shape.

    A dense weight ``(fan_in, fan_out)`` gives its two dimensions. A conv kernel
    ``(kh, kw, in_channels, out_channels)`` gives ``in·kh·kw`` and ``out·kh·kw``:
    ``fans((3, 3, 64, 128)) == (576, 1152)``. Fans of a 1-D shape are undefined.
    """
    shape = _checks.shape("shape", shape)
    if len(shape) < 2:
        raise ValueError(
            f"fans are undefined for a shape with fewer than 2 dimensions, got {shape!r}; "
            "use (fan_in, fan_out) or (kh, kw, in_channels, out_channels)"
        )
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _fan(shape, mode):
    fan_in, fan_out = fans(shape)
    _checks.choice("mode", mode, {"fan_in", "fan_out", "fan_avg"})
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def _gain_option(value):
    return _checks.number("gain", value, low=0)


# Each initializer takes (shape, rng, **options) and returns float64 samples.


def _zeros(shape, rng):
    """All zeros: Var = 0. Every unit of a layer computes the same thing."""
    return np.zeros(shape)


def _constant(shape, rng, value=0.0):
    """Every weight equal to ``value``: Var = 0, so the units of a layer stay identical."""
    return np.full(shape, _checks.number("value", value))


def _normal(shape, rng, mean=0.0, std=1.0):
    """N(mean, std²): Var(W) = std², whatever the layer's size."""
    mean = _checks.number("mean", mean)
    std = _checks.number("std", std, low=0)
    return rng.normal(mean, std, size=shape)


def _uniform(shape, rng, low=0.0, high=1.0):
    """U[low, high): Var = (high − low)² / 12."""
    low = _checks.number("low", low)
    high = _checks.number("high", high)
    if not high > low:
        raise ValueError(f"high must be > low, got low={low:g}, high={high:g}")
    return rng.uniform(low, high, size=shape)


def _truncated_normal(shape, rng, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """N(mean, std²) with samples outside [a, b] redrawn (a, b are absolute, as in PyTorch).

    The sample variance is below std² by the truncation; Keras' variance-scaling
    initializers divide std by 0.8796 (the std of N(0, 1) cut at ±2) to undo it.
    """
    mean = _checks.number("mean", mean)
    std = _checks.number("std", std, low=0, low_open=True)
    a = _checks.number("a", a)
    b = _checks.number("b", b)
    if not b > a:
        raise ValueError(f"b must be > a, got a={a:g}, b={b:g}")
    alpha, beta = (a - mean) / std, (b - mean) / std
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    if mass < 1e-4:
        raise ValueError(
            f"[a, b] = [{a:g}, {b:g}] holds only {mass:.1e} of N({mean:g}, {std:g}²); "
            "choose a and b within a few std of the mean"
        )
    out = rng.normal(mean, std, size=shape)
    bad = (out < a) | (out > b)
    while bad.any():  # each round keeps a fraction `mass` of the redraws, so this ends fast
        out[bad] = rng.normal(mean, std, size=int(bad.sum()))
        bad = (out < a) | (out > b)
    return out


def _xavier_uniform(shape, rng, gain=1.0):
    """Glorot & Bengio (2010), uniform.

    std = gain·√(2 / (fan_in + fan_out)); bound = √3·std = gain·√(6 / (fan_in + fan_out));
    W ~ U[−bound, bound], so Var(W) = bound²/3 = gain²·2 / (fan_in + fan_out).
    """
    fan_in, fan_out = fans(shape)
    bound = math.sqrt(3.0) * _gain_option(gain) * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape)


def _xavier_normal(shape, rng, gain=1.0):
    """Glorot & Bengio (2010), normal: W ~ N(0, std²), std = gain·√(2 / (fan_in + fan_out)).

    Var(W) = gain²·2 / (fan_in + fan_out): the compromise between the forward
    condition fan_in·Var(W) = 1 and the backward condition fan_out·Var(W) = 1.
    """
    fan_in, fan_out = fans(shape)
    std = _gain_option(gain) * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)


def _he_std(shape, mode, nonlinearity, negative_slope, gain_value):
    if gain_value is None:
        if nonlinearity is None:
            nonlinearity = "relu" if negative_slope is None else "leaky_relu"
        gain_value = gain(nonlinearity, negative_slope)
    elif nonlinearity is not None or negative_slope is not None:
        raise ValueError("give either gain or nonlinearity/negative_slope, not both")
    return _gain_option(gain_value) / math.sqrt(_fan(shape, mode))


def _he_uniform(shape, rng, mode="fan_in", nonlinearity=None, negative_slope=None, gain=None):
    """He et al. (2015), uniform (PyTorch ``kaiming_uniform_``, Keras ``HeUniform``).

    std = gain/√fan with gain = √2 for ReLU (√(2/(1+a²)) for leaky ReLU with slope a);
    bound = √3·std, which is √(6/fan_in) for ReLU. Var(W) = gain²/fan.
    ``mode`` picks fan = fan_in (keeps the forward signal), fan_out (keeps the
    backward gradient) or fan_avg = (fan_in + fan_out)/2.
    """
    bound = math.sqrt(3.0) * _he_std(shape, mode, nonlinearity, negative_slope, gain)
    return rng.uniform(-bound, bound, size=shape)


def _he_normal(shape, rng, mode="fan_in", nonlinearity=None, negative_slope=None, gain=None):
    """He et al. (2015), normal (PyTorch ``kaiming_normal_``): W ~ N(0, std²), std = gain/√fan.

    For ReLU, std = √(2/fan_in), so Var(W) = 2/fan_in. Keras' ``HeNormal`` draws
    a truncated normal with the same variance instead.
    """
    return rng.normal(0.0, _he_std(shape, mode, nonlinearity, negative_slope, gain), size=shape)


def _standard_uniform(shape, rng):
    """Glorot & Bengio's (2010) "standard" init: bound = 1/√fan_in, W ~ U[−bound, bound].

    Var(W) = 1/(3·fan_in). This is PyTorch's ``nn.Linear`` default
    (``kaiming_uniform_`` with a = √5).
    """
    bound = 1.0 / math.sqrt(fans(shape)[0])
    return rng.uniform(-bound, bound, size=shape)


def _lecun_uniform(shape, rng, mode="fan_in", gain=1.0):
    """LeCun et al. (1998), uniform: bound = √3·gain/√fan_in, so Var(W) = gain²/fan_in."""
    bound = math.sqrt(3.0) * _gain_option(gain) / math.sqrt(_fan(shape, mode))
    return rng.uniform(-bound, bound, size=shape)


def _lecun_normal(shape, rng, mode="fan_in", gain=1.0):
    """LeCun et al. (1998), normal: W ~ N(0, gain²/fan_in), so Var(W) = gain²/fan_in.

    Pairs with SELU (Klambauer et al. 2017).
    """
    return rng.normal(0.0, _gain_option(gain) / math.sqrt(_fan(shape, mode)), size=shape)


def _orthogonal(shape, rng, gain=1.0):
    """Saxe et al. (2013): a (semi-)orthogonal matrix times ``gain``.

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``. With ``rows >= cols``
    the columns are orthonormal (Wᵀ·W = gain²·I), otherwise the rows are
    (W·Wᵀ = gain²·I). Made by QR of a Gaussian matrix with the signs of diag(R)
    fixed, so the result is uniform over orthogonal matrices.
    """
    fans(shape)  # orthogonality needs at least two dimensions
    g = _gain_option(gain)
    rows, cols = math.prod(shape[:-1]), shape[-1]
    a = rng.normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return g * q.reshape(shape)


INITIALIZERS = {
    "zeros": _zeros,
    "constant": _constant,
    "normal": _normal,
    "uniform": _uniform,
    "truncated_normal": _truncated_normal,
    "xavier_uniform": _xavier_uniform,
    "xavier_normal": _xavier_normal,
    "he_uniform": _he_uniform,
    "he_normal": _he_normal,
    "lecun_uniform": _lecun_uniform,
    "lecun_normal": _lecun_normal,
    "orthogonal": _orthogonal,
    "standard_uniform": _standard_uniform,
}
"""Every initializer by name; ``initialize(name, ...)`` accepts these keys."""

DATA_INITIALIZERS = ("lsuv",)
"""Initializers that need data as well as a shape: ``"lsuv"`` (Mishkin & Matas 2015, ``initviz.lsuv``) rescales
each layer of a whole net on a batch of inputs. ``parse_init`` accepts them; ``initialize`` cannot draw them."""

NEEDS_DATA = (
    "lsuv needs a data batch: it rescales each layer of a whole net until that layer's output on real inputs "
    "has variance 1, so it cannot draw one weight matrix alone; build the net with "
    "initviz.MLP(sizes, init='lsuv', data=x) (x: a batch of inputs) or call initviz.lsuv(net, x)"
)

_NEEDS_FANS = set(INITIALIZERS) - {"zeros", "constant", "normal", "uniform", "truncated_normal"}
_OPTIONS = {name: list(inspect.signature(fn).parameters)[2:] for name, fn in INITIALIZERS.items()}
"""The options each initializer takes, e.g. ``_OPTIONS["he_normal"]``: mode, nonlinearity, negative_slope, gain."""


def _check_options(name, options):
    unknown = sorted(set(options) - set(_OPTIONS[name]))
    if unknown:
        raise TypeError(f"initializer {name!r} got unknown option(s) {unknown}; allowed: {_OPTIONS[name] or 'none'}")


def initialize(name, shape, *, rng=None, dtype=np.float32, **options):
    """Draw a weight array of ``shape`` from the initializer ``name``.

    Parameters
    ----------
    name : str
        One of ``INITIALIZERS``: zeros, constant (value), normal (mean, std),
        uniform (low, high), truncated_normal (mean, std, a, b), xavier_uniform and
        xavier_normal (gain), he_uniform and he_normal (mode, nonlinearity,
        negative_slope or gain), lecun_uniform and lecun_normal (mode, gain),
        orthogonal (gain), standard_uniform. Each one's docstring gives its formula:
        ``help(initviz.INITIALIZERS["he_normal"])``.
    shape : tuple of int
        ``(fan_in, fan_out)`` for a dense layer, ``(kh, kw, in, out)`` for a conv kernel.
    rng : numpy.random.Generator, int or None
        The same int seed gives the same array.
    dtype : floating dtype, default float32

    Examples
    --------
    >>> W = initialize("he_normal", (100, 50), rng=0)
    >>> W.shape, W.dtype
    ((100, 50), dtype('float32'))
    """
    if name in DATA_INITIALIZERS:
        raise ValueError(NEEDS_DATA)
    _checks.choice("initializer", name, INITIALIZERS)
    shape = _checks.shape("shape", shape, min_ndim=2 if name in _NEEDS_FANS else 1)
    dtype = _checks.float_dtype(dtype)
    rng = _checks.generator(rng)
    _check_options(name, options)
    values = INITIALIZERS[name](shape, rng, **options)
    return values.astype(dtype, copy=False)


def weight_variance(init, shape):
    """The variance of the weights that the init spec ``init`` draws for ``shape``: its formula, not a sample.

    ``weight_variance("he_normal", (100, 50)) == 2/100``; ``"normal:std=0.1"`` gives 0.01. For ``orthogonal``
    it is the mean square gain²/max(rows, cols), since its entries have mean 0. Theory
    (``initviz.theory.predict_layers``) needs exactly this number per layer.
    """
    name, options = parse_init(init)
    if name in DATA_INITIALIZERS:
        raise ValueError(NEEDS_DATA)
    shape = _checks.shape("shape", shape, min_ndim=2 if name in _NEEDS_FANS else 1)
    _check_options(name, options)
    return float(_VARIANCES[name](shape, **options))


def _truncated_variance(shape, mean=0.0, std=1.0, a=-2.0, b=2.0):
    std = _checks.number("std", std, low=0, low_open=True)
    alpha, beta = (_checks.number("a", a) - mean) / std, (_checks.number("b", b) - mean) / std
    density = lambda t: math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)  # noqa: E731
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    shift = (density(alpha) - density(beta)) / mass
    return std**2 * (1 + (alpha * density(alpha) - beta * density(beta)) / mass - shift**2)


_VARIANCES = {
    "zeros": lambda shape: 0.0,
    "constant": lambda shape, value=0.0: 0.0 * _checks.number("value", value),
    "normal": lambda shape, mean=0.0, std=1.0: _checks.number("std", std, low=0) ** 2,
    "uniform": lambda shape, low=0.0, high=1.0: (_checks.number("high", high) - _checks.number("low", low)) ** 2 / 12,
    "truncated_normal": _truncated_variance,
    "xavier_uniform": lambda shape, gain=1.0: _gain_option(gain) ** 2 * 2.0 / sum(fans(shape)),
    "xavier_normal": lambda shape, gain=1.0: _gain_option(gain) ** 2 * 2.0 / sum(fans(shape)),
    "he_uniform": lambda shape, mode="fan_in", nonlinearity=None, negative_slope=None, gain=None: (
        _he_std(shape, mode, nonlinearity, negative_slope, gain) ** 2
    ),
    "he_normal": lambda shape, mode="fan_in", nonlinearity=None, negative_slope=None, gain=None: (
        _he_std(shape, mode, nonlinearity, negative_slope, gain) ** 2
    ),
    "lecun_uniform": lambda shape, mode="fan_in", gain=1.0: _gain_option(gain) ** 2 / _fan(shape, mode),
    "lecun_normal": lambda shape, mode="fan_in", gain=1.0: _gain_option(gain) ** 2 / _fan(shape, mode),
    "orthogonal": lambda shape, gain=1.0: _gain_option(gain) ** 2 / max(math.prod(shape[:-1]), shape[-1]),
    "standard_uniform": lambda shape: 1.0 / (3.0 * fans(shape)[0]),
}


def parse_init(spec):
    """Split an initializer spec such as ``"normal:std=0.01"`` into ``("normal", {"std": 0.01})``.

    A spec is a name from ``INITIALIZERS`` (or ``DATA_INITIALIZERS``, e.g. ``"lsuv:base=orthogonal,tol=0.1"``),
    optionally followed by ``:key=value,key=value``.
    Values are read as numbers where they parse as one, otherwise kept as strings.
    A ``(name, options)`` tuple passes through.
    """
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], dict):
        name, options = spec
    elif isinstance(spec, str):
        name, _, rest = spec.partition(":")
        options = {}
        for item in filter(None, rest.split(",")):
            key, eq, value = item.partition("=")
            if not eq or not key.strip():
                raise ValueError(f"init option {item!r} in {spec!r} must look like key=value")
            try:
                options[key.strip()] = float(value)
            except ValueError:
                options[key.strip()] = value.strip()
    else:
        raise TypeError(f"init must be a name like 'he_normal' or 'normal:std=0.01', got {spec!r}")
    _checks.choice("initializer", name.strip(), set(INITIALIZERS) | set(DATA_INITIALIZERS))
    return name.strip(), dict(options)


def init_label(spec):
    """A short human label for an init spec: ``"normal:std=0.01"`` → ``"N(0, 0.01²)"``."""
    name, options = parse_init(spec)
    if name == "normal" and set(options) <= {"std", "mean"}:
        return f"N({options.get('mean', 0):g}, {options.get('std', 1):g}²)"
    if name == "constant":
        return f"constant {options.get('value', 0):g}"
    if not options:
        return name
    return (
        name + " (" + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in options.items()) + ")"
    )
