"""Mounts the console, its static assets and the connect pages on the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pmsgate.console import connect_pages, pages, signin, webhook_pages

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for router in (signin.router, pages.router, webhook_pages.router, connect_pages.router):
        app.include_router(router)
