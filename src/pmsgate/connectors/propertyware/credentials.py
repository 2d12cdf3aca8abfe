"""Credentials of a PROPERTYWARE_REST integration: Propexo's "Propertyware REST" variant.

Propertyware's Open API authenticates every request with three headers: the API key's client id
and secret, and the organization ("system") id. Keys are created by the customer's administrator
under Setup > Administration Setup > API Keys, scoped per resource group (READ/WRITE).
"""

from __future__ import annotations

from pydantic import ConfigDict, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url, secret_field, text_field

# Propertyware's header -> the field it carries.
_HEADERS = {
    "x-propertyware-client-id": "client_id",
    "x-propertyware-client-secret": "client_secret",
    "x-propertyware-system-id": "system_id",
}


class PropertywareRestCredentials(VendorCredentials):
    model_config = ConfigDict(title="Propertyware REST")

    client_id: str = text_field("clientId", "Client id", "The API key's client id")
    client_secret: SecretStr = secret_field(
        "clientSecret", "Client secret", "The API key's secret (shown once)"
    )
    system_id: str = text_field("systemId", "System id", "The system/organization ID to query data from")
    base_url: str | None = override_url(
        "Override of https://api.propertyware.com/pw/api/rest/v1 (an emulator, a proxy)"
    )

    def headers(self) -> dict[str, str]:
        return self.named(_HEADERS)
