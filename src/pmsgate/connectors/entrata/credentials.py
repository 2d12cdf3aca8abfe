"""Entrata credentials: Propexo's `Entrata` variant (apiKey + companyId), or the legacy HTTP
Basic login (username + password) that older per-client integrations use, plus an optional
baseUrl to reach an emulator or Entrata's gateway (`https://apis.entrata.com/ext/orgs/{org}/v1`).

Without `baseUrl` the API lives at `https://{companyId}.entrata.com/api/v1`, one path per
service (`/properties`, `/leases`, `/artransactions`, …).
"""

from __future__ import annotations

import httpx
from pydantic import ConfigDict, Field, SecretStr, model_validator

from pmsgate.connectors.credentials import DNS_LABEL, CompanyHost, VendorCredentials, override_url

# One host per client; `HOST.url` is the registry's default base URL.
HOST = CompanyHost("https://{companyId}.entrata.com/api/v1", DNS_LABEL, "an Entrata client subdomain")


class EntrataCredentials(VendorCredentials):
    model_config = ConfigDict(title="Entrata")

    api_key: SecretStr | None = Field(
        default=None, alias="apiKey", title="API key", description="Entrata API key (sent as X-Api-Key)"
    )
    company_id: str = HOST.company_id_field("Client subdomain", "The client's Entrata subdomain")
    username: str | None = Field(
        default=None, title="Username", description="Legacy HTTP Basic login (instead of apiKey)"
    )
    password: SecretStr | None = Field(default=None, title="Password")
    base_url: str | None = override_url(
        "Override https://{companyId}.entrata.com/api/v1 (the org gateway, an emulator)"
    )

    @model_validator(mode="after")
    def _one_login(self) -> EntrataCredentials:
        if self.api_key is None and (self.username is None or self.password is None):
            raise ValueError("give apiKey, or username and password (HTTP Basic)")
        return self

    def headers(self) -> dict[str, str]:
        return {} if self.api_key is None else {"X-Api-Key": self.api_key.get_secret_value()}

    def auth(self) -> httpx.Auth | None:
        if self.api_key is not None or self.username is None or self.password is None:
            return None
        return httpx.BasicAuth(self.username, self.password.get_secret_value())

    def auth_block(self) -> dict[str, str]:
        """The body's `auth` object, naming how the request authenticates."""
        return {"type": "apikey" if self.api_key is not None else "basic"}
