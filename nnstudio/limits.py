"""How much data nnstudio loads, from the memory of the machine it runs on.

Data is held as float64 (8 bytes a value). Reading a table and training on it take
about 4-5 times the data's own size at the peak (measured: an MNIST-sized CSV, 369 MiB
once read, peaks at 1.5 GiB while it is read and trained on: pandas' frame beside the
array, then the train/test parts, the scaled and the float32 copies). So the data may
take an eighth of the memory: 3 GiB on a 24 GiB machine, which then peaks near 15 GiB.
"""

from __future__ import annotations

import os

GIB = 1 << 30
_ASSUMED_MEMORY = 24 * GIB  # where the system does not say
_PEAK_FACTOR = 8  # the memory a dataset may need, counted generously, over its size
MIN_DATA_BYTES = 256 << 20


def machine_memory() -> int:
    """The machine's physical memory in bytes (24 GiB where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return _ASSUMED_MEMORY


def data_limit(memory: int | None = None) -> int:
    """The most bytes a dataset may take once loaded: an eighth of ``memory``."""
    memory = machine_memory() if memory is None else memory
    return max(MIN_DATA_BYTES, memory // _PEAK_FACTOR)


def size_text(n: int) -> str:
    """``n`` bytes as "3.0 GiB", "369 MiB", "4 KiB" or "100 bytes"."""
    if n >= GIB:
        return f"{n / GIB:,.1f} GiB"
    if n >= 1 << 20:
        return f"{n / 2**20:,.0f} MiB"
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n:,} bytes"


def limit_text(limit: int) -> str:
    """What a refusal says of the limit it met, and where the limit comes from."""
    if limit != DATA_BYTES:
        return f"the {size_text(limit)} limit"
    return (
        f"the {size_text(limit)} nnstudio loads on this machine, an eighth of its "
        f"{size_text(machine_memory())} of memory (reading and training on data take "
        "about 5 times its size)"
    )


DATA_BYTES = data_limit()
