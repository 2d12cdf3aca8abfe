"""Redaction of native exchanges (PMS requests and responses) before they are stored or shown.

Redaction works on structure first, then on values, and never on serialized text alone:

- **By name**: a header, JSON key, form or query field, XML element or attribute whose name looks
  like a secret (`is_sensitive_name`: password, secret, token, api key, license, authorization,
  cookie, signature, `x-…-key`…) has its value replaced by `***`, whatever the value is.
- **By value**: every known secret (the integration's credential values and the tokens a login
  returned) is replaced wherever it appears in any string, in each encoding an exchange may carry
  it in: raw, JSON-escaped (ASCII or not, and escaped twice), URL/form-encoded (either hex case,
  `+` or `%20`), XML/HTML-escaped (named or numeric entities; XML text and attribute values are
  also compared after unescaping), and base64 (a base64 token, e.g. HTTP Basic `user:secret`, is
  decoded and dropped when it holds a secret). Secrets of any length are redacted, even one
  character: a needlessly hidden character in a log costs nothing, a leaked password does.

Bodies are redacted as parsed data: JSON as objects, form posts as field lists, XML (SOAP) by
element, anything else as text. The result is what a job log stores and the API returns; the
`Redactor` is generic, so a new vendor is covered by naming its secrets (`secret_values`).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel
from pydantic.fields import FieldInfo

REDACTED = "***"

_SENSITIVE_PARTS = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "license",
    "licence",
    "authorization",
    "cookie",
    "signature",
    "credential",
    "privatekey",
    "accesskey",
    "sessionid",
)
_INNOCENT_KEYS = frozenset({"key", "idempotencykey", "primarykey", "sortkey", "foreignkey", "keys"})
_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)([^<>]*)>([^<]*)</\1\s*>")
_XML_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w.:-]*)(\s*=\s*)(["'])(.*?)\3""", re.DOTALL)
_XML_TEXT = re.compile(r">([^<]+)<")


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_sensitive_name(name: str) -> bool:
    """Whether a field or header called `name` carries a secret, whatever its value."""
    normal = _normal(name.rsplit(":", 1)[-1])  # an XML namespace prefix does not matter
    if normal in ("auth", "pin"):
        return True
    if any(part in normal for part in _SENSITIVE_PARTS):
        return True
    return normal.endswith("key") and normal not in _INNOCENT_KEYS


