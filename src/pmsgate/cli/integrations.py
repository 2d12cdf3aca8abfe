"""`pmsgate integrations list`: every integration with its vendor, state and last sync."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pmsgate.cli.store import open_session

app = typer.Typer(no_args_is_help=True, help="Integrations")


@app.command("list")
def list_integrations(
    customer: Annotated[str | None, typer.Option(help="Only this customer's integrations (id)")] = None,
) -> None:
    """List integrations (all customers unless --customer)."""
    from sqlalchemy import select

    from pmsgate.models.integrations import Integration

    table = Table("id", "customer", "name", "vendor", "active", "last completed sync")
    with open_session() as session:
        query = select(Integration).where(Integration.is_archived.is_(False)).order_by(Integration.created_at)
        if customer:
            query = query.where(Integration.customer_id == customer)
        for row in session.scalars(query):
            last = (
                row.last_completed_sync.isoformat(timespec="seconds") if row.last_completed_sync else "never"
            )
            table.add_row(row.id, row.customer_id, row.name, row.vendor, "yes" if row.active else "no", last)
    Console().print(table)
