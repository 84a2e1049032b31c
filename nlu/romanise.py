"""A rough phonetic spelling in Latin letters, shared by every script.

"पानी", "paani" and "pani" should look alike to the models: households write the same words in
their own script or in Latin letters, with any spelling. Indic scripts go through
indic_transliteration (Harvard-Kyoto, pure ASCII); then long vowels, aspiration, doubled letters
and common spelling variants are folded so that the romanised forms people type land on the
same key. It is lossy on purpose: only a feature and a matching key, never shown to anyone.
"""

from __future__ import annotations

import re

from indic_transliteration import sanscript

# Unicode script name (as `nlu.script` reports it) → the transliterator's scheme.
SCHEMES = {
    "DEVANAGARI": sanscript.DEVANAGARI,
    "BENGALI": sanscript.BENGALI,
    "GURMUKHI": sanscript.GURMUKHI,
    "GUJARATI": sanscript.GUJARATI,
    "ORIYA": sanscript.ORIYA,
    "TAMIL": sanscript.TAMIL,
    "TELUGU": sanscript.TELUGU,
    "KANNADA": sanscript.KANNADA,
    "MALAYALAM": sanscript.MALAYALAM,
}

# Applied in order to lower-case ASCII. Aspirates lose their h, long vowels become short,
# letter pairs that people use interchangeably become one.
_FOLDS = (
    (re.compile(r"([kgcjtdpb])h"), r"\1"),
    (re.compile(r"sh|s\^|z"), "s"),
    (re.compile(r"aa|a\^"), "a"),
    (re.compile(r"ee|ii"), "i"),
    (re.compile(r"oo|uu"), "u"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)
_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")
# Anusvara (HK "M"): a nasal vowel at the end of a word ("nahIM" as "nahi"), an n before a
# consonant ("TaMkI" as "tanki").
_FINAL_ANUSVARA = re.compile(r"M\b")
# Tamil script does not mark voicing, and the transliterator voices every stop; households
# typing Tamil in Latin letters mostly write the unvoiced ones.
_TAMIL_VOICING = str.maketrans("gjDdb", "kcTtp")


def romanise(text: str, script: str | None) -> str:
    """Folded Latin spelling of `text` written in `script` (a name from `nlu.script`)."""
    scheme = SCHEMES.get(script or "")
    if scheme is not None:
        # Harvard-Kyoto marks anusvara as M and long vowels with capitals; lower-casing folds them.
        text = sanscript.transliterate(text, scheme, sanscript.HK)
        text = _FINAL_ANUSVARA.sub("", text).replace("M", "n")
        if script == "TAMIL":
            text = text.translate(_TAMIL_VOICING)
    elif script != "LATIN":
        return ""
    folded = _NOT_LETTERS.sub("", text.lower())
    for pattern, replacement in _FOLDS:
        folded = pattern.sub(replacement, folded)
    return folded
