"""Signal-propagation theory: what variance each layer should see at initialization.

For a wide network with ``W ~ N(0, σ_w²/fan_in)`` and ``b ~ N(0, σ_b²)`` the
pre-activation variance obeys the mean-field recursion (Poole et al. 2016,
Schoenholz et al. 2017)::

    q_l = σ_w² · E_z[φ(√q_{l−1} · z)²] + σ_b²,      z ~ N(0, 1)

and a back-propagated gradient's variance is multiplied per layer by::

    χ = σ_w² · E_z[φ′(√q · z)²].

χ < 1: gradients vanish (ordered phase); χ > 1: they explode (chaotic phase).
For ReLU, E[relu(√q z)²] = q/2, so q_l = σ_w² q_{l−1}/2 and χ = σ_w²/2: He's
σ_w² = 2 is exactly critical. Expectations use Gauss–Hermite quadrature
(``numpy.polynomial.hermite.hermgauss``); an even node count keeps ReLU's kink at 0
off the nodes, which makes the ReLU and leaky-ReLU results exact.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _checks
from . import activations as _activations

__all__ = [
    "expect_normal",
    "variance_map",
    "forward_variances",
    "chi",
    "critical_sigma_w2",
    "Profile",
    "predict_layers",
    "predict_profile",
]

_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(120)
_Z = math.sqrt(2.0) * _NODES  # E_{z~N(0,1)}[f(z)] = Σ w_i f(√2 x_i) / √π
_W = _WEIGHTS / math.sqrt(math.pi)
_Z_GRID = np.linspace(-12.0, 12.0, 4801)
_HOMOGENEOUS = ("relu", "leaky_relu", "linear")  # φ(c·x) = c·φ(x) for c > 0


def _trapezoid(y, x):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def expect_normal(f, q=1.0):
    """E[f(x)] for x ~ N(0, q).

    Gauss–Hermite quadrature (120 nodes) while √q <= 1. For larger q an activation's
    features (width ~1 in x) become narrow in z = x/√q, finer than the Hermite nodes,
    so a dense trapezoid grid that also resolves |x| < 40 takes over.
    """
    q = _checks.number("q", q, low=0)
    s = math.sqrt(q)
    with np.errstate(all="ignore"):
        if s <= 1.0:
            return float(np.dot(_W, f(s * _Z)))
        z = _Z_GRID if s <= 8 else np.union1d(_Z_GRID, np.linspace(-40.0 / s, 40.0 / s, 4001))
        density = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        return _trapezoid(f(s * z) * density, z)


def _moment(phi, q, of="value"):
    """E[φ(√q·z)²] (of="value") or E[φ′(√q·z)²] (of="slope").

    ReLU, leaky ReLU and linear are positively homogeneous, so these are q·E[φ(z)²]
    and E[φ′(z)²]: Gauss–Hermite at q = 1 with an even node count (no node at the
    kink) gives them exactly: 1/2 for ReLU.
    """
    fn = (lambda x: phi.fn(x) ** 2) if of == "value" else (lambda x: phi.derivative(x) ** 2)
    if phi.name in _HOMOGENEOUS:
        base = float(np.dot(_W, fn(_Z)))
        return q * base if of == "value" else base
    return expect_normal(fn, q)


def variance_map(q, sigma_w2, sigma_b2=0.0, activation="tanh", negative_slope=0.01):
    """One step of the recursion: q_l = σ_w²·E[φ(√q·z)²] + σ_b²."""
    phi = _activations.get(activation, negative_slope)
    return sigma_w2 * _moment(phi, q, "value") + sigma_b2


def _check_sigmas(sigma_w2, sigma_b2):
    return _checks.number("sigma_w2", sigma_w2, low=0), _checks.number("sigma_b2", sigma_b2, low=0)


def forward_variances(depth, sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=1.0, negative_slope=0.01):
    """Pre-activation variances ``[q_1, ..., q_depth]`` of a deep net at init.

    ``q0`` is the input's mean square E[x²]; the first layer gets
    q_1 = σ_w²·q0 + σ_b² (the input is not passed through φ).
    """
    depth = _checks.integer("depth", depth, low=1)
    sigma_w2, sigma_b2 = _check_sigmas(sigma_w2, sigma_b2)
    q = sigma_w2 * _checks.number("q0", q0, low=0) + sigma_b2
    out = [q]
    for _ in range(depth - 1):
        q = variance_map(q, sigma_w2, sigma_b2, activation, negative_slope)
        out.append(q)
    return np.array(out)


def chi(q, sigma_w2, activation="tanh", negative_slope=0.01):
    """χ = σ_w²·E[φ′(√q·z)²]: how much a gradient's variance grows per layer."""
    phi = _activations.get(activation, negative_slope)
    sigma_w2 = _checks.number("sigma_w2", sigma_w2, low=0)
    return sigma_w2 * _moment(phi, _checks.number("q", q, low=0), "slope")


