"""Property-based test over the app's own OpenAPI document (schemathesis): for every operation,
generated requests never get a 5xx, and every answer matches the status codes and schemas the
document declares. Bounded examples per operation and a fixed seed keep it quick and repeatable;
it runs on whichever database the suite runs on (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs

EXAMPLES_PER_OPERATION = 6


def _app() -> FastAPI:
    from pmsgate.app import create_app

    # Not warmed: schemathesis starts the lifespan when it loads the document, before the
    # suite has created the database the warm-up's requests would read.
    return create_app(
        dispatcher=RecordingDispatcher(), run_workers=False, mount_sample_emulator=False, warm=False
    )


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.fixture(scope="module")
def fuzzer(sample_server: Served) -> CustomerKey:
    """A customer with synced data (so lists answer real records) and no practical rate limit."""
    customer = make_customer("Fuzzer", rate_limit=1_000_000)
    _integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    return customer


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_answers_match_the_document(case: Any, fuzzer: CustomerKey) -> None:
    case.call_and_validate(
        headers=fuzzer.headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