def secret_values(model: type[BaseModel] | None, credentials: Mapping[str, Any]) -> list[str]:
    """The values of `credentials` that are secrets: fields typed `SecretStr` in `model` (nested
    models included) and any field whose name is sensitive. Works on the raw mapping, so a value
    the model would refuse is still found."""
    found: list[str] = []

    def walk(model: type[BaseModel] | None, data: Any) -> None:
        if not isinstance(data, Mapping):
            return
        fields = model.model_fields if model is not None else {}
        by_key: dict[str, FieldInfo] = {}
        for name, field_info in fields.items():
            by_key[name] = field_info
            if field_info.alias:
                by_key[field_info.alias] = field_info
        for key, value in data.items():
            info = by_key.get(str(key))
            annotation = str(info.annotation) if info is not None else ""
            nested = _nested_model(info.annotation) if info is not None else None
            if isinstance(value, Mapping):
                walk(nested, value)
            elif (
                isinstance(value, str | int)
                and not isinstance(value, bool)
                and ("Secret" in annotation or is_sensitive_name(str(key)))
            ):
                found.append(str(value))

    walk(model, credentials)
    return [v for v in dict.fromkeys(found) if v]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _encodings(secret: str) -> set[str]:
    forms = {secret}
    for ensure_ascii in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ensure_ascii)[1:-1]
        forms.add(escaped)
        forms.add(json.dumps(escaped, ensure_ascii=ensure_ascii)[1:-1])
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret), quote(secret, safe="~()*!.'")):
        forms.add(encoded)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
    forms.add(html.escape(secret))
    forms.add(html.escape(secret, quote=False))
    forms.add(secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
    forms.add(html.escape(secret).replace("&#x27;", "&apos;"))
    forms.add(html.escape(secret).replace("&#x27;", "&#39;").replace("&quot;", "&#34;"))
    raw = secret.encode()
    forms.add(base64.b64encode(raw).decode())
    return {f for f in forms if f}


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._forms: list[str] = []
        self.add(*secrets)

    @property
    def secrets(self) -> list[str]:
        return list(self._secrets)

    def add(self, *secrets: str) -> None:
        new = [s for s in secrets if isinstance(s, str) and s and s not in self._secrets]
        if not new:
            return
        self._secrets.extend(new)
        forms: set[str] = set(self._forms)
        for secret in new:
            forms |= _encodings(secret)
        self._forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def _holds_secret(self, text: str) -> bool:
        return any(form in text for form in self._forms)

    # -- text -------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        if not self._secrets or not text:
            return text
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return _BASE64_TOKEN.sub(self._base64_token, text)

    def _base64_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        body = token.rstrip("=")
        padded = body + "=" * (-len(body) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(padded).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                continue
            if any(secret in decoded for secret in self._secrets):
                return REDACTED
        return token

    # -- structure --------------------------------------------------------------------------
    def value(self, value: Any) -> Any:
        """A JSON-like value with sensitive keys and every secret redacted."""
        if isinstance(value, Mapping):
            return {
                self.text(str(k)): (self._named(v) if is_sensitive_name(str(k)) else self.value(v))
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float) and self._secrets:
            return self.value(str(value)) if self._holds_secret(str(value)) else value
        return value

    @staticmethod
    def _named(value: Any) -> Any:
        """The value of a sensitive field: gone, unless it says nothing (empty, a flag)."""
        if value is None or isinstance(value, bool) or value == "":
            return value
        return REDACTED

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        return {
            name: (REDACTED if is_sensitive_name(name) else self.text(str(value))) for name, value in items
        }

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [
            (self.text(name), REDACTED if is_sensitive_name(name) and value else self.text(value))
            for name, value in pairs
        ]

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            query = urlencode(self.pairs(parse_qsl(query, keep_blank_values=True)), safe="*")
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    def xml(self, text: str) -> str:
        """XML/SOAP text: sensitive elements and attributes emptied, then every secret, compared
        with entities decoded too (`&#34;` and `"` are the same character to a parser)."""

        def element(match: re.Match[str]) -> str:
            name, attributes, inner = match.group(1), match.group(2), match.group(3)
            if is_sensitive_name(name) and inner.strip():
                inner = REDACTED
            return f"<{name}{attributes}>{inner}</{name}>"

        def attribute(match: re.Match[str]) -> str:
            name, equals, quote_char, value = match.groups()
            if (is_sensitive_name(name) and value) or self._holds_secret(html.unescape(value)):
                value = REDACTED
            return f"{name}{equals}{quote_char}{value}{quote_char}"

        def segment(match: re.Match[str]) -> str:
            inner = match.group(1)
            return f">{REDACTED}<" if self._holds_secret(html.unescape(inner)) else match.group(0)

        text = _XML_ELEMENT.sub(element, text)
        text = re.sub(r"<[^<>]+>", lambda m: _XML_ATTRIBUTE.sub(attribute, m.group(0)), text)
        if self._secrets:
            text = _XML_TEXT.sub(segment, text)
        return self.text(text)

    def body(self, content: bytes | str | None, content_type: str, *, limit: int = 20_000) -> Any:
        """A request or response body as data fit to store: JSON parsed, forms as pairs, XML and
        text as (truncated) text, all redacted."""
        if not content:
            return None
        raw = content.encode() if isinstance(content, str) else content
        kind = content_type.lower()
        text = raw.decode("utf-8", "replace")
        if "json" in kind or (not kind and text.lstrip()[:1] in ("{", "[")):
            try:
                return self.value(json.loads(text))
            except ValueError:
                pass
        if "x-www-form-urlencoded" in kind:
            return dict(self.pairs(parse_qsl(text, keep_blank_values=True)))
        # Redact a little past the limit, then cut: a secret straddling the cut is still whole.
        margin = max((len(form) for form in self._forms), default=0)
        head = text[: limit + margin]
        redacted = self.xml(head) if "xml" in kind or head.lstrip().startswith("<") else self.text(head)
        return redacted[:limit]
