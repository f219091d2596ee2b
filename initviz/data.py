"""Data sets, all local: scikit-learn's 8×8 digits and two synthetic 2-D sets.

Nothing is downloaded; the digits ship inside scikit-learn.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks

__all__ = ["Dataset", "load_digits", "make_circles", "make_spiral"]


class Dataset(NamedTuple):
    """Train and test arrays; ``x`` is ``(n, features)`` float32, ``y`` holds int labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_classes(self):
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def n_features(self):
        return self.x_train.shape[1]


def _split(x, y, test_fraction, rng):
    """A stratified split: each class keeps the same share in train and test."""
    test = np.zeros(len(y), bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[: int(round(test_fraction * len(members)))]] = True
    return x[~test], y[~test], x[test], y[test]


def _standardize(x_train, x_test):
    """Zero mean, unit variance per feature, with statistics from the train split only."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0  # the digits' always-blank corner pixels
    return ((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32)


def load_digits(test_fraction=0.25, seed=0):
    """The 1,797 8×8 handwritten digits that scikit-learn ships, standardized, split.

    64 features, 10 classes. The split is stratified and fixed by ``seed``;
    standardization uses the train split's mean and std.
    """
    from sklearn.datasets import load_digits as _sk_load_digits

    test_fraction = _checks.number("test_fraction", test_fraction, low=0, high=1, low_open=True, high_open=True)
    digits = _sk_load_digits()
    x_train, y_train, x_test, y_test = _split(
        digits.data, digits.target, test_fraction, _checks.generator(seed, "seed")
    )
    x_train, x_test = _standardize(x_train, x_test)
    return Dataset(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64))


def _finish(x, y, test_fraction, rng):
    x_train, y_train, x_test, y_test = _split(x, y, test_fraction, rng)
    return Dataset(x_train.astype(np.float32), y_train, x_test.astype(np.float32), y_test)


def make_circles(n=600, noise=0.08, factor=0.5, test_fraction=0.25, seed=0):
    """Two concentric rings in 2-D: class 0 outside (radius 1), class 1 inside (radius ``factor``)."""
    n = _checks.integer("n", n, low=4)
    noise = _checks.number("noise", noise, low=0)
    factor = _checks.number("factor", factor, low=0, high=1, low_open=True, high_open=True)
    rng = _checks.generator(seed, "seed")
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, factor)
    x = np.c_[radius * np.cos(angle), radius * np.sin(angle)] + rng.normal(0, noise, (n, 2))
    return _finish(x, y.astype(np.int64), test_fraction, rng)


def make_spiral(n=600, classes=3, noise=0.2, test_fraction=0.25, seed=0):
    """Interleaved spiral arms in 2-D, one per class (CS231n's toy set)."""
    n = _checks.integer("n", n, low=2 * 2)
    classes = _checks.integer("classes", classes, low=2, high=10)
    noise = _checks.number("noise", noise, low=0)
    rng = _checks.generator(seed, "seed")
    y = np.arange(n) % classes
    t = rng.uniform(0, 1, n)
    radius = t
    angle = 4.0 * t + y * (2 * np.pi / classes) + rng.normal(0, noise, n)
    x = np.c_[radius * np.sin(angle), radius * np.cos(angle)]
    return _finish(x, y.astype(np.int64), test_fraction, rng)
