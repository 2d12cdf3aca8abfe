"""`pmsgate emulate <name>`: serve a PMS emulator alone. The first line of output is one JSON
object with the `base_url` and `credentials` an integration should use to reach it."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer


def emulate(
    name: Annotated[str, typer.Argument(help="Which emulator: sample, buildium, rentmanager, rentvine, …")],
    port: Annotated[int, typer.Option(help="Port (0: any free port)")] = 8100,
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    records: Annotated[int, typer.Option(help="Approximate number of residents to seed")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the deterministic data")] = 7,
) -> None:
    """Serve a PMS emulator (for demos, tests and benchmarks)."""
    from pmsgate.emulators.registry import emulator, names
    from pmsgate.emulators.server import serve_in_thread

    try:
        definition = emulator(name)
    except KeyError:
        typer.echo(f"unknown emulator {name!r}; known: {', '.join(names())}", err=True)
        raise typer.Exit(2) from None
    app = definition.create_app(records, seed)
    try:
        server = serve_in_thread(app, host=host, port=port)
    except OSError as exc:
        typer.echo(f"pmsgate emulate: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    payload = {"base_url": server.base_url + definition.base_path, "credentials": definition.credentials(app)}
    typer.echo(json.dumps(payload), nl=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
