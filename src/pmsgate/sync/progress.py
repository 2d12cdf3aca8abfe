"""A sync run's progress in numbers: records per model so far, the model in progress, records/s.
Shown by the console's live view and by `pmsgate sync --follow`."""

from __future__ import annotations

from typing import Any

from pmsgate.kit.timeutil import utcnow
from pmsgate.models.sync import SyncRun
from pmsgate.sync.states import RunStatus

LIVE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


def run_progress(run: SyncRun) -> dict[str, Any]:
    """The live view's numbers: per model records so far, the model in progress, records/s."""
    counts = run.counts or {}
    current = (run.checkpoint or {}).get("model") if run.status == RunStatus.RUNNING.value else None
    models = []
    total = 0
    for name in run.models:
        values = counts.get(name, {})
        records = sum(int(values.get(k, 0)) for k in ("new", "updated", "unchanged"))
        total += records
        models.append(
            {
                "model": name,
                "records": records,
                "new": int(values.get("new", 0)),
                "updated": int(values.get("updated", 0)),
                "note": values.get("note"),
                "state": "running" if name == current else _model_state(run, name, current),
            }
        )
    end = run.finished_at or utcnow()
    elapsed = (end - run.started_at).total_seconds() if run.started_at else 0.0
    return {
        "id": run.id,
        "status": run.status,
        "kind": run.kind,
        "models": models,
        "records": total,
        "elapsed_seconds": round(elapsed, 1),
        "records_per_second": round(total / elapsed, 1) if elapsed > 0 else 0.0,
        "errors": [{"model": e.get("model"), "error": e.get("error")} for e in (run.errors or [])][-20:],
        "error": run.error,
        "finished": run.status not in LIVE,
    }


def _model_state(run: SyncRun, name: str, current: str | None) -> str:
    failed = {e.get("model") for e in (run.errors or [])}
    if name in failed:
        return "failed"
    if run.status not in LIVE:
        return "done"
    if current is None or run.status == RunStatus.QUEUED.value:
        return "waiting"
    order = list(run.models)
    return "done" if order.index(name) < order.index(current) else "waiting"
