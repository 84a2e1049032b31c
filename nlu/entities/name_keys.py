"""A phonetic key for place names, the same for "Tammapur", "तम्मापुर" and "ತಮ್ಮಾಪುರ".

Indic scripts are transliterated to IAST with `indic_transliteration`; scripts of the north
(Devanagari, Bengali-Assamese, Gurmukhi, Gujarati, Odia) write an inherent "a" that speech drops
("रामपुर" is rāmapura, said Rampur), so the usual schwa-deletion rule removes it. The Latin form
is then folded so that the spellings people use land on one key:

  - diacritics go (ā → a, ṭ → t, ś ṣ → s; ṛ → ri), anusvara is m before p/b/m, else n;
  - aspirates lose their h (kh → k, th → t, chh → c), sh → s, zh → l, x → ks, q → k, w → v,
    z → j, ph/f → p;
  - voicing is ignored (g → k, d → t, b → p, j → c): Tamil script does not write it, and
    romanisations of one name disagree about it;
  - long vowels and doubled letters become single (ee → i, oo → u, tt → t);
  - one final a or u is dropped ("Tammapura", "Hosuru" → "tamapur", "hosur").

Words are keyed separately and joined without spaces, so "Pura Golarahatti" and "Puragolarahatti"
agree. Arabic script (Urdu) is not supported by `indic_transliteration` as a source: it keys to ""
(no match).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from indic_transliteration import sanscript

from nlu.entities.tokens import CACHED_WORD_LENGTH, WORD
from nlu.romanise import SCHEMES as _SCHEMES

_SCHWA_DELETING = frozenset({"DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA"})


def _nukta_compositions() -> dict[str, str]:
    """ "ड" + nukta → "ड़": the transliterator knows only the precomposed letters, and NFC
    decomposes them (they are composition exclusions)."""
    pairs = {}
    for point in range(0x900, 0xE00):
        decomposition = unicodedata.decomposition(chr(point))
        if decomposition and not decomposition.startswith("<"):
            parts = "".join(chr(int(code, 16)) for code in decomposition.split())
            if unicodedata.name(parts[-1], "").endswith("SIGN NUKTA"):
                pairs[parts] = chr(point)
    return pairs


_NUKTA_PAIRS = _nukta_compositions()
_NUKTAS = frozenset(pair[-1] for pair in _NUKTA_PAIRS)

# IAST → folded ASCII, applied in order.
_IAST_BEFORE_STRIP = str.maketrans({"ṛ": "ri", "ṝ": "ri", "ḷ": "l", "ḻ": "l", "ṟ": "r", "ṉ": "n"})
_ANUSVARA_AS_M = re.compile("ṃ(?=[pbm]|$)")  # before a labial, and Tamil/Malayalam final ம்
_FOLDS = (
    (re.compile("zh"), "l"),
    (re.compile("x"), "ks"),
    (re.compile("ck|q"), "k"),
    (re.compile("ph|f"), "p"),
    (re.compile("([kgcjtdpb])h+"), r"\1"),
    (re.compile("sh"), "s"),
    (re.compile("ee"), "i"),
    (re.compile("oo"), "u"),
)
_LETTER_SWAPS = str.maketrans("wzgdbj", "vjktpc")
_DOUBLES = re.compile("(.)\\1+")
_NOT_LETTER = re.compile("[^a-z]+")
_VOWELS = frozenset("aāiīuūṛṝḷeèēoòō")
_STOPS = frozenset("kgcjṭḍtdpb")


def script_of(word: str) -> str | None:
    """The Unicode script name ("KANNADA") of the first non-ASCII letter, if any."""
    for char in word:
        if not char.isascii() and char.isalpha():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0] if name else None
    return None


def _units(word: str) -> list[str]:
    """Syllable parts of an IAST word: vowels (ai, au joined), consonants (with their h)."""
    units: list[str] = []
    for char in word:
        joins = units and (
            unicodedata.combining(char)
            or (char == "h" and units[-1][0] in _STOPS)
            or (char in "iu" and units[-1] == "a")  # ai, au
        )
        if joins:
            units[-1] += char
        else:
            units.append(char)
    return units


def delete_schwas(word: str) -> str:
    """Drops the inherent "a" speech drops: at the end, and in V C a C V (right to left)."""
    units = _units(word)

    def vowel(index: int) -> bool:
        return 0 <= index < len(units) and units[index][0] in _VOWELS

    def consonant(index: int) -> bool:
        return 0 <= index < len(units) and not vowel(index)

    if len(units) > 2 and units[-1] == "a" and consonant(len(units) - 2):
        units.pop()
    for i in range(len(units) - 2, 1, -1):
        between_syllables = vowel(i - 2) and consonant(i - 1) and consonant(i + 1) and vowel(i + 2)
        if units[i] == "a" and between_syllables:
            del units[i]
    return "".join(units)


def romanise(word: str) -> str:
    """IAST of one word in an Indic script ("" for scripts we cannot read); Latin unchanged."""
    script = script_of(word)
    if script is None or script == "LATIN":
        return word.lower()
    scheme = _SCHEMES.get(script)
    if scheme is None:
        return ""
    if any(char in _NUKTAS for char in word):
        for pair, letter in _NUKTA_PAIRS.items():
            word = word.replace(pair, letter)
    latin = sanscript.transliterate(word, scheme, sanscript.IAST).lower()
    return delete_schwas(latin) if script in _SCHWA_DELETING else latin


def fold(latin: str) -> str:
    """The folded key of one romanised word."""
    text = _ANUSVARA_AS_M.sub("m", latin.translate(_IAST_BEFORE_STRIP)).replace("ṃ", "n")
    text = unicodedata.normalize("NFKD", text)
    text = _NOT_LETTER.sub("", text.lower())
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    text = _DOUBLES.sub(r"\1", text.translate(_LETTER_SWAPS))
    if len(text) > 3 and text[-1] in "au":
        text = text[:-1]
    return text


def word_key(word: str) -> str:
    """The key of one word, in any script we read."""
    return _cached_key(word) if len(word) <= CACHED_WORD_LENGTH else _key(word)


def _key(word: str) -> str:
    return fold(romanise(word)) if word else ""


_cached_key = lru_cache(maxsize=65536)(_key)


def name_key(name: str) -> str:
    """The key of a name of one or more words; "" when nothing in it can be read."""
    return "".join(word_key(word) for word in WORD.findall(name))
