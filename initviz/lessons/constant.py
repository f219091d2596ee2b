"""Notebook 01 · Constant initialization (상수 초기화): its figures, its panel and its exercise checks.

The numerics come from initviz (``MLP``, ``symmetry``): a constant init makes every hidden unit of a
layer identical (the columns of ``W1``), training keeps them identical, and a random init breaks the
symmetry. This module only draws that and checks the exercises. A teacher who wants to change
notebook 01 edits this file and the notebook. Colour scales: weights and gradients take the signed
scale centred at 0; values never negative (sigmoid and ReLU outputs) the sequential one (``heatmap``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import _checks
from ..activations import ACTIVATIONS
from ..activations import get as get_activation
from ..data import Dataset, load_digits
from ..draw import palette
from ..draw.panel import Panel, dropdown, float_slider, int_slider
from ..draw.views import View, figure, freeze_layout, heatmap, update_heatmap
from ..init import init_label, initialize, parse_init
from ..mlp import MLP
from ..symmetry import Recording, column_spread, distinct_units, nonzero_gradients, record_training
from .answers import Checked, check_function, check_number

__all__ = [
    "HIDDEN",
    "describe_matrix",
    "zero_init_figure",
    "symmetry_figure",
    "symmetry_curves",
    "SymmetryView",
    "panel",
    "zero_init_gradients",
    "check_zero_init_gradients",
    "check_distinct_units",
    "check_same_units",
]

HIDDEN = 16
"""Hidden units of the notebook's ``[64, 16, 10]`` digits classifier."""

_NEVER_NEGATIVE = {"sigmoid": (0.0, 1.0), "relu": None}  # activation → fixed range (None: 0 to the data's max)


@lru_cache(maxsize=1)
def _digits():
    return load_digits()


def _data(data):
    data = _digits() if data is None else data
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an initviz.Dataset (see load_digits), got {type(data).__name__}")
    return data


def _recording(name, value):
    if not isinstance(value, Recording):
        raise TypeError(f"{name} must be a Recording from initviz.symmetry.record_training, got {value!r}")
    return value


def describe_matrix(matrix, *, rows="rows", columns="columns"):
    """A short true statement about a matrix's symmetry: "all = 0.5", "identical columns", "identical rows", or ""."""
    m = np.asarray(matrix)
    if m.size and np.all(m == m.flat[0]):
        return f"all = {float(m.flat[0]):.3g}"
    if m.ndim == 2 and m.shape[1] > 1 and np.all(m == m[:, :1]):
        return f"identical {columns}"
    if m.ndim == 2 and m.shape[0] > 1 and np.all(m == m[:1, :]):
        return f"identical {rows}"
    return ""


def _output_scale(activation, matrix):
    """heatmap options for an activation's outputs: sequential from 0 where they are never negative."""
    if activation not in _NEVER_NEGATIVE:
        return {"signed": True}
    limits = _NEVER_NEGATIVE[activation]
    if limits is None:
        finite = np.asarray(matrix, dtype=float)
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 0.0
        limits = (0.0, top if top > 0 else 1.0)
    return {"signed": False, "limits": limits}


