"""Flush float32 subnormals to zero while a training loop runs, where the CPU allows it.

A signal that has vanished through 30 layers sinks below float32's smallest normal number
(1.2·10⁻³⁸); x86 and ARM CPUs then compute with subnormals in microcode, tens of times slower.
Setting the FTZ/DAZ bits (x86 MXCSR) or FZ (ARM FPCR) makes such values exactly 0 instead. PyTorch
offers the same switch (``torch.set_flush_denormal``). Only numbers below 1.2·10⁻³⁸ change where
they arise: an update that small cannot move a float32 weight of ordinary size. In the 30-layer
N(0, 0.01²) ReLU run every step's loss comes out bit for bit the same and the run is ~10× faster; the
lower layers' biases, which start at exactly 0, keep 0 instead of ~10⁻³⁸, so a few top-layer
weights end one float32 step apart (tests/test_fpu.py). The bits are set for the calling thread only, which is where
initviz computes (one BLAS thread, see ``_threads.py``), and restored on exit. On other platforms
(no glibc, other CPUs) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
from contextlib import contextmanager

__all__ = ["flush_subnormals", "AVAILABLE"]

_MACHINE = platform.machine().lower()
# glibc's fenv_t: x86_64 keeps MXCSR after the 28-byte x87 environment; aarch64 is {fpcr, fpsr}
_LAYOUT = {
    "x86_64": (32, 28, (1 << 15) | (1 << 6)),
    "amd64": (32, 28, (1 << 15) | (1 << 6)),
    "aarch64": (8, 0, 1 << 24),
}


def _libc():
    if platform.system() != "Linux" or _MACHINE not in _LAYOUT:
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")  # glibc keeps fenv in libm
        libc.fegetenv, libc.fesetenv  # noqa: B018 - both must exist
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()
AVAILABLE = _LIBC is not None


@contextmanager
def flush_subnormals():
    """Within the block, float32/float64 subnormal results and inputs are treated as 0 (this thread only)."""
    if not AVAILABLE:
        yield
        return
    size, offset, bits = _LAYOUT[_MACHINE]
    saved = ctypes.create_string_buffer(size)
    if _LIBC.fegetenv(saved) != 0:
        yield
        return
    changed = ctypes.create_string_buffer(saved.raw, size)
    word = ctypes.c_uint32.from_buffer(changed, offset)
    word.value |= bits
    _LIBC.fesetenv(changed)
    try:
        yield
    finally:
        _LIBC.fesetenv(saved)
