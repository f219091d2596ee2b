"""The edge of chaos: two inputs through a deep random net, depth scales, and the input–output Jacobian.

Notebook 06's numerics (they draw nothing). A net has ``W_l ~ N(0, σ_w²/fan_in)`` (or orthogonal weights
of the same variance) and ``b_l ~ N(0, σ_b²)``. In the wide-net limit (Poole et al. 2016, "Exponential
expressivity in deep neural networks through transient chaos"; Schoenholz et al. 2017, "Deep
information propagation"):

- the length map ``q_{l+1} = σ_w²·E[φ(√q_l z)²] + σ_b²`` (``initviz.theory``) settles at a fixed point q*;
- two inputs with pre-activation correlation c move by the **correlation map**
  ``c_{l+1} = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q_{l+1}``, with ``u₁ = √q·z₁``, ``u₂ = √q·(c·z₁ + √(1−c²)·z₂)``;
- its slope at c = 1 is ``χ₁ = σ_w²·E[φ′(√q*·z)²]``: χ₁ < 1 is the ordered phase (c → 1, every input
  looks alike deep down), χ₁ > 1 the chaotic phase (c → c* < 1, nearby inputs fly apart), χ₁ = 1 the
  critical line (:func:`critical_line`);
- near its fixed point c*, ``|c_l − c*|`` shrinks like ``exp(−l/ξ_c)`` with ``ξ_c = −1/ln χ_c`` and
  ``χ_c = σ_w²·E[φ′(u₁)φ′(u₂)]`` at (q*, c*) (:func:`depth_scale`); ξ_c diverges on the critical line.

Expectations over one Gaussian use the trapezoid rule on a uniform grid fine enough for tanh's width at
that q (exponentially accurate for smooth integrands, at any q). Over two, the inner expectation
``E_z₂[f(m + σ·z₂)]`` uses Gauss–Hermite while σ ≤ 0.85; beyond, tanh is split into sign(x) (exact, an
erf) plus a remainder that decays like e^{−2|x|} (Gauss–Laguerre). ReLU and linear use closed forms
(the arc-cosine kernel of Cho & Saul 2009 for ReLU). At c = 1 the two-input sums reduce exactly to the
one-input ones, so c = 1 stays a fixed point to rounding.

Simulated nets (weights of a given σ_w², input pairs, input–output Jacobians) are in ``initviz.random_nets``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import _checks

__all__ = [
    "CHAOS_ACTIVATIONS",
    "q_star",
    "correlation_map",
    "pair_propagation",
    "c_star",
    "chi_1",
    "chi_c",
    "depth_scale",
    "critical_line",
    "phase",
    "phase_diagram",
    "critical_curve",
]

CHAOS_ACTIVATIONS = ("linear", "relu", "tanh")
"""Activations with a correlation map here: tanh by quadrature, ReLU and linear in closed form."""

_HERMITE_Z, _HERMITE_W = np.polynomial.hermite.hermgauss(64)
_HERMITE_Z, _HERMITE_W = math.sqrt(2.0) * _HERMITE_Z, _HERMITE_W / math.sqrt(math.pi)
_LAGUERRE_T, _LAGUERRE_W = np.polynomial.laguerre.laggauss(32)
_LAGUERRE_X, _LAGUERRE_W = _LAGUERRE_T / 2.0, _LAGUERRE_W / 2.0  # ∫_0^∞ e^{−2x} g(x) dx ≈ Σ w g(x)
_SMOOTH_SPLIT = 0.85
_REACH = 9.0  # |z| beyond 9 carries e^{−40} of the Gaussian mass


def _activation(activation):
    return _checks.choice("activation", activation, CHAOS_ACTIVATIONS)


def _sigmas(sigma_w2, sigma_b2):
    return _checks.number("sigma_w2", sigma_w2, low=0), _checks.number("sigma_b2", sigma_b2, low=0)


def _grid(q):
    """Trapezoid nodes and weights in z for E[f(√q·z)]: spacing 0.3/√q resolves tanh's unit width in u."""
    step = min(0.1, 0.3 / math.sqrt(q)) if q > 0 else 0.1
    return _uniform_grid(2 * math.ceil(_REACH / step) + 1)


