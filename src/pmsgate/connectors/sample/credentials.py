"""Credentials for the SAMPLE vendors. Every field is optional: the embedded SamplePMS runs in
open mode and accepts any login, so `{}` is a valid integration.

SAMPLE1 also accepts the fields of Propexo's `Sample1` credentials (a Yardi-like shape with
per-interface overrides) and SAMPLE2 those of Propexo's `Sample2` (client id/secret), so
Propexo clients can post the bodies they already send. SamplePMS itself only reads
username/password/companyId; SAMPLE2's clientId/clientSecret/developerId stand in for them
when those are absent.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.credentials import VendorCredentials, override_url


class SampleCredentials(VendorCredentials):
    model_config = ConfigDict(title="SamplePMS")

    username: str | None = Field(default=None, title="Username", description="SamplePMS API user")
    password: SecretStr | None = Field(default=None, title="Password", description="SamplePMS API password")
    company_id: str | None = Field(
        default=None, alias="companyId", title="Company id", description="SamplePMS company (tenant) id"
    )
    base_url: str | None = override_url(
        "SamplePMS server, e.g. https://pms.example.com (pmsgate resolves the connection URL)"
    )

    def login_body(self) -> dict[str, str]:
        """What POST /api/v2/auth/token expects."""
        return {
            "username": self.username or "",
            "password": self.password.get_secret_value() if self.password else "",
            "companyId": self.company_id or "",
        }


class InterfaceCredentials(BaseModel):
    """Propexo's per-interface override block of Sample1 credentials (accepted, not used)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    entity: str | None = None
    license: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    database: str | None = None
    server_name: str | None = Field(default=None, alias="serverName")
    platform: str | None = None
    company_id: str | None = Field(default=None, alias="companyId")
    base_url: str | None = Field(default=None, alias="baseUrl")


class Sample1Credentials(SampleCredentials):
    model_config = ConfigDict(title="Sample1")

    database: str | None = Field(default=None, title="Database")
    server_name: str | None = Field(default=None, alias="serverName", title="Server name")
    platform: str | None = Field(default=None, title="Platform")
    entity: str | None = Field(default=None, title="Entity")
    license: SecretStr | None = Field(default=None, title="License key")
    common_data: InterfaceCredentials | None = None
    vendor_invoicing: InterfaceCredentials | None = None
    job_cost: InterfaceCredentials | None = None
    guest_card: InterfaceCredentials | None = None
    resident_transactions: InterfaceCredentials | None = None
    service_requests: InterfaceCredentials | None = None


class Sample2Credentials(SampleCredentials):
    model_config = ConfigDict(title="Sample2")

    client_id: str | None = Field(default=None, alias="clientId", title="Client id")
    client_secret: SecretStr | None = Field(default=None, alias="clientSecret", title="Client secret")
    developer_id: str | None = Field(default=None, alias="developerId", title="Developer id")

    def login_body(self) -> dict[str, str]:
        body = super().login_body()
        secret = self.client_secret.get_secret_value() if self.client_secret else ""
        return {
            "username": body["username"] or self.client_id or "",
            "password": body["password"] or secret,
            "companyId": body["companyId"] or self.developer_id or "",
        }


CREDENTIALS_BY_VENDOR: dict[Vendor, type[SampleCredentials]] = {
    Vendor.SAMPLE1: Sample1Credentials,
    Vendor.SAMPLE2: Sample2Credentials,
}
