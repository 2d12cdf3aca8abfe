"""The sync run: every model in dependency order, page by page, pages committed with their
checkpoint so a run that dies resumes after the last committed page.

Pages are committed in batches of about `sync_commit_records` records, or after
`sync_commit_seconds` (one transaction holds several pages and the checkpoint of the last): a
commit per 250-record page was 18% of a first sync; the time bound keeps a slow PMS's run
checkpointing and heartbeating often. A crash loses only the open batch, which the resumed run
reads again. A page hook (tests) runs once its page is committed, so with a hook every page
commits alone. While a batch is written, the next page is already being fetched (one page
ahead, in a thread): the PMS's time to answer overlaps ours to store.

In a worker the run goes in slices: it parks itself (RUNNING with no worker, `run_after` set)
and raises Deferred when the PMS's budget says wait longer than a thread should sleep, or when
its lane asks it to yield (others are waiting, or the worker is stopping); the queue brings it
back at `run_after` and it resumes from the last committed page.

Per model the connector's errors are contained: a model that fails counts as a failed sub-job
and the run goes on with the next one (a charge stream failing must not stop payments), except
for AuthError, which fails the whole run at once. Memory stays flat: one page at a time.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pmsgate import metrics
from pmsgate.canonical.registry import SYNC_ORDER, Model, spec_for
from pmsgate.config import get_settings
from pmsgate.connectors import connect
from pmsgate.connectors.base import Connector, KnownPages, Page, ReadRequest
from pmsgate.connectors.errors import AuthError, ConnectorError, Throttled, Unreachable
from pmsgate.connectors.registry import definition_for
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.deferral import Deferred
from pmsgate.kit.ids import new_id
from pmsgate.kit.longlived import trim_heap
from pmsgate.kit.redact import Redactor, secret_values
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.integrations import Integration, PropertyConfiguration
from pmsgate.models.records import RECORD_TABLES
from pmsgate.models.sync import SyncRun
from pmsgate.sync.pages import PageDigests, Part, Reader
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.seen import SeenKeys, packed_keys
from pmsgate.sync.states import RunKind, RunStatus, check_transition
from pmsgate.sync.statistics import TableGrowth
from pmsgate.sync.upsert import PageStats, UpsertContext, upsert_records
from pmsgate.webhooks.events import record_sync_finished

log = logging.getLogger(__name__)
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


class RunInterrupted(Exception):
    """Raised by a page hook in tests to simulate a worker dying mid-run."""


PageHook = Callable[[Model, int], None]
ShouldYield = Callable[[], bool]


def execute_run(
    factory: sessionmaker[Session],
    run_id: str,
    *,
    builder: connect.ConnectorBuilder | None = None,
    page_hook: PageHook | None = None,
    max_wait: float | None = None,
    should_yield: ShouldYield | None = None,
) -> str | None:
    """Perform (or resume) a sync run. Returns its final status, or None if another worker
    holds it. With `max_wait` (seconds a request may wait for the PMS's budget) or
    `should_yield`, it may park the run and raise Deferred instead of finishing."""
    settings = get_settings()
    now = utcnow()
    stale_before = now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds)
    with unit_of_work(factory) as session:
        repository = SyncRepository.from_session(session)
        if not repository.claim(run_id, f"{WORKER_NAME}:{threading.get_ident()}", now, stale_before):
            return None
        run = repository.get(run_id)
        assert run is not None
        integration = repository.integration(run.integration_id)
        assert integration is not None
        snapshot = _RunSnapshot.of(run, integration)
        try:
            context: connect.ConnectorContext | None = connect.context_for(integration)
            setup_error = None
        except Exception as exc:  # the run row must say why it could not start, not stay claimed
            context, setup_error = None, str(exc)

    try:
        if context is None:
            raise RuntimeError(setup_error)
        connector = (builder or connect.default_builder)(context)
    except Exception as exc:
        secrets = (
            secret_values(definition_for(context.vendor).credentials_model, context.credentials)
            if context is not None
            else []
        )
        message = Redactor(secrets).text(f"cannot set up the connector: {exc}")
        return _finish_run(factory, snapshot, message, auth_failure=False)
    http = getattr(connector, "http", None)
    assert context is not None
    waits = _SliceWaits(http, max_wait, context.budget.requests, context.budget.per_seconds)
    if http is not None:
        http.vendor = snapshot.vendor
    growth = TableGrowth(factory.kw["bind"], settings.sync_analyze_rows)
    try:
        final = _run_models(factory, snapshot, connector, growth, page_hook, should_yield, waits)
    finally:
        connector.close()
        growth.close()  # the analyses under way end with the slice
    return final


class _SliceWaits:
    """How this slice waits for the PMS's budget, so that a parked run makes progress.

    A resumed slice often spends its first token on a login; with a wait per request longer
    than a thread may sleep, the page request after it parked the run again, every time: woken
    on schedule forever, never storing a page. So a slice that parks before its first page asks
    to be woken `stalls` request intervals later than the budget says (the bucket then holds
    the login's token and the page's), and with a budget of one request (no bucket to fill)
    its first request may sleep one interval instead of parking."""

    def __init__(self, http: Any, max_wait: float | None, requests: float, per_seconds: float) -> None:
        self.http, self.max_wait = http, max_wait
        self.interval = per_seconds / max(requests, 1.0)
        self.first = max_wait
        if max_wait is not None and requests < 2:
            self.first = max(max_wait, self.interval * 1.05 + 0.05)
        self.stored = False

    def starting(self) -> None:
        if self.http is not None and self.first is not None:
            self.http.max_wait = self.first

    def progressed(self) -> None:
        self.stored = True
        if self.http is not None and self.max_wait is not None:
            self.http.max_wait = self.max_wait

    def park_after(self, retry_after: float, stalls: int) -> float:
        """Seconds until the run is woken, after `stalls` slices in a row without a page."""
        return retry_after + min(stalls, 10) * self.interval


class _RunSnapshot:
    """What the run needs from its rows, read once so no ORM object outlives its session."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    run_id: str
    integration_id: str
    vendor: str
    kind: str
    models: list[str]
    window_start: datetime | None
    modified_since: datetime | None
    is_first_sync: bool
    checkpoint: dict[str, Any] | None
    started_at: datetime

    @classmethod
    def of(cls, run: SyncRun, integration: Integration) -> _RunSnapshot:
        return cls(
            run_id=run.id,
            integration_id=integration.id,
            vendor=integration.vendor,
            kind=run.kind,
            models=list(run.models),
            window_start=run.window_start,
            modified_since=run.modified_since,
            is_first_sync=run.is_first_sync,
            checkpoint=dict(run.checkpoint) if run.checkpoint else None,
            started_at=run.started_at or utcnow(),
        )


def _run_models(
    factory: sessionmaker[Session],
    snap: _RunSnapshot,
    connector: Connector,
    growth: TableGrowth,
    page_hook: PageHook | None,
    should_yield: ShouldYield | None = None,
    waits: _SliceWaits | None = None,
) -> str:
    settings = get_settings()
    waits = waits or _SliceWaits(None, None, 1.0, 0.0)
    waits.starting()
    supported = connector.supported_models()
    ordered = [m for m in SYNC_ORDER if m.value in snap.models]
    resume_model = snap.checkpoint.get("model") if snap.checkpoint else None
    start_index = next((i for i, m in enumerate(ordered) if m.value == resume_model), 0)
    if snap.checkpoint and resume_model is None:  # every model was done before the worker died
        start_index = len(ordered)
    fatal: str | None = None
    credentials_refused = False
    for model in ordered[start_index:]:
        token = snap.checkpoint.get("token") if snap.checkpoint and model.value == resume_model else None
        if model not in supported:
            _finish_model(factory, snap.run_id, model, ok=True, note="not offered by this vendor")
            continue
        disabled = _disabled(factory, snap.integration_id)
        # A read of every record from the first page (not resumed mid-model, not incremental)
        # keeps the keys it saw instead of writing them, and sets the model's stamp at its end;
        # it is told the pages the last such read met (sync/pages.py).
        seen = _seen_keys(factory, snap, model, token)
        known, stamp = _offered(factory, snap, model, disabled) if seen is not None else (None, None)
        request = ReadRequest(
            model=model,
            modified_since=snap.modified_since,
            window_start=snap.window_start if spec_for(model).windowed else None,
            resume_token=token,
            page_size=settings.sync_page_size,
            known_pages=known,
        )
        batch = _Batch(
            factory,
            snap,
            disabled,
            settings.sync_commit_records,
            settings.sync_commit_seconds,
            growth,
            seen,
            stamp,
        )
        pages = prefetched(connector.stream(request))
        try:
            for number, page in enumerate(pages, start=1):
                batch.add(model, page)
                waits.progressed()
                if page_hook is not None:
                    batch.commit()
                    page_hook(model, number)
                # Yield only where the checkpoint resumes mid-model (a final page has no token).
                if page.resume_token is not None and should_yield is not None and should_yield():
                    batch.commit()  # the checkpoint (and seen keys) the parked run resumes from
                    _park(factory, snap.run_id, 0.0)
                    raise Deferred(0.0, "yielded its slice")
            batch.commit()
            _close_read(factory, snap, model, seen)
            _finish_model(factory, snap.run_id, model, ok=True)
            # Between models is a resume point too (the checkpoint names the next model).
            if model is not ordered[-1] and should_yield is not None and should_yield():
                _park(factory, snap.run_id, 0.0)
                raise Deferred(0.0, "yielded its slice")
        except Throttled as exc:
            batch.commit()  # the pages read before the wait are whole; park after them
            stalls = 0 if waits.stored else int((snap.checkpoint or {}).get("stalls", 0)) + 1
            delay = waits.park_after(exc.retry_after, stalls)
            _park(factory, snap.run_id, delay, stalls=stalls, model=model)
            raise Deferred(delay, exc.message) from None
        except (AuthError, Unreachable) as exc:
            # Every later model would fail the same way: stop here rather than hold a worker
            # through each model's retries (an unreachable PMS cost a minute and more a run).
            batch.commit()  # the pages read before the error are whole and valid
            _bump_seen(factory, snap, model, seen)
            fatal = exc.message
            credentials_refused = isinstance(exc, AuthError)
            _finish_model(factory, snap.run_id, model, ok=False, note=exc.message)
            break
        except ConnectorError as exc:
            batch.commit()
            _bump_seen(factory, snap, model, seen)
            log.warning("sync %s: model %s failed: %s", snap.run_id, model, exc.message)
            _finish_model(factory, snap.run_id, model, ok=False, note=exc.message)
        finally:
            pages.close()  # stops the fetching thread before the connector is used again
            batch.close()  # rolls back what was not committed (a crash: read again on resume)
            trim_heap()  # the read's peak is not the floor of the next one's
    return _finish_run(factory, snap, fatal, auth_failure=credentials_refused)


def _seen_keys(
    factory: sessionmaker[Session], snap: _RunSnapshot, model: Model, token: Any
) -> SeenKeys | None:
    """The seen keys of this read of `model`: new for a read from its first page of every
    record (no `modified_since`), those saved by the run's earlier slices for a read resumed
    mid-model; None (rows bumped as they are seen) for an incremental read or a resumed one
    whose earlier slices kept none."""
    if snap.modified_since is not None:
        return None
    if token is None:
        return SeenKeys(utcnow())
    with unit_of_work(factory) as session:
        return SyncRepository.from_session(session).load_seen(snap.run_id, model.value)


def _offered(
    factory: sessionmaker[Session], snap: _RunSnapshot, model: Model, disabled: frozenset[str]
) -> tuple[KnownPages, datetime | None]:
    with unit_of_work(factory) as session:
        return PageDigests.from_session(session).offered(
            snap.integration_id, model.value, snap.vendor, disabled
        )


def _close_read(
    factory: sessionmaker[Session], snap: _RunSnapshot, model: Model, seen: SeenKeys | None
) -> None:
    """A complete read of `model` ended: its unseen rows, its stamp and its pages, in one
    transaction."""
    if seen is None:
        return
    with unit_of_work(factory) as session:
        repository = SyncRepository.from_session(session)
        marked = repository.close_read(RECORD_TABLES[model], snap.integration_id, snap.run_id, seen)
        repository.drop_seen(snap.run_id, model.value)
        seen.release()  # before the page check: the two peaks would add up
        PageDigests.from_session(session).close(snap.integration_id, Reader(model.value, seen.started))
    if marked:
        log.info("sync %s: %d %s rows not seen by this read keep their last_seen", snap.run_id, marked, model)


def _bump_seen(
    factory: sessionmaker[Session], snap: _RunSnapshot, model: Model, seen: SeenKeys | None
) -> None:
    """A read that ends before its model's last page (the model failed): no stamp without a
    complete read, so the rows it saw unchanged get `last_seen` = the read's start."""
    if seen is None:
        return
    with unit_of_work(factory) as session:
        repository = SyncRepository.from_session(session)
        if len(seen):
            repository.bump_seen(RECORD_TABLES[model], snap.integration_id, snap.run_id, seen)
        repository.drop_seen(snap.run_id, model.value)


def _park(
    factory: sessionmaker[Session], run_id: str, delay: float, *, stalls: int = 0, model: Model | None = None
) -> None:
    """Hand the run back: still RUNNING, held by no worker, to continue after `delay` seconds.
    `stalls`: slices in a row that parked before storing a page (kept in the checkpoint, which
    the next stored page replaces)."""
    now = utcnow()
    with unit_of_work(factory) as session:
        run = SyncRepository.from_session(session).get(run_id)
        assert run is not None
        run.worker = None
        run.heartbeat_at = now
        run.run_after = now + timedelta(seconds=delay)
        if stalls and model is not None:
            checkpoint = dict(run.checkpoint) if run.checkpoint else {"model": model.value, "token": None}
            run.checkpoint = {**checkpoint, "stalls": stalls}


def _disabled(factory: sessionmaker[Session], integration_id: str) -> frozenset[str]:
    """Ids of the properties whose data is not ingested (admin property configurations)."""
    with unit_of_work(factory) as session:
        x_ids = SyncRepository.from_session(session).disabled_x_property_ids(integration_id)
    spec = spec_for(Model.PROPERTIES)
    return frozenset(spec.id_for(integration_id, x) for x in x_ids)


class _Batch:
    """Pages of one model in one open transaction, committed with the last page's checkpoint."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        snap: _RunSnapshot,
        disabled: frozenset[str],
        limit: int,
        seconds: float,
        growth: TableGrowth,
        seen: SeenKeys | None = None,
        stamp: datetime | None = None,
    ) -> None:
        self.factory, self.snap, self.disabled, self.limit = factory, snap, disabled, limit
        self.seconds, self.growth, self.seen, self.stamp = seconds, growth, seen, stamp
        self.added: Counter[str] = Counter()  # rows inserted by the open transaction, per model
        self.model: str | None = None
        self.session: Session | None = None
        self.pending = 0
        self.opened = 0.0
        self.unstored: frozenset[Model] | None = None
        self.held: set[str] | None = None  # see UpsertContext.held

    def add(self, model: Model, page: Page) -> None:
        self.model = model.value
        if self.session is None:
            self.session = self.factory()
            self.opened = time.monotonic()
        session = self.session
        now = utcnow()
        reader = Reader(model.value, self.seen.started) if self.seen is not None else None
        stats = self._known(session, model, page, reader)
        if stats is None:
            if page.mapping is not None:  # its rows were written since: mapped after all
                records, skipped = page.mapping()
                page = replace(page, records=records, skipped=skipped, mapping=None)
            ctx = UpsertContext(
                integration_id=self.snap.integration_id,
                now=now,
                job_id=self.snap.run_id,
                record_diffs=not self.snap.is_first_sync,
                disabled_property_ids=self.disabled,
                seen=self.seen,
                reader=reader,
                unstored=self._unstored(session),
                held=self._held(session, reader),
            )
            stats = upsert_records(session, ctx, page.records)
            if reader is not None and page.digest is not None and not page.skipped:
                parts = [
                    Part(m, packed_keys(ids), stats.skipped.get(m, 0)) for m, ids in stats.stored.items()
                ]
                PageDigests.from_session(session).record(self.snap.integration_id, reader, page.digest, parts)
        metrics.page_synced(self.snap.vendor, stats)
        if stats.new_property_ids:
            _configure_new_properties(session, self.snap.integration_id, stats, now)
        run = SyncRepository.from_session(session).get(self.snap.run_id)
        assert run is not None
        run.checkpoint = {"model": model.value, "token": page.resume_token}
        run.heartbeat_at = now
        run.counts = _merge_counts(run.counts, stats, page)
        if page.skipped:
            run.errors = [*run.errors, *({"model": model.value, **s} for s in page.skipped)][-200:]
        session.flush()
        self.added.update(stats.new)
        self.pending += stats.rows()
        if self.pending >= self.limit or time.monotonic() - self.opened >= self.seconds:
            self.commit()

    def _unstored(self, session: Session) -> frozenset[Model]:
        """Of a first sync, the models with no row of the integration when this read began."""
        if self.unstored is None:
            self.unstored = (
                SyncRepository.from_session(session).empty_models(self.snap.integration_id)
                if self.snap.is_first_sync
                else frozenset()
            )
        return self.unstored

    def _held(self, session: Session, reader: Reader | None) -> set[str] | None:
        if reader is None:
            return None
        if self.held is None:
            self.held = PageDigests.from_session(session).held_by_others(self.snap.integration_id, reader)
        return self.held

    def _known(self, session: Session, model: Model, page: Page, reader: Reader | None) -> PageStats | None:
        """A page left unmapped as one the last complete read met: its stored keys join the
        seen set and it is recorded for this read. None when its digest was dropped since the
        read began (the page is mapped after all)."""
        if page.mapping is None or page.digest is None or reader is None or self.stamp is None:
            return None
        assert self.seen is not None
        digests = PageDigests.from_session(session)
        parts = digests.parts(self.snap.integration_id, model.value, self.stamp, page.digest)
        if not parts:
            return None
        stats = PageStats()
        for part in parts:
            self.seen.add_packed(part.packed)
            keys_model = Model(part.keys_model)
            stats.unchanged[keys_model] += part.rows
            if part.skipped:
                stats.skipped[keys_model] += part.skipped
        digests.record(self.snap.integration_id, reader, page.digest, parts)
        return stats

    def commit(self) -> None:
        if self.session is not None:
            if self.seen is not None and self.model is not None:  # the keys go with their pages
                SyncRepository.from_session(self.session).save_seen(self.snap.run_id, self.model, self.seen)
            self.session.commit()
            self.session.close()
            self.session = None
            self.growth.committed(self.added)
        self.added.clear()
        self.pending = 0

    def close(self) -> None:
        self.added.clear()
        if self.session is not None:
            self.session.rollback()
            self.session.close()
            self.session = None


_DONE = object()


def _hand_over(channel: queue.Queue[Any], item: Any, stop: threading.Event) -> None:
    """Put `item` on `channel` as soon as it has room, unless `stop` is set first."""
    while not stop.is_set():
        try:
            channel.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def prefetched(pages: Iterator[Page], ahead: int = 1) -> Generator[Page, None, None]:
    """The pages of `pages`, fetched in a thread `ahead` pages in advance of their consumer.

    The connector is used by that thread alone while the stream lasts. An error of the stream
    is raised to the consumer at the page where it happened; a consumer that stops early stops
    the thread (and closes the stream) before returning.
    """
    channel: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                _hand_over(channel, page, stop)
                if stop.is_set():
                    return
            item: Any = _DONE
        except BaseException as exc:  # handed to the consumer, raised there
            item = exc
        finally:
            close = getattr(pages, "close", None)
            if stop.is_set() and close is not None:
                close()
        _hand_over(channel, item, stop)

    thread = threading.Thread(target=produce, name="sync-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = channel.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _configure_new_properties(session: Session, integration_id: str, stats: PageStats, now: datetime) -> None:
    repository = SyncRepository.from_session(session)
    integration = repository.integration(integration_id)
    assert integration is not None
    ids = [pid for pid, _ in stats.new_property_ids]
    known = repository.known_property_ids(integration_id, ids)
    for property_id, x_id in stats.new_property_ids:
        if property_id not in known:
            repository.add(
                PropertyConfiguration(
                    id=new_id("pcfg"),
                    integration_id=integration_id,
                    property_id=property_id,
                    x_property_id=x_id,
                    enabled=integration.new_properties_are_enabled,
                    created_at=now,
                )
            )


def _merge_counts(counts: dict[str, Any], stats: PageStats, page: Page) -> dict[str, Any]:
    merged = {model: dict(values) for model, values in (counts or {}).items()}
    for kind in ("new", "updated", "unchanged", "skipped"):
        for model, count in getattr(stats, kind).items():
            merged.setdefault(str(model), {}).setdefault(kind, 0)
            merged[str(model)][kind] += count
    if page.skipped:
        for item in page.skipped:
            key = str(item.get("model", "malformed"))
            merged.setdefault(key, {}).setdefault("malformed", 0)
            merged[key]["malformed"] += 1
    return merged


def _finish_model(
    factory: sessionmaker[Session], run_id: str, model: Model, *, ok: bool, note: str | None = None
) -> None:
    with unit_of_work(factory) as session:
        run = SyncRepository.from_session(session).get(run_id)
        assert run is not None
        next_models = [m for m in SYNC_ORDER if m.value in run.models]
        index = next_models.index(model)
        following = next_models[index + 1].value if index + 1 < len(next_models) else None
        run.checkpoint = {"model": following, "token": None}
        run.heartbeat_at = utcnow()
        if ok:
            run.successful_job_count += 1
        else:
            run.failed_job_count += 1
            run.errors = [*run.errors, {"model": model.value, "error": note}][-200:]
        if note and ok:
            run.counts = {**run.counts, model.value: {"note": note}}


def _finish_run(
    factory: sessionmaker[Session], snap: _RunSnapshot, fatal: str | None, *, auth_failure: bool = True
) -> str:
    now = utcnow()
    with unit_of_work(factory) as session:
        run = SyncRepository.from_session(session).get(snap.run_id)
        integration = SyncRepository.from_session(session).integration(snap.integration_id)
        assert run is not None and integration is not None
        if fatal or (run.failed_job_count and not run.successful_job_count):
            status = RunStatus.FAILED
        elif run.failed_job_count:
            status = RunStatus.PARTIAL
        else:
            status = RunStatus.COMPLETED
        check_transition(run.status, status)
        run.status = status
        run.finished_at = now
        run.error = fatal or (
            "; ".join(e.get("error") or "" for e in run.errors if e.get("error"))[:2000] or None
        )
        if fatal and auth_failure:
            integration.can_authenticate = False
        if status is RunStatus.FAILED:
            log.warning("sync %s of integration %s FAILED: %s", snap.run_id, snap.integration_id, run.error)
        elif status is RunStatus.PARTIAL:
            log.warning("sync %s of integration %s PARTIAL: %s", snap.run_id, snap.integration_id, run.error)
        if status in (RunStatus.COMPLETED, RunStatus.PARTIAL):
            integration.can_authenticate = True
            if run.kind == RunKind.BACK:
                integration.last_completed_back_sync = now
            integration.last_completed_sync = now
            if status == RunStatus.COMPLETED and set(run.models) >= {m.value for m in SYNC_ORDER}:
                # The next incremental sync asks for changes since this run started.
                integration.last_sync_cursor = snap.started_at
            integration.first_sync_completed = True
        record_sync_finished(session, run, integration, status.value)  # in the finish's transaction
        started = run.started_at or snap.started_at
    metrics.SYNC_RUNS.labels(snap.vendor, status.value).inc()
    metrics.SYNC_DURATION.labels(snap.vendor, status.value).observe((now - started).total_seconds())
    return status.value