@lru_cache(maxsize=64)
def _uniform_grid(n):
    z = np.linspace(-_REACH, _REACH, n)
    w = np.exp(-0.5 * z * z)
    z.flags.writeable = False
    w = w / w.sum()
    w.flags.writeable = False
    return z, w


def _sech2(x):
    t = np.tanh(x)
    return 1.0 - t * t


def _gauss(x, m, s):
    return np.exp(-0.5 * ((x - m) / s) ** 2) / (s * math.sqrt(2.0 * math.pi))


def _smooth(kind, m, sigma):
    """E_z[f(m + σ·z)] for f = tanh ("value") or tanh′ = sech² ("slope"); m (rows, n), σ (rows, 1), all σ on one side
    of the split (Gauss–Hermite below it, sign + Gauss–Laguerre above)."""
    f = np.tanh if kind == "value" else _sech2
    if sigma.max(initial=0.0) <= _SMOOTH_SPLIT:
        return f(m[..., None] + sigma[..., None] * _HERMITE_Z) @ _HERMITE_W
    x, mm, ss = _LAGUERRE_X, m[..., None], sigma[..., None]
    up, down = _gauss(x, mm, ss), _gauss(-x, mm, ss)
    if kind == "value":  # tanh = sign + r, r(x) = −sign(x)·2e^{−2|x|}/(1 + e^{−2|x|})
        rest = (2.0 / (1.0 + np.exp(-2.0 * x)) * (down - up)) @ _LAGUERRE_W
        return _erf(m / (sigma * math.sqrt(2.0))) + rest
    return (4.0 / (1.0 + np.exp(-2.0 * x)) ** 2 * (up + down)) @ _LAGUERRE_W


try:  # scipy comes with scikit-learn; math.erf elementwise is the (slower) fallback
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover
    _erf = np.vectorize(math.erf, otypes=[float])


def _tanh_one(kind, q):
    """E[tanh(√q z)²] ("value") or E[tanh′(√q z)²] ("slope")."""
    z, w = _grid(q)
    u = math.sqrt(q) * z
    f = np.tanh(u) ** 2 if kind == "value" else _sech2(u) ** 2
    return float(f @ w)


def _tanh_two(kind, q, c):
    """E[f(u₁)f(u₂)] for each c (an array), f = tanh or tanh′; equals :func:`_tanh_one` at c = 1."""
    z, w = _grid(q)
    a = math.sqrt(q)
    outer = np.tanh(a * z) if kind == "value" else _sech2(a * z)
    sigma = a * np.sqrt(np.maximum(0.0, 1.0 - c * c))
    out = np.empty(len(c))
    for part in (sigma <= _SMOOTH_SPLIT, sigma > _SMOOTH_SPLIT):
        if part.any():
            inner = _smooth(kind, a * c[part, None] * z[None, :], sigma[part, None])
            out[part] = (outer * inner) @ w
    return out


def _one(kind, q, activation):
    """E[φ(√q z)²] or E[φ′(√q z)²]."""
    if activation == "tanh":
        return _tanh_one(kind, q)
    if activation == "relu":
        return q / 2.0 if kind == "value" else 0.5
    return q if kind == "value" else 1.0


def _two(kind, q, c, activation):
    """E[φ(u₁)φ(u₂)] ("value") or E[φ′(u₁)φ′(u₂)] ("slope") at length q, for an array of correlations c."""
    c = np.clip(np.asarray(c, dtype=float), -1.0, 1.0)
    if activation == "tanh":
        return _tanh_two(kind, q, c)
    if activation == "relu":  # arc-cosine kernels of degree 1 and 0
        theta = np.arccos(c)
        if kind == "value":
            return q / (2 * math.pi) * (np.sqrt(1.0 - c * c) + (math.pi - theta) * c)
        return (math.pi - theta) / (2 * math.pi)
    return q * c if kind == "value" else np.ones_like(c)


