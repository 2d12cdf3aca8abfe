"""Starting sync runs: at most one live run per integration, whoever asks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.config import get_settings
from pmsgate.errors import BadRequest
from pmsgate.kit.dispatch import Dispatcher, dispatch_after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.integrations import Integration
from pmsgate.models.sync import SyncRun
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.states import RunKind, RunStatus

_MODEL_ALIASES = {m.value.replace("_", "-"): m for m in SYNC_ORDER} | {m.value: m for m in SYNC_ORDER}


def parse_models(names: Sequence[str] | None) -> list[Model]:
    if not names:
        return list(SYNC_ORDER)
    chosen = []
    for index, name in enumerate(names):
        model = _MODEL_ALIASES.get(str(name).lower())
        if model is None:
            known = ", ".join(m.value for m in SYNC_ORDER)
            raise BadRequest.field(
                ["models_to_sync", index], f"unknown model {name!r}; known models: {known}"
            )
        chosen.append(model)
    return [m for m in SYNC_ORDER if m in chosen]


def request_sync(
    session: Session,
    integration: Integration,
    kind: RunKind,
    dispatcher: Dispatcher,
    models: Sequence[Model] | None = None,
    *,
    full: bool = False,
) -> SyncRun:
    """Queue a run, or return the integration's live run if one exists already. `full` asks
    for every record instead of the changes since the last sync (after enabling a property)."""
    repository = SyncRepository.from_session(session)
    live = repository.live_run(integration.id)
    if live is not None:
        return live
    settings = get_settings()
    now = utcnow()
    first = not integration.first_sync_completed
    if kind is RunKind.BACK:
        window_start, modified_since = now - timedelta(days=365 * settings.back_sync_years), None
    else:
        window_start = now - timedelta(days=settings.sync_lookback_days)
        modified_since = (
            None
            if first or full or integration.last_sync_cursor is None
            else integration.last_sync_cursor - timedelta(seconds=settings.sync_overlap_seconds)
        )
    run = SyncRun(
        id=new_id("job"),
        integration_id=integration.id,
        kind=(RunKind.FIRST if first and kind is not RunKind.BACK else kind).value,
        status=RunStatus.QUEUED.value,
        models=[m.value for m in (models or SYNC_ORDER)],
        window_start=window_start,
        modified_since=modified_since,
        is_first_sync=first,
        counts={},
        errors=[],
    )
    try:
        with session.begin_nested():
            repository.add(run)
    except IntegrityError:  # another request queued one between our check and insert
        live = repository.live_run(integration.id)
        if live is None:
            raise
        return live
    run_id = run.id
    dispatch_after_commit(session, lambda: dispatcher.sync_run(run_id))
    return run
