"""Buildium credentials: Propexo's `Buildium` variant (clientId + secret, an account-level API
key an admin creates under Settings > Developer tools), plus an optional baseUrl so an
integration can point at the sandbox (https://apisandbox.buildium.com) or an emulator."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url


class BuildiumCredentials(VendorCredentials):
    model_config = ConfigDict(title="Buildium")

    client_id: str = Field(
        alias="clientId", min_length=1, title="Client id", description="Buildium API key client id"
    )
    secret: SecretStr = Field(title="Secret", description="Buildium API key secret")
    base_url: str | None = override_url(
        "Override https://api.buildium.com (e.g. the sandbox, or pmsgate's emulator)"
    )

    def headers(self) -> dict[str, str]:
        """Buildium authenticates every request by these two headers; there is no token."""
        return {
            "x-buildium-client-id": self.client_id,
            "x-buildium-client-secret": self.secret.get_secret_value(),
        }
