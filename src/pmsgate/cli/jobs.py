"""`pmsgate jobs list|show`: write jobs, their errors and their native exchanges."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pmsgate.cli.store import open_session

app = typer.Typer(no_args_is_help=True, help="Write jobs")
STATUSES = ("PENDING", "RUNNING", "SUCCESS", "FAILURE", "PARTIAL_SUCCESS")


@app.command("list")
def list_jobs(
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(STATUSES)}")] = None,
    integration: Annotated[str | None, typer.Option(help="Only this integration's jobs (id)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The newest write jobs first."""
    from sqlalchemy import select

    from pmsgate.models.jobs import WriteJob

    if status is not None and status.upper() not in STATUSES:
        raise typer.BadParameter(f"must be one of {', '.join(STATUSES)}", param_hint="--status")
    table = Table("id", "integration", "operation", "status", "created", "errors")
    with open_session() as session:
        query = select(WriteJob).order_by(WriteJob.created_at.desc()).limit(limit)
        if status:
            query = query.where(WriteJob.status == status.upper())
        if integration:
            query = query.where(WriteJob.integration_id == integration)
        for job in session.scalars(query):
            created = job.created_at.isoformat(timespec="seconds")
            table.add_row(
                job.id, job.integration_id, job.operation, job.status, created, "; ".join(job.errors)
            )
    Console().print(table)


@app.command("show")
def show_job(job_id: Annotated[str, typer.Argument(help="Write job id")]) -> None:
    """One job: its request, outcome and each attempt's native exchange (credentials redacted)."""
    from sqlalchemy import select

    from pmsgate.models.jobs import JobLog, WriteJob

    console = Console()
    with open_session() as session:
        job = session.get(WriteJob, job_id)
        if job is None:
            Console(stderr=True).print(f"[red]write job {job_id} not found[/red]")
            raise typer.Exit(2)
        console.print(f"[bold]{job.id}[/bold] {job.operation} on {job.vendor} · [bold]{job.status}[/bold]")
        console.print(
            f"integration {job.integration_id} · created {job.created_at.isoformat(timespec='seconds')}"
        )
        if job.created_record_id:
            console.print(f"created record {job.created_record_id}")
        for error in job.errors:
            console.print(f"[red]error:[/red] {error}")
        if job.note:
            console.print(f"note: {job.note}")
        console.print_json(json.dumps(job.parameters, default=str))
        logs = session.scalars(select(JobLog).where(JobLog.job_id == job.id).order_by(JobLog.created_at))
        for log in logs:
            console.rule(f"attempt {log.id} · {log.status}")
            console.print_json(json.dumps(log.exchanges, default=str))
