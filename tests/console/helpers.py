"""Signing a test client into the console the way a browser does (form + cookies)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, secret: str) -> str:
    """Signs in; returns the CSRF token of the signed-in session's forms."""
    form = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"key": secret, "csrf_token": csrf_of(form.text), "next": "/console/integrations"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert page.status_code == 200
    return csrf_of(page.text)
