"""Making any incoming string safe to parse: valid Unicode, no control characters, bounded length.

The cleaned text is what every later step sees, and entity offsets refer to it, so
`ParseResult.text` always carries it back to the caller.
"""

from __future__ import annotations

import unicodedata

import regex

from nlu.result import MAX_TEXT_LENGTH

# Control and format characters (including zero-width joiners that some keyboards scatter,
# except ZWJ/ZWNJ which change how Indic conjuncts are written), unpaired surrogates and
# private-use characters become spaces; runs of whitespace collapse to one space.
_UNWANTED = regex.compile(r"[\p{Cc}\p{Cs}\p{Co}\p{Cn}[\p{Cf}--[\u200c\u200d]]]+", regex.V1)
_SPACES = regex.compile(r"\s+")


def clean(text: str) -> tuple[str, bool]:
    """The text to parse and whether it was cut at `MAX_TEXT_LENGTH` characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Normalising can lengthen text a little; cutting early bounds the work on huge inputs.
    text = text[: MAX_TEXT_LENGTH * 4]
    # Lone surrogates cannot be encoded; replace them before normalising.
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    text = _UNWANTED.sub(" ", unicodedata.normalize("NFC", text))
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= MAX_TEXT_LENGTH:
        return text, False
    return text[:MAX_TEXT_LENGTH].rstrip(), True


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