def _length(q, sigma_w2, sigma_b2, activation):
    return sigma_w2 * _one("value", q, activation) + sigma_b2


def q_star(sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=1.0):
    """The length q* the recursion settles at, from an input with E[x²] = ``q0``; ``inf`` if it grows without bound.

    tanh: the unique fixed point (0 when σ_b² = 0 and σ_w² <= 1). ReLU and linear are homogeneous:
    with k = σ_w²/2 (ReLU) or σ_w² (linear), q* = σ_b²/(1 − k) for k < 1, inf for k > 1; at k = 1 the
    length stays where layer 1 put it when σ_b² = 0 (q* = σ_w²·q0) and grows by σ_b² per layer otherwise.
    """
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    q0 = _checks.number("q0", q0, low=0)
    if activation != "tanh":
        k = sigma_w2 / 2.0 if activation == "relu" else sigma_w2
        if k < 1:
            return sigma_b2 / (1.0 - k)
        if k == 1 and sigma_b2 == 0:
            return sigma_w2 * q0
        return math.inf
    return _tanh_q_star(sigma_w2, sigma_b2)


@lru_cache(maxsize=4096)
def _tanh_q_star(sigma_w2, sigma_b2):
    """tanh's fixed point by bisection (the length map is concave in q, so the positive root is unique)."""
    activation = "tanh"
    if sigma_b2 == 0 and sigma_w2 <= 1:
        return 0.0
    excess = lambda q: _length(q, sigma_w2, sigma_b2, activation) - q  # noqa: E731  concave, excess(0) >= 0
    lo, hi = (1e-300 if sigma_b2 == 0 else 0.0), sigma_w2 + sigma_b2  # tanh² < 1: q* < σ_w² + σ_b²
    if sigma_b2 == 0:
        lo = 1e-12 * sigma_w2  # excess(lo) ≈ (σ_w² − 1)·lo > 0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def correlation_map(c, sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None):
    """One layer of the correlation map: the next correlation of two inputs whose pre-activations have length q.

    ``c`` may be a number or an array (values in [−1, 1]); ``q`` defaults to q* (Poole et al.'s map).
    Off the fixed point the denominator is the next length, so c = 1 always maps to 1.
    """
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    scalar = np.ndim(c) == 0
    c = _correlations(c)
    if q is None:
        q = q_star(sigma_w2, sigma_b2, activation)
        if not math.isfinite(q):
            raise ValueError(
                f"no fixed length q* for {activation} with sigma_w2={sigma_w2:g}, sigma_b2={sigma_b2:g} "
                "(the length grows without bound): pass q= to map at a given length"
            )
    q = _checks.number("q", q, low=0)
    out = _map(c, q, sigma_w2, sigma_b2, activation)
    return float(out[0]) if scalar else out


def _correlations(c, name="c"):
    c = _checks.array(name, np.atleast_1d(c), ndim=1).astype(float)
    if (np.abs(c) > 1).any():
        raise ValueError(f"{name} must hold correlations in [-1, 1], got {c[np.abs(c) > 1][0]:g}")
    return c


def _map(c, q, sigma_w2, sigma_b2, activation):
    q_next = _length(q, sigma_w2, sigma_b2, activation)
    if q_next == 0:
        return c.copy()  # no signal and no bias: nothing to correlate, the map is the identity
    with np.errstate(invalid="ignore", over="ignore"):
        out = (sigma_w2 * _two("value", q, c, activation) + sigma_b2) / q_next
    return np.clip(out, -1.0, 1.0)


