"""The `pmsgate` command: one typer app, one module per command group."""

from __future__ import annotations

import typer

from pmsgate.cli import customers, emulate, server

app = typer.Typer(no_args_is_help=True, add_completion=False, help="pmsgate: unified PMS API")
app.add_typer(customers.app, name="customers")
app.add_typer(emulate.app, name="emulate")
app.command("serve")(server.serve)
app.command("worker")(server.worker)
app.command("migrate")(server.migrate)


def main() -> None:
    app()
