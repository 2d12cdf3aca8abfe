"""Rentvine credentials, in Propexo's `Rentvine` shape: an API key and secret (HTTP Basic), the
company's account id (its subdomain), an optional portfolio, an optional `baseUrl` so an
integration can point at another server (the emulator), and an optional `timeZone`: Rentvine
answers timestamps in the company's local wall-clock time without an offset (vendor-apis.md §11)
and its API does not say which zone that is, so the integration names it (default US Eastern)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import httpx
from pydantic import ConfigDict, Field, SecretStr

from pmsgate.connectors.credentials import (
    CompanyHost,
    TimeZoneName,
    VendorCredentials,
    override_url,
    secret_field,
    text_field,
    time_zone_field,
    zone_of,
)

DEFAULT_TIME_ZONE = "America/New_York"  # most Rentvine companies are in the US; the zone is per company
COMPANY_ID_PATTERN = r"^\w+$"  # one subdomain label: companyId cannot name another host

# The real API has one subdomain per Rentvine account; `HOST.url` is the registry's default base URL.
HOST = CompanyHost(
    "https://{companyId}.rentvine.com/api/manager", COMPANY_ID_PATTERN, "a Rentvine account id"
)


class RentvineCredentials(VendorCredentials):
    model_config = ConfigDict(title="Rentvine")

    api_key: str = text_field(
        "apiKey", "API key", "Rentvine: Settings > Users, Roles and API > API: the access key"
    )
    api_secret: SecretStr = secret_field(
        "apiSecret", "API secret", "The key's secret (Rentvine shows it once)"
    )
    company_id: str = Field(
        alias="companyId",
        pattern=COMPANY_ID_PATTERN,
        title="Company id",
        description="The account's subdomain: acme for https://acme.rentvine.com",
    )
    portfolio_id: str | None = Field(
        default=None, alias="portfolioId", title="Portfolio id", description="Accepted; not used to filter"
    )
    base_url: str | None = override_url(
        "Overrides https://{companyId}.rentvine.com/api/manager (e.g. an emulator)"
    )
    time_zone: TimeZoneName | None = time_zone_field(DEFAULT_TIME_ZONE)

    @property
    def tz(self) -> ZoneInfo:
        return zone_of(self.time_zone, DEFAULT_TIME_ZONE)

    def auth(self) -> httpx.Auth:
        """HTTP Basic with the API key and its secret, on every request."""
        return httpx.BasicAuth(self.api_key, self.api_secret.get_secret_value())