def pair_propagation(depth, sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=1.0, c0=0.5):
    """Length and correlation through ``depth`` layers for inputs with E[x²] = ``q0`` and correlation ``c0``.

    Returns ``(q, c)``: q has shape (depth,), c shape (depth,) for a number c0 or (depth, len(c0)) for an
    array. Layer 1 sees the raw inputs: q₁ = σ_w²·q0 + σ_b², c₁ = (σ_w²·q0·c0 + σ_b²)/q₁.
    """
    depth = _checks.integer("depth", depth, low=1, high=100_000)
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    q0 = _checks.number("q0", q0, low=0)
    scalar = np.ndim(c0) == 0
    c = _correlations(c0, "c0")
    qs, cs = np.empty(depth), np.empty((depth, len(c)))
    q = sigma_w2 * q0 + sigma_b2
    c = (sigma_w2 * q0 * c + sigma_b2) / q if q > 0 else c.copy()
    for layer in range(depth):
        qs[layer], cs[layer] = q, c
        if layer + 1 < depth:
            if math.isfinite(q) and q < 1e300:
                c = _map(c, q, sigma_w2, sigma_b2, activation)
                q = _length(q, sigma_w2, sigma_b2, activation)
            else:
                q = math.inf  # past float64: the length has exploded, the correlation is frozen
    return qs, (cs[:, 0] if scalar else cs)


def chi_1(sigma_w2, sigma_b2=0.0, activation="tanh"):
    """χ₁ = σ_w²·E[φ′(√q*·z)²]: the slope of the correlation map at c = 1, and a gradient's growth per layer.

    For ReLU it is σ_w²/2 at any q (He's σ_w² = 2 is χ₁ = 1), for linear σ_w².
    """
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    if activation != "tanh":
        return sigma_w2 * _one("slope", 1.0, activation)
    return sigma_w2 * _one("slope", q_star(sigma_w2, sigma_b2, activation), activation)


def c_star(sigma_w2, sigma_b2=0.0, activation="tanh"):
    """The stable fixed point c* of the correlation map: 1 in the ordered phase (χ₁ <= 1), below 1 in the chaotic one.

    ReLU has c* = 1 at every σ_w²: its map never pushes two inputs apart (see :func:`phase`).
    Linear with σ_b² = 0 has no unique c*: its map is the identity.
    """
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    if activation == "linear" and sigma_b2 == 0:
        raise ValueError("with activation 'linear' and sigma_b2 = 0 the correlation map is the identity: no unique c*")
    if activation != "tanh" or chi_1(sigma_w2, sigma_b2, activation) <= 1:
        return 1.0
    return _tanh_c_star(sigma_w2, sigma_b2)


@lru_cache(maxsize=4096)
def _tanh_c_star(sigma_w2, sigma_b2):
    """Safeguarded Newton on g(c) = map(c) − c from c = 0, with g′(c) = σ_w²·E[φ′(u₁)φ′(u₂)] − 1.

    g(0) = σ_b²/q* >= 0 (tanh is odd) and g < 0 just below 1 when χ₁ > 1, so [0, 1) brackets c*; a Newton
    step that leaves the bracket is replaced by bisection.
    """
    q = q_star(sigma_w2, sigma_b2, "tanh")
    if sigma_b2 == 0:
        return 0.0  # the map is odd: c = 0 is its fixed point, and stable in the chaotic phase
    lo, hi, c = 0.0, 1.0 - 1e-7, 0.0
    if _map(np.array([hi]), q, sigma_w2, sigma_b2, "tanh")[0] - hi >= 0:
        return 1.0  # χ₁ within ~1e-7 of 1: numerically on the critical line
    for _ in range(100):
        g = _map(np.array([c]), q, sigma_w2, sigma_b2, "tanh")[0] - c
        if g > 0:
            lo = c
        else:
            hi = c
        slope = sigma_w2 * _tanh_two("slope", q, np.array([c]))[0] - 1.0
        step = c - g / slope if slope < 0 else 0.5 * (lo + hi)
        if not lo < step < hi:
            step = 0.5 * (lo + hi)
        if abs(step - c) < 1e-14 or hi - lo < 1e-14:
            return step
        c = step
    return c


