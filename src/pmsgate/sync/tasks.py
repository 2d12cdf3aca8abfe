"""Thin job wrappers: the queue calls these with ids; tests call the inner functions."""

from __future__ import annotations

import logging

from pmsgate.kit.db import session_factory
from pmsgate.sync.engine import execute_run

log = logging.getLogger(__name__)


def run_sync(run_id: str) -> None:
    """`sync.run`: perform or resume a sync run."""
    status = execute_run(session_factory(), run_id)
    log.info("sync.run %s -> %s", run_id, status or "held by another worker")
