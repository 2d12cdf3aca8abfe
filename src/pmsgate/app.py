"""create_app(): settings, database, queue, middleware, error handlers, routers.

In the embedded mode the same process also hosts the workers, the scheduler and the sample
PMS emulator (at /_emulators/sample), so one command runs everything.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI

from pmsgate import __version__, handlers
from pmsgate.config import Settings, get_settings
from pmsgate.customers.ratelimit import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    SharedFileRateLimiter,
)
from pmsgate.customers.service import KEY_CACHE
from pmsgate.kit.db import session_factory, statement_sessionmaker
from pmsgate.kit.deps import refuse_nul
from pmsgate.kit.longlived import freeze_set_up_objects
from pmsgate.middleware import BodyLimitMiddleware, MetricsMiddleware, RateLimitHeadersMiddleware
from pmsgate.openapi import customize as customize_openapi

log = logging.getLogger(__name__)

DESCRIPTION = """Unified API for property-management systems, compatible with Propexo's public API.
Authenticate with `Authorization: Bearer <API key>`. Lists answer `{meta, results}`."""


def _rate_limiter(settings: Settings) -> RateLimiter:
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url)
    # The API processes of one `pmsgate serve` share one count; `serve` sets web_concurrency for
    # them. An app made otherwise (tests, an ASGI server of the operator's) counts on its own.
    if (settings.web_concurrency or 1) > 1:
        return SharedFileRateLimiter(settings.data_dir / "ratelimits.bin")
    return MemoryRateLimiter()


async def warm_up(app: FastAPI) -> None:
    """Before the first request: the OpenAPI document and one unauthenticated GET of every
    list route, in process. FastAPI builds a route's state on its first request per app
    instance and SQLAlchemy compiles a statement on its first use (the key lookup here);
    without this the first requests after a start paid them. Best effort: a failure here
    (say, a database not migrated yet) is logged and the app starts; requests then say why."""
    import httpx

    paths = [
        path
        for path, operations in app.openapi()["paths"].items()  # built once, served later too
        if "get" in operations and path.startswith("/v1/") and "{" not in path
    ]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
            for path in paths:
                await client.get(path, headers={"Authorization": "Bearer warm-up"})
    except Exception as exc:  # the warm-up only saves time; it never stops a start
        log.warning("warm-up stopped early (%s); the first requests will be slower", type(exc).__name__)


def web_process_app() -> FastAPI:
    """One of the API processes of `pmsgate serve`: HTTP only; the parent process runs the
    workers and the scheduler. The embedded sample PMS keeps its state in one process: the
    only API process mounts it, or the parent serves it when there are several."""
    settings = get_settings()
    return create_app(
        settings,
        run_workers=False,
        mount_sample_emulator=settings.api_processes == 1,
        freeze_startup_objects=True,
    )


def create_app(
    settings: Settings | None = None,
    *,
    dispatcher: Any = None,
    run_workers: bool | None = None,
    mount_sample_emulator: bool = True,
    warm: bool = True,
    freeze_startup_objects: bool = False,
) -> FastAPI:
    """The API app. `freeze_startup_objects`, for a process that serves this one app until it
    exits (`pmsgate serve`): once warm, kit.longlived.freeze_set_up_objects (never for a
    test's app: its process makes many)."""
    settings = settings or get_settings()

    if dispatcher is None:
        from pmsgate.worker.queue import HueyDispatcher

        dispatcher = HueyDispatcher(settings)
    start_workers = settings.run_workers_in_process if run_workers is None else run_workers
    cold = [warm]  # warmed once per app instance (a test client runs the lifespan per test)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from pmsgate.worker.queue import HueyDispatcher
        from pmsgate.worker.runner import start_background

        stop = None
        if start_workers and isinstance(dispatcher, HueyDispatcher):
            stop = start_background(settings, dispatcher)
        if cold.pop() if cold else False:
            await warm_up(app)
        if freeze_startup_objects:
            freeze_set_up_objects()
        yield
        if stop is not None:
            stop()

    app = FastAPI(
        title="pmsgate",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by pmsgate.ops with the package's own assets (works offline)
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(refuse_nul)],
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory()
    app.state.read_sessionmaker = statement_sessionmaker(app.state.sessionmaker)
    app.state.read_limiter = anyio.CapacityLimiter(settings.reads_at_once)
    app.state.rate_limiter = _rate_limiter(settings)
    KEY_CACHE.ttl = settings.api_key_cache_seconds
    app.state.dispatcher = dispatcher

    handlers.install(app)
    app.add_middleware(RateLimitHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    if settings.metrics_enabled:
        _add_metrics(app, dispatcher)

    from pmsgate.api import routers

    for router in routers():
        app.include_router(router)

    from pmsgate.console.routes import install as install_console

    install_console(app)

    from pmsgate.ops.endpoints import mount_docs
    from pmsgate.ops.endpoints import router as ops

    app.include_router(ops)
    mount_docs(app)

    if mount_sample_emulator and settings.mode == "embedded":
        from pmsgate.connectors.connect import EMBEDDED_SAMPLE_PATH
        from pmsgate.emulators.registry import emulator

        app.mount(EMBEDDED_SAMPLE_PATH, emulator("sample").create_app(200, 7))
    customize_openapi(app)
    return app


def _add_metrics(app: FastAPI, dispatcher: Any) -> None:
    """Prometheus text at /metrics (see pmsgate.metrics), unauthenticated like /healthz:
    expose it only where your scraper can reach it."""
    from fastapi import Response

    from pmsgate import metrics
    from pmsgate.worker.queue import HueyDispatcher

    collectors = []
    if isinstance(dispatcher, HueyDispatcher):
        from pmsgate.worker.observe import queue_collector

        collectors.append(queue_collector(dispatcher))
    registry = metrics.registry_with(*collectors)
    app.add_middleware(MetricsMiddleware)

    @app.get("/metrics", include_in_schema=False)
    def scrape() -> Response:
        body, content_type = metrics.render(registry)
        return Response(body, media_type=content_type)
