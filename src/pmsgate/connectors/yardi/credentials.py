"""Yardi credentials: the interface login Yardi's admin creates for a vendor (user, password,
the Voyager server and database, the platform) and the Interface Entity + licence Yardi issues
to the vendor under its interface programme. Every SOAP body carries all seven. Each client
runs its own Voyager host, so the base URL is required (e.g.
https://www.yardiasp14.com/12345client; the interfaces hang under /webservices/)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from pmsgate.connectors.credentials import VendorCredentials, override_url, secret_field, text_field

# Yardi's element -> the field it carries, in the order every body starts with.
_BODY = {
    "UserName": "username",
    "Password": "password",
    "ServerName": "server_name",
    "Database": "database",
    "Platform": "platform",
    "InterfaceEntity": "interface_entity",
    "InterfaceLicense": "interface_license",
}


class YardiCredentials(VendorCredentials):
    model_config = ConfigDict(title="Yardi")

    username: str = text_field(None, "User name", "Voyager interface user")
    password: SecretStr = secret_field(None, "Password", "Voyager interface user's password")
    server_name: str = text_field("serverName", "Server name", "e.g. afqoml_live")
    database: str = text_field(None, "Database", "e.g. afqoml_live")
    platform: str = Field(default="SQL Server", title="Platform", description="SQL Server or Oracle")
    interface_entity: str = text_field("interfaceEntity", "Interface entity", "Issued by Yardi")
    interface_license: SecretStr = secret_field(
        "interfaceLicense", "Interface licence", "Issued by Yardi with the entity"
    )
    base_url: str | None = override_url(
        "The client's Voyager URL before /webservices/ (or pmsgate's emulator)"
    )

    def body(self) -> dict[str, str]:
        """The seven values every operation's body starts with (Yardi's element names)."""
        return self.named(_BODY)
