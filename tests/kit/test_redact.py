"""Structural redaction of native exchanges: by name, and by value in every encoding."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from pmsgate.connectors.http import VendorHttp, redact
from pmsgate.kit.redact import REDACTED, Redactor, is_sensitive_name, secret_values


@pytest.mark.parametrize(
    "name",
    ["Authorization", "x-buildium-client-secret", "X-RM12Api-ApiToken", "x-api-key",
     "Ocp-Apim-Subscription-Key", "password", "Password", "UserPassword", "apiKey", "api_key", "ApiKey",
     "InterfaceLicense", "PartnerToken", "accessToken", "Cookie", "ns1:Password", "client_secret"],
)  # fmt: skip
def test_sensitive_names(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name", ["Idempotency-Key", "username", "clientId", "companyId", "content-type", "key"]
)
def test_innocent_names(name: str) -> None:
    assert not is_sensitive_name(name)


@pytest.mark.parametrize("secret", ['a"b', "x\\y", "é", "ü'<", "<&>", "p", "%2F+ ", "pässwörd\"\\'"])
def test_secrets_of_any_length_and_characters_are_gone_in_every_encoding(secret: str) -> None:
    redactor = Redactor([secret])
    xml_escaped = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    user_pass = base64.b64encode(f"someone:{secret}".encode()).decode()
    samples = {
        "raw": f"before {secret} after",
        "json": json.dumps({"note": f"echo {secret}"}),
        "json-ascii": json.dumps({"note": f"echo {secret}"}, ensure_ascii=True),
        "json-twice": json.dumps(json.dumps({"p": secret})),
        "url": str(httpx.URL("https://pms.test/x", params={"q": secret})),
        "form": httpx.Request("POST", "https://x", data={"q": secret}).read().decode(),
        "xml": f"<Root><Note>{xml_escaped}</Note></Root>",
        "xml-numeric": "<Root><Note>" + "".join(f"&#{ord(c)};" for c in secret) + "</Note></Root>",
        "basic": f"Basic {user_pass}",
    }
    for kind, sample in samples.items():
        cleaned = redactor.xml(sample) if kind.startswith("xml") else redactor.text(sample)
        assert secret not in cleaned.replace(REDACTED, ""), (kind, cleaned)
        assert REDACTED in cleaned, (kind, cleaned)
    assert redactor.value({"k": [secret, {"n": secret}]}) == {"k": [REDACTED, {"n": REDACTED}]}


def test_bodies_are_redacted_as_data_by_field_name_without_knowing_the_value() -> None:
    redactor = Redactor()
    form = redactor.body(b"ApiKey=abc&AccountID=7&Password=x%22y", "application/x-www-form-urlencoded")
    assert form == {"ApiKey": REDACTED, "AccountID": "7", "Password": REDACTED}
    soap = (
        "<soap:Envelope><soap:Body><GetResidents><UserName>u</UserName><Password>p&amp;w</Password>"
        '<ServerName>s</ServerName><Auth token="t0k"/></GetResidents></soap:Body></soap:Envelope>'
    )
    redacted_soap = redactor.body(soap.encode(), "text/xml; charset=utf-8")
    assert "<Password>***</Password>" in redacted_soap and "p&amp;w" not in redacted_soap
    assert 'token="***"' in redacted_soap and "<UserName>u</UserName>" in redacted_soap
    rpc = {"auth": {"type": "basic", "username": "u", "password": "pw"}, "method": {"name": "getLeases"}}
    assert redactor.body(json.dumps(rpc).encode(), "application/json") == {
        "auth": REDACTED,
        "method": {"name": "getLeases"},
    }
    assert redactor.url("https://pms.test/api?apikey=abc&page=2") == "https://pms.test/api?apikey=***&page=2"
    assert redactor.headers({"Authorization": "Bearer x", "Accept": "application/json"}) == {
        "Authorization": REDACTED,
        "Accept": "application/json",
    }


class _Nested(BaseModel):
    password: SecretStr | None = None


class _Credentials(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user: str
    pin_code: SecretStr = Field(alias="pinCode")
    block: _Nested | None = None


def test_secret_values_come_from_the_credentials_model_and_sensitive_names() -> None:
    found = secret_values(
        _Credentials, {"user": "u", "pinCode": "12", "block": {"password": "n"}, "extraToken": "t"}
    )
    assert sorted(found) == ["12", "n", "t"]


def test_vendor_http_redacts_raw_bodies_errors_and_tokens_learned_later() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/login":
            return httpx.Response(200, json="tok-123")
        return httpx.Response(422, text=f"bad login for {request.content.decode()}")

    http = VendorHttp("http://pms.test", transport=httpx.MockTransport(answer), secrets=['s"3'])
    http.record_exchanges = True
    http.request(
        "POST", "/login", content='<Login><Pass>s"3</Pass></Login>', headers={"content-type": "text/xml"}
    )
    http.add_secrets("tok-123")
    with pytest.raises(Exception) as refused:
        http.request("POST", "/x", data={"secret_answer": 's"3', "q": 'x s"3'}, idempotent=False)
    assert 's"3' not in str(refused.value) and "s%223" not in str(refused.value)
    taken = json.dumps(http.take_exchanges())
    for leaked in ('s"3', 's\\"3', "s%223", "tok-123"):
        assert leaked not in taken, leaked
    assert http.exchanges == []
    assert redact({"a": "tok"}, ["tok"]) == {"a": REDACTED}
