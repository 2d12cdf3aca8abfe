"""`pmsgate emulate <vendor>`: serve a vendor emulator alone. The first line of output is one
JSON object with the `base_url` and `credentials` an integration should use."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Serve PMS emulators")


@app.command("sample")
def sample(
    port: Annotated[int, typer.Option(help="Port (0: any free port)")] = 8100,
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    records: Annotated[int, typer.Option(help="Approximate number of residents to seed")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the deterministic data")] = 7,
) -> None:
    """Serve the sample PMS (vendors SAMPLE1/SAMPLE2)."""
    import time

    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread

    server = serve_in_thread(create_sample_app(records=records, seed=seed), host=host, port=port)
    typer.echo(json.dumps({"base_url": server.base_url, "credentials": {}}), nl=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
