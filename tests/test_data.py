import numpy as np

import initviz as iv


def test_digits_split_is_fixed_stratified_and_standardized():
    a, b = iv.load_digits(seed=0), iv.load_digits(seed=0)
    assert a.x_train.shape == (1347, 64) and a.x_test.shape == (450, 64)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.x_train.dtype == np.float32 and a.n_classes == 10
    np.testing.assert_allclose(a.x_train.mean(axis=0), 0, atol=1e-5)
    counts = np.bincount(a.y_test)
    assert counts.min() >= 40 and counts.max() <= 50
    assert not np.array_equal(iv.load_digits(seed=1).y_test, a.y_test)


def test_toy_sets():
    c = iv.make_circles(n=400, seed=0)
    s = iv.make_spiral(n=300, classes=3, seed=0)
    assert c.x_train.shape[1] == 2 and c.n_classes == 2
    r = np.hypot(*c.x_train.T)
    assert r[c.y_train == 0].mean() > r[c.y_train == 1].mean() + 0.3
    assert s.n_classes == 3 and len(s.x_train) + len(s.x_test) == 300
