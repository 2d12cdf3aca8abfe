"""Yardi credentials: the interface login Yardi's admin creates for a vendor (user, password,
the Voyager server and database, the platform) and the Interface Entity + licence Yardi issues
to the vendor under its interface programme. Every SOAP body carries all seven. Each client
runs its own Voyager host, so the base URL is required (e.g.
https://www.yardiasp14.com/12345client; the interfaces hang under /webservices/)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url


class YardiCredentials(VendorCredentials):
    model_config = ConfigDict(title="Yardi")

    username: str = Field(min_length=1, title="User name", description="Voyager interface user")
    password: SecretStr = Field(title="Password", description="Voyager interface user's password")
    server_name: str = Field(
        alias="serverName", min_length=1, title="Server name", description="e.g. afqoml_live"
    )
    database: str = Field(min_length=1, title="Database", description="e.g. afqoml_live")
    platform: str = Field(default="SQL Server", title="Platform", description="SQL Server or Oracle")
    interface_entity: str = Field(
        alias="interfaceEntity", min_length=1, title="Interface entity", description="Issued by Yardi"
    )
    interface_license: SecretStr = Field(
        alias="interfaceLicense", title="Interface licence", description="Issued by Yardi with the entity"
    )
    base_url: str | None = override_url(
        "The client's Voyager URL before /webservices/ (or pmsgate's emulator)"
    )

    def body(self) -> dict[str, str]:
        """The seven values every operation's body starts with (Yardi's element names)."""
        return {
            "UserName": self.username,
            "Password": self.password.get_secret_value(),
            "ServerName": self.server_name,
            "Database": self.database,
            "Platform": self.platform,
            "InterfaceEntity": self.interface_entity,
            "InterfaceLicense": self.interface_license.get_secret_value(),
        }
