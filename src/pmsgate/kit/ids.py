"""Prefixed, URL-safe ids.

`new_id("job")` is random (`job_…`); `stable_id(...)` is derived from
(integration_id, model, x_id), so the same PMS record always gets the same pmsgate id and a
reference (a charge's `lease_id`) can be computed from the vendor's key without a lookup.
Both carry 96 bits as 24 lowercase hex characters.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@lru_cache(maxsize=2048)  # references repeat within a page (the same property, lease…); bounded
def stable_id(prefix: str, integration_id: str, model: str, x_id: str) -> str:
    digest = hashlib.sha256(f"{integration_id}\x1f{model}\x1f{x_id}".encode()).hexdigest()
    return f"{prefix}_{digest[:24]}"
