"""What a message says before any model is asked: cleaning, command words, typed numbers."""

from __future__ import annotations

import re
import unicodedata

from nlu.result import MAX_TEXT_LENGTH

# C0/C1 controls other than newline and tab, and lone surrogates: never meaningful in a message.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_REFERENCE = re.compile(r"(?<!\d)(\d[\d -]{8,14}\d)(?!\d)")
_VILLAGE_CODE = re.compile(r"^\s*(\d{6})\s*$")


def clean(text: str) -> tuple[str, bool]:
    """The text without control characters, cut to what the NLU reads; and whether it was cut."""
    text = _CONTROLS.sub("", text).strip()
    if len(text) > MAX_TEXT_LENGTH:
        return text[:MAX_TEXT_LENGTH], True
    return text, False


def normalise(text: str) -> str:
    """Lower case, one space between words, no trailing punctuation: for matching commands."""
    text = unicodedata.normalize("NFC", text).casefold().strip(" .!?।")
    return _SPACES.sub(" ", text)


def _words(*items: str) -> frozenset[str]:
    return frozenset(normalise(item) for item in items)


# STOP and DELETE are promised in the privacy notice, in every language.
WITHDRAW = _words("stop", "delete", "unsubscribe", "STOP करें", "डिलीट")
CANCEL = _words("cancel", "0", "restart", "reset", "रद्द", "radd", "cancel karo", "band karo")
MENU = _words("menu", "मेनू", "main menu", "start", "/start")
HELP = _words("help", "/help", "मदद", "madad", "sahayata", "सहायता")
LANGUAGE = _words("language", "lang", "भाषा", "bhasha", "bhasa", "/language")
SKIP = _words(
    "skip",
    "no",
    "na",
    "nahi",
    "nahin",
    "pata nahi",
    "छोड़ें",
    "छोड़ो",
    "chhodo",
    "नहीं",
    "पता नहीं",
    "don't know",
    "dont know",
)
# Language names as people type them, to the BCP-47 tag they choose.
LANGUAGE_NAMES = {
    **dict.fromkeys(_words("english", "angrezi", "अंग्रेज़ी", "अंग्रेजी", "इंग्लिश"), "en"),
    **dict.fromkeys(_words("hindi", "हिंदी", "हिन्दी"), "hi"),
    **dict.fromkeys(_words("hinglish", "roman hindi", "hindi roman", "hindi (roman)"), "hi-Latn"),
    **dict.fromkeys(_words("marathi", "मराठी"), "mr"),
    **dict.fromkeys(_words("bengali", "bangla", "বাংলা"), "bn"),
    **dict.fromkeys(_words("tamil", "தமிழ்"), "ta"),
    **dict.fromkeys(_words("telugu", "తెలుగు"), "te"),
    **dict.fromkeys(_words("gujarati", "ગુજરાતી"), "gu"),
    **dict.fromkeys(_words("kannada", "ಕನ್ನಡ"), "kn"),
    **dict.fromkeys(_words("malayalam", "മലയാളം"), "ml"),
    **dict.fromkeys(_words("odia", "oriya", "ଓଡ଼ିଆ"), "or"),
    **dict.fromkeys(_words("punjabi", "ਪੰਜਾਬੀ"), "pa"),
    **dict.fromkeys(_words("assamese", "অসমীয়া"), "as"),
    **dict.fromkeys(_words("urdu", "اردو"), "ur"),
}


def typed_number(text: str) -> int | None:
    """A number typed alone ("2", "२", " 3 "), in any script; else None."""
    text = text.strip()
    if not text or len(text) > 3 or not text.isdecimal():
        return None
    return int(text)


def village_code(text: str) -> int | None:
    """A 6-digit LGD village code sent alone, in any script."""
    digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    match = _VILLAGE_CODE.match(digits)
    return int(match.group(1)) if match else None


def reference_like(text: str) -> str | None:
    """Something that looks like a typed complaint number (10 digits, spaces or dashes between),
    whether or not its check digit is right."""
    digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    for match in _REFERENCE.finditer(digits):
        bare = re.sub(r"[ -]", "", match.group(1))
        if len(bare) == 10:
            return bare
    return None
