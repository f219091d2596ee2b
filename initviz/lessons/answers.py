"""Checking a student's answers: numbers, and functions the student wrote.

Every check prints one verdict ("Correct. …" or "Not quite. …" with a specific hint) and returns a
:class:`Checked`, which is truthy when the answer is right and shows nothing in a notebook (so a cell
that ends with a check shows only the printed line). A known wrong answer, such as a forgotten
square root or fan_out in place of fan_in, gets the hint written for it; any other wrong answer gets
the general hint. An answer left as ``None``, or a function whose body is still ``...`` or raises
``NotImplementedError``, gets a reminder instead, so the stored notebook runs clean.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _checks

__all__ = ["Checked", "check_number", "check_function", "check_sampler"]


class Checked:
    """The outcome of a check: truthy when correct; ``message`` is what was printed."""

    def __init__(self, correct, message):
        self.correct = bool(correct)
        self.message = message

    def __bool__(self):
        return self.correct

    def __repr__(self):
        return f"Checked({self.correct}, {self.message!r})"

    def _ipython_display_(self):  # the message is already printed
        pass


def _say(correct, message):
    text = ("Correct. " if correct else "Not quite. ") + message
    print(text)
    return Checked(correct, text)


def _remind(what):
    text = f"Replace None with your {what}, then run the cell again."
    print(text)
    return Checked(False, text)


def _close(a, b, rtol):
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12)


def check_number(answer, truth, what, hint, *, wrong=(), rtol=0.02):
    """A numeric answer against ``truth``; ``wrong`` is a list of (value, hint) for common mistakes."""
    if answer is None:
        return _remind(what)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"answer must be a number (your {what}), got {answer!r}")
    value = _checks.number("answer", answer)
    if _close(value, truth, rtol):
        return _say(True, f"The {what} is {truth:.4g}.")
    for mistake, specific in wrong:
        if _close(value, mistake, rtol):
            return _say(False, f"{value:.4g} is not the {what}. Hint: {specific}")
    off = abs(value / truth - 1) if truth else abs(value)
    return _say(False, f"{value:.4g} is {off:.0%} away from the {what}. Hint: {hint}")


def _call(fn, args, what):
    """Run the student's function; returns (value, None) or (None, a reminder or an explanation)."""
    try:
        value = fn(*args)
    except NotImplementedError:
        return None, _remind_code(what)
    except Exception as exc:  # the student's code: say what went wrong, in one line, no traceback
        return None, _say(False, f"your {what} raised {type(exc).__name__}: {exc}")
    if value is None or value is Ellipsis:
        return None, _remind_code(what)
    return value, None


def _remind_code(what):
    text = f"Write your {what} in place of `...` (or the `raise NotImplementedError`), then run the cell again."
    print(text)
    return Checked(False, text)


def _same(a, b, rtol):
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True))


def check_function(fn, right, inputs, what, hint, *, wrong=(), rtol=1e-4):
    """The student's ``fn`` against the reference ``right`` on each argument tuple of ``inputs``.

    ``wrong`` is a list of (wrong_function, hint): if the student's outputs match a known mistake's,
    that hint is given, even where the mistake changes the output's shape. A mistake that raises on an
    input is skipped there.
    """
    if not callable(fn):
        raise TypeError(f"pass your function itself (its name, without calling it), got {fn!r}")
    for args in inputs:
        got, problem = _call(fn, args, what)
        if problem is not None:
            return problem
        expected = right(*args)
        if _same(got, expected, rtol):
            continue
        for mistake, specific in wrong:  # first: a known mistake may also change the shape (one std too many)
            try:
                known = mistake(*args)
            except Exception:  # a mistake that cannot run on this input (W @ h on non-square shapes)
                continue
            if _same(got, known, rtol):
                return _say(False, f"your {what} gives a known wrong answer. Hint: {specific}")
        shape = np.shape(expected)
        if np.shape(got) != shape:
            return _say(False, f"your {what} returned shape {np.shape(got)}, expected {shape}. Hint: {hint}")
        return _say(False, f"your {what} differs from the right one on this input. Hint: {hint}")
    return _say(True, f"Your {what} agrees with initviz on {len(inputs)} input(s).")


def check_sampler(fn, args, shape, std, what, hint, *, mean=0.0, wrong=(), bound=None, bound_hint=None):
    """A function that draws weights, checked by its statistics: shape, mean and std of one large draw.

    ``wrong`` is a list of (std_value, hint) for common mistakes; tolerances follow from the sample size.
    ``bound``: every |w| must be at most this (a uniform's a); a draw with the right std that goes
    beyond it (a normal in place of a uniform) gets ``bound_hint``.
    """
    got, problem = _call(fn, args, what)
    if problem is not None:
        return problem
    w = np.asarray(got, dtype=float)
    if w.shape != tuple(shape):
        transposed = " (transposed: weights are (fan_in, fan_out))" if w.shape == tuple(shape)[::-1] else ""
        return _say(False, f"your {what} returned shape {w.shape}, expected {tuple(shape)}{transposed}.")
    n = w.size
    sample_mean, sample_std = float(w.mean()), float(w.std())
    if abs(sample_mean - mean) > 6 * std / math.sqrt(n) + 1e-12:
        return _say(False, f"the weights' mean is {sample_mean:.3g}, not {mean:g}. Hint: {hint}")
    if abs(sample_std / std - 1) <= 6 / math.sqrt(n) + 0.01:
        top = float(np.abs(w).max())
        if bound is not None and top > bound * (1 + 1e-6):
            return _say(
                False,
                f"the std is right, but max |W| is {top:.4g}, beyond the bound {bound:.4g}. Hint: {bound_hint or hint}",
            )
        return _say(True, f"std {sample_std:.4g} against the formula's {std:.4g}, mean {sample_mean:.2g}.")
    for mistake, specific in wrong:
        if abs(sample_std / mistake - 1) <= 6 / math.sqrt(n) + 0.01:
            return _say(False, f"the weights' std is {sample_std:.4g}, the formula's is {std:.4g}. Hint: {specific}")
    return _say(False, f"the weights' std is {sample_std:.4g}, the formula's is {std:.4g}. Hint: {hint}")
