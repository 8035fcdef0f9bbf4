"""Giving freed memory back to the operating system.

Contact windows at a million satellites pass tens of millions of rows through
many mid-sized numpy arrays (chunk results, their concatenation, the
scheduler's columns). Once freed, glibc keeps most of them in its heap, still
resident, so the process would carry gigabytes it no longer uses into the next
phase. `release_free_memory` hands those pages back (`malloc_trim`, as Dask
workers do for the same reason) at the end of such a phase.
"""

from __future__ import annotations

import ctypes
import functools


def release_free_memory() -> None:
    """Return the C heap's free pages to the operating system (glibc); elsewhere nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: the allocator does without
        return None