def chi_c(sigma_w2, sigma_b2=0.0, activation="tanh"):
    """χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at (q*, c*): the slope of the correlation map at its fixed point.

    Equals χ₁ in the ordered phase. ReLU past σ_w² = 2 has no fixed length: q grows, the bias fades, and
    the map tends to σ_b² = 0's arc-cosine map, whose slope at c* = 1 is exactly 1, so χ_c = 1 there.
    At σ_b² = 0, where q* = 0, this is the limit σ_b² → 0⁺ (the formula of Schoenholz et al.).
    """
    sigma_w2, sigma_b2 = _sigmas(sigma_w2, sigma_b2)
    activation = _activation(activation)
    if activation == "relu":
        return min(sigma_w2 / 2.0, 1.0)
    c = c_star(sigma_w2, sigma_b2, activation)
    if activation == "linear":
        return min(sigma_w2, 1.0)
    q = q_star(sigma_w2, sigma_b2, activation)
    return float(sigma_w2 * _two("slope", q, np.array([c]), activation)[0])


def depth_scale(sigma_w2, sigma_b2=0.0, activation="tanh"):
    """ξ_c = −1/ln χ_c: over about ξ_c layers a difference between two inputs' correlations fades by e.

    ``inf`` where χ_c = 1 (the critical line, and ReLU from σ_w² = 2 on). Schoenholz et al. (2017) found
    that a net trains only when its depth is below about 6·ξ_c.
    """
    x = chi_c(sigma_w2, sigma_b2, activation)
    if x >= 1.0 or x <= 0.0:
        return math.inf if x >= 1.0 else 0.0
    return -1.0 / math.log(x)


def critical_line(sigma_b2, activation="tanh"):
    """The σ_w² where χ₁ = 1 for each σ_b² (a number or an array): the edge of chaos.

    ReLU: 2 for every σ_b²; linear: 1. tanh: 1 at σ_b² = 0, ≈ 1.761 at σ_b² = 0.05 (bisection on
    σ_w² in [1, 50], where χ₁ grows with σ_w²).
    """
    activation = _activation(activation)
    scalar = np.ndim(sigma_b2) == 0
    values = _checks.array("sigma_b2", np.atleast_1d(sigma_b2), ndim=1).astype(float)
    if (values < 0).any():
        raise ValueError(f"sigma_b2 must be >= 0, got {values[values < 0][0]:g}")
    out = np.empty(len(values))
    for i, b2 in enumerate(values):
        if activation != "tanh":
            out[i] = 2.0 if activation == "relu" else 1.0
            continue
        lo, hi = 1.0, 50.0
        if chi_1(hi, b2) < 1:
            raise ValueError(f"sigma_b2={b2:g} is too large: tanh's critical sigma_w2 is above 50")
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            if chi_1(mid, b2) < 1:
                lo = mid
            else:
                hi = mid
        out[i] = 0.5 * (lo + hi)
    return float(out[0]) if scalar else out


def phase(sigma_w2, sigma_b2=0.0, activation="tanh", *, tol=1e-3):
    """ "ordered" (χ₁ < 1 − tol), "critical" (|χ₁ − 1| <= tol) or "chaotic"; ReLU past σ_w² = 2 is "unbounded".

    ReLU's correlation map keeps c_{l+1} >= c_l for every σ_w²: two inputs never fly apart, so there is no
    chaotic phase. Past σ_w² = 2 the length q grows without bound instead ("unbounded").
    """
    tol = _checks.number("tol", tol, low=0)
    x = chi_1(sigma_w2, sigma_b2, activation)
    if abs(x - 1) <= tol:
        return "critical"
    if x < 1:
        return "ordered"
    return "chaotic" if activation == "tanh" else "unbounded"


