"""Contacts at rest: normalised, encrypted, looked up by keyed hash, masked in messages."""

from __future__ import annotations

import pytest

from grievance.errors import ValidationError
from grievance.privacy import ContactVault, mask
from grievance.settings import InsecureConfigurationError, Settings


def test_the_same_number_written_differently_has_one_lookup_hash(vault: ContactVault) -> None:
    forms = ["+91 98450 00101", "098450 00101", "9845000101", "+919845000101"]
    assert {vault.lookup_hash(vault.normalise_phone(f)) for f in forms} == {
        vault.lookup_hash("+919845000101")
    }


def test_encryption_round_trips_and_is_not_deterministic(vault: ContactVault) -> None:
    first, second = vault.encrypt("+919845000101"), vault.encrypt("+919845000101")
    assert first != second and b"9845000101" not in first
    assert vault.decrypt(first) == vault.decrypt(second) == "+919845000101"


def test_another_secret_gives_other_hashes_and_cannot_decrypt(vault: ContactVault) -> None:
    other = ContactVault(b"another secret")
    assert other.lookup_hash("+919845000101") != vault.lookup_hash("+919845000101")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        other.decrypt(vault.encrypt("+919845000101"))


def test_invalid_numbers_are_refused_without_echoing_them(vault: ContactVault) -> None:
    with pytest.raises(ValidationError) as caught:
        vault.normalise_phone("12345678")
    assert "12345678" not in str(caught.value)


def test_mask_shows_only_the_last_digits() -> None:
    assert mask("+919845000101") == "***101"


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(InsecureConfigurationError):
        Settings(environment="production", secret_key=None).secret()
    assert Settings(environment="production", secret_key="s3cret").secret() == b"s3cret"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("JALSAMVAD_ESCALATION_BATCH_SIZE", "500")
    settings = Settings()
    assert (settings.database_url, settings.escalation_batch_size) == (
        "sqlite:///elsewhere.db",
        500,
    )
