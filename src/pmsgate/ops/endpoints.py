"""HTTP only: `/healthz` (liveness), `/readyz` (readiness) and `/docs` (Swagger UI served from the
installed `swagger-ui-bundle` package, so the API reference works without any CDN).

- `/healthz` answers 200 `{"status": "ok"}` while the process serves HTTP; it checks nothing
  else, so an orchestrator restarts the process only when the process itself is stuck.
- `/readyz` answers 200 `{"status": "ready", "checks": {...}}` when the database answers a query
  and the queue (Redis, or the SQLite queue file) answers too, else 503 with the failing check's
  reason: take the instance out of a load balancer, do not restart it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

router = APIRouter(include_in_schema=False)
CHECK_TIMEOUT_S = 3.0
DOCS_ASSETS = "/docs/assets"
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _check(probe: Callable[[], object]) -> str:
    try:
        _pool.submit(probe).result(timeout=CHECK_TIMEOUT_S)
    except FutureTimeout:
        return f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return "ok"


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    factory = request.app.state.sessionmaker

    def database() -> None:
        with factory() as session:
            session.execute(text("SELECT 1"))

    checks = {"database": _check(database)}
    huey = getattr(request.app.state.dispatcher, "huey", None)
    if huey is not None:
        checks["queue"] = _check(huey.storage.queue_size)
    ready = all(result == "ok" for result in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


def mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs with its assets from the package (FastAPI's own /docs loads a CDN)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API reference",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )
