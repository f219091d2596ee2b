"""One BLAS thread for initviz's small matrix products, and clean worker processes.

At this project's sizes (weights of ~100×100, batches of 64 to 1,000 rows) a second
OpenBLAS thread gains little on an idle machine, and on a busy one (a shared Binder or
Colab core, a notebook next to a browser) every product waits for a free core: measured
up to 10× slower on a loaded 2-core machine. The numerics therefore run inside
``one_blas_thread()``. Without threadpoolctl (it comes with scikit-learn) nothing changes.
"""

from __future__ import annotations

from contextlib import nullcontext

_controller = None


def one_blas_thread():
    """A context manager that limits BLAS to one thread while it is open (~5 µs to enter)."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return nullcontext()
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def worker_pool(workers):
    """A process pool whose workers start clean: forked from a fresh forkserver, not from this process.

    Forked straight from a notebook's kernel, a worker would inherit the kernel's zmq sockets and warn
    about them when it exits ("ResourceWarning: Unclosed socket"); a forkserver child has none. Where
    forkserver is missing (Windows), the platform's default start method is used.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver") if "forkserver" in methods else None
    return ProcessPoolExecutor(workers, mp_context=context)
