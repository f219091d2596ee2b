"""Argument checks shared by the public functions.

Every check raises ``ValueError`` or ``TypeError`` whose message names the argument,
the bad value and what is allowed, so a learner never sees a traceback from deep
inside numpy.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def number(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float, checked against optional bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value:g}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value:g}")
    return value


def integer(name, value, *, low=1, high=None):
    """Return ``value`` as an int, checked against ``low`` (and ``high`` if given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def choice(name, value, allowed):
    """Return ``value`` if it is one of ``allowed``; the error lists them."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(allowed)}, got {value!r}")
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(sorted(allowed))}")
    return value


def generator(rng, name="rng"):
    """Turn ``None``, an int seed or a ``numpy.random.Generator`` into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{name} must be a numpy.random.Generator, an int seed or None, got {rng!r}")
    if rng < 0:
        raise ValueError(f"{name} seed must be >= 0, got {rng}")
    return np.random.default_rng(int(rng))


def float_dtype(dtype, name="dtype"):
    """Return ``dtype`` as a numpy floating dtype (float16/32/64)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a numpy floating dtype such as float32, got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"{name} must be a floating dtype (float16, float32, float64), got {dt}")
    return dt


def shape(name, value, *, min_ndim=1):
    """Return ``value`` as a tuple of positive ints with at least ``min_ndim`` entries."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of positive ints, got {value!r}")
    if len(value) < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got {tuple(value)!r}")
    for dim in value:
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"{name} must hold positive ints, got {tuple(value)!r}")
        if dim <= 0:
            raise ValueError(f"{name} dimensions must be >= 1, got {tuple(value)!r}")
    return tuple(int(d) for d in value)


def array(name, value, *, ndim=None, dtype=None, allow_empty=False):
    """Return ``value`` as a finite numpy array of the given rank."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold finite values, got NaN or inf")
    return arr


def cli_number(kind, low, high=None, *, open_low=False):
    """An argparse ``type=`` for a command-line number: ``kind`` (int or float) within [low, high].

    A bad value becomes argparse's own error (exit status 2, the message naming what is allowed).
    """
    import argparse

    def parse(value):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a{'n integer' if kind is int else ' number'}") from None
        if (
            not math.isfinite(number)
            or (number <= low if open_low else number < low)
            or (high is not None and number > high)
        ):
            allowed = f"{'>' if open_low else '>='} {low}" + (f" and <= {high}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"{value} is out of range: must be {allowed}")
        return number

    return parse
