"""Compiles the per-language duration words into one table: word key → `Word`.

All languages share the table, so code-mixed messages ("monday se", "since 2 hafte") parse.
Unit and anchor forms are expanded with the endings their language fuses onto them
("दिवस" + "पासून", "ದಿನ" + "ದಿಂದ", "দু" + "দিন"). Where two languages give one key the same
part (say two different anchors), the language whose file (`nlu/data/durations/<tag>.toml`)
sorts first by name wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from nlu.entities.duration_data import DurationWords, load_languages
from nlu.entities.tokens import word_key

# "a week" counts as one week only when licensed ("for a week"): "twice a week" is a frequency.
WEAK_NUMBERS = {"a": 1, "an": 1}


@dataclass(frozen=True, slots=True)
class Word:
    """Everything one key can be; a key may play several parts ("రోజుల": unit and trail)."""

    number: int | None = None
    weak: bool = False
    unit: str | None = None
    count: int | None = None  # a number fused with the unit ("দুদিন")
    plural: bool = False
    anchor: str | None = None
    since: bool = False  # a fused ending that means "since"
    since_after_count: bool = False  # the same, valid only after a number ("மூணு நாளா")
    link: bool = False  # a fused ending that needs a trail ("দিনৰ পৰা")
    lead: str | None = None
    outside: bool = False  # a lead kept outside the span ("for")
    trail: str | None = None
    quiet: bool = False
    vague: bool = False
    never_before: bool = False
    never_after: bool = False
    phrase: str | None = None
    opens: bool = False  # can start an expression (set by `compile_words`)


def spellings(words: str) -> list[str]:
    """Keys of a space-separated word list; "_" joins the words of one entry."""
    return [word_key(word.replace("_", " ")) for word in words.split()]


class _Table:
    def __init__(self) -> None:
        self.words: dict[str, Word] = {}

    def add(self, key: str, **parts: Any) -> None:
        current = self.words.get(key, Word())
        new = {name: value for name, value in parts.items() if not getattr(current, name)}
        self.words[key] = replace(current, **new)

    def add_forms(self, key: str, lang: DurationWords, **parts: Any) -> None:
        """A unit or anchor form, and the same with each ending its language fuses onto it."""
        self.add(key, **parts)
        endings: list[tuple[str, str]] = [(s, "since") for s in lang.suffixes.split()]
        endings += [(s, "since_after_count") for s in lang.count_suffixes.split()]
        endings += [(s, "link") for s in lang.links.split()]
        if "anchor" in parts:
            endings += [(s, "since") for s in lang.anchor_suffixes.split()]
        for ending, flag in endings:
            self.add(word_key(key + ending), **{flag: True}, **parts)

    def add_language(self, lang: DurationWords) -> None:
        for value, words in lang.numbers.items():
            for key in spellings(words):
                self.add(key, number=value)
        self._add_units(lang)
        for name, words in lang.anchors.items():
            for key in spellings(words):
                self.add_forms(key, lang, anchor=name)
        outside = set(spellings(lang.outside))
        for kind, words in lang.leads.items():
            for key in spellings(words):
                self.add(key, lead=kind, outside=key in outside)
        for kind, words in lang.trails.items():
            for key in spellings(words):
                self.add(key, trail=kind)
        for flag in ("quiet", "vague", "never_before", "never_after"):
            for key in spellings(getattr(lang, flag)):
                self.add(key, **{flag: True})
        for phrase, meaning in lang.phrases.items():
            self.add(word_key(phrase.replace("_", " ")), phrase=meaning)

    def _add_units(self, lang: DurationWords) -> None:
        plural = set(spellings(lang.plural))
        prefixes = [
            (n, key) for n, words in lang.number_prefixes.items() for key in spellings(words)
        ]
        for unit, words in lang.units.items():
            for key in spellings(words):
                self.add_forms(key, lang, unit=unit, plural=key in plural)
                for count, prefix in prefixes:
                    self.add_forms(word_key(prefix + key), lang, unit=unit, count=count)
        for key, count_unit in lang.fused.items():
            count, unit = int(count_unit[:-1]), count_unit[-1]
            self.add_forms(word_key(key), lang, unit=unit, count=count)


def compile_words() -> dict[str, Word]:
    """The table of every language in `nlu/data/durations`, read and checked here."""
    table = _Table()
    for key, value in WEAK_NUMBERS.items():
        table.add(key, number=value, weak=True)
    for lang in load_languages().values():
        table.add_language(lang)
    return {key: replace(word, opens=_opens(word)) for key, word in table.words.items()}


def _opens(word: Word) -> bool:
    parts = (word.number, word.unit, word.anchor, word.lead, word.phrase)
    return word.vague or any(part is not None for part in parts)
