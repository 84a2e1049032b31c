"""Phone numbers at rest: normalised, encrypted (AES-GCM), found by keyed hash, masked in logs."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Protocol

import phonenumbers
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from grievance.errors import ValidationError
from grievance.types import Channel

_NONCE_BYTES = 12


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose from the root secret: one leaked key opens nothing else."""
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(secret)


class Sealed(Protocol):
    """A contact as it is stored: its keyed lookup hash and its ciphertext. A `Contact` is one;
    so is a `SealedContact` read from a row, which is written on as it is, never decrypted to be
    hashed and encrypted again."""

    @property
    def lookup_hash(self) -> str: ...

    @property
    def ciphertext(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class SealedContact:
    lookup_hash: str
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class Contact:
    """A household's or member's address, resolved once where it enters (`ContactVault.resolve`):
    its canonical form (E.164, or "telegram:<chat id>"), keyed lookup hash and ciphertext, so
    nothing after the channel normalises, hashes or encrypts it again. `reachable` is False for
    what is not a phone or chat id (a short code, an alphanumeric sender): such a sender still
    has a conversation, keyed by its hash, but cannot file a complaint. Never shown in clear."""

    canonical: str = field(repr=False)
    lookup_hash: str
    ciphertext: bytes = field(repr=False)
    reachable: bool = True

    def __str__(self) -> str:
        return mask(self.canonical)

    def required(self) -> str:
        """The canonical form, or a clear error when this is not a phone number or chat id."""
        if not self.reachable:
            raise ValidationError(f"not a phone number or chat id: {self}")
        return self.canonical


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

    def canonical(self, channel: Channel, raw: str) -> str:
        """E.164 for phone channels, "telegram:<chat id>" for Telegram; a clear error otherwise."""
        if channel is Channel.TELEGRAM:
            chat_id = raw.removeprefix("telegram:").strip()
            if not chat_id.lstrip("-").isdigit():
                raise ValidationError("a Telegram contact is a numeric chat id")
            return f"telegram:{int(chat_id)}"
        return self.normalise_phone(raw)

    def resolve(self, channel: Channel, raw: str) -> Contact:
        """The contact behind a channel's address, normalised, hashed and encrypted here once.
        What is not a phone number or chat id is kept apart by channel and never reachable."""
        try:
            canonical, reachable = self.canonical(channel, raw), True
        except ValidationError:
            canonical, reachable = f"{channel.value}:{raw.strip()}", False
        return self.known(canonical, reachable=reachable)

    def known(self, canonical: str, *, reachable: bool = True) -> Contact:
        """A contact already in canonical form (e.g. decrypted from a row written earlier)."""
        return Contact(canonical, self.lookup_hash(canonical), self.encrypt(canonical), reachable)

    def opened(self, ciphertext: bytes, lookup_hash: str) -> Contact:
        """A contact stored earlier with its hash: decrypted, neither hashed nor encrypted again."""
        return Contact(self.decrypt(ciphertext), lookup_hash, ciphertext)

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
