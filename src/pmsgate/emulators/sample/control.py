"""SamplePMS's /_control (tests, demos, benchmarks; a real PMS has nothing like them): the shared
faults, the built-in rate limit and token lifetime, and expiring every token
(`POST /_control/expire-tokens`)."""

from __future__ import annotations

from typing import Any

from pmsgate.emulators.control import Control, optional_non_negative, positive_number
from pmsgate.emulators.sample.store import SampleStore


def _state(store: SampleStore) -> dict[str, Any]:
    return {
        "limits": {
            "requests_per_second": store.limiter.per_second,
            "token_lifetime_s": store.tokens.lifetime_s,
        },
        "counts": store.counts(),
    }


def _apply_limits(store: SampleStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": 5 | null, "token_lifetime_s": 900}: the built-in rate limit and
    how long new tokens live; a limit not named stays as it is."""
    if "requests_per_second" in body:
        rps = optional_non_negative(body["requests_per_second"], "requests_per_second")
        store.limiter.per_second = rps or None
    if "token_lifetime_s" in body:
        store.tokens.lifetime_s = positive_number(body["token_lifetime_s"], "token_lifetime_s")


def _expire_tokens(store: SampleStore) -> dict[str, Any]:
    return {"expired": store.tokens.expire_all()}


CONTROL: Control[SampleStore] = Control(
    _state, updaters={"limits": _apply_limits}, actions={"expire-tokens": _expire_tokens}
)
