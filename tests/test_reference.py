"""Ticket references: keypad-friendly digits whose check digit catches typing mistakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance.errors import InvalidReferenceError
from grievance.tickets.reference import (
    REFERENCE_LENGTH,
    check_digit,
    is_valid,
    new_reference,
    parse_reference,
)


@pytest.mark.parametrize(("payload", "digit"), [("236", "3"), ("12345", "1"), ("142857", "0")])
def test_known_verhoeff_check_digits(payload: str, digit: str) -> None:
    assert check_digit(payload) == digit


def test_new_references_are_ten_valid_digits_not_starting_with_zero() -> None:
    for _ in range(200):
        reference = new_reference()
        assert len(reference) == REFERENCE_LENGTH and reference[0] != "0" and is_valid(reference)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_typo_is_caught(payload: str, position: int, shift: int) -> None:
    reference = payload + check_digit(payload)
    typo = (
        reference[:position]
        + str((int(reference[position]) + shift) % 10)
        + reference[position + 1 :]
    )
    assert not is_valid(typo)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8))
def test_any_swap_of_neighbouring_digits_is_caught(payload: str, position: int) -> None:
    reference = payload + check_digit(payload)
    swapped = (
        reference[:position]
        + reference[position + 1]
        + reference[position]
        + reference[position + 2 :]
    )
    assert swapped == reference or not is_valid(swapped)


def test_people_may_type_spaces_and_dashes() -> None:
    reference = new_reference()
    assert parse_reference(f" {reference[:4]} {reference[4:7]}-{reference[7:]} ") == reference


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "has 10 digits"),
        ("12345", "has 10 digits"),
        ("98801369３8", "has 10 digits"),
        ("9880136930", "check digit"),
    ],
)
def test_malformed_references_are_refused_with_the_reason(typed: str, message: str) -> None:
    with pytest.raises(InvalidReferenceError, match=message):
        parse_reference(typed)
