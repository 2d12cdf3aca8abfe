"""Write job wrappers (registered on the dispatcher)."""

from __future__ import annotations

from typing import Any


def register_write_tasks(dispatcher: Any) -> None:
    """Write jobs arrive with part 2 of the core; nothing to register yet."""
