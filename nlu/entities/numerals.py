"""Native digits → ASCII, one character for one, so spans over the folded text fit the original.

The table comes from the Unicode character database (`unicodedata.lookup` by name, value from
`unicodedata.digit`): every script a complaint arrives in, Urdu's two Arabic digit sets, and the
Ol Chiki and Meetei Mayek digits of two more Eighth Schedule languages.
"""

from __future__ import annotations

import re
import unicodedata

_SCRIPTS = (
    "DEVANAGARI",  # hi, mr
    "BENGALI",  # bn, as
    "GURMUKHI",  # pa
    "GUJARATI",  # gu
    "ORIYA",  # or
    "TAMIL",  # ta
    "TELUGU",  # te
    "KANNADA",  # kn
    "MALAYALAM",  # ml
    "ARABIC-INDIC",  # ur (٠-٩)
    "EXTENDED ARABIC-INDIC",  # ur (۰-۹)
    "OL CHIKI",  # sat
    "MEETEI MAYEK",  # mni
)
_DIGIT_NAMES = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


def _native_digits() -> str:
    return "".join(
        unicodedata.lookup(f"{script} DIGIT {name}") for script in _SCRIPTS for name in _DIGIT_NAMES
    )


NATIVE_DIGITS = _native_digits()
DIGITS = "0123456789" + NATIVE_DIGITS
_TABLE = {ord(ch): ord("0") + unicodedata.digit(ch) for ch in NATIVE_DIGITS}

# A character class for "a digit in any script we read"; `\d` would also take digits we
# cannot fold (Myanmar, Tibetan …), which would leak non-ASCII into entity values.
DIGIT_CLASS = "[0-9" + re.escape(NATIVE_DIGITS) + "]"
_ANY_DIGIT = re.compile(DIGIT_CLASS)


def fold_digits(text: str) -> str:
    """`text` with every native digit replaced by its ASCII digit; same length, same offsets."""
    return text.translate(_TABLE)


def has_digit(text: str) -> bool:
    return _ANY_DIGIT.search(text) is not None