def _fixed_point(sigma_w2, sigma_b2, activation, negative_slope, iterations=2000):
    q = 1.0
    for _ in range(iterations):
        q_next = variance_map(q, sigma_w2, sigma_b2, activation, negative_slope)
        if abs(q_next - q) < 1e-12 * max(1.0, q):
            return q_next
        q = q_next
    return q


def critical_sigma_w2(activation="tanh", sigma_b2=0.0, negative_slope=0.01):
    """The σ_w² at which χ = 1 at the fixed point q*: the edge of chaos.

    For tanh: 1.0 at σ_b² = 0 and ≈ 1.761 at σ_b² = 0.05; for ReLU, 2 (He init).
    Found by bisection on σ_w² in [0.1, 1000]; for sigmoid (not zero-centred) it is ≈ 103.
    """
    sigma_b2 = _checks.number("sigma_b2", sigma_b2, low=0)
    _activations.get(activation, negative_slope)
    if activation in ("relu", "leaky_relu", "linear"):
        # positively homogeneous: χ does not depend on q
        return 1.0 / _moment(_activations.get(activation, negative_slope), 1.0, "slope")

    phi = _activations.get(activation, negative_slope)
    if sigma_b2 == 0 and phi.fn(np.float64(0.0)) == 0:
        # q* = 0 is the fixed point below the transition and χ(0) = σ_w²·φ′(0)²; iterating
        # towards q* = 0 converges too slowly (q_l ~ 1/l) for bisection to see it
        return 1.0 / float(phi.derivative(np.float64(0.0))) ** 2

    def excess(sigma_w2):
        q_star = _fixed_point(sigma_w2, sigma_b2, activation, negative_slope)
        return chi(q_star, sigma_w2, activation, negative_slope) - 1.0

    lo, hi = 0.1, 1000.0
    if excess(lo) > 0 or excess(hi) < 0:
        raise ValueError(f"no edge of chaos for activation {activation!r} with sigma_b2={sigma_b2:g} in [0.1, 1000]")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if excess(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class Profile(NamedTuple):
    """Predicted per-layer statistics, index ``l`` for layer ``l + 1``."""

    pre_activation_std: np.ndarray
    activation_mean: np.ndarray
    activation_std: np.ndarray
    gradient_std: np.ndarray  # std of dL/dh_l relative to the gradient entering the top layer

    @property
    def second_moment(self):
        """E[h_l²] = mean² + std² of each layer's output."""
        return self.activation_mean**2 + self.activation_std**2


def _profile(forward_fans, backward_fans, weight_vars, phi, input_var, bias_var):
    """The recursion with one (fan_in, fan_out, Var(W)) per layer; inf past a float64 overflow."""
    qs, q = [], input_var
    for l, (fan, v) in enumerate(zip(forward_fans, weight_vars)):
        if q < np.inf:  # layer 1 sees the raw input, later layers see φ(z)
            q = fan * v * q + bias_var if l == 0 else variance_map(q, fan * v, bias_var, phi)
        q = q if q <= 1e300 else np.inf
        qs.append(q)
    qs = np.array(qs)
    if phi.name in _HOMOGENEOUS:
        # φ(√q·z) = √q·φ(z): exact, and it keeps an exploded q = inf from turning into NaN
        mean1, mean2 = float(np.dot(_W, phi.fn(_Z))), float(np.dot(_W, phi.fn(_Z) ** 2))
        with np.errstate(all="ignore"):
            mean = np.where(abs(mean1) < 1e-12, 0.0, np.sqrt(qs) * mean1)
            act_std = np.sqrt(qs * (mean2 - mean1**2))
    else:  # tanh and sigmoid are bounded, so q stays finite
        mean = np.array([expect_normal(phi.fn, q) for q in qs])
        second = np.array([_moment(phi, q, "value") for q in qs])
        act_std = np.sqrt(np.maximum(second - mean**2, 0.0))
    slope2 = np.array([_moment(phi, min(q, 1e300), "slope") for q in qs])
    grad_var = np.ones(len(qs))
    with np.errstate(over="ignore", invalid="ignore"):
        for l in range(len(qs) - 1, 0, -1):  # dL/dh_{l-1} = (dL/dh_l ⊙ φ′(z_l)) W_lᵀ sums over layer l's fan_out
            grad_var[l - 1] = grad_var[l] * backward_fans[l] * weight_vars[l] * slope2[l]
    return Profile(np.sqrt(qs), mean, act_std, np.sqrt(grad_var))


def predict_layers(widths, weight_vars, activation, *, input_var=1.0, bias_var=0.0, negative_slope=0.01):
    """What theory predicts, layer by layer, for a net of widths ``[n_0, ..., n_L]``.

    Layer l has fan_in n_{l−1}, fan_out n_l and Var(W_l) = ``weight_vars[l − 1]`` (one number
    for every layer, or L numbers). Forward, σ_w² = n_{l−1}·Var(W_l) in the recursion above;
    backward, the gradient's variance gains n_l·Var(W_l)·E[φ′(z_l)²] through layer l. The top
    layer's gradient has std 1; past a float64 overflow the forward values are inf.
    """
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 2:
        raise ValueError(f"widths needs at least [n_0, n_1], got {list(widths)}")
    depth = len(widths) - 1
    if np.ndim(weight_vars) == 0:
        weight_vars = [weight_vars] * depth
    if len(weight_vars) != depth:
        raise ValueError(f"weight_vars must be one number or {depth} numbers (one per layer), got {len(weight_vars)}")
    weight_vars = [_checks.number(f"weight_vars[{l}]", v, low=0) for l, v in enumerate(weight_vars)]
    phi = _activations.get(activation, negative_slope)
    input_var = _checks.number("input_var", input_var, low=0)
    bias_var = _checks.number("bias_var", bias_var, low=0)
    return _profile(widths[:-1], widths[1:], weight_vars, phi, input_var, bias_var)


def predict_profile(
    depth, weight_var, fan_in, activation, *, fan_out=None, input_var=1.0, bias_var=0.0, negative_slope=0.01
):
    """What theory predicts for a stack of ``depth`` layers, each with Var(W) = ``weight_var``.

    Forward: σ_w² = fan_in·Var(W) in the recursion above. Backward: the gradient
    dL/dh_{l−1} = (dL/dh_l ⊙ φ′(z_l)) @ W_lᵀ sums over fan_out terms, so its variance
    gains fan_out·Var(W)·E[φ′(z_l)²] per layer (fan_out defaults to fan_in).
    The top layer's gradient has std 1. For widths that change, see :func:`predict_layers`.
    """
    depth = _checks.integer("depth", depth, low=1)
    weight_var = _checks.number("weight_var", weight_var, low=0)
    fan_in = _checks.integer("fan_in", fan_in, low=1)
    fan_out = fan_in if fan_out is None else _checks.integer("fan_out", fan_out, low=1)
    phi = _activations.get(activation, negative_slope)
    input_var = _checks.number("input_var", input_var, low=0)
    bias_var = _checks.number("bias_var", bias_var, low=0)
    return _profile([fan_in] * depth, [fan_out] * depth, [weight_var] * depth, phi, input_var, bias_var)
