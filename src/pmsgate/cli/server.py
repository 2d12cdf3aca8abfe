"""`pmsgate serve`, `pmsgate worker`, `pmsgate migrate`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pmsgate.cli.processes import ApiProcesses, bound_socket
from pmsgate.kit.longlived import freeze_set_up_objects

if TYPE_CHECKING:
    from pmsgate.config import Settings

console = Console(stderr=True)


class _QuietEmulatorAccess(logging.Filter):
    """The embedded sample PMS's access lines are PMS requests: shown at DEBUG only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        path = str(args[2]) if len(args) > 2 else ""
        return not path.startswith("/_emulators/") or logging.getLogger().isEnabledFor(logging.DEBUG)


def _log_level() -> str:
    return os.environ.get("PMSGATE_LOG_LEVEL", "INFO").upper()


def _configure_logging() -> None:
    level = _log_level()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request line at INFO; pmsgate logs PMS requests itself, redacted, at DEBUG
    # (pmsgate.connectors.http), so httpx speaks only of problems unless DEBUG is asked for.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    logging.getLogger("uvicorn.access").addFilter(_QuietEmulatorAccess())


def _port_free(host: str, port: int) -> bool:
    try:
        bound_socket(host, port, share_port=False).close()
    except OSError:
        return False
    return True


def migrate() -> None:
    """Apply database migrations."""
    from pmsgate.config import get_settings
    from pmsgate.migrations import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.sqlalchemy_url)
    console.print("database is up to date")


def _migrate_apart() -> None:
    """`pmsgate migrate` in a child process. Alembic, the migration scripts and the template
    engine alembic loads (mako, which loads pygments' lexers when they are installed) would stay
    in this process for as long as it serves: ~14 MB of the embedded workers' process."""
    done = subprocess.run(
        [sys.executable, "-c", "from pmsgate.cli import main; main()", "migrate"], check=False
    )
    if done.returncode != 0:
        raise typer.Exit(done.returncode)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int | None, typer.Option(help="In-process worker threads (0: none)")] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            help="API processes (PMSGATE_WEB_CONCURRENCY); default 1 in the embedded mode, the CPU "
            "count in scale-out. Workers and scheduler still run once, in the parent process",
            min=1,
            max=64,
        ),
    ] = None,
) -> None:
    """Run the API: its own process(es), with the workers and the scheduler in this one
    (embedded mode: also the sample PMS, at /_emulators/sample)."""
    import uvicorn

    if not _port_free(host, port):
        console.print(f"pmsgate: cannot listen on {host}:{port}: the port is in use (try --port)")
        raise typer.Exit(1)
    os.environ["PMSGATE_HOST"] = host
    os.environ["PMSGATE_PORT"] = str(port)
    if workers is not None:
        os.environ["PMSGATE_WORKERS"] = str(workers)
    if processes is not None:
        os.environ["PMSGATE_WEB_CONCURRENCY"] = str(processes)
    from pmsgate.config import get_settings

    get_settings.cache_clear()
    _configure_logging()
    _migrate_apart()
    settings = get_settings()
    count = settings.api_processes
    if count > 1 or runs_workers(settings):
        # The API never shares an interpreter with the workers: a sync's or a write job's Python
        # held the GIL while a POST waited (accepting a write, p50 36 ms → 15-18 ms here).
        _serve_processes(settings, host, port, count)
        return
    from pmsgate.app import create_app

    console.print(f"pmsgate on http://{host}:{port} ({settings.mode}; data in {settings.data_dir.resolve()})")
    # uvicorn's own lines (one per request at INFO) follow PMSGATE_LOG_LEVEL like pmsgate's.
    app = create_app(settings, freeze_startup_objects=True)
    uvicorn.run(app, host=host, port=port, log_level=_log_level().lower())


def runs_workers(settings: Settings) -> bool:
    """Whether `pmsgate serve` runs the workers, the scheduler and the webhook lane itself."""
    return settings.run_workers_in_process and settings.workers > 0


def _serve_processes(settings: Settings, host: str, port: int, count: int) -> None:
    """`count` uvicorn processes answer HTTP on one port (cli/processes.py); this (parent)
    process runs what must run once: the workers and the scheduler
    (settings.run_workers_in_process), the webhook lane, and in the embedded mode with several
    API processes the sample PMS, on a loopback port of its own (an emulator's state lives in
    one process; a single API process mounts it at /_emulators/sample as always). What the API
    processes share goes through files or Redis: the rate limit counters (customers.ratelimit),
    the metrics (PROMETHEUS_MULTIPROC_DIR), the queue."""
    import shutil

    os.environ["PMSGATE_WEB_CONCURRENCY"] = str(count)  # the children share the rate limiter
    if settings.metrics_enabled and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = settings.data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)  # counts of a previous run
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)  # before prometheus_client loads
    emulator = None
    if settings.mode == "embedded" and count > 1:
        from pmsgate.emulators.registry import emulator as emulator_named
        from pmsgate.emulators.server import serve_in_thread

        emulator = serve_in_thread(emulator_named("sample").create_app(200, 7), "127.0.0.1", 0)
        os.environ["PMSGATE_EMBEDDED_SAMPLE_URL"] = emulator.base_url
    from pmsgate.worker.queue import HueyDispatcher
    from pmsgate.worker.runner import start_background

    stop = start_background(settings, HueyDispatcher(settings)) if runs_workers(settings) else None
    freeze_set_up_objects()  # this process runs until serve stops (kit/longlived.py)
    console.print(
        f"pmsgate on http://{host}:{port} ({settings.mode}, {count} API process{'es' if count > 1 else ''}; "
        f"data in {settings.data_dir.resolve()})"
    )
    try:
        ApiProcesses(host, port, count, _log_level().lower()).run()
    finally:
        if stop is not None:
            stop()
        if emulator is not None:
            emulator.stop()


def worker(
    threads: Annotated[int, typer.Option(help="Sync-lane threads in this process")] = 4,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve this process's Prometheus metrics on this port")
    ] = None,
) -> None:
    """Run a worker process (scale-out: many of these, on many machines). Its lanes: syncs
    (--threads), writes (PMSGATE_WRITE_WORKERS), data-access checks and periodic tasks.
    SIGTERM drains it within PMSGATE_WORKER_SHUTDOWN_SECONDS."""
    from pmsgate.config import get_settings
    from pmsgate.worker.queue import HueyDispatcher
    from pmsgate.worker.runner import run_until_signalled

    _configure_logging()
    settings = get_settings()
    dispatcher = HueyDispatcher(settings)
    if metrics_port is not None:
        from prometheus_client import start_http_server

        from pmsgate.metrics import registry_with
        from pmsgate.worker.observe import queue_collector

        start_http_server(
            metrics_port, addr=settings.host, registry=registry_with(queue_collector(dispatcher))
        )
    from pmsgate.webhooks.loop import start_delivery_loop

    webhooks = start_delivery_loop(settings)  # the webhook lane: its own threads in this process
    freeze_set_up_objects()  # a sync's full collections walked every object of the set-up
    run_until_signalled(settings, dispatcher, sync_threads=threads)
    webhooks.stop()
