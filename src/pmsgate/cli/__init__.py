"""The `pmsgate` command: one typer app, one module per command group."""

from __future__ import annotations

from typing import Annotated

import typer

from pmsgate.cli import customers, emulate, integrations, jobs, server, sync

app = typer.Typer(no_args_is_help=True, add_completion=False, help="pmsgate: unified PMS API")


def _version(value: bool) -> None:
    if value:
        from pmsgate import __version__

        typer.echo(f"pmsgate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")
    ] = False,
) -> None:
    """pmsgate: unified PMS API."""


app.add_typer(customers.app, name="customers")
app.add_typer(integrations.app, name="integrations")
app.add_typer(jobs.app, name="jobs")
app.command("sync")(sync.sync)
app.command("serve")(server.serve)
app.command("worker")(server.worker)
app.command("migrate")(server.migrate)
app.command("emulate")(emulate.emulate)


@app.command("vendors")
def vendors() -> None:
    """Print the support matrix (vendor x model x read/write) as Markdown."""
    from pmsgate.connectors.matrix import render

    typer.echo(render(), nl=False)


def main() -> None:
    app()
