"""Check functions for the notebooks' exercises.

Each ``check_...`` function computes the true answer with initviz itself (so it cannot drift
from what the notebook shows) and prints whether the learner's answer matches ("Correct." or
"Not quite.") and why. Sections are grouped by notebook.
"""

from __future__ import annotations

# --- constant initialization (notebook 01) ---

_PARAMETERS = ("W1", "b1", "W2", "b2")


def _report(correct, message):
    """Print the verdict; return nothing, so a notebook cell ending with a check shows only the message."""
    print(("Correct. " if correct else "Not quite. ") + message)


def _numeric_verdict(answer, truth, what, hint, *, rtol=0.01):
    """Print whether a numeric answer is within ``rtol`` of ``truth`` and return it; None means "not answered yet"."""
    import math

    from . import _checks

    if answer is None:
        print(f"Replace None with your {what}, then run the cell again.")
        return False
    value = _checks.number("answer", answer)
    correct = math.isclose(value, truth, rel_tol=rtol)
    if correct:
        print(f"Correct. The {what} is {truth:.4g}.")
    else:
        print(f"Not quite: {value:.4g} is {abs(value / truth - 1):.0%} away from the {what}. Hint: {hint}")
    return correct


def zero_init_gradients(activation, step=0, *, hidden=16, lr=0.3):
    """Which of W1, b1, W2, b2 get a nonzero gradient in a zero-initialized ``[64, hidden, 10]`` digits net.

    ``step`` SGD steps are taken first (on the first 64 training digits, again and again), then the
    gradient on that batch is inspected. Returns a set of names.
    """
    import initviz as iv

    from . import _checks
    from .symmetry import nonzero_gradients

    step = _checks.integer("step", step, low=0, high=100)
    data = iv.load_digits()
    x, y = data.x_train[:64], data.y_train[:64]
    model = iv.MLP([data.n_features, hidden, data.n_classes], activation, "zeros")
    for _ in range(step):
        model.step(x, y, lr)
    return set(nonzero_gradients(model, x, y))


def check_zero_init_gradients(answer, activation="relu", step=0):
    """Exercise: which parameters of a zero-initialized net get a nonzero gradient after ``step`` updates?

    ``answer`` is a collection of names from ``"W1", "b1", "W2", "b2"`` (an empty set if you think none).
    """
    if answer is None:
        return print("Replace None with your answer, e.g. {'W2', 'b2'}, then run the cell again.")
    if isinstance(answer, str):
        answer = {answer}
    try:
        given = set(answer)
    except TypeError:
        raise TypeError(f"answer must be a set of names such as {{'W2', 'b2'}}, got {answer!r}") from None
    unknown = sorted(given - set(_PARAMETERS))
    if unknown:
        raise ValueError(f"answer holds unknown names {unknown}; use {', '.join(_PARAMETERS)}")
    truth = zero_init_gradients(activation, step)
    shown = "{" + ", ".join(n for n in _PARAMETERS if n in truth) + "}" if truth else "set()"
    if given == truth:
        return _report(
            True, f"With {activation} and zero init, after {step} update(s) the nonzero gradients are {shown}."
        )
    hints = []  # say which way the answer is off, not which names fix it
    if truth - given:
        hints.append(f"{len(truth - given)} more parameter(s) get a nonzero gradient")
    if given - truth:
        hints.append(f"{len(given - truth)} of yours get a zero gradient")
    return _report(False, "; ".join(hints) + f". Hint: what is {activation}(0), and what multiplies dL/dh₁?")


