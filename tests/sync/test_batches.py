"""Pages committed in batches: a crash loses only the open batch, which the resumed run reads
again, and every record is counted once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from pmsgate.canonical.registry import Model
from pmsgate.config import get_settings
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.kit.db import session_factory
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.sync import SyncRun
from pmsgate.sync.engine import RunInterrupted, execute_run, prefetched
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration
from tests.sync.test_engine import count, fast, run_row


class DiesAtPage:
    """The registry's connector, whose charge stream dies (a worker crash) at one page."""

    def __init__(self, context: ConnectorContext, page: int) -> None:
        self.inner = fast(context)
        self.page = page

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        for number, page in enumerate(self.inner.stream(request), start=1):
            if request.model is Model.RESIDENT_CHARGES and number == self.page:
                raise RunInterrupted
            yield page

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_crash_mid_batch_loses_only_the_open_batch(fresh_sample_server: Served) -> None:
    settings = get_settings()
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_id = dispatcher.sync_runs.pop()
    settings.sync_page_size, settings.sync_commit_records = 5, 10  # batches of 2 pages (22 charges)
    settings.sync_commit_seconds = 3600.0
    try:
        with pytest.raises(RunInterrupted):
            execute_run(session_factory(), run_id, builder=lambda c: DiesAtPage(c, page=4))
        interrupted = run_row(run_id)
        assert interrupted.checkpoint is not None and interrupted.checkpoint["model"] == "resident_charges"
        assert count(Model.RESIDENT_CHARGES, integration_id) == 10  # page 3 was in the open batch
        assert interrupted.counts["resident_charges"]["new"] == 10
        with session_factory()() as session, session.begin():
            session.execute(
                update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=utcnow() - timedelta(hours=1))
            )
        assert execute_run(session_factory(), run_id, builder=fast) == "COMPLETED"
    finally:
        settings.sync_page_size, settings.sync_commit_records, settings.sync_commit_seconds = 250, 2000, 1.0
    resumed = run_row(run_id)
    assert resumed.counts["resident_charges"]["new"] == count(Model.RESIDENT_CHARGES, integration_id) > 10


def test_prefetch_hands_over_pages_in_order_and_raises_where_the_stream_failed() -> None:
    def pages() -> Iterator[Page]:
        for n in range(3):
            yield Page(records=[], resume_token={"n": n})
        raise ValueError("page 4 is broken")

    seen = []
    with pytest.raises(ValueError, match="page 4"):
        for page in prefetched(pages()):
            seen.append(page.resume_token)
    assert seen == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_prefetch_stops_its_thread_when_the_consumer_stops_early() -> None:
    closed = []

    def endless() -> Iterator[Page]:
        try:
            n = 0
            while True:
                n += 1
                yield Page(records=[], resume_token={"n": n})
        finally:
            closed.append(True)

    pages = prefetched(endless())
    assert next(pages).resume_token == {"n": 1}
    pages.close()
    assert closed == [True]
