"""Encryption of vendor credentials at rest (Fernet: AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from pmsgate.config import get_settings


@lru_cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def _current() -> Fernet:
    return _fernet(get_settings().resolved_secret_key())


def encrypt_json(value: dict[str, Any]) -> str:
    return _current().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    try:
        return json.loads(_current().decrypt(token.encode()))
    except InvalidToken as exc:
        raise RuntimeError("credentials cannot be decrypted with the configured secret key") from exc


def token_digest(token: str) -> str:
    """What is stored of a high-entropy random token (API key, console cookie, connect link):
    its SHA-256, so a database reader cannot use it. Random keys need no slow KDF."""
    return hashlib.sha256(token.encode()).hexdigest()
