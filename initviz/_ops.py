"""The elementwise pieces every forward and backward pass shares: activations in place, and the loss.

Kept apart from :mod:`initviz.mlp` so that the batch-norm / residual engine (:mod:`initviz.blocks`) and the
probe use the very same code as the fast SGD step.
"""

from __future__ import annotations

import numpy as np


def _act_forward(name, slope, z, out, zero=0):
    """out = φ(z), in place (``out`` may be ``z`` itself except for leaky ReLU).

    ``zero`` may be an array of zeros shaped like ``z``: ``np.maximum`` against a
    contiguous array takes a vectorised loop that is ~3x faster than against the scalar 0.
    """
    if name == "relu":
        np.maximum(z, zero, out=out)
    elif name == "tanh":
        np.tanh(z, out=out)
    elif name == "sigmoid":  # (1 + tanh(z/2))/2 cannot overflow
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1
        out *= 0.5
    elif name == "leaky_relu":  # max(z, a·z) is leaky ReLU for 0 <= a <= 1
        np.multiply(z, slope, out=out)
        np.maximum(z, out, out=out)
    elif out is not z:
        np.copyto(out, z)


def _act_backward(name, slope, z, h, grad, zero=0, mask=None):
    """grad ← grad · φ′(z), in place, using the stored output h where that is cheaper.

    ``zero`` (zeros shaped like ``h``) and ``mask`` (a bool buffer of that shape) are
    optional scratch for ReLU, see :func:`_act_forward`.
    """
    if name == "relu":
        grad *= np.greater(h, zero, out=mask)
    elif name == "tanh":
        grad *= 1 - h * h
    elif name == "sigmoid":
        grad *= h * (1 - h)
    elif name == "leaky_relu":
        np.multiply(grad, grad.dtype.type(slope), out=grad, where=z <= 0)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of integer labels ``y`` and ``dL/dlogits``; stable for large logits."""
    n, k = logits.shape
    # Reducing each row of only k ~ 10 logits is slow in numpy (one tiny inner loop per row);
    # reducing over axis 0 of the transposed view is k elementwise passes instead. The max is
    # exact; the row sums may differ from a row-wise sum in the last bit.
    shifted = logits - np.maximum.reduce(logits.T, axis=0)[:, None]
    exp = np.exp(shifted)
    total = np.add.reduce(exp.T, axis=0)
    label = np.arange(0, n * k, k) + y  # flat index of each row's label logit
    per_row = np.log(total) - shifted.ravel()[label]
    # np.mean without its Python-level overhead (accumulating float16 in float32, as np.mean does)
    loss = float(np.add.reduce(per_row, dtype=np.promote_types(per_row.dtype, np.float32)) / n)
    exp /= total[:, None]
    exp.ravel()[label] -= 1
    exp /= n
    return loss, exp