def distinct_units_after(first_layer, second_layer, activation="tanh", steps=200, *, hidden=16, lr=0.3):
    """Distinct hidden units (``initviz.symmetry.distinct_units``) of a ``[64, hidden, 10]`` digits net whose
    W1 is drawn from the init spec ``first_layer`` and W2 from ``second_layer``, after ``steps`` SGD steps.
    """
    import numpy as np

    import initviz as iv

    from . import _checks
    from .symmetry import distinct_units, record_training

    steps = _checks.integer("steps", steps, low=0, high=5000)
    data = iv.load_digits()
    sizes = (data.n_features, hidden), (hidden, data.n_classes)
    weights = []
    for seed, (spec, shape) in enumerate(zip((first_layer, second_layer), sizes)):
        name, options = iv.parse_init(spec)
        weights.append(iv.initialize(name, shape, rng=seed, **options))
    biases = [np.zeros(hidden, np.float32), np.zeros(data.n_classes, np.float32)]
    model = iv.MLP.from_weights(weights, biases, activation)
    record = record_training(model, data, steps=steps, lr=lr, every=max(steps, 1))
    return distinct_units(record.weights[-1])


def check_distinct_units(answer, first_layer="constant:value=0.5", second_layer="xavier_normal", activation="tanh"):
    """Exercise: how many distinct hidden units (of 16) after 200 steps, with W1 from ``first_layer`` and W2
    from ``second_layer``? ``answer`` is an int from 1 to 16.
    """
    if answer is None:
        return print("Replace None with your answer (a number of units from 1 to 16), then run the cell again.")
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise TypeError(f"answer must be an int from 1 to 16, got {answer!r}")
    if not 1 <= answer <= 16:
        raise ValueError(f"answer must be between 1 and 16 (the hidden layer has 16 units), got {answer}")
    truth = distinct_units_after(first_layer, second_layer, activation)
    setup = f"W1 = {first_layer}, W2 = {second_layer}, {activation}"
    if answer == truth:
        return _report(True, f"{setup}: {truth} distinct hidden unit(s) after 200 steps.")
    hint = (
        "Hint: two hidden units can only become different if their W1 columns or W2 rows start different AND a "
        "nonzero gradient reaches W1 (what is the activation's slope at the units' starting input?)."
    )
    return _report(False, f"{setup}: you said {answer}. {hint}")


# --- xavier (notebook 03) ---


def check_xavier_bound(answer, shape=(3, 3, 64, 128)):
    """Exercise: the bound a of ``xavier_uniform`` (W ~ U[−a, a]) for a weight of this ``shape``.

    ``shape`` is (fan_in, fan_out) or a conv kernel (kh, kw, in_channels, out_channels).
    """
    import math

    from .init import fans

    fan_in, fan_out = fans(shape)
    truth = math.sqrt(6.0 / (fan_in + fan_out))
    hint = "a = √3·std with std² = 2/(n_in + n_out); for a conv kernel n_in and n_out include kh·kw (iv.fans)."
    return _numeric_verdict(answer, truth, f"xavier_uniform bound for shape {tuple(shape)}", hint)


def xavier_pair_factor(fan_in, fan_out):
    """How much Xavier multiplies the forward variance over two linear layers fan_in → fan_out → fan_in."""
    from . import _checks

    fan_in = _checks.integer("fan_in", fan_in, low=1)
    fan_out = _checks.integer("fan_out", fan_out, low=1)
    weight_var = 2.0 / (fan_in + fan_out)
    return (fan_in * weight_var) * (fan_out * weight_var)


def check_xavier_pair_factor(answer, fan_in=50, fan_out=200):
    """Exercise: Var(h₂)/Var(h₀) for two linear Xavier layers fan_in → fan_out → fan_in."""
    truth = xavier_pair_factor(fan_in, fan_out)
    hint = "each layer multiplies the forward variance by its own n_in·Var(W), and both layers share Var(W)."
    return _numeric_verdict(answer, truth, f"variance factor over {fan_in} → {fan_out} → {fan_in}", hint)


