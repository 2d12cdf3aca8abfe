"""Sign-in, sign-out and the operator's all-customers view."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pmsgate.console import service, sessions
from pmsgate.console.deps import check_csrf, html_errors, redirect, viewer
from pmsgate.console.render import page
from pmsgate.errors import NotFound
from pmsgate.kit.deps import SessionDep

router = APIRouter(prefix="/console", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only paths inside the console: never an open redirect to another site.
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/integrations"


@router.get("")
@router.get("/")
def home() -> Response:
    return redirect("/console/integrations")


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", login_csrf=token, next=_safe_next(next), error=None)
    sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    key: Annotated[str, Form(max_length=512)],
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    expected = request.cookies.get(sessions.LOGIN_COOKIE, "")
    if not expected or not sessions.csrf_ok(expected, csrf_token):
        return _login_again(request, next, "The sign-in form expired. Please try again.", 400)
    signed_in = sessions.sign_in(session, request.app.state.settings, key)
    if signed_in is None:
        return _login_again(request, next, "That key is not valid.", 401)
    session.commit()  # the session row must exist before the browser follows the redirect
    response = redirect("/console/operator" if signed_in.is_operator else _safe_next(next))
    sessions.set_cookie(response, request, sessions.COOKIE, signed_in.token, max_age=None)
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/")
    return response


def _login_again(request: Request, next_path: str | None, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request, "login.html", status_code=status, login_csrf=token, next=_safe_next(next_path), error=error
    )
    sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/logout")
@html_errors
def logout(
    request: Request, session: SessionDep, csrf_token: Annotated[str | None, Form()] = None
) -> Response:
    viewer(request, session)
    check_csrf(request, csrf_token)
    sessions.sign_out(session, request.cookies.get(sessions.COOKIE))
    response = redirect("/console/login")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/operator")
@html_errors
def operator_page(request: Request, session: SessionDep) -> Response:
    current = viewer(request, session)
    if not current.is_operator:
        raise NotFound("this page is for the operator")
    return page(
        request,
        "operator.html",
        viewer=current,
        nav="operator",
        customers=service.customers_overview(session),
        lanes=service.lanes(session),
        workers=service.workers(session),
    )