# --- the phase diagram: many (σ_w², σ_b²) at once ---

_TABLE_Q = np.concatenate([[0.0], np.geomspace(1e-9, 1e3, 1200)])
_TABLE = {}


def _table():
    """V(q) = E[tanh(√q z)²] and S(q) = E[tanh′(√q z)²] on a log grid of q, computed once."""
    if not _TABLE:
        _TABLE["V"] = np.array([_tanh_one("value", q) for q in _TABLE_Q])
        _TABLE["S"] = np.array([_tanh_one("slope", q) for q in _TABLE_Q])
    return _TABLE["V"], _TABLE["S"]


def phase_diagram(sigma_w2s, sigma_b2s, activation="tanh"):
    """χ₁ on a grid: shape (len(sigma_b2s), len(sigma_w2s)), for a background image of the phase diagram.

    tanh: σ_b² = q* − σ_w²·V(q*) is explicit in q*, and convex in q* past its minimum, so each σ_w²'s q*
    for all σ_b² comes from one interpolation in a table of V and S (relative error ~1e-5; :func:`chi_1`
    is exact). q* beyond 1000 (σ_w² > 1000) is outside the table. ReLU: σ_w²/2; linear: σ_w².
    """
    activation = _activation(activation)
    w = _checks.array("sigma_w2s", np.atleast_1d(sigma_w2s), ndim=1).astype(float)
    b = _checks.array("sigma_b2s", np.atleast_1d(sigma_b2s), ndim=1).astype(float)
    if (w < 0).any() or (w > 1000).any():
        raise ValueError(f"sigma_w2s must lie in [0, 1000], got {w[(w < 0) | (w > 1000)][0]:g}")
    if (b < 0).any() or (b > 100).any():
        raise ValueError(f"sigma_b2s must lie in [0, 100], got {b[(b < 0) | (b > 100)][0]:g}")
    if activation != "tanh":
        k = 0.5 if activation == "relu" else 1.0
        return np.broadcast_to(k * w[None, :], (len(b), len(w))).copy()
    v, s = _table()
    out = np.empty((len(b), len(w)))
    for j, sw in enumerate(w):
        excess = _TABLE_Q - sw * v  # σ_b² that makes q the fixed point
        k = int(np.argmin(excess))
        q = np.interp(b, excess[k:], _TABLE_Q[k:])
        out[:, j] = sw * np.interp(q, _TABLE_Q, s)
    return out


def critical_curve(activation="tanh", *, sigma_b2_max=1.0):
    """The critical line χ₁ = 1 as arrays ``(sigma_w2, sigma_b2)``, from σ_b² = 0 up to ``sigma_b2_max``.

    tanh: parametrized by q*: σ_w² = 1/S(q*), σ_b² = q* − V(q*)/S(q*) (no root finding, so it is cheap;
    :func:`critical_line` solves for given σ_b² instead). ReLU: σ_w² = 2; linear: 1.
    """
    activation = _activation(activation)
    sigma_b2_max = _checks.number("sigma_b2_max", sigma_b2_max, low=0, low_open=True, high=100)
    if activation != "tanh":
        x = 2.0 if activation == "relu" else 1.0
        return np.array([x, x]), np.array([0.0, sigma_b2_max])
    v, s = _table()
    w, b = 1.0 / s, _TABLE_Q - v / s
    keep = b <= sigma_b2_max
    last = int(np.flatnonzero(keep)[-1])
    w_end = np.interp(sigma_b2_max, b[last : last + 2], w[last : last + 2]) if last + 1 < len(b) else w[last]
    b = np.maximum.accumulate(np.maximum(b[keep], 0.0))  # rounding makes b a hair negative near q* = 0
    return np.append(w[keep], w_end), np.append(b, sigma_b2_max)
