"""`pmsgate customers …`: create customers and issue or revoke their API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

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
            customer_id = issued.customer.id
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    err.print(f"customer {customer_id} created; keep this API key, it is shown once:")
    typer.echo(issued.raw_key)


@app.command("list")
def list_customers() -> None:
    """List customers."""
    from pmsgate.customers.repository import CustomerRepository

    table = Table("id", "name", "created")
    with _session() as session:
        for customer in CustomerRepository.from_session(session).all():
            table.add_row(customer.id, customer.name, customer.created_at.isoformat())
    Console().print(table)


@app.command("issue-key")
def issue(customer_id: Annotated[str, typer.Argument(help="Customer id")]) -> None:
    """Issue another API key for a customer (last line of output)."""
    from pmsgate.customers.service import issue_key
    from pmsgate.errors import PmsgateError

    try:
        with _session() as session:
            issued = issue_key(session, customer_id)
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    typer.echo(issued.raw_key)


@app.command("revoke-key")
def revoke(key_id: Annotated[str, typer.Argument(help="API key id (key_…)")]) -> None:
    """Revoke an API key."""
    from pmsgate.customers.service import revoke_key
    from pmsgate.errors import PmsgateError

    try:
        with _session() as session:
            revoke_key(session, key_id)
    except PmsgateError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    err.print("revoked")
