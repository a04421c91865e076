"""The worker's C heap: hand memory that glibc's ``malloc`` keeps after a burst back to the system.

Python keeps objects up to 512 bytes in its own arenas; everything larger (fetched record batches,
serialised changelog values, produce batches, the hash tables of large dicts) comes from ``malloc``. In
a backfill those buffers come in bursts (thousands of changelog writes per batch, producer buffers of
tens of thousands of messages), and glibc keeps the memory freed after a burst for the next one: after a
backfilled year, almost half of the worker's RSS (docs/performance.md, section "Backfill").

Two levers, both of glibc (elsewhere, e.g. musl, they do nothing):

- :func:`configure` fixes the size from which ``malloc`` maps a block of its own (``M_MMAP_THRESHOLD``),
  given back to the system when freed. glibc raises that threshold by itself up to 32 MiB once such a
  block is freed, after which fetch and produce buffers of a few MiB land in the heap and pin it;
- :func:`trim` (``malloc_trim``) gives the free pages inside the heap back, called by the worker every
  ``Settings.heap_trim_seconds`` (milliseconds per call).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

M_MMAP_THRESHOLD = -3
"""``mallopt`` parameter number of glibc's ``<malloc.h>``."""


@functools.cache
def _libc() -> Any | None:
    """The C library if it is glibc (has ``malloc_trim`` and ``mallopt``), else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")):
        return None
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return libc


def configure(mmap_threshold_bytes: int) -> bool:
    """Make ``malloc`` map blocks of ``mmap_threshold_bytes`` and more by themselves, for good (0: leave
    glibc's self-adjusting threshold), in the whole process. Returns whether it was set."""
    libc = _libc()
    if libc is None or mmap_threshold_bytes <= 0:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes))


def trim() -> bool:
    """Give the free memory of every ``malloc`` arena back to the system; returns whether any was."""
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))
