"""Work that must wait is handed back to the queue with the time it may run, never slept on."""

from __future__ import annotations


class Deferred(Exception):
    """The job parked itself; run it again in `delay` seconds (0: at the back of its lane)."""

    def __init__(self, delay: float, reason: str) -> None:
        super().__init__(reason)
        self.delay = max(0.0, delay)
        self.reason = reason
