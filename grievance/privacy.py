"""Phone numbers at rest: normalised, encrypted (AES-GCM), found by keyed hash, masked in logs."""

from __future__ import annotations

import hashlib
import hmac
import os

import phonenumbers
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from grievance.errors import ValidationError

_NONCE_BYTES = 12


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose from the root secret: one leaked key opens nothing else."""
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(secret)


class ContactVault:
    """Encrypts contacts and computes their lookup hash; two keys derived from one secret."""

    def __init__(self, secret: bytes, default_region: str = "IN") -> None:
        self._aead = AESGCM(derive_key(secret, b"jalsamvad contact encryption v1"))
        self._hash_key = derive_key(secret, b"jalsamvad contact lookup v1")
        self._region = default_region

    def normalise_phone(self, raw: str) -> str:
        """E.164 form ("+919812345678"); a clear error for anything that is not a phone number."""
        try:
            number = phonenumbers.parse(raw.strip(), self._region)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(f"not a phone number: {mask(raw)}") from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(f"not a valid phone number: {mask(raw)}")
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    def lookup_hash(self, contact: str) -> str:
        return hmac.new(self._hash_key, contact.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, contact: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, contact.encode(), None)

    def decrypt(self, blob: bytes) -> str:
        return self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], None).decode()


def mask(contact: str) -> str:
    """What a log may show of a contact: its last three characters."""
    tail = contact.strip()[-3:]
    return f"***{tail}" if len(contact.strip()) > 5 else "***"
