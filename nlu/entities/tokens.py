"""Words of a message with their offsets, and the key a word is looked up by.

Indic vowel signs, viramas and nuktas are combining marks, which `\\w` does not match, so the
word pattern adds every combining mark; a run of digits (any script we read) is its own token,
so "3din" is "3" + "din". Keys are NFC, lower-case, without nukta or zero-width joiners:
"हफ़्ते" and "हफ्ते" are one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlu.entities.numerals import DIGIT_CLASS, has_digit

Token = tuple[int, int, str]  # start, end, key


def _marks() -> str:
    marks = (chr(c) for c in range(0x300, 0x3000) if unicodedata.category(chr(c))[0] == "M")
    return "".join(re.escape(mark) for mark in marks)


# One character class is several times faster than an alternation per character; the rare
# word that mixes digits and letters ("3din") is split afterwards.
WORD = re.compile(f"[\\w{_marks()}\u200c\u200d]+")
_ASCII_WORD = re.compile("[0-9]+|[a-z]+")
_PIECE = re.compile(f"{DIGIT_CLASS}+|[^{DIGIT_CLASS[1:-1]}_]+")
_NUKTAS = "".join(
    chr(c) for c in range(0x900, 0xE00) if unicodedata.name(chr(c), "").endswith("SIGN NUKTA")
)
_DROP = dict.fromkeys(map(ord, _NUKTAS + "\u200c\u200d"))


CACHED_WORD_LENGTH = 40  # longer words are keyed afresh, so junk cannot fill the caches


def word_key(word: str) -> str:
    """The lookup key of one word (or of several words separated by single spaces)."""
    if word.isascii():
        return word.lower()
    return _cached_key(word) if len(word) <= CACHED_WORD_LENGTH else _key(word)


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).translate(_DROP)).lower()


_cached_key = lru_cache(maxsize=65536)(_key)


def tokenize(text: str) -> list[Token]:
    if text.isascii():  # lower() keeps the length of ASCII text, so keys come straight out
        return [(m.start(), m.end(), m.group()) for m in _ASCII_WORD.finditer(text.lower())]
    tokens: list[Token] = []
    for match in WORD.finditer(text):
        word = match.group()
        if word.isalpha() or not (has_digit(word) or "_" in word):
            tokens.append((match.start(), match.end(), word_key(word)))
            continue
        offset = match.start()
        for piece in _PIECE.finditer(word):
            tokens.append((offset + piece.start(), offset + piece.end(), word_key(piece.group())))
    return tokens
