"""Long-running processes leave their set-up objects out of full garbage collections and give
freed heap memory back."""

from __future__ import annotations

import ctypes
import gc
from functools import cache
from typing import Any


def freeze_set_up_objects() -> None:
    """Call once a long-running process (an API process, a worker) is set up: the objects it
    holds by then (modules, tables, routes, compiled statements: ~250,000 in an API process)
    are left out of the garbage collector's full collections (`gc.freeze`). Each such
    collection walked them all, 120-170 ms on the benchmark's host, while requests waited or a
    sync stood still; it ran every few thousand requests and several times a minute in a
    sync. What is garbage already is freed first. Never in a process that makes many apps or
    runs many set-ups (tests): a frozen object is never freed."""
    gc.collect()
    gc.freeze()


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's; absent from musl and other C libraries
    except (OSError, AttributeError):
        return None


def trim_heap() -> None:
    """Give the C allocator's free memory back to the system, where the C library can (glibc).
    glibc keeps what a burst of work freed for later allocations, so each model's read of a
    sync (its page check, its seen keys, its driver buffers) left its high-water mark in the
    process and the next one's peak came on top of it. Cheap (a walk of the free lists):
    called once per model read."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
