"""Credentials of a PROPERTYWARE_REST integration: Propexo's "Propertyware REST" variant.

Propertyware's Open API authenticates every request with three headers: the API key's client id
and secret, and the organization ("system") id. Keys are created by the customer's administrator
under Setup > Administration Setup > API Keys, scoped per resource group (READ/WRITE).
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url


class PropertywareRestCredentials(VendorCredentials):
    model_config = ConfigDict(title="Propertyware REST")

    client_id: str = Field(
        alias="clientId", min_length=1, title="Client id", description="The API key's client id"
    )
    client_secret: SecretStr = Field(
        alias="clientSecret", title="Client secret", description="The API key's secret (shown once)"
    )
    system_id: str = Field(
        alias="systemId",
        min_length=1,
        title="System id",
        description="The system/organization ID to query data from",
    )
    base_url: str | None = override_url(
        "Override of https://api.propertyware.com/pw/api/rest/v1 (an emulator, a proxy)"
    )

    def headers(self) -> dict[str, str]:
        return {
            "x-propertyware-client-id": self.client_id,
            "x-propertyware-client-secret": self.client_secret.get_secret_value(),
            "x-propertyware-system-id": self.system_id,
        }
