"""Request plumbing shared by the console's routes: the viewer, CSRF checks, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pmsgate.console import sessions
from pmsgate.console.render import page
from pmsgate.errors import BadRequest, NotFound, PmsgateError
from pmsgate.models.customers import Customer


class SignInRequired(Exception):
    """Raised when a page needs a viewer; answered with a redirect to the sign-in page."""


def viewer(request: Request, session: Session) -> sessions.Viewer:
    found = sessions.current_viewer(session, request.app.state.settings, request.cookies.get(sessions.COOKIE))
    if found is None:
        raise SignInRequired
    request.state.viewer = found
    return found


def customer_of(request: Request, session: Session) -> Customer:
    """The signed-in customer; the operator has no customer pages of its own."""
    found = viewer(request, session)
    if found.customer is None:
        raise NotFound("the operator has no customer pages; open /console/operator")
    return found.customer


def check_csrf(request: Request, given: str | None) -> None:
    current: sessions.Viewer | None = getattr(request.state, "viewer", None)
    if current is None or not sessions.csrf_ok(current.csrf_token, given):
        raise BadRequest.field(
            "csrf_token", "the form has expired or came from another site; reload the page"
        )


def form_customer(request: Request, session: Session, csrf_token: str | None) -> Customer:
    """The signed-in customer posting a console form, its CSRF token checked."""
    customer = customer_of(request, session)
    check_csrf(request, csrf_token)
    return customer


def customer_page(request: Request, template: str, nav: str, **context: Any) -> HTMLResponse:
    """A page of the signed-in customer's console, `nav` naming its menu entry."""
    return page(request, template, viewer=request.state.viewer, nav=nav, **context)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def committed_redirect(session: Session, url: str) -> RedirectResponse:
    """After a form's change: commit first, so the page the browser is sent to sees it (a loaded
    server answered the redirect's GET before the POST's commit), then redirect."""
    session.commit()
    return redirect(url)


def html_errors(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Console routes answer pages, not JSON: sign-in redirects and error pages."""

    @wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        try:
            return handler(*args, **kwargs)
        except SignInRequired:
            return redirect(f"/console/login?next={quote(request.url.path)}")
        except PmsgateError as exc:
            return page(
                request,
                "message.html",
                status_code=exc.status_code,
                title="Not found" if isinstance(exc, NotFound) else "Cannot do that",
                message=exc.message,
                viewer=getattr(request.state, "viewer", None),
            )

    return wrapper
