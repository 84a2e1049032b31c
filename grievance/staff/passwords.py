"""Argon2id password hashes. An unknown user costs the same as a wrong password."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from grievance.errors import ValidationError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; this only bounds the work per attempt

_REAL = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) defaults
# The test suite creates hundreds of accounts: `use_cheapest_parameters` (set by the
# composition root from JALSAMVAD_TEST_FAST_PASSWORD_HASHING, which production refuses) uses
# argon2-cffi's cheapest parameters: the same argon2id code, about 1 ms instead of 170 ms.
_CHEAPEST = PasswordHasher.from_parameters(profiles.CHEAPEST)
_hashers = {"current": _REAL}


def use_cheapest_parameters(cheapest: bool) -> None:
    _hashers["current"] = _CHEAPEST if cheapest else _REAL
    _dummy_hash.cache_clear()


def _hasher() -> PasswordHasher:
    return _hashers["current"]


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationError(f"a password has at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"a password has at most {MAX_PASSWORD_CHARS} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher().hash("no account has this password: it only costs the same time")


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (unknown user, token-only account) a dummy
    hash is checked anyway, so both answers take the same time."""
    password = password[:MAX_PASSWORD_CHARS]
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def rehash(password: str) -> str:
    """A fresh hash of a password that just verified (no strength rule: it is already in use)."""
    return _hasher().hash(password)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters than the current ones."""
    return _hasher().check_needs_rehash(stored_hash)
