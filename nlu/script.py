"""Which writing system a message is in, and which languages that leaves open.

Most Indian languages have a script of their own, so the script alone settles them; Devanagari
(Hindi or Marathi), Bengali-Assamese and Latin letters (English or a romanised language) leave
a choice that the language model makes. Scripts are read from the Unicode character names, so
no code-point ranges are typed here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache

# Unicode's name prefix for each script we serve, and its one-letter code in translated text.
_SCRIPT_NAMES = {
    "LATIN": "L",
    "DEVANAGARI": "D",
    "BENGALI": "B",
    "GURMUKHI": "P",
    "GUJARATI": "G",
    "ORIYA": "O",
    "TAMIL": "T",
    "TELUGU": "E",
    "KANNADA": "K",
    "MALAYALAM": "M",
    "ARABIC": "A",
}
SCRIPT_OF_CODE = {code: name for name, code in _SCRIPT_NAMES.items()}
_LATIN = _SCRIPT_NAMES["LATIN"]

# The languages each script can carry, the most common first (the fallback when unsure).
LANGUAGES_OF_SCRIPT: dict[str, tuple[str, ...]] = {
    "LATIN": ("en", "hi-Latn", "bn-Latn", "ta-Latn", "te-Latn"),
    "DEVANAGARI": ("hi", "mr"),
    "BENGALI": ("bn", "as"),
    "GURMUKHI": ("pa",),
    "GUJARATI": ("gu",),
    "ORIYA": ("or",),
    "TAMIL": ("ta",),
    "TELUGU": ("te",),
    "KANNADA": ("kn",),
    "MALAYALAM": ("ml",),
    "ARABIC": ("ur",),
}
SCRIPT_OF_LANGUAGE = {
    language: script for script, languages in LANGUAGES_OF_SCRIPT.items() for language in languages
}


@cache
def _letter_table() -> dict[int, str]:
    """Maps every letter or mark of a served script to its code; everything else is dropped."""
    table: dict[int, str | None] = {}
    for point in range(0x0000, 0x1000):
        char = chr(point)
        if not unicodedata.category(char).startswith(("L", "M")):
            continue
        prefix = unicodedata.name(char, "").split(" ", 1)[0]
        if prefix in _SCRIPT_NAMES:
            table[point] = _SCRIPT_NAMES[prefix]
    return table  # type: ignore[return-value]


class _Letters(dict[int, str | None]):
    """A translate table that drops every character it does not know."""

    def __missing__(self, key: int) -> None:
        return None


_LETTERS = _Letters(_letter_table())


def dominant_script(text: str) -> str | None:
    """The script the message is in, or None when it has no letters we serve.

    English words are common inside Indian-language messages ("pipe burst થઈ ગઈ"), and
    someone who writes any of their own script reads it, so a native script wins over Latin
    letters whatever their number; among native scripts the most used one wins.
    """
    codes = text.translate(_LETTERS)
    if not codes:
        return None
    present = set(codes)
    if len(present) == 1:
        return SCRIPT_OF_CODE[codes[0]]
    native = Counter(code for code in codes if code != _LATIN)
    if not native:
        return SCRIPT_OF_CODE[_LATIN]
    return SCRIPT_OF_CODE[native.most_common(1)[0][0]]
