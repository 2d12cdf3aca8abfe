"""Signatures of a webhook body.

- `propexo-signature`: hex HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes
  (Propexo's scheme; no timestamp, so it cannot stop replays).
- Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
  `webhook-signature` = `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. Generated secrets
  look like `whsec_<base64>` and their key is the decoded bytes, so any Standard Webhooks
  library takes the secret as it is; a secret the customer chose is keyed with its UTF-8
  bytes (pass those bytes to the library).

During a rotation's grace period both secrets sign: `webhook-signature` lists both
(space-separated, as the standard allows) and `propexo-signature-previous` carries the old
secret's Propexo signature next to the new one in `propexo-signature`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def standard_key(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if key:
            return key
    return secret.encode()


def propexo_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    secrets_in_use: list[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Headers for one attempt; `secrets_in_use` is the current secret, then the previous one
    while its grace period lasts."""
    current = secrets_in_use[0]
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(s, message_id, timestamp, body) for s in secrets_in_use
        ),
        "propexo-signature": propexo_signature(current, body),
    }
    if len(secrets_in_use) > 1:
        headers["propexo-signature-previous"] = propexo_signature(secrets_in_use[1], body)
    return headers


class Signer:
    """`signature_headers` with the keys prepared once per webhook (a delivery loop signs
    thousands of bodies a second with the same secrets): HMAC states keyed in advance and copied
    per body. Same output as `signature_headers`; returns the header lines as bytes."""

    def __init__(self, secrets_in_use: list[str]) -> None:
        self._standard = [hmac.new(standard_key(s), digestmod=hashlib.sha256) for s in secrets_in_use]
        self._propexo = [hmac.new(s.encode(), digestmod=hashlib.sha256) for s in secrets_in_use[:2]]

    def header_lines(self, message_id: str, timestamp: int, body: bytes) -> bytes:
        prefix = f"{message_id}.{timestamp}.".encode()
        standard = []
        for keyed in self._standard:
            mac = keyed.copy()
            mac.update(prefix)
            mac.update(body)
            standard.append("v1," + base64.b64encode(mac.digest()).decode())
        propexo = []
        for keyed in self._propexo:
            mac = keyed.copy()
            mac.update(body)
            propexo.append(mac.hexdigest())
        lines = (
            f"webhook-id: {message_id}\r\nwebhook-timestamp: {timestamp}\r\n"
            f"webhook-signature: {' '.join(standard)}\r\npropexo-signature: {propexo[0]}\r\n"
        )
        if len(propexo) > 1:
            lines += f"propexo-signature-previous: {propexo[1]}\r\n"
        return lines.encode()
