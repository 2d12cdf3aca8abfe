"""`pmsgate customers …`: create customers and issue or revoke their API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, help="Customers and API keys")
err = Console(stderr=True)


def _session():  # type: ignore[no-untyped-def]
    from pmsgate.cli.server import migrate
    from pmsgate.kit.db import session_factory, unit_of_work

    migrate()
    return unit_of_work(session_factory())


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Customer name")],
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per minute (default from settings)")
    ] = None,
) -> None:
    """Create a customer; its new API key is the last line of output (shown once)."""
    from pmsgate.customers.service import create_customer
    from pmsgate.errors import PmsgateError

    try:
        with _session() as session:
            issued = create_customer(session, name, rate_limit_per_minute=rate_limit)
            customer_id, key_id = issued.customer.id, issued.api_key.id
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    typer.echo(
        f"customer {customer_id} created with key {key_id}; keep this API key, it is shown once:", err=True
    )
    typer.echo(issued.raw_key)


@app.command("list")
def list_customers() -> None:
    """List customers and their API keys (ids to revoke, prefixes, status)."""
    from pmsgate.customers.repository import CustomerRepository
    from pmsgate.models.customers import ApiKey

    rows = [("CUSTOMER", "NAME", "KEY", "KEY PREFIX", "STATUS", "CREATED", "LAST USED")]
    with _session() as session:
        repository = CustomerRepository.from_session(session)
        for customer in repository.all():
            keys = repository.keys_of(customer.id)
            listed: list[ApiKey | None] = [*sorted(keys, key=lambda k: k.created_at)] or [None]
            for key in listed:
                rows.append(
                    (
                        customer.id,
                        customer.name,
                        key.id if key else "-",
                        f"{key.key_prefix}…" if key else "-",
                        ("revoked" if key.revoked_at else "active") if key else "-",
                        _when(key.created_at if key else customer.created_at),
                        _when(key.last_used_at) if key else "-",
                    )
                )
    # Plain columns, never wrapped or cut: an id printed here is pasted into `revoke`.
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@app.command("issue-key")
def issue(customer_id: Annotated[str, typer.Argument(help="Customer id (cus_…)")]) -> None:
    """Issue another API key for a customer (last line of output, shown once)."""
    from pmsgate.customers.service import issue_key
    from pmsgate.errors import PmsgateError

    try:
        with _session() as session:
            issued = issue_key(session, customer_id)
            key_id = issued.api_key.id
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    typer.echo(f"key {key_id} issued; keep this API key, it is shown once:", err=True)
    typer.echo(issued.raw_key)


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="API key id (key_…), as `customers list` prints it")],
) -> None:
    """Revoke an API key: requests with it answer 401 from now on."""
    from pmsgate.customers.service import revoke_key
    from pmsgate.errors import PmsgateError

    try:
        with _session() as session:
            revoke_key(session, key_id)
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    typer.echo(f"key {key_id} revoked", err=True)


app.command("revoke-key", hidden=True)(revoke)  # the earlier name
