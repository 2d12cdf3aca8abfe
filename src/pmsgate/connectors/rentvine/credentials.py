"""Rentvine credentials, in Propexo's `Rentvine` shape: an API key and secret (HTTP Basic), the
company's account id (its subdomain), an optional portfolio, and an optional `baseUrl` so an
integration can point at another server (the emulator)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

# The real API: one subdomain per Rentvine account. `{companyId}` is filled in by the connector,
# because the registry's default URL cannot see the credentials (see docs/vendors/rentvine.md).
DEFAULT_BASE_URL = "https://{companyId}.rentvine.com/api/manager"


class RentvineCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, title="Rentvine")

    api_key: str = Field(
        alias="apiKey",
        min_length=1,
        title="API key",
        description="Rentvine: Settings > Users, Roles and API > API: the access key",
    )
    api_secret: SecretStr = Field(
        alias="apiSecret", title="API secret", description="The key's secret (Rentvine shows it once)"
    )
    company_id: str = Field(
        alias="companyId",
        pattern=r"^\w+$",
        title="Company id",
        description="The account's subdomain: acme for https://acme.rentvine.com",
    )
    portfolio_id: str | None = Field(
        default=None, alias="portfolioId", title="Portfolio id", description="Accepted; not used to filter"
    )
    base_url: str | None = Field(
        default=None,
        alias="baseUrl",
        title="Base URL",
        description="Overrides https://{companyId}.rentvine.com/api/manager (e.g. an emulator)",
    )

    def secrets(self) -> list[str]:
        """Values to redact from exchange logs."""
        return [self.api_secret.get_secret_value()]


def resolve_url(base_url: str, credentials: RentvineCredentials) -> str:
    """The registry's default is a template; fill in the account's subdomain."""
    return base_url.replace("{companyId}", credentials.company_id)
