"""The delivery lane: its own threads, apart from the sync and write workers.

One coordinator thread claims due deliveries in batches and hands them to senders: at most
`webhook_threads` coroutines on one asyncio thread, which only do HTTP (`webhooks.client`:
keep-alive connections, the outbound guard on each new one); the coordinator stores their
outcomes in batches (one transaction per round, not per delivery). So:
- syncs and writes never wait for a receiver: they only insert rows;
- a slow receiver holds at most `webhook_per_endpoint_concurrency` senders, and each round of
  claims starts at a different webhook, so other customers' deliveries keep flowing;
- the row is the truth: a claim is a conditional update with a lease, so a process killed
  mid-send loses nothing (the lease runs out and the delivery is sent again: at-least-once).
The coordinator wakes when this process commits events (`events.notify`), when a send
finishes, and at least every `webhook_poll_interval_seconds` (events committed elsewhere).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import socket
import threading
import time
from collections import Counter, deque
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from pmsgate.config import Settings, get_settings
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.timeutil import utcnow
from pmsgate.webhooks import events, outcomes, service
from pmsgate.webhooks.delivery_store import ClaimedDelivery, DeliveryStore
from pmsgate.webhooks.repository import WebhookRepository
from pmsgate.webhooks.sender import AttemptResult, Target, make_client, send

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 600.0
FLUSH_BATCH = 500
FLUSH_EVERY_SECONDS = 0.02
PREFETCH_FACTOR = 16


class DeliveryLoop:
    def __init__(self, factory: sessionmaker[Session], settings: Settings | None = None) -> None:
        self.factory = factory
        self.settings = settings or get_settings()
        self.threads = self.settings.webhook_threads
        self.per_webhook = self.settings.webhook_per_endpoint_concurrency
        # Claimed ahead of the senders, so a sender that finishes takes the next one at once
        # instead of waiting for a claim; small, so leases do not run out while rows wait.
        self.prefetch = self.per_webhook * PREFETCH_FACTOR
        self.client = make_client(
            self.settings.webhook_attempt_timeout_seconds,
            allow_private=self.settings.webhook_urls_may_be_private,
        )
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._results: queue.SimpleQueue[outcomes.Outcome] = queue.SimpleQueue()
        self._lock = threading.Lock()
        # Per webhook: claimed rows not yet handed to a sender, senders draining them, and
        # claimed rows whose outcome is not stored yet (queued + in flight + unflushed).
        self._waiting: dict[str, deque[tuple[ClaimedDelivery, float]]] = {}
        self._senders: Counter[str] = Counter()
        self._held: Counter[str] = Counter()
        self._turn = 0
        self._targets: dict[tuple[str, datetime, bool], Target] = {}
        self._target_of: dict[str, Target] = {}
        self._aloop: asyncio.AbstractEventLoop | None = None  # the senders' event loop, from start()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sender_thread: threading.Thread | None = None
        self._thread: threading.Thread | None = None
        self._next_release = 0.0
        self._next_prune = 0.0

    # lifecycle
    def start(self) -> DeliveryLoop:
        self._aloop = asyncio.new_event_loop()
        self._sender_thread = threading.Thread(
            target=self._aloop.run_forever, name="webhook-send", daemon=True
        )
        self._sender_thread.start()
        self._thread = threading.Thread(target=self._run, name="webhook-loop", daemon=True)
        events.add_listener(self.wake)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        events.remove_listener(self.wake)
        self._stop.set()
        with self._lock:
            self._waiting.clear()  # unsent claims: their leases run out and they go again
        self._wake.set()
        deadline = time.monotonic() + timeout
        if self._thread is not None:
            self._thread.join(timeout)
        aloop, sender, self._sender_thread = self._aloop, self._sender_thread, None
        if aloop is not None and sender is not None:
            # Sends in flight finish (within the attempt timeout); the rest is cancelled: those
            # rows stay DELIVERING until their lease runs out, then go again.
            ending = asyncio.run_coroutine_threadsafe(self._end_senders(), aloop)
            with contextlib.suppress(Exception):  # timed out: stop the loop anyway
                ending.result(max(0.1, deadline - time.monotonic()) + 1.0)
            aloop.call_soon_threadsafe(aloop.stop)
            sender.join(timeout)
            if not sender.is_alive():
                aloop.close()
        self._flush(everything=True)

    async def _end_senders(self) -> None:
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.settings.webhook_attempt_timeout_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self.client.close()

    def wake(self) -> None:
        self._wake.set()

    # the coordinator
    def _run(self) -> None:
        last_round = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            # At most one round per FLUSH_EVERY_SECONDS: outcomes arriving meanwhile share a commit.
            pause = last_round + FLUSH_EVERY_SECONDS - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            last_round = time.monotonic()
            try:
                self._flush()
                self._housekeeping()
                claimed = self._claim()
                self._start_senders()
            except Exception:  # keep the lane alive; the rows stay the truth
                log.exception("webhook delivery loop")
                claimed = 0
                time.sleep(1.0)
            if not claimed:
                self._wake.wait(self.settings.webhook_poll_interval_seconds)

    def _flush(self, everything: bool = False) -> None:
        """Store the outcomes that arrived since the last round: one transaction for up to
        FLUSH_BATCH of them (outcomes arriving meanwhile wait for the next round, unless
        `everything`)."""
        batch: list[outcomes.Outcome] = []
        while True:
            while len(batch) < FLUSH_BATCH:
                try:
                    batch.append(self._results.get_nowait())
                except queue.Empty:
                    break
            if not batch:
                return
            try:
                with unit_of_work(self.factory) as session:
                    outcomes.record(session, batch, self.settings, utcnow())
            finally:  # unrecorded rows stay DELIVERING until their lease runs out, then go again
                with self._lock:
                    for outcome in batch:
                        self._held[outcome.webhook_id] -= 1
            if not everything and len(batch) < FLUSH_BATCH:
                return
            batch = []

    def _housekeeping(self) -> None:
        clock = time.monotonic()
        if clock >= self._next_release:
            self._next_release = clock + max(0.5, min(5.0, 4 * self.settings.webhook_poll_interval_seconds))
            with unit_of_work(self.factory) as session:
                released = DeliveryStore.from_session(session).release_expired(utcnow())
            if released:
                log.warning("webhooks: %d deliveries whose sender stopped are due again", released)
        if clock >= self._next_prune:
            self._next_prune = clock + PRUNE_EVERY_SECONDS
            prune(self.factory, self.settings, utcnow())

    def _claim(self) -> int:
        with self._lock:
            held = dict(self._held)
        room = self.threads * PREFETCH_FACTOR - sum(held.values())
        if room <= 0:
            return 0
        now = utcnow()
        settings = self.settings
        lease_seconds = settings.webhook_attempt_timeout_seconds + settings.webhook_lease_margin_seconds
        lease = now + timedelta(seconds=lease_seconds)
        with unit_of_work(self.factory) as session:
            store = DeliveryStore.from_session(session)
            # Topped up every round (not only once half drained): when rounds are slow (a busy
            # database), the senders' queue still does not run dry between them.
            due = [w for w in store.due_webhooks(now) if held.get(w, 0) < self.prefetch]
            if not due:
                return 0
            self._turn = (self._turn + 1) % len(due)
            ids: list[str] = []
            for webhook_id in due[self._turn :] + due[: self._turn]:
                allowance = min(self.prefetch - held.get(webhook_id, 0), room - len(ids))
                if allowance > 0:
                    ids.extend(store.claim(webhook_id, now, allowance, lease))
                if len(ids) >= room:
                    break
            claimed = store.load(ids)
            targets = self._targets_for(store, claimed, now)
        # A row may wait for a sender only while its lease still covers a whole attempt.
        margin = settings.webhook_lease_margin_seconds
        send_by = time.monotonic() + margin - min(1.0, margin / 2)
        with self._lock:
            self._target_of.update(targets)
            for delivery in claimed:
                self._held[delivery.webhook_id] += 1
                self._waiting.setdefault(delivery.webhook_id, deque()).append((delivery, send_by))
        return len(claimed)

    def _start_senders(self) -> None:
        starting: list[str] = []
        with self._lock:
            running = sum(self._senders.values())
            for webhook_id, waiting in self._waiting.items():
                wanted = min(self.per_webhook, len(waiting))
                while self._senders[webhook_id] < wanted and running < self.threads:
                    self._senders[webhook_id] += 1
                    running += 1
                    starting.append(webhook_id)
        if starting and self._aloop is not None:
            self._aloop.call_soon_threadsafe(self._spawn, starting)

    def _spawn(self, webhook_ids: list[str]) -> None:
        assert self._aloop is not None
        for webhook_id in webhook_ids:
            task = self._aloop.create_task(self._drain(webhook_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _targets_for(
        self, store: DeliveryStore, claimed: list[ClaimedDelivery], now: datetime
    ) -> dict[str, Target]:
        """Each webhook's prepared target (URL, headers, signing keys), rebuilt only when the
        webhook changed or its previous secret's grace period ended."""
        versions = store.webhook_versions(sorted({d.webhook_id for d in claimed}))
        keys = {
            webhook_id: (webhook_id, updated_at, expiry is not None and expiry > now)
            for webhook_id, (updated_at, expiry) in versions.items()
        }
        missing = [webhook_id for webhook_id, key in keys.items() if key not in self._targets]
        if missing:
            if len(self._targets) > 10_000:
                self._targets.clear()
            for webhook_id, webhook in store.webhooks(missing).items():
                target = Target(
                    url=webhook.url,
                    headers=list(webhook.headers or []),
                    secrets=service.secrets_in_use(webhook, now),
                )
                expiry = webhook.previous_secret_expires_at
                self._targets[(webhook_id, webhook.updated_at, expiry is not None and expiry > now)] = target
        return {webhook_id: self._targets[key] for webhook_id, key in keys.items() if key in self._targets}

    async def _drain(self, webhook_id: str) -> None:
        """A sender: sends this webhook's waiting deliveries one after another until none wait."""
        while True:
            with self._lock:
                waiting = self._waiting.get(webhook_id)
                if not waiting or self._stop.is_set():
                    self._senders[webhook_id] -= 1
                    return
                delivery, send_by = waiting.popleft()
                target = self._target_of[webhook_id]
            if time.monotonic() > send_by:  # its lease may run out mid-send: let it be claimed again
                with self._lock:
                    self._held[webhook_id] -= 1
                continue
            await self._send(delivery, target)

    async def _send(self, delivery: ClaimedDelivery, target: Target) -> None:
        attempted_at = utcnow()
        try:
            result = await send(self.client, target, delivery.event_id, delivery.body)
        except Exception as exc:  # a bug must not strand the row: it is recorded as a failure
            log.exception("webhook send %s", delivery.delivery_id)
            result = AttemptResult(None, 0, f"internal error: {exc}"[:500], None)
        self._results.put(
            outcomes.Outcome(
                delivery.delivery_id, delivery.webhook_id, delivery.attempts, attempted_at, result
            )
        )
        self._wake.set()


def prune(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Retention: events (their deliveries go with them) and attempts older than the window."""
    before = now - timedelta(days=settings.event_retention_days)
    removed = 0
    while True:
        with unit_of_work(factory) as session:
            count = WebhookRepository.from_session(session).prune_events(before)
            count += DeliveryStore.from_session(session).prune_attempts(before)
        removed += count
        if count == 0:
            return removed


_running: list[DeliveryLoop] = []


def start_delivery_loop(settings: Settings | None = None) -> DeliveryLoop:
    """The hook `pmsgate serve` (embedded) and `pmsgate worker` call to run the lane."""
    loop = DeliveryLoop(session_factory(), settings).start()
    _running.append(loop)
    return loop