def zero_init_figure(net, x, y, *, n_show=6):
    """The zero-init picture (the note's Weight_init_2): different inputs, identical everything else.

    ``net`` is a two-layer ``MLP`` (one hidden layer), typically ``MLP([64, 16, 10], "sigmoid", "zeros")``;
    ``(x, y)`` a batch. Panels: ``n_show`` inputs, their hidden activations h₁ and output probabilities p,
    and the batch's ``dL/dW1`` and ``dL/dW2``; each title states what the numbers are ("all = 0.5",
    "identical rows"), computed from the data. h₁ and p are never negative and take the sequential
    scale (p and sigmoid outputs over 0…1); inputs and gradients take the signed one.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an initviz.MLP, got {type(net).__name__}")
    if net.depth != 2:
        raise ValueError(f"net must have one hidden layer (two weight layers), got {net.depth} weight layers")
    n_show = _checks.integer("n_show", n_show, low=1)
    trace = net.trace(x, y)
    n_show = min(n_show, len(trace.inputs))
    inputs = np.asarray(trace.inputs[:n_show], dtype=float)
    hidden = trace.activations[0][:n_show]
    logits = np.asarray(trace.activations[1][:n_show], dtype=float)
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    grad_w1, grad_w2 = trace.grad_weights
    act = net.activation.name
    zero_layer = not np.any(net.weights[0]) and (net.biases is None or not np.any(net.biases[0]))
    formula = f"{act}(x·0 + 0)" if zero_layer else f"{act}(xW₁ + b₁)"
    fig, axes = figure(1, 5, width=13, height=3.1)
    panels = [
        (inputs, f"inputs x ({n_show} digits)", "input feature", "example", {"signed": True}),
        (hidden, f"hidden h₁ = {formula}", "hidden unit", "example", _output_scale(act, hidden)),
        (probabilities, "output p = softmax(z₂)", "class", "example", {"signed": False, "limits": (0.0, 1.0)}),
        (grad_w1, "gradient dL/dW₁", "hidden unit", "input feature", {"signed": True}),
        (grad_w2, "gradient dL/dW₂", "class", "hidden unit", {"signed": True}),
    ]
    for ax, (matrix, name, xlabel, ylabel, scale) in zip(axes[0], panels):
        statement = describe_matrix(matrix, rows="rows (units)" if matrix is grad_w2 else "rows")
        if matrix is inputs and not statement:
            statement = "every row different"
        heatmap(ax, matrix, title=f"{name}\n{statement}", xlabel=xlabel, ylabel=ylabel, **scale)
    return fig


def _units_statement(matrix):
    return describe_matrix(matrix) or "columns differ"


def symmetry_figure(rows):
    """First-layer weights before and after training, one row per run (the note's Weight_init_1 for a constant).

    ``rows`` is a list of ``(label, recording)`` with ``recording`` from ``initviz.symmetry.record_training``.
    Columns: ``W1`` at init, ``W1`` after the last recorded step, ``dL/dW1`` on a batch at that point, and the
    hidden activations of a few test inputs then. Each column of ``W1`` is one hidden unit.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one (label, recording) pair")
    fig, axes = figure(len(rows), 4, width=13, height=3.0)
    for ax_row, (label, rec) in zip(axes, rows):
        rec = _recording("recording", rec)
        last, after = int(rec.steps[-1]), rec.weights[-1]
        stop = f" (diverged at step {rec.diverged_at})" if rec.diverged_at is not None else ""
        units = distinct_units(after)
        panels = [
            (rec.weights[0], f"{label}: W₁ at init\n{_units_statement(rec.weights[0])}", "input feature", {}),
            (
                after,
                f"W₁ after {last} steps{stop}\n{units} distinct unit{'s' * (units != 1)} of {after.shape[1]}",
                "",
                {},
            ),
            (rec.last_gradient, f"dL/dW₁ after {last} steps\n{_units_statement(rec.last_gradient)}", "", {}),
            (
                rec.hidden,
                f"hidden h₁ after {last} steps\n{_units_statement(rec.hidden)}",
                "test digit",
                _output_scale(rec.model.activation.name, rec.hidden),
            ),
        ]
        for ax, (matrix, title, ylabel, scale) in zip(ax_row, panels):
            heatmap(ax, matrix, title=title, xlabel="hidden unit (column)", ylabel=ylabel, **scale)
    return fig


_AFTER = "W₁ after the steps shown"
_CHANGE = "ΔW₁: after − at init"
_LINESTYLES = ("-", "--", "-.", (0, (1, 1)))  # runs that overlap (several at 1 unit) stay visible


def _run_color(rec, by):
    if by == "activation":
        return palette.activation_color(rec.model.activation)
    start = rec.weights[0]
    try:
        spec = parse_init(rec.model.init)
    except (TypeError, ValueError):  # an MLP built from given weights has no init spec
        return palette.OTHER
    if spec[0] in ("zeros", "constant") and not np.all(start == start.flat[0]):
        return palette.OTHER  # a constant with noise added is no longer the constant family
    return palette.init_color(spec)


def symmetry_curves(runs, *, chance=None, color_by="init"):
    """Test accuracy and the number of distinct hidden units against the SGD step, one line per run.

    ``runs`` is a list of ``(label, recording)``. A line takes the colour of its run's init
    (``color_by="init"``; a constant init with noise added is "other") or of its activation
    (``color_by="activation"``). A symmetric (constant) start stays at 1 distinct unit.
    """
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one (label, recording) pair")
    _checks.choice("color_by", color_by, ("init", "activation"))
    fig, axes = figure(1, 2, width=10, height=3.2)
    acc_ax, units_ax = axes[0]
    for i, (label, rec) in enumerate(runs):
        rec = _recording("recording", rec)
        style = {"color": _run_color(rec, color_by), "ls": _LINESTYLES[i % len(_LINESTYLES)], "lw": 1.8}
        acc_ax.plot(rec.steps, rec.test_accuracy, **style, label=label)
        units_ax.plot(rec.steps, rec.distinct, drawstyle="steps-post", **style, label=label)
    if chance is not None:
        chance = _checks.number("chance", chance, low=0, high=1)
        acc_ax.axhline(chance, color=palette.REFERENCE, lw=0.8, ls=":")
        acc_ax.text(0.99, chance + 0.01, "chance", transform=acc_ax.get_yaxis_transform(), ha="right", fontsize=7)
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_ylabel("test accuracy")
    width = max(int(rec.weights.shape[2]) for _, rec in runs)
    units_ax.set_ylim(0, width + 1)
    units_ax.set_ylabel(f"distinct hidden units (of {width})")
    for ax in (acc_ax, units_ax):
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
    units_ax.legend(fontsize=8, loc="center right")
    return fig


def _init_name(spec):
    """ "xavier_normal" → "Xavier normal", "constant:value=0.1" → "constant 0.1"."""
    label = init_label(spec).replace("_", " ")
    return label[:1].upper() + label[1:] if not label.startswith("constant") else label


class _Runs:
    """Recorded training runs of one ``[n_features, hidden, n_classes]`` net, by (init spec, activation)."""

    def __init__(self, data, *, hidden, steps, every, lr):
        self.data, self.hidden, self.steps, self.every, self.lr = data, hidden, steps, every, lr
        self.cache = {}

    def get(self, init, activation):
        key = (init, activation)
        if key not in self.cache:
            if len(self.cache) >= 64:  # keep memory flat while a student sweeps the slider
                self.cache.clear()
            sizes = [self.data.n_features, self.hidden, self.data.n_classes]
            model = MLP(sizes, activation, init, rng=0)
            self.cache[key] = record_training(model, self.data, steps=self.steps, lr=self.lr, every=self.every, seed=0)
        return self.cache[key]


def _scale_statement(matrix):
    """ "all = 0.1" for a constant matrix, else its colour scale "±0.36"."""
    return describe_matrix(matrix) if np.all(matrix == matrix.flat[0]) else f"±{_limit(matrix):.2g}"


def _limit(matrix):
    top = float(np.abs(matrix).max())
    return top if top > 0 else 1.0


class SymmetryView(View):
    """The panel's figure: a constant run above a random run of the same net, and their test accuracy.

    Each row shows ``W1`` at init, after the chosen SGD step and its change (each column is one hidden
    unit); the right axes plot both runs' test accuracy over training with a dot at the chosen step.
    Each (init, activation) run is trained once, ``max_steps`` steps with a snapshot every ``every``
    steps, and cached: moving the steps slider only redraws. The heat maps have no ticks or colour bars
    (each title gives its colour scale, ±max|W|).

    Only what the steps slider changes is dynamic. The rest (``W1`` at init, the accuracy curves, the
    legend) depends on the constant and the activation alone, and the suptitle, a static text, names
    both: when either changes, the suptitle changes, and the parts that show them are drawn again.
    """

    partial_redraws = True  # a new constant value redraws its own axes and the title, not the whole figure

    def __init__(
        self, data=None, *, hidden=HIDDEN, max_steps=300, every=10, lr=0.3, random_init="xavier_normal", dpi=80
    ):
        data = _data(data)
        hidden = _checks.integer("hidden", hidden, low=1, high=256)
        self.max_steps = _checks.integer("max_steps", max_steps, low=1, high=5000)
        self.every = _checks.integer("every", every, low=1, high=self.max_steps)
        self.lr = _checks.number("lr", lr, low=0, low_open=True)
        parse_init(random_init)
        self.random_init, self.random_label = random_init, _init_name(random_init)
        self.runs = _Runs(data, hidden=hidden, steps=self.max_steps, every=self.every, lr=self.lr)
        fig, axes = figure(2, 4, width=11.2, height=2.35, gridspec_kw={"width_ratios": (1, 1, 1, 1.5)})
        super().__init__(fig, dpi=dpi)
        grid = axes[0, 3].get_subplotspec().get_gridspec()
        axes[0, 3].remove()
        axes[1, 3].remove()
        self.images, self.notes = {}, {}
        blank = np.zeros((data.n_features, hidden))
        for r, row in enumerate(("constant", "random")):
            for c in range(3):
                xlabel = "hidden unit (column) →" if r == 1 else ""
                ylabel = f"{data.n_features} input features ↓" if c == 0 else ""
                self.images[row, c] = heatmap(
                    axes[r, c], blank, xlabel=xlabel, ylabel=ylabel, colorbar=False, ticks=False
                )
                # two-line titles, y given (a title stays put). Column 0's is static; elsewhere the step changes line 2
                # only, a text of its own: fewer glyphs to draw per step (each costs time in matplotlib 3.11)
                title = ("constant -0.05: W₁ at init\nweights within ±0.62", _AFTER + "\n ", _CHANGE + "\n ")[c]
                axes[r, c].set_title(title, fontsize=9, y=1.0)  # (column 0: the widest it will show)
                if c:
                    self.notes[row, c] = axes[r, c].text(
                        0.5, 1.0, "16 distinct units, acc 100% (±0.36)", transform=axes[r, c].title.get_transform(),
                        ha="center", va="baseline", fontsize=9,
                    )  # fmt: skip
                    # the frame too: in a full draw it lies over the image
                    self.dynamic(self.images[row, c], self.notes[row, c], *axes[r, c].spines.values())
        ax = self.accuracy_ax = fig.add_subplot(grid[:, 3])
        self.curves, self.dots = {}, {}
        for row, color in (("constant", palette.init_color("constant")), ("random", palette.init_color(random_init))):
            self.curves[row] = ax.plot([], [], color=color, lw=1.6)[0]
            self.dots[row] = self.dynamic(ax.plot([], [], marker="o", ls="none", color=color, ms=6, zorder=3)[0])
        self.now = self.dynamic(ax.axvline(0, color=palette.REFERENCE, lw=0.8, ls="--"))
        self.now_label = self.dynamic(ax.text(0, 0.985, "", transform=ax.get_xaxis_transform(), va="top", fontsize=8))
        chance = 1 / data.n_classes
        ax.axhline(chance, color=palette.REFERENCE, lw=0.8, ls=":")
        # "chance" and the legend sit outside the axes, where the moving step line never crosses them
        ax.text(1.01, chance, "chance", transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=7)
        # room round the data: the dots at the last step and at accuracy 1 are drawn whole
        ax.set_xlim(-0.04 * self.max_steps, 1.04 * self.max_steps)
        ax.set_ylim(0, 1.06)
        ax.set_xlabel("SGD step")
        ax.set_ylabel("test accuracy")
        ax.grid(True, alpha=0.3)
        self.legend = ax.legend(
            handles=list(self.curves.values()), labels=["", self.random_label], fontsize=8, loc="upper center",
            bbox_to_anchor=(0.5, -0.13), ncol=2,
        )  # fmt: skip
        ax.set_title("test accuracy (dots: the step shown)", fontsize=9)
        self.suptitle = fig.suptitle("16 leaky_relu hidden units, constant -0.05 (diverged at step 5000)", fontsize=10)
        freeze_layout(fig, positions=True)

    def update(self, value=0.1, activation="sigmoid", steps=300):
        value = round(_checks.number("value", value, low=-10, high=10), 6) + 0.0  # + 0.0: -0.0 is 0
        _checks.choice("activation", activation, ACTIVATIONS)
        steps = _checks.integer("steps", steps, low=0)
        label = f"constant {value:g}"
        runs = {
            "constant": (label, self.runs.get(f"constant:value={value!r}", activation)),
            "random": (self.random_label, self.runs.get(self.random_init, activation)),
        }
        stops = []
        for row, (name, rec) in runs.items():
            i = rec.at(steps)
            shown = int(rec.steps[i])
            before, after = rec.weights[0], rec.weights[i]
            units, accuracy = int(rec.distinct[i]), rec.test_accuracy[i]
            spread = column_spread(after)
            gap = "identical columns" if spread == 0 else f"columns differ by ≤ {spread:.2g}"
            plural = "s" * (units != 1)
            update_heatmap(
                self.images[row, 0],
                before,
                f"{name}: W₁ at init\n{describe_matrix(before) or f'weights within ±{_limit(before):.2g}'}",
            )
            update_heatmap(self.images[row, 1], after)
            update_heatmap(self.images[row, 2], after - before)
            scales = _scale_statement(after), _scale_statement(after - before)
            self.notes[row, 1].set_text(f"{units} distinct unit{plural}, acc {accuracy:.0%} ({scales[0]})")
            self.notes[row, 2].set_text(f"{gap} ({scales[1]})")
            self.curves[row].set_data(rec.steps, rec.test_accuracy)
            self.dots[row].set_data([shown], [accuracy])
            if rec.diverged_at is not None:
                stops.append(f"{name} diverged at step {rec.diverged_at}")
        self.now.set_xdata([shown, shown])
        late = shown > self.max_steps / 2  # the label on the inner side of the line
        self.now_label.set(x=shown + (-0.01 if late else 0.01) * self.max_steps, ha="right" if late else "left")
        self.now_label.set_text(f"step {shown}")
        self.legend.get_texts()[0].set_text(label)
        # the static part depends on the constant and the activation: this static text names both
        stopped = f" ({'; '.join(stops)})" if stops else ""
        rows = f"{label} (top) or {self.random_label} (bottom)"
        self.suptitle.set_text(f"{after.shape[1]} {activation} hidden units, SGD lr {self.lr:g}: {rows}{stopped}")
        return self


def panel(data=None, *, hidden=HIDDEN, max_steps=300, every=10, lr=0.3, random_init="xavier_normal"):
    """Constant value, activation and SGD steps shown (:class:`SymmetryView`); ``data`` defaults to the digits.

    The steps slider only redraws recorded snapshots; a new constant value or activation trains new
    runs, so the value slider redraws when it is let go.
    """
    view = SymmetryView(data, hidden=hidden, max_steps=max_steps, every=every, lr=lr, random_init=random_init)
    value = float_slider("constant value c", 0.1, -2.0, 2.0, 0.05)
    value.continuous_update = False  # a new value trains a new run: redraw on release
    controls = {
        "value": value,
        "activation": dropdown("activation", list(ACTIVATIONS), "sigmoid"),
        "steps": int_slider("SGD steps shown", view.max_steps, 0, view.max_steps, view.every),
    }
    return Panel(view, controls)


PANEL_TOUR = [
    {},
    {"steps": 0},
    {"steps": 150},
    {"value": 0.0, "activation": "tanh"},
    {"value": 0.0, "activation": "sigmoid", "steps": 300},
    {"value": -2.0, "activation": "relu", "steps": 10},
    {"value": 2.0, "activation": "leaky_relu", "steps": 300},
    {"value": 0.5, "activation": "linear", "steps": 290},
]
"""Settings the panel tests walk through: both ends of every slider, every activation, c = 0 (all-zero ΔW₁)."""


# --- exercises ---

_PARAMETERS = ("W1", "b1", "W2", "b2")


def _verdict(correct, message):
    text = ("Correct. " if correct else "Not quite. ") + message
    print(text)
    return Checked(correct, text)


def _zero_net_batch(activation, hidden):
    data = _digits()
    model = MLP([data.n_features, hidden, data.n_classes], activation, "zeros")
    return model, data.x_train[:64], data.y_train[:64]


def zero_init_gradients(activation, step=0, *, hidden=HIDDEN, lr=0.3):
    """Which of W1, b1, W2, b2 get a nonzero gradient in a zero-initialized ``[64, hidden, 10]`` digits net.

    ``step`` SGD steps are taken first (on the first 64 training digits, again and again), then the
    gradient on that batch is inspected. Returns a set of names.
    """
    _checks.choice("activation", activation, ACTIVATIONS)
    step = _checks.integer("step", step, low=0, high=100)
    model, x, y = _zero_net_batch(activation, _checks.integer("hidden", hidden, low=1, high=256))
    for _ in range(step):
        model.step(x, y, lr)
    return set(nonzero_gradients(model, x, y))


def _names(answer):
    if isinstance(answer, str):
        answer = {answer}
    try:
        given = set(answer)
    except TypeError:
        raise TypeError(f"answer must be a set of names such as {{'W2', 'b2'}}, got {answer!r}") from None
    unknown = sorted(map(str, given - set(_PARAMETERS)))
    if unknown:
        raise ValueError(f"answer holds unknown names {unknown}; use {', '.join(_PARAMETERS)}")
    return given


def check_zero_init_gradients(answer, activation="sigmoid", step=1):
    """Exercise: which parameters of a zero-initialized net get a nonzero gradient after ``step`` updates?

    ``answer`` is a collection of names from ``"W1", "b1", "W2", "b2"`` (an empty set if you think none).
    """
    if answer is None:
        text = "Replace None with your answer, e.g. {'W2', 'b2'}, then run the cell again."
        print(text)
        return Checked(False, text)
    given = _names(answer)
    truth = zero_init_gradients(activation, step)
    shown = "{" + ", ".join(n for n in _PARAMETERS if n in truth) + "}" if truth else "set()"
    after = f"after {step} update{'s' * (step != 1)}"
    if given == truth:
        return _verdict(True, f"With {activation} and zero init, {after} the nonzero gradients are {shown}.")
    phi0 = float(get_activation(activation).fn(np.zeros(1))[0])
    if "b2" not in given:
        hint = "dL/db₂ sums p − onehot(y) over the batch: zero only if p matched the batch's class mix exactly."
    elif step > 0 and given == zero_init_gradients(activation, 0):
        hint = "that is the answer before the first update. What did that update do to W₂, and so to dL/dh₁ = g·W₂ᵀ?"
    elif "W2" in given and "W2" not in truth:
        hint = f"dL/dW₂ = h₁ᵀg and h₁ = {activation}(0) = {phi0:g} for every input."
    else:
        hint = f"what is {activation}(0), what is its slope there, and what multiplies dL/dh₁?"
    counts = []  # say which way the answer is off, not which names fix it
    if truth - given:
        counts.append(f"{len(truth - given)} more parameter(s) get a nonzero gradient")
    if given - truth:
        counts.append(f"{len(given - truth)} of yours get a zero gradient")
    return _verdict(False, "; ".join(counts) + f". Hint: {hint}")


def _mixed_run(first_layer, second_layer, activation, steps, hidden, lr):
    """A recorded run of a ``[64, hidden, 10]`` digits net with W1 from ``first_layer``, W2 from ``second_layer``."""
    _checks.choice("activation", activation, ACTIVATIONS)
    steps = _checks.integer("steps", steps, low=0, high=5000)
    hidden = _checks.integer("hidden", hidden, low=1, high=256)
    data = _digits()
    shapes = (data.n_features, hidden), (hidden, data.n_classes)
    weights = []
    for seed, (spec, shape) in enumerate(zip((first_layer, second_layer), shapes)):
        name, options = parse_init(spec)
        weights.append(initialize(name, shape, rng=seed, **options))
    biases = [np.zeros(hidden, np.float32), np.zeros(data.n_classes, np.float32)]
    model = MLP.from_weights(weights, biases, activation)
    return record_training(model, data, steps=steps, lr=lr, every=max(steps, 1))


def check_distinct_units(answer, first_layer="constant:value=0.5", second_layer="xavier_normal", activation="tanh"):
    """Exercise: how many distinct hidden units (of 16) after 200 steps, with W1 from ``first_layer`` and W2
    from ``second_layer``? ``answer`` is an int from 1 to 16.
    """
    if answer is not None:
        if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
            raise TypeError(f"answer must be an int from 1 to {HIDDEN}, got {answer!r}")
        if not 1 <= answer <= HIDDEN:
            raise ValueError(
                f"answer must be between 1 and {HIDDEN} (the hidden layer has {HIDDEN} units), got {answer}"
            )
    run = _mixed_run(first_layer, second_layer, activation, 200, HIDDEN, 0.3)
    truth = int(run.distinct[-1])
    if truth == HIDDEN:
        wrong = [
            (1, "W₂'s rows differ, so each unit gets its own dL/dh₁ and its own update: both layers must be equal.")
        ]
    elif np.array_equal(run.weights[0], run.weights[-1]):
        wrong = [(HIDDEN, f"W₁ = 0 gives z₁ = 0, and {activation}'s slope at 0 is 0: no gradient ever reaches W₁.")]
    else:
        wrong = [(HIDDEN, "W₁'s columns and W₂'s rows all start equal, so every unit gets the same update.")]
    return check_number(
        answer,
        truth,
        f"number of distinct units ({activation}, W1 {first_layer}, W2 {second_layer})",
        "two units become different only if something about them differs (their W1 columns or W2 rows) "
        "and a nonzero gradient reaches W1.",
        wrong=wrong,
        rtol=1e-9,
    )


def _same_units(W):
    return bool(np.all(W == W[:, :1]))


def check_same_units(fn):
    """The student's ``same_units(W)``: True exactly when every hidden unit (every column of ``W``) is the same."""
    rng = np.random.default_rng(7)
    column = rng.normal(size=(64, 1))
    row = rng.normal(size=(1, HIDDEN))
    last_differs = np.tile(column, (1, HIDDEN))
    last_differs[:, -1] += 0.5
    inputs = [
        (np.full((64, HIDDEN), 0.1),),  # a constant init
        (np.tile(row, (64, 1)),),  # identical rows, different columns: 16 different units
        (np.tile(column, (1, HIDDEN)),),  # identical columns: one unit, 16 times
        (rng.normal(size=(64, HIDDEN)),),  # a random init
        (last_differs,),  # all columns equal but the last
        (np.tile(column[:5], (1, 3)),),  # another shape
    ]
    wrong = [
        (
            lambda W: bool(np.all(W == W.flat[0])),
            "that asks whether every weight is the same. After training the rows differ (each input pixel has "
            "its own weight) while the columns stay equal: compare columns only.",
        ),
        (
            lambda W: bool(np.all(W == W[:1, :])),
            "that compares rows. A row of W₁ holds one input's weights to every unit; a hidden unit is a column.",
        ),
        (
            lambda W: bool(np.all(W[:, 0] == W[:, 1])),
            "check every column, not only the first two.",
        ),
    ]
    return check_function(
        fn,
        _same_units,
        inputs,
        "same_units",
        "hidden unit j is column W[:, j]; compare every column with the first (W[:, :1] keeps it 2-D) and "
        "return one True or False (np.all).",
        wrong=wrong,
        rtol=0,
    )


def _figure_runs(with_random):
    data = _digits()
    sizes = [data.n_features, HIDDEN, data.n_classes]
    runs = [("constant 0.1", MLP(sizes, "sigmoid", "constant:value=0.1"))]
    if with_random:
        runs.append(("Xavier normal", MLP(sizes, "sigmoid", "xavier_normal")))
    return symmetry_figure([(label, record_training(net, data, steps=1000, lr=0.3, every=10)) for label, net in runs])


def _zero_init_picture():
    data = _digits()
    net = MLP([data.n_features, HIDDEN, data.n_classes], "sigmoid", "zeros")
    return zero_init_figure(net, data.x_train[:64], data.y_train[:64])


IMAGES = {
    "01_constant.png": lambda: _figure_runs(with_random=True),
    "Weight_init_1.PNG": lambda: _figure_runs(with_random=False),
    "Weight_init_2.PNG": _zero_init_picture,
}
"""The images ``python -m initviz.figures`` writes for this notebook (two of them are the note's own figures)."""
