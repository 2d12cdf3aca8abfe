"""Building a connector for a stored integration: decrypted credentials, base URL, request
budget. Here, below the sync engine, the write engine and the integrations admin that all use
it; it reads the integration through a Protocol, so connectors never import the ORM models."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol

from pmsgate.canonical.enums import Vendor
from pmsgate.config import get_settings
from pmsgate.connectors.base import Connector
from pmsgate.connectors.registry import ConnectorContext, build_connector, definition_for
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.kit.crypto import decrypt_json

SAMPLE_VENDORS = frozenset({Vendor.SAMPLE1, Vendor.SAMPLE2})
EMBEDDED_SAMPLE_PATH = "/_emulators/sample"


def embedded_sample_url() -> str:
    # `pmsgate serve --processes N` serves the sample PMS from its parent process, on a port of its own
    if override := os.environ.get("PMSGATE_EMBEDDED_SAMPLE_URL"):
        return override
    settings = get_settings()
    root = settings.public_url or f"http://{settings.host}:{settings.port}"
    return root.rstrip("/") + EMBEDDED_SAMPLE_PATH


def resolve_base_url(vendor: Vendor, base_url: str | None, credentials: dict[str, object]) -> str | None:
    given = credentials.get("baseUrl") or credentials.get("BASE_URL") or base_url
    if given:
        return str(given).rstrip("/")
    definition = definition_for(vendor)
    if definition.default_base_url is not None:
        return definition.default_base_url(credentials)
    if vendor in SAMPLE_VENDORS:
        return embedded_sample_url()
    return None


class StoredIntegration(Protocol):
    """What a connector needs of an integration row (`pmsgate.models.integrations.Integration`)."""

    @property
    def id(self) -> str: ...

    @property
    def vendor(self) -> str: ...

    @property
    def base_url(self) -> str | None: ...

    @property
    def credentials_encrypted(self) -> str: ...

    @property
    def max_request_frequency(self) -> int: ...

    @property
    def max_request_cadence(self) -> str: ...


def context_for(integration: StoredIntegration) -> ConnectorContext:
    credentials = decrypt_json(integration.credentials_encrypted)
    vendor = Vendor(integration.vendor)
    base_url = resolve_base_url(vendor, integration.base_url, credentials)
    if base_url is None:
        raise RuntimeError(f"integration {integration.id} has no base URL")
    return ConnectorContext(
        integration_id=integration.id,
        vendor=vendor,
        base_url=base_url,
        credentials=credentials,
        budget=RequestBudget.from_integration(
            integration.max_request_frequency, integration.max_request_cadence
        ),
    )


# Tests swap this to route connectors in-process; production builds from the registry.
ConnectorBuilder = Callable[[ConnectorContext], Connector]
default_builder: ConnectorBuilder = build_connector
