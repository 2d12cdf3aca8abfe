"""The explicit registry of vendors: credentials shape, connector factory, default base URL.

An unknown vendor lists the known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Connector
from pmsgate.connectors.credentials import VendorCredentials
from pmsgate.connectors.http import RetryPolicy, VendorHttp
from pmsgate.connectors.throttle import RequestBudget, TokenBucket, bucket_for
from pmsgate.connectors.writes import OperationRules, WriteOperation
from pmsgate.kit.plugins import LazyRegistry
from pmsgate.kit.redact import secret_values


@dataclass(frozen=True)
class ConnectorContext:
    integration_id: str
    vendor: Vendor
    base_url: str
    credentials: dict[str, Any]
    budget: RequestBudget = field(default_factory=lambda: RequestBudget(10, 1))
    transport: httpx.BaseTransport | None = None  # tests may route in-process
    retry: RetryPolicy | None = None

    def bucket_or_shared(self, bucket: TokenBucket | None) -> TokenBucket:
        """`bucket` when given (tests pass one that does not sleep), else the integration's shared
        request budget."""
        return bucket or bucket_for(self.integration_id, self.budget)

    def vendor_http(
        self,
        credentials: VendorCredentials,
        *,
        bucket: TokenBucket | None,
        error_message: Callable[[httpx.Response], str],
        base_url: str | None = None,
    ) -> VendorHttp:
        """The connector's VendorHttp for this integration: its base URL (unless `base_url`
        overrides it), budget, retry policy and transport, redacting the credentials' secrets; it
        asks for JSON and authenticates every request as the credentials say (`headers()`,
        `auth()`)."""
        return VendorHttp(
            base_url or self.base_url,
            bucket=self.bucket_or_shared(bucket),
            headers={"Accept": "application/json", **credentials.headers()},
            auth=credentials.auth(),
            retry=self.retry,
            secrets=credentials.secrets(),
            transport=self.transport,
            error_message=error_message,
        )


@dataclass(frozen=True)
class VendorDefinition:
    vendor: Vendor
    credentials_model: type[BaseModel]
    factory: Callable[[ConnectorContext], Connector]
    # The PMS's public base URL, from the integration's decrypted credentials (a vendor with one
    # host per company builds it from the company's id); None = the integration must give one
    # (credentials.baseUrl or base_url).
    default_base_url: Callable[[Mapping[str, Any]], str] | None = None
    # The models this vendor's API offers for reading (a model it lacks syncs as empty).
    models: frozenset[Model] = frozenset()
    # The vendor's documented request limit: used when an integration does not set its own.
    default_budget: RequestBudget = field(default_factory=lambda: RequestBudget(1, 1))
    # Declared statically so a write is validated at request time, without calling the PMS.
    write_rules: Mapping[WriteOperation, OperationRules] = field(default_factory=dict)
    docs: str = ""


# Each package registers its vendors when imported, and is imported the first time one of its
# vendors is asked for: a worker whose integrations are all one vendor's never loads the other
# packages (13 MB of a process for all of them, Yardi's SOAP client the most).
# tests/connectors/test_registry.py checks each package registers exactly the vendors named here.
BUILTIN: Mapping[str, tuple[Vendor, ...]] = {
    "pmsgate.connectors.sample": (Vendor.SAMPLE1, Vendor.SAMPLE2),
    "pmsgate.connectors.buildium": (Vendor.BUILDIUM,),
    "pmsgate.connectors.propertyware": (Vendor.PROPERTYWARE_REST,),
    "pmsgate.connectors.rentmanager": (Vendor.RENTMANAGER,),
    "pmsgate.connectors.rentvine": (Vendor.RENTVINE,),
    "pmsgate.connectors.entrata": (Vendor.ENTRATA,),
    "pmsgate.connectors.resman": (Vendor.RESMAN,),
    "pmsgate.connectors.yardi": (Vendor.YARDI,),
}
VENDORS: LazyRegistry[Vendor, VendorDefinition] = LazyRegistry(BUILTIN)


def register(definition: VendorDefinition) -> None:
    VENDORS.register(definition.vendor, definition)


def definition_for(vendor: Vendor | str) -> VendorDefinition:
    try:
        definition = VENDORS.get(Vendor(vendor))
    except ValueError:
        definition = None
    if definition is None:
        supported = ", ".join(sorted(v.value for v in VENDORS.all()))
        raise KeyError(f"vendor {vendor!r} has no connector; supported vendors: {supported}")
    return definition


def supported_vendors() -> list[Vendor]:
    return sorted(VENDORS.all(), key=lambda v: v.value)


def build_connector(context: ConnectorContext) -> Connector:
    definition = definition_for(context.vendor)
    connector = definition.factory(context)
    http = getattr(connector, "http", None)
    if isinstance(http, VendorHttp):
        # Whatever the vendor's own list says, every secret credential value is redacted.
        http.add_secrets(*secret_values(definition.credentials_model, context.credentials))
    return connector
