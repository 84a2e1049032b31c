"""Random secrets (API tokens, session ids, CSRF tokens) and the digest stored in their place.

The secrets carry 256 bits of randomness, so a plain SHA-256 is enough at rest: nobody can
search that space, and the stored digest is useless to whoever reads the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Lets secret scanners recognise a leaked JalSamvad token.
TOKEN_PREFIX = "jsv_"  # noqa: S105


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + new_secret()


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign(key: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`, as hex: only the key's holder can make it."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode(), expected.encode())