def check_sigmoid_gain(answer):
    """Exercise: the gain g for which g²·σ′(0)² = 1, i.e. Xavier's backward condition for sigmoid near 0."""
    from .activations import get

    slope = float(get("sigmoid").derivative(0.0))
    hint = "with gain g a square Xavier layer has n·Var(W) = g²; near 0 sigmoid scales a gradient by σ′(0)."
    return _numeric_verdict(answer, 1.0 / slope, "sigmoid gain", hint)


# --- gaussian (notebook 02) ---


def relu_layer_factor(std, width):
    """By how much each ReLU layer multiplies the activation std, with W ~ N(0, std²) and ``width`` inputs.

    Var(z) = width·std²·E[h²] and E[relu(z)²] = Var(z)/2, so the factor is std·√(width/2) (He et al. 2015).
    """
    from . import _checks

    std = _checks.number("std", std, low=0, low_open=True)
    width = _checks.integer("width", width, low=1)
    return std * (width / 2) ** 0.5


def check_relu_layer_factor(answer, std=0.01, width=100):
    """Exercise: the factor by which a ReLU layer multiplies the activation std (N(0, std²) weights)."""
    hint = "E[relu(z)²] = Var(z)/2 and Var(z) = width·std²·E[h²]; take the square root of the ratio."
    truth = relu_layer_factor(std, width)
    _numeric_verdict(answer, truth, f"per-layer factor for ReLU, std {std:g}, width {width}", hint, rtol=0.02)


def check_sigmoid_gradient_factor(answer, std=0.01, width=100):
    """Exercise: with a tiny std every sigmoid input is near 0; by how much does each layer scale dL/dh's std?"""
    from . import _checks
    from .activations import get

    std = _checks.number("std", std, low=0, low_open=True, high=0.05)
    width = _checks.integer("width", width, low=1)
    truth = std * width**0.5 * float(get("sigmoid").derivative(0.0))
    hint = "backward, dL/dh_{l-1} = (dL/dh_l · σ′(z)) @ Wᵀ sums width terms; σ′(0) = 1/4."
    _numeric_verdict(
        answer, truth, f"per-layer gradient factor for sigmoid, std {std:g}, width {width}", hint, rtol=0.02
    )


def check_relu_flat_std(answer, width=400):
    """Exercise: the weight std that keeps a ReLU stack's activation std constant from layer to layer."""
    from . import _checks

    width = _checks.integer("width", width, low=1)
    truth = (2 / width) ** 0.5
    hint = "solve relu_layer_factor = std·√(width/2) = 1 for std."
    _numeric_verdict(answer, truth, f"std that keeps ReLU flat at width {width}", hint, rtol=0.03)


# --- he (notebook 04) ---


def check_he_leaky_std(answer, negative_slope=0.2, fan_in=512):
    """Exercise: the std of He normal (``kaiming_normal_(a=negative_slope)``, fan_in mode) for a leaky-ReLU layer."""
    from . import _checks
    from .init import gain

    fan_in = _checks.integer("fan_in", fan_in, low=1)
    truth = gain("leaky_relu", _checks.number("negative_slope", negative_slope, low=0, high=1)) / fan_in**0.5
    hint = "std = gain/√fan_in with gain = √(2/(1 + a²))."
    _numeric_verdict(answer, truth, f"He normal std for leaky ReLU (a={negative_slope:g}), fan_in {fan_in}", hint)


KERAS_TRUNCATION_STD = 0.87962566103423978
"""The std of N(0, 1) truncated to [−2, 2]; Keras divides by it so its truncated normal keeps the intended std."""


def check_keras_he_stddev(answer, fan_in=512):
    """Exercise: the stddev Keras' ``HeNormal`` passes to its truncated normal (cut at ±2 stddev) for ``fan_in``."""
    from . import _checks

    fan_in = _checks.integer("fan_in", fan_in, low=1)
    truth = (2 / fan_in) ** 0.5 / KERAS_TRUNCATION_STD
    hint = "cutting at ±2 stddev shrinks the std by the factor 0.8796…, so Keras starts from √(2/fan_in)/0.8796…"
    _numeric_verdict(answer, truth, f"stddev before truncation for fan_in {fan_in}", hint)


