"""What every vendor's credentials model shares.

Each vendor's `credentials.py` declares its own fields (Propexo's shape for that vendor, with
titles and descriptions for the console's form); the parts that read the same everywhere are here:
- `VendorCredentials`: unknown fields refused, fields accepted by alias or name, and `secrets()`,
  the values to redact from exchange logs: every `SecretStr` field that is set, in field order;
  `headers()` and `auth()`, how every request authenticates (none unless the vendor says);
- `VendorCredentials.named`: the values a vendor sends on every call (headers, form fields, SOAP
  elements) by their wire names, in the vendor's order;
- `text_field`, `secret_field`: a required field (non-empty text, or a secret) with its alias,
  title and description;
- `override_url`: the optional `baseUrl` field that points an integration at another server (a
  sandbox, a proxy, pmsgate's emulator);
- `CompanyHost`: a vendor API with one host per company: the registry's default base URL built
  from `companyId` (`url`), and that field (`company_id_field`), held to a pattern so it cannot
  name another host (`DNS_LABEL` for most);
- `time_zone_field`: the optional `timeZone` field of a vendor that answers the company's local
  wall-clock times without an offset (an IANA name; `zone_of` reads it with the vendor's default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

DNS_LABEL = r"^[A-Za-z0-9-]+$"  # one host name label: a companyId cannot name another host


class VendorCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def secrets(self) -> list[str]:
        """Values to redact from exchange logs (a secret may travel where VendorHttp does not
        know to hide it: a custom header, a form field, a SOAP element)."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr) and v.get_secret_value()]

    def named(self, wire_names: Mapping[str, str]) -> dict[str, str]:
        """{wire name: value} for each (wire name -> field name) of `wire_names`, in its order,
        secrets revealed: what the vendor reads its login from on every call."""
        values = {wire: getattr(self, name) for wire, name in wire_names.items()}
        return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in values.items()}

    def headers(self) -> dict[str, str]:
        """The headers that authenticate every request (none: the vendor authenticates otherwise)."""
        return {}

    def auth(self) -> httpx.Auth | None:
        """The HTTP authentication of every request (none unless the vendor uses one)."""
        return None


def text_field(alias: str | None, title: str, description: str) -> Any:
    """A required, non-empty text field."""
    return Field(alias=alias, min_length=1, title=title, description=description)


def secret_field(alias: str | None, title: str, description: str) -> Any:
    """A required secret (shown nowhere, redacted from exchange logs by `secrets()`)."""
    return Field(alias=alias, title=title, description=description)


def override_url(description: str) -> Any:
    """The optional `baseUrl` field; `description` names the URL it overrides."""
    return Field(default=None, alias="baseUrl", title="Base URL", description=description)


@dataclass(frozen=True)
class CompanyHost:
    """A vendor API with one host per company: `template` with `{companyId}` taken from the
    credentials, once it matches `pattern` (so it cannot name another host); `what` names a
    companyId in the error ("an Entrata client subdomain")."""

    template: str
    pattern: str
    what: str

    def url(self, credentials: Mapping[str, Any]) -> str:
        """The registry's `default_base_url`: the company's host, from the raw credentials."""
        company_id = credentials.get("companyId")
        if not isinstance(company_id, str) or re.fullmatch(self.pattern, company_id) is None:
            raise ValueError(f"companyId {company_id!r} is not {self.what}")
        return self.template.replace("{companyId}", company_id)

    def company_id_field(self, title: str, lead: str) -> Any:
        """The required `companyId` field, described as `lead` and where the API is."""
        description = f"{lead}: the API is {self.template}"
        return Field(
            alias="companyId", min_length=1, pattern=self.pattern, title=title, description=description
        )


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_known_zone)]


def time_zone_field(default: str) -> Any:
    """The optional `timeZone` field (type it `TimeZoneName | None`): the company's clock."""
    return Field(
        default=None,
        alias="timeZone",
        title="Company time zone",
        description=f"The company's IANA time zone (default {default}): its API answers local times",
    )


def zone_of(name: str | None, default: str) -> ZoneInfo:
    return ZoneInfo(name or default)
