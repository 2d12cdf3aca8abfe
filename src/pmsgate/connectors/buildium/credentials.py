"""Buildium credentials: Propexo's `Buildium` variant (clientId + secret, an account-level API
key an admin creates under Settings > Developer tools), plus an optional baseUrl so an
integration can point at the sandbox (https://apisandbox.buildium.com) or an emulator."""

from __future__ import annotations

from pydantic import ConfigDict, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url, secret_field, text_field


class BuildiumCredentials(VendorCredentials):
    model_config = ConfigDict(title="Buildium")

    client_id: str = text_field("clientId", "Client id", "Buildium API key client id")
    secret: SecretStr = secret_field(None, "Secret", "Buildium API key secret")
    base_url: str | None = override_url(
        "Override https://api.buildium.com (e.g. the sandbox, or pmsgate's emulator)"
    )

    def headers(self) -> dict[str, str]:
        """Buildium authenticates every request by these two headers; there is no token."""
        return self.named({"x-buildium-client-id": "client_id", "x-buildium-client-secret": "secret"})