def check_fan_in_gradient_factor(answer, widths):
    """Exercise: in a ReLU net with He fan_in weights and the given ``widths`` [n_0, ..., n_L], by what factor is
    Var(dL/dh) at layer 1 larger than at the top layer L?"""
    from . import _checks

    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths [n_0, ..., n_L], got {widths!r}")
    widths = _checks.shape("widths", tuple(widths))
    if len(widths) < 3:
        raise ValueError(f"widths needs at least two layers [n_0, n_1, n_2], got {list(widths)}")
    truth = widths[-1] / widths[1]
    hint = (
        "going down through layer l multiplies the gradient variance by n_l·Var(W_l)/2 = n_l/n_(l−1) in fan_in "
        "mode; multiply these from the top down to layer 1 and most factors cancel."
    )
    _numeric_verdict(answer, truth, "gradient variance factor, layer 1 over the top layer", hint)


def check_xavier_he_depth(answer, ratio=1e-6):
    """Exercise: the smallest depth L at which a ReLU net's E[h²] under Xavier is at or below ``ratio`` times He's
    (square layers, same draws)."""
    import math

    from . import _checks

    ratio = _checks.number("ratio", ratio, low=0, low_open=True, high=1, high_open=True)
    truth = math.ceil(-math.log2(ratio))
    if answer is None:
        print("Replace None with your depth, then run the cell again.")
        return
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise TypeError(f"answer must be an int (a number of layers), got {answer!r}")
    if answer == truth:
        print(f"Correct. At depth {truth} the ratio is 2^-{truth} = {2.0**-truth:.3g} ≤ {ratio:g}.")
    else:
        print(
            f"Not quite: at depth {answer} the ratio is 2^-{answer} = {2.0**-answer:.3g}. Hint: solve 2^-L ≤ {ratio:g}."
        )


# --- experiment (notebook 05) ---


def default_linear_ratio(depth=10):
    """Theory's ratio E[h_L²] (PyTorch ``nn.Linear`` default, Glorot's "standard" U(±1/√n)) / E[h_L²] (He), ReLU.

    Both nets are square and bias-free, so the ratio does not depend on the width.
    """
    from . import _checks
    from .theory import forward_variances

    depth = _checks.integer("depth", depth, low=1, high=200)
    standard = forward_variances(depth, 1 / 3, 0.0, "relu")[-1]  # Var U(±1/√n) = 1/(3n), so σ_w² = 1/3
    he = forward_variances(depth, 2.0, 0.0, "relu")[-1]
    return float(standard / he)


def check_default_linear_ratio(answer, depth=10):
    """Exercise: in a ReLU net, by what factor is the mean square of layer ``depth``'s output under PyTorch's
    default ``nn.Linear`` init (U(±1/√fan_in)) smaller than under He init? ``answer`` is that ratio (< 1).
    """
    import math
    import numbers

    if answer is None:
        print("Replace None with your ratio, then run the cell again.")
        return
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"answer must be a number (a ratio such as 1e-5), got {answer!r}")
    if not (math.isfinite(answer) and answer > 0):
        raise ValueError(f"answer must be a positive finite ratio, got {answer!r}")
    truth = default_linear_ratio(depth)
    if abs(math.log(answer) - math.log(truth)) <= 0.05 * abs(math.log(truth)) + 1e-3:
        return _report(True, f"The ratio at layer {depth} is {truth:.3g} (= (1/6)^{depth}).")
    hint = (
        "Hint: U(±1/√n) has variance 1/(3n), so σ_w² = n·Var(W) = 1/3, against He's 2; ReLU halves both alike, so "
        "each layer multiplies the ratio by (1/3)/2."
    )
    return _report(False, f"You said {answer:.3g}. {hint}")
