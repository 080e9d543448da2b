"""The engine's threads: one small pool (the optimizers' chunks of large networks, the
second half of a convolutional network's batch), the thread count of NumPy's BLAS and
the environment a training process starts with.

NumPy has no call for its BLAS's threads; NumPy's wheels bundle OpenBLAS, whose
``openblas_set_num_threads`` is reached through ctypes, as threadpoolctl does. Where no
OpenBLAS is found (another BLAS), :func:`blas_threads` returns None and nothing that
needs it runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

# the names NumPy's bundled OpenBLAS exports its thread calls under (scipy-openblas
# builds prefix and suffix them)
_PREFIXES = ("scipy_", "")
_SUFFIXES = ("64_", "_64", "")
_pool: ThreadPoolExecutor | None = None
# After each product OpenBLAS's threads spin, waiting for more work, for 2^28 cycles
# (~0.1 s; measured: a process that sleeps after one product burns 88 ms of CPU), on
# the core the studio or the other half of a batch needs; 2^4 cycles lets them sleep at
# once. OpenBLAS reads it when it loads, so it goes in a training process's environment.
TRAINING_ENVIRONMENT = {"OPENBLAS_THREAD_TIMEOUT": "4"}
# OpenBLAS computes a product of m·n·k multiply-adds up to this on one thread
# (SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD, its defaults), larger ones on all
BLAS_SHARES_ABOVE = 65_536 * 4
_environment_lock = threading.Lock()
_blas: tuple | None | bool = False  # False: not looked for yet; None: not found


def cores() -> int:
    """The cores this process may run on (at most 8)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, 8))


def pool() -> ThreadPoolExecutor:
    """The engine's thread pool, one thread per core (made at first use)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(cores(), thread_name_prefix="nnstudio-engine")
    return _pool


def _openblas() -> tuple | None:
    """(get_num_threads, set_num_threads) of the OpenBLAS NumPy loaded, or None."""
    global _blas
    if _blas is False:
        _blas = None
        numpy_dir = Path(np.__file__).parent
        candidates = [*numpy_dir.parent.glob("numpy.libs/*openblas*")]
        candidates += [*numpy_dir.glob(".dylibs/*openblas*")]
        for path in candidates:
            try:
                library = ctypes.CDLL(str(path))
            except OSError:
                continue
            for prefix in _PREFIXES:
                for suffix in _SUFFIXES:
                    get = getattr(library, f"{prefix}openblas_get_num_threads{suffix}", None)
                    put = getattr(library, f"{prefix}openblas_set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        put.argtypes, put.restype = [ctypes.c_int], None
                        _blas = (get, put)
                        return _blas
    return _blas


def blas_threads() -> int | None:
    """How many threads NumPy's OpenBLAS uses for a product (None: no OpenBLAS found)."""
    calls = _openblas()
    return None if calls is None else int(calls[0]())


@contextlib.contextmanager
def single_threaded_blas():
    """Within: NumPy's OpenBLAS computes each product on the calling thread alone (for
    the whole process), as it did before on leaving. Nothing happens without OpenBLAS."""
    calls = _openblas()
    if calls is None:
        yield
        return
    get, put = calls
    before = int(get())
    put(1)
    try:
        yield
    finally:
        put(before)


@contextlib.contextmanager
def training_environment():
    """Within: ``os.environ`` has :data:`TRAINING_ENVIRONMENT`'s variables (those not set
    already), for a process started meanwhile; as before on leaving."""
    with _environment_lock:
        added = {k: v for k, v in TRAINING_ENVIRONMENT.items() if k not in os.environ}
        os.environ.update(added)
        try:
            yield
        finally:
            for key in added:
                os.environ.pop(key, None)
