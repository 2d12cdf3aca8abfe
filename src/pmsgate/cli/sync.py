"""`pmsgate sync INTEGRATION_ID [--back-sync] [--follow] [--inline]`: start a sync and watch it,
model by model (records, rate, elapsed), ending with a summary table."""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from pmsgate.cli.store import open_session

err = Console(stderr=True)
_POLL_SECONDS = 0.5
_QUEUED_HINT_SECONDS = 15


def sync(
    integration_id: Annotated[str, typer.Argument(help="Integration id")],
    back_sync: Annotated[bool, typer.Option("--back-sync", help="Read the whole ledger history")] = False,
    follow: Annotated[bool, typer.Option("--follow", help="Show progress until the run ends")] = False,
    inline: Annotated[
        bool, typer.Option("--inline", help="Run the sync in this process instead of on a worker")
    ] = False,
) -> None:
    """Queue a sync of an integration (or join the one already running) and optionally follow it."""
    run_id = _start(integration_id, back_sync, queue=not inline)
    typer.echo(run_id)
    worker = None
    if inline:
        worker = threading.Thread(target=_run_here, args=(run_id,), daemon=True)
        worker.start()
    if follow or inline:
        status = _follow(run_id)
        if worker is not None:
            worker.join()
        raise typer.Exit(0 if status == "COMPLETED" else 1)


def _start(integration_id: str, back_sync: bool, *, queue: bool) -> str:
    from pmsgate.config import get_settings
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.dispatch import RecordingDispatcher
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    dispatcher: Any = RecordingDispatcher()
    if queue:
        from pmsgate.worker.queue import HueyDispatcher

        dispatcher = HueyDispatcher(get_settings())
    with open_session() as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        if integration is None or integration.is_archived:
            err.print(f"[red]integration {integration_id} not found[/red]")
            raise typer.Exit(2)
        run = request_sync(session, integration, RunKind.BACK if back_sync else RunKind.MANUAL, dispatcher)
        return run.id


def _run_here(run_id: str) -> None:
    from pmsgate.kit.db import session_factory
    from pmsgate.sync.engine import execute_run

    execute_run(session_factory(), run_id)


def _snapshot(run_id: str) -> dict[str, Any]:
    from pmsgate.models.sync import SyncRun
    from pmsgate.sync.progress import run_progress

    with open_session() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run_progress(run)


def _table(progress: dict[str, Any], final: bool) -> Table:
    title = (
        f"{progress['id']} · {progress['status']} · {progress['records']:,} records · "
        f"{progress['records_per_second']:,} records/s · {progress['elapsed_seconds']} s"
    )
    table = Table("model", "state", "records", "new", "updated", title=title, title_justify="left")
    for model in progress["models"]:
        table.add_row(
            model["model"],
            model["state"],
            f"{model['records']:,}",
            f"{model['new']:,}",
            f"{model['updated']:,}",
        )
    if final:
        for error in progress["errors"]:
            table.add_row(str(error["model"]), "[red]failed[/red]", "", "", str(error["error"])[:80])
    return table


def _follow(run_id: str) -> str:
    started = time.monotonic()
    hinted = False
    progress = _snapshot(run_id)
    with Live(_table(progress, False), console=err, refresh_per_second=4, transient=True) as live:
        while not progress["finished"]:
            time.sleep(_POLL_SECONDS)
            progress = _snapshot(run_id)
            live.update(_table(progress, False))
            waited = time.monotonic() - started
            if progress["status"] == "QUEUED" and waited > _QUEUED_HINT_SECONDS and not hinted:
                hinted = True
                live.console.print(
                    "[yellow]no worker has taken this run yet: is `pmsgate serve` or `pmsgate worker` "
                    "running? (`--inline` runs it here)[/yellow]"
                )
    Console().print(_table(progress, True))
    if progress.get("error"):
        err.print(f"[red]{progress['error']}[/red]")
    return str(progress["status"])
