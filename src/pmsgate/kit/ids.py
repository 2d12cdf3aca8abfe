"""Prefixed, URL-safe ids.

`new_id("job")` is random (`job_…`); `stable_id(...)` is derived from
(integration_id, model, x_id), so the same PMS record always gets the same pmsgate id and a
reference (a charge's `lease_id`) can be computed from the vendor's key without a lookup.
"""

from __future__ import annotations

import base64
import hashlib
import secrets


def _b32(raw: bytes, length: int) -> str:
    return base64.b32encode(raw).decode("ascii").lower().rstrip("=")[:length]


def new_id(prefix: str) -> str:
    return f"{prefix}_{_b32(secrets.token_bytes(15), 24)}"


def stable_id(prefix: str, integration_id: str, model: str, x_id: str) -> str:
    digest = hashlib.sha256(f"{integration_id}\x1f{model}\x1f{x_id}".encode()).digest()
    return f"{prefix}_{_b32(digest, 24)}"
