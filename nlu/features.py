"""The features both models read: character n-grams and words, as written and as romanised.

Character n-grams inside word boundaries cope with misspellings and with the suffixes of
agglutinative languages; word pairs carry phrases ("nahi aa"); the romanised copy ("~" prefix)
lets "पानी", "paani" and "pani" share evidence across scripts. Digits of every script read as
0, so "3 din" and "৫ দিন" look alike while a 6-digit code still looks like a code.

`feature_strings` is what training reads; `FeatureIndexer` gives the same features as vocabulary
indices, caching per word, which is what makes parsing fast: people reuse a small vocabulary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import regex

from nlu.romanise import romanise
from nlu.script import dominant_script

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_DIGITS_AS_ZERO = {
    point: "0" for point in range(0x10000) if unicodedata.category(chr(point)) == "Nd"
}
MIN_NGRAM = 2
MAX_NGRAM = 5
PHONETIC = "~"
_WORD_CACHE_SIZE = 1 << 16


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower().translate(_DIGITS_AS_ZERO))


def _word_features(word: str, tag: str) -> list[str]:
    padded = f" {word} "
    length = len(padded)
    grams = [
        tag + padded[start : start + size]
        for size in range(MIN_NGRAM, MAX_NGRAM + 1)
        for start in range(length - size + 1)
    ]
    grams.append(f"{tag}w {word}")
    return grams


def _pair_features(words: list[str], tag: str) -> list[str]:
    return [
        f"{tag}b {first} {second}" for first, second in zip(["<s>", *words], words, strict=False)
    ]


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _phonetic(word: str) -> str:
    return romanise(word, dominant_script(word))


def feature_strings(text: str) -> tuple[str | None, list[str]]:
    """The script of a cleaned text and all its features, repeated ones included."""
    script = dominant_script(text)
    words = words_of(text)
    features = [feature for word in words for feature in _word_features(word, "")]
    features += _pair_features(words, "")
    phonetic = [p for p in (_phonetic(word) for word in words) if p]
    features += [feature for word in phonetic for feature in _word_features(word, PHONETIC)]
    features += _pair_features(phonetic, PHONETIC)
    return script, features


class FeatureIndexer:
    """Features of a text as distinct vocabulary indices; unknown features are dropped."""

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        self._vocabulary = vocabulary
        self._word_indices = lru_cache(maxsize=_WORD_CACHE_SIZE)(self._lookup_word)

    def _lookup_word(self, word: str, tag: str) -> tuple[int, ...]:
        get = self._vocabulary.get
        return tuple(i for i in map(get, _word_features(word, tag)) if i is not None)

    def indices(self, text: str) -> tuple[str | None, set[int]]:
        script = dominant_script(text)
        words = words_of(text)
        phonetic = [p for p in (_phonetic(word) for word in words) if p]
        found: set[int] = set()
        for word in words:
            found.update(self._word_indices(word, ""))
        for word in phonetic:
            found.update(self._word_indices(word, PHONETIC))
        get = self._vocabulary.get
        pairs = _pair_features(words, "") + _pair_features(phonetic, PHONETIC)
        found.update(i for i in map(get, pairs) if i is not None)
        return script, found
