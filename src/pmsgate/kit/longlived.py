"""Long-running processes leave their set-up objects out of full garbage collections."""

from __future__ import annotations

import gc


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
