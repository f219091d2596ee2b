"""A small multilayer perceptron that records what happens inside it.

Layer ``l`` computes ``z_l = h_{l-1} @ W_l + b_l`` and ``h_l = φ(z_l)``; weights have
shape ``(fan_in, fan_out)``. With ``linear_head=True`` the last layer is linear and its
output is the logits of a softmax classifier.

Two ways in:

- :meth:`MLP.trace` runs one batch forward and backward and keeps every
  pre-activation, activation, back-propagated gradient ``dL/dh`` and weight gradient
  (fresh arrays, for histograms);
- :meth:`MLP.step` does one SGD step. It runs the same computation into buffers
  that are reused across steps, which is what makes training fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks, blocks, optim
from . import activations as _activations
from ._ops import _act_backward, _act_forward, softmax_cross_entropy
from ._threads import one_blas_thread
from .init import DATA_INITIALIZERS, NEEDS_DATA, initialize, parse_init
from .lsuv import lsuv, lsuv_options
from .norm import NORMS, BatchNorm

__all__ = ["MLP", "Trace"]


@dataclass
class Trace:
    """Everything one batch did inside an :class:`MLP`; index ``l`` is layer ``l + 1``.

    Attributes
    ----------
    pre_activations : list of arrays
        ``z_l = h_{l-1} @ W_l + b_l``, shape ``(batch, fan_out_l)``.
    activations : list of arrays
        ``h_l = φ(z_l)`` (the logits ``z_L`` for a linear head).
    grad_activations : list of arrays
        ``dL/dh_l``, the gradient that reached layer ``l``'s output.
    grad_weights, grad_biases : list of arrays
        ``dL/dW_l`` and ``dL/db_l`` (``grad_biases`` is None without biases).
    loss : float or None
        The softmax cross-entropy when labels were given.
    streams : list of arrays or None
        A residual net's stream ``t_l`` after each hidden layer (see :mod:`initviz.blocks`); None otherwise.
    grad_gammas, grad_betas : list of arrays or None
        ``dL/dγ_l`` and ``dL/dβ_l`` of each batch norm; None without batch norm.

    With batch norm, ``pre_activations`` are the linear outputs before it and ``activations`` are
    ``φ(BN(z_l))``; a trace normalizes with the batch's statistics and leaves the running ones alone.
    """

    inputs: np.ndarray
    pre_activations: list
    activations: list
    grad_activations: list
    grad_weights: list
    grad_biases: list | None
    loss: float | None
    streams: list | None = None
    grad_gammas: list | None = None
    grad_betas: list | None = None


class MLP:
    """A fully connected network with one activation for every hidden layer.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n_inputs, hidden_1, ..., n_outputs]``; at least two entries.
    activation : str
        One of ``initviz.ACTIVATIONS``.
    init : str or (name, options)
        An initializer spec, e.g. ``"he_normal"`` or ``"normal:std=0.01"``; every
        weight matrix is drawn from it. Biases start at zero.
    negative_slope : float
        Slope of leaky ReLU for z < 0.
    bias : bool
        Whether layers have biases.
    linear_head : bool
        If True the last layer has no activation (classifier logits); if False every
        layer applies the activation (a plain stack for signal-propagation studies).
    rng : Generator or int
        Seed for the weights.
    dtype : floating dtype, default float32
    """

    def __init__(
        self,
        sizes,
        activation="relu",
        init="he_normal",
        *,
        negative_slope=0.01,
        bias=True,
        linear_head=True,
        norm=None,
        residual=False,
        branch_scale=None,
        data=None,
        rng=0,
        dtype=np.float32,
    ):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list of layer widths, got {sizes!r}")
        sizes = _checks.shape("sizes", tuple(sizes))
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least [n_inputs, n_outputs], got {list(sizes)}")
        self.activation = _activations.get(activation, negative_slope)
        self.init = parse_init(init)
        self.dtype = _checks.float_dtype(dtype)
        rng = _checks.generator(rng)
        name, options = self.init
        lsuv_settings = None
        if name in DATA_INITIALIZERS:
            lsuv_settings = lsuv_options(options)
            if data is None:
                raise ValueError(NEEDS_DATA)
            name, options = parse_init(lsuv_settings["base"])
        elif data is not None:
            raise ValueError(
                f"data is used by a data-driven init ({', '.join(DATA_INITIALIZERS)}) only, got init {init!r}"
            )
        self.weights = [
            initialize(name, (a, b), rng=rng, dtype=self.dtype, **options) for a, b in zip(sizes[:-1], sizes[1:])
        ]
        self.biases = [np.zeros(b, self.dtype) for b in sizes[1:]] if bias else None
        self.linear_head = bool(linear_head)
        self._setup_blocks(norm, residual, branch_scale)
        self._velocity = None
        self._optimizer = None
        self._buffers = {}
        self.lsuv_report = None
        if lsuv_settings is not None:
            tol, max_iter = lsuv_settings["tol"], lsuv_settings["max_iter"]
            self.lsuv_report = lsuv(self, data, tol=tol, max_iter=max_iter, base=lsuv_settings["base"])

    def _setup_blocks(self, norm, residual, branch_scale):
        """Batch norm and residual connections (see :mod:`initviz.blocks`); neither: the plain fast path."""
        if norm is not None:
            _checks.choice("norm", norm, NORMS)
        if not isinstance(residual, bool):
            raise TypeError(f"residual must be True or False, got {residual!r}")
        depth = len(self.weights)
        if (norm is not None or residual) and not self.linear_head:
            raise ValueError("norm and residual need linear_head=True (a classifier whose last layer gives logits)")
        if (norm is not None or residual) and depth < 2:
            raise ValueError(f"norm and residual need at least one hidden layer, got sizes {self.sizes}")
        self.norm = norm
        self.norms = None if norm is None else [BatchNorm(w.shape[1], dtype=self.dtype) for w in self.weights[:-1]]
        self.residual = residual
        self.skips = [False] * depth
        self.alpha = 1.0
        self.branch_scale = None
        if residual:
            hidden = self.sizes[1:-1]
            if len(set(hidden)) != 1:
                raise ValueError(
                    f"residual=True needs every hidden layer of one width (h + f(h)), got sizes {self.sizes}"
                )
            self.skips = [0 < l < depth - 1 for l in range(depth)]
            blocks = sum(self.skips)
            self.branch_scale = branch_scale
            if branch_scale is None or branch_scale == "zero":
                self.alpha = 1.0
            elif branch_scale in ("1/sqrt(L)", "invsqrt"):
                self.alpha = 1 / np.sqrt(max(blocks, 1))
            else:
                self.alpha = _checks.number("branch_scale", branch_scale, low=0, low_open=True)
            if branch_scale == "zero":  # Fixup / ReZero: each branch's (only, last) weight layer starts at 0
                for l, skip in enumerate(self.skips):
                    if skip:
                        self.weights[l][...] = 0
        elif branch_scale is not None:
            raise ValueError(f"branch_scale applies to residual nets only (residual=True), got {branch_scale!r}")
        # layers followed by batch norm have no bias: BN's mean subtraction would cancel it (dL/db = 0)
        self._bias_used = [self.biases is not None and (self.norms is None or l == depth - 1) for l in range(depth)]

    @property
    def plain(self):
        """True for a net without batch norm or residual connections (the fused fast path)."""
        return self.norms is None and not self.residual

    @classmethod
    def from_weights(cls, weights, biases=None, activation="relu", *, negative_slope=0.01, linear_head=True):
        """Build an MLP around given weight matrices (and biases), e.g. a constant init."""
        weights = [_checks.array(f"weights[{i}]", w, ndim=2) for i, w in enumerate(weights)]
        if not weights:
            raise ValueError("weights must hold at least one matrix")
        for i, (a, b) in enumerate(zip(weights[:-1], weights[1:])):
            if a.shape[1] != b.shape[0]:
                raise ValueError(f"weights[{i}] has shape {a.shape} but weights[{i + 1}] has {b.shape}")
        dtype = np.result_type(*weights, np.float32)
        net = cls.__new__(cls)
        net.activation = _activations.get(activation, negative_slope)
        net.init = ("custom", {})
        net.dtype = np.dtype(dtype)
        net.weights = [w.astype(dtype, copy=True) for w in weights]
        if biases is None:
            net.biases = None
        else:
            if len(biases) != len(weights):
                raise ValueError(f"biases needs {len(weights)} vectors, got {len(biases)}")
            net.biases = [_checks.array(f"biases[{i}]", b, ndim=1).astype(dtype) for i, b in enumerate(biases)]
        net.linear_head = bool(linear_head)
        net._setup_blocks(None, False, None)
        net._velocity = None
        net._optimizer = None
        net._buffers = {}
        net.lsuv_report = None
        return net

    @property
    def sizes(self):
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    @property
    def depth(self):
        """The number of weight layers."""
        return len(self.weights)

    def _check_x(self, x):
        x = _checks.array("x", x, ndim=2)
        n_inputs = self.weights[0].shape[0]  # not self.sizes, which walks every layer: this runs every step
        if x.shape[1] != n_inputs:
            raise ValueError(f"x must have {n_inputs} features (columns), got shape {x.shape}")
        return x.astype(self.dtype, copy=False)

    def _check_y(self, y, n):
        y = _checks.array("y", y, ndim=1)
        if y.dtype.kind not in "iu":
            raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
        if len(y) != n:
            raise ValueError(f"x and y must have the same length, got {n} and {len(y)}")
        n_classes = self.weights[-1].shape[1]
        if y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"y must hold labels in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
        return y

    # The one forward and backward pass; `trace` and `step` differ only in their buffers.

    def _forward(self, x, zs, hs, zeros=None):
        """Fill zs and hs (``zs[l] is hs[l]`` is allowed when the backward pass needs only h)."""
        name, slope = self.activation.name, self.activation.negative_slope
        h = x
        last = len(self.weights) - 1
        for l, W in enumerate(self.weights):
            np.dot(h, W, out=zs[l])  # np.dot: same BLAS call as matmul, ~0.6 µs less overhead
            if self.biases is not None:
                zs[l] += self.biases[l]
            if l == last and self.linear_head:
                hs[l] = zs[l]
            else:
                _act_forward(name, slope, zs[l], hs[l], 0 if zeros is None else zeros[l])
            h = hs[l]
        return h

    def _backward(self, x, zs, hs, grad, grad_ws, grad_bs, work, grad_hs=None, update=None):
        """Back-propagate grad = dL/dh_L (overwritten), writing dL/dW_l and dL/db_l into grad_ws[l], grad_bs[l].

        ``work`` holds the scratch of :meth:`_workspace`. If ``update`` is given, ``update(l)``
        runs as soon as layer l's gradients are complete and dL/dh_{l-1} has been computed
        from the old W_l, so it may change W_l and b_l: the step then touches each weight
        matrix while it is still in cache, and layers of one shape can share one
        gradient buffer.
        """
        name, slope = self.activation.name, self.activation.negative_slope
        last = len(self.weights) - 1
        for l in range(last, -1, -1):
            if grad_hs is not None:
                grad_hs[l] = grad.copy()
            if not (l == last and self.linear_head):
                _act_backward(name, slope, zs[l], hs[l], grad, work["zeros"][l], work["masks"][l])  # now dL/dz_l
            h_prev = x if l == 0 else hs[l - 1]
            np.dot(h_prev.T, grad, out=grad_ws[l])
            if grad_bs is not None:
                np.dot(work["ones"], grad, out=grad_bs[l])  # the column sums, ~3x faster than np.sum(axis=0)
            if l > 0:
                # OpenBLAS threads a product with a transposed right operand badly at these sizes
                # (~2.5x slower, with outliers far worse); a contiguous copy of Wᵀ first is cheaper
                w_t = work["w_ts"][l]
                np.copyto(w_t, self.weights[l].T)
                grad = np.dot(grad, w_t, out=work["grads"][l - 1])
            if update is not None:
                update(l)

    def _workspace(self, batch):
        """Scratch arrays for a pass over ``batch`` rows, indexed by layer. Layers of one
        shape share an array wherever no two layers need it at the same time, which keeps
        a deep net's working set small enough to stay in cache."""
        shared = {}

        def one_per_shape(role, shape, dtype=self.dtype, fill=np.empty):
            key = (role, shape, np.dtype(dtype))
            if key not in shared:
                shared[key] = fill(shape, dtype)
            return shared[key]

        outs = [(batch, w.shape[1]) for w in self.weights]
        relu = self.activation.name == "relu"
        return {
            "w_ts": [one_per_shape("w_t", w.shape[::-1]) for w in self.weights],
            # dL/dh_{l-1} is written while dL/dh_l is still being read: alternate two buffers
            "grads": [one_per_shape(("grad", l % 2), s) for l, s in enumerate(outs)],
            "zeros": [one_per_shape("zero", s, fill=np.zeros) if relu else 0 for s in outs],
            "masks": [one_per_shape("mask", s, bool) if relu else None for s in outs],
            "ones": np.ones(batch, self.dtype),
            "one_per_shape": one_per_shape,
        }

    def forward(self, x):
        """The network's output for a batch ``x`` of shape ``(batch, n_inputs)``."""
        x = self._check_x(x)
        if not self.plain:  # batch norm normalizes with its running statistics here (evaluation)
            with np.errstate(all="ignore"):
                return blocks.forward(self, x, blocks.workspace(self, len(x)), training=False)
        zs = [np.empty((len(x), w.shape[1]), self.dtype) for w in self.weights]
        hs = [np.empty_like(z) for z in zs]
        with np.errstate(all="ignore"):  # a diverged net gives inf/NaN; callers check for it
            return self._forward(x, zs, hs)

    def forward_streams(self, x):
        """A residual net's stream ``t_l`` after each hidden layer for a batch ``x`` (forward only, eval mode)."""
        if not self.residual:
            raise ValueError("forward_streams needs a residual net (residual=True)")
        x = self._check_x(x)
        with np.errstate(all="ignore"), one_blas_thread():
            ws = blocks.workspace(self, len(x), fresh=True)
            blocks.forward(self, x, ws, training=False)
        return ws["t"]

    def _linear_output(self, x, layer):
        """``z_layer`` for a checked batch ``x`` (batch norm on the batch's statistics), for LSUV."""
        with np.errstate(all="ignore"), one_blas_thread():
            if not self.plain:
                return blocks.forward(self, x, blocks.workspace(self, len(x)), training=True, upto=layer)
            h = x
            for l in range(layer + 1):
                z = h @ self.weights[l]
                if self.biases is not None:
                    z += self.biases[l]
                h = self.activation(z)
            return z

    def predict(self, x):
        """Predicted class per row (argmax of the logits; class 0 where they are NaN)."""
        out = self.forward(x)
        return np.argmax(np.nan_to_num(out, nan=-np.inf), axis=1)

    def accuracy(self, x, y):
        """Fraction of rows of ``x`` classified as ``y``."""
        y = self._check_y(y, len(self._check_x(x)))
        return float(np.mean(self.predict(x) == y))

    def trace(self, x, y=None, *, grad_output=None, rng=0):
        """Run one batch forward and backward and keep everything; see :class:`Trace`.

        The gradient that starts the backward pass is the softmax cross-entropy's when
        ``y`` is given; else ``grad_output`` if given; else a standard normal draw
        (seeded by ``rng``), the usual probe for signal propagation.
        """
        x = self._check_x(x)
        if not self.plain:
            return self._trace_blocks(x, y, grad_output, rng)
        zs = [np.empty((len(x), w.shape[1]), self.dtype) for w in self.weights]
        hs = [np.empty_like(z) for z in zs]
        grad_ws = [np.empty_like(w) for w in self.weights]
        grad_bs = None if self.biases is None else [np.empty_like(b) for b in self.biases]
        grad_hs = [None] * len(self.weights)
        # extreme inits overflow on purpose (stats report it); small products run best on one BLAS thread
        with np.errstate(all="ignore"), one_blas_thread():
            work = self._workspace(len(x))
            out = self._forward(x, zs, hs, work["zeros"])
            loss, grad = self._start_gradient(out, x, y, grad_output, rng)
            self._backward(x, zs, hs, grad, grad_ws, grad_bs, work, grad_hs)
        return Trace(x, zs, [h if h is not z else z.copy() for h, z in zip(hs, zs)], grad_hs, grad_ws, grad_bs, loss)

    def _start_gradient(self, out, x, y, grad_output, rng):
        if y is not None:
            return softmax_cross_entropy(out, self._check_y(y, len(x)))
        if grad_output is not None:
            grad = _checks.array("grad_output", grad_output, ndim=2).astype(self.dtype, copy=True)
            if grad.shape != out.shape:
                raise ValueError(f"grad_output must have shape {out.shape}, got {grad.shape}")
            return None, grad
        return None, _checks.generator(rng).standard_normal(out.shape).astype(self.dtype)

    def _trace_blocks(self, x, y, grad_output, rng):
        depth = len(self.weights)
        with np.errstate(all="ignore"), one_blas_thread():
            ws = blocks.workspace(self, len(x), fresh=True)
            out = blocks.forward(self, x, ws, training=True)
            loss, grad = self._start_gradient(out, x, y, grad_output, rng)
            grad_hs = [None] * depth
            grads = {"weights": [None] * depth, "biases": [None] * depth, "gammas": [], "betas": []}
            if self.norms:
                grads["gammas"], grads["betas"] = [None] * (depth - 1), [None] * (depth - 1)
            blocks.backward(self, x, ws, grad, grad_activations=grad_hs, grad_params=grads)
        return Trace(
            x,
            ws["z"],
            ws["a"][1:] + [ws["z"][-1].copy()],
            grad_hs,
            grads["weights"],
            None if self.biases is None else grads["biases"],
            loss,
            streams=[t.copy() for t in ws["t"]] if self.residual else None,
            grad_gammas=grads["gammas"] if self.norms else None,
            grad_betas=grads["betas"] if self.norms else None,
        )

    def _buffers_for(self, batch):
        bufs = self._buffers.get(batch)
        if bufs is None:
            work = self._workspace(batch)
            hs = [np.empty((batch, w.shape[1]), self.dtype) for w in self.weights]
            # Only leaky ReLU's backward pass reads z; every other activation can overwrite it with h.
            zs = [np.empty_like(h) for h in hs] if self.activation.name == "leaky_relu" else hs
            # `_step` applies each layer's gradient before the next is computed, so one buffer per shape is enough.
            grad_ws = [work["one_per_shape"]("dW", w.shape) for w in self.weights]
            grad_bs = None if self.biases is None else [work["one_per_shape"]("db", b.shape) for b in self.biases]
            bufs = (zs, hs, grad_ws, grad_bs, work)
            self._buffers = {batch: bufs}  # one batch size at a time keeps memory flat
        return bufs

    def step(self, x, y, lr, momentum=0.0, *, optimizer="sgd"):
        """One training step on the batch ``(x, y)``; returns the loss before the step.

        ``optimizer="sgd"``: ``W ← W − lr·v`` with ``v ← momentum·v + dL/dW``; ``"adam"``: Adam with
        PyTorch's betas and eps (``initviz.optim``). Every parameter is updated: weights, the biases in use
        and batch norm's γ and β. If the loss is inf or NaN the parameters are left alone and the
        non-finite loss is returned.
        """
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        lr = _checks.number("lr", lr, low=0, low_open=True)
        momentum = _checks.number("momentum", momentum, low=0, high=1, high_open=True)
        optim.make(optimizer, momentum=momentum)  # checks the pair
        return self._step(x, y, lr, momentum, optimizer)

    def _optimizer_for(self, optimizer, momentum):
        """The optimizer whose state (velocities, Adam's moments and step count) carries across steps."""
        key = (optimizer, momentum)
        if self._optimizer is None or self._optimizer[0] != key:
            self._optimizer = (key, optim.make(optimizer, momentum=momentum))
        return self._optimizer[1]

    def _step(self, x, y, lr, momentum, optimizer="sgd"):
        """``step`` without the argument checks, for ``train``, which checks once up front."""
        if optimizer != "sgd" or not self.plain:
            return self._step_general(x, y, lr, momentum, optimizer)
        zs, hs, grad_ws, grad_bs, work = self._buffers_for(len(x))
        with np.errstate(all="ignore"):  # divergence is detected from the loss, not from warnings
            out = self._forward(x, zs, hs, work["zeros"])
            loss, grad = softmax_cross_entropy(out, y)
            if not np.isfinite(loss):
                return loss
            depth = len(self.weights)
            v_ws = v_bs = [None] * depth
            if momentum:
                if self._velocity is None:  # weights' velocities, then biases'
                    self._velocity = [np.zeros_like(p) for p in self.weights + (self.biases or [])]
                v_ws, v_bs = self._velocity[:depth], self._velocity[depth:]
            else:
                grad *= lr  # back-propagation is linear in grad, so every dW comes out already times lr

            def update(l):  # called by _backward once dL/dh_{l-1} no longer needs the old W_l
                _sgd_update(self.weights[l], grad_ws[l], lr, momentum, v_ws[l])
                if grad_bs is not None:
                    _sgd_update(self.biases[l], grad_bs[l], lr, momentum, v_bs[l])

            self._backward(x, zs, hs, grad, grad_ws, grad_bs, work, update=update)
        return loss

    def _step_general(self, x, y, lr, momentum, optimizer):
        """A step through :mod:`initviz.blocks` (batch norm, residual) or with Adam; same fused updates."""
        opt = self._optimizer_for(optimizer, momentum)
        with np.errstate(all="ignore"):
            if self.plain:
                zs, hs, grad_ws, grad_bs, work = self._buffers_for(len(x))
                out = self._forward(x, zs, hs, work["zeros"])
            else:
                key = ("blocks", len(x))
                if key not in self._buffers:
                    self._buffers = {key: blocks.workspace(self, len(x))}
                ws = self._buffers[key]
                out = blocks.forward(self, x, ws, training=True, update_running=True)
                grad_ws, grad_bs = ws["dw"], ws["db"]
            loss, grad = softmax_cross_entropy(out, y)
            if not np.isfinite(loss):
                return loss
            opt.begin(lr)
            if opt.scaled:
                grad *= lr
            used = self._bias_used

            def update(l):
                opt.update(("W", l), self.weights[l], grad_ws[l])
                if used[l]:
                    opt.update(("b", l), self.biases[l], grad_bs[l])

            def update_norm(l):
                opt.update(("gamma", l), self.norms[l].gamma, ws["dgamma"][l])
                opt.update(("beta", l), self.norms[l].beta, ws["dbeta"][l])

            if self.plain:
                self._backward(x, zs, hs, grad, grad_ws, grad_bs, work, update=update)
            else:
                blocks.backward(self, x, ws, grad, update=update, update_norm=update_norm)
        return loss

    def parameters(self):
        """Every trained array, by name: ``{"W1": ..., "b1": ..., "gamma1": ..., "beta1": ...}`` (layers from 1)."""
        out = {}
        for l, W in enumerate(self.weights):
            out[f"W{l + 1}"] = W
            if self._bias_used[l]:
                out[f"b{l + 1}"] = self.biases[l]
            if self.norms and l < len(self.norms):
                out[f"gamma{l + 1}"], out[f"beta{l + 1}"] = self.norms[l].gamma, self.norms[l].beta
        return out


def _sgd_update(p, g, lr, momentum, v):
    """p ← p − lr·v with v ← momentum·v + g; without momentum (v None) g already holds lr·dL/dp."""
    if v is not None:
        v *= momentum
        v += g
        np.multiply(v, lr, out=g)
    p -= g
