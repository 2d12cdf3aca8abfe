"""Rent Manager credentials: Propexo's `RentManagerSandbox` (Username, Password, companyId) or
`RentManagerProduction` (PartnerToken, companyId) in one model, plus optional `LocationID` (the
location the login is bound to; RM defaults to the user's default location), `baseUrl` (to reach
an emulator or a non-standard host) and `timeZone` (the company's clock; RM answers local times
without an offset).

Without `baseUrl` the API lives at `https://{companyId}.api.rentmanager.com`.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, SecretStr, model_validator

from pmsgate.connectors.credentials import (
    DNS_LABEL,
    CompanyHost,
    TimeZoneName,
    VendorCredentials,
    time_zone_field,
    zone_of,
)

DEFAULT_TIME_ZONE = "America/New_York"  # Rent Manager (LCS) is in Ohio; most companies are US Eastern

# One host per company; `HOST.url` is the registry's default base URL.
HOST = CompanyHost("https://{companyId}.api.rentmanager.com", DNS_LABEL, "a Rent Manager company code")


class RentManagerCredentials(VendorCredentials):
    model_config = ConfigDict(title="RentManager")

    username: str | None = Field(
        default=None, alias="Username", title="Username", description="RM API user (sandbox)"
    )
    password: SecretStr | None = Field(default=None, alias="Password", title="Password")
    partner_token: SecretStr | None = Field(
        default=None, alias="PartnerToken", title="Partner token", description="Production partner token"
    )
    company_id: str = HOST.company_id_field("Company code", "Rent Manager company code")
    location_id: int | None = Field(default=None, alias="LocationID", title="Location id", ge=1)
    base_url: str | None = Field(default=None, alias="baseUrl", title="Base URL")
    time_zone: TimeZoneName | None = time_zone_field(DEFAULT_TIME_ZONE)

    @model_validator(mode="after")
    def _one_login(self) -> RentManagerCredentials:
        by_user = self.username is not None and self.password is not None
        if not by_user and self.partner_token is None:
            raise ValueError("give Username and Password (sandbox) or PartnerToken (production)")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return zone_of(self.time_zone, DEFAULT_TIME_ZONE)

    def login_body(self) -> dict[str, object]:
        """What POST /Authentication/AuthorizeUser expects."""
        body: dict[str, object] = {}
        if self.partner_token is not None:
            body["PartnerToken"] = self.partner_token.get_secret_value()
        else:
            body["Username"] = self.username or ""
            body["Password"] = self.password.get_secret_value() if self.password else ""
        if self.location_id is not None:
            body["LocationID"] = self.location_id
        return body
