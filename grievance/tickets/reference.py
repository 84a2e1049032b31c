"""Public ticket references: ten digits, the last a Verhoeff check digit.

Digits only, so they can be typed on an IVR keypad and read out in any language. Verhoeff
catches every single-digit error and every swap of adjacent digits, so a mistyped reference
is refused instead of finding somebody else's complaint.
"""

from __future__ import annotations

import secrets

from grievance.errors import InvalidReferenceError

REFERENCE_LENGTH = 10

_MULTIPLY = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_PERMUTE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _checksum(digits: str, offset: int) -> int:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _MULTIPLY[check][_PERMUTE[(position + offset) % 8][int(digit)]]
    return check


def check_digit(payload: str) -> str:
    """The Verhoeff digit to append to `payload`."""
    return str(_INVERSE[_checksum(payload, 1)])


def is_valid(reference: str) -> bool:
    return reference.isascii() and reference.isdigit() and _checksum(reference, 0) == 0


def new_reference() -> str:
    """A random reference; the first digit is never 0 so it survives being read as a number."""
    payload = str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(REFERENCE_LENGTH - 2)
    )
    return payload + check_digit(payload)


def parse_reference(text: str) -> str:
    """Accept what a person typed ("4821 3907-12"), return the bare reference or raise."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch not in "-.")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != REFERENCE_LENGTH:
        raise InvalidReferenceError(
            f"a complaint reference has {REFERENCE_LENGTH} digits; got {text.strip()!r}"
        )
    if not is_valid(digits):
        raise InvalidReferenceError(
            f"reference {digits} fails its check digit: it was probably mistyped"
        )
    return digits
