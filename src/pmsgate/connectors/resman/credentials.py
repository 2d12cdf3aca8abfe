"""ResMan credentials, in Propexo's `Resman` shape: the integration partner id and API key
ResMan issues to a partner, and the customer's account id; plus an optional `baseUrl` so an
integration can point at another server (pmsgate's emulator).

All three travel in the body of every call (form fields `IntegrationPartnerID`, `ApiKey`,
`AccountID`); the property is chosen per call (`PropertyID`)."""

from __future__ import annotations

from pydantic import ConfigDict, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url, secret_field, text_field


class ResManCredentials(VendorCredentials):
    model_config = ConfigDict(title="Resman")

    integration_partner_id: str = text_field(
        "integrationPartnerId",
        "Integration partner id",
        "ResMan's id of the integration partner (its API user name)",
    )
    api_key: SecretStr = secret_field("apiKey", "API key", "The partner's ResMan API key (its API password)")
    account_id: str = text_field(
        "accountId", "Account id", "The property management company's ResMan account id"
    )
    base_url: str | None = override_url("Overrides https://api.myresman.com (e.g. pmsgate's emulator)")

    def form(self) -> dict[str, str]:
        """The fields every ResMan call carries."""
        return self.named(
            {"IntegrationPartnerID": "integration_partner_id", "ApiKey": "api_key", "AccountID": "account_id"}
        )
