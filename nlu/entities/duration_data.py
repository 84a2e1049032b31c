"""The words people use to say how long a problem has lasted, read from `nlu/data/durations`.

One TOML file per language, named by its tag (`hi-Latn.toml`), the fields described in
`nlu/data/durations/README.md`. Each list is one string of space-separated spellings (wrap a
long one in a `\"\"\"` string; an underscore joins the words of one entry:
"day_before_yesterday"). The files are checked as they load: an unknown field, a unit other than
D W F M Y H N, a lead or trail kind the grammar does not know, a number that is not a whole
number... is refused with a `DurationDataError` naming the file and the key, never guessed at.

`duration_table.compile_words` loads them once, when `nlu.entities.duration` is imported, in the
order of the file names.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

DURATIONS_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "durations"

UNITS: Final = frozenset("DWFMYHN")  # day, week, fortnight, month, year, hour, minute
LEAD_KINDS: Final = frozenset({"since", "last", "this", "after", "for"})
TRAIL_KINDS: Final = frozenset({"since", "about", "ago", "after", "whole"})
_LISTS: Final = (
    "plural",
    "outside",
    "quiet",
    "vague",
    "never_before",
    "never_after",
    "suffixes",
    "count_suffixes",
    "anchor_suffixes",
    "links",
)
_TABLES: Final = (
    "numbers",
    "units",
    "anchors",
    "leads",
    "trails",
    "number_prefixes",
    "fused",
    "phrases",
)
_REQUIRED: Final = frozenset({"numbers", "units"})
_NAME = re.compile(r"[a-z]+(?:_[a-z]+)*")  # an anchor: "day_before_yesterday"
_FUSED = re.compile(r"([1-9][0-9]*)([DWFMYHN])")  # "ഒരാഴ്ച" = "1W"
_VALUE = re.compile(r"P[1-9][0-9]*[DWMY]|PT[1-9][0-9]*[HM]|(since|many):[a-z]+(_[a-z]+)*")
_VALUE_EXAMPLE = "a duration value, like 'P3D', 'PT5H', 'since:summer' or 'many:days'"


class DurationDataError(ValueError):
    """A duration words file that cannot be read or breaks the format."""


@dataclass(frozen=True)
class DurationWords:
    """The words of one language; every value is a space-separated list of spellings."""

    numbers: dict[int, str]
    units: dict[str, str]
    plural: str = ""
    anchors: dict[str, str] = field(default_factory=dict)
    leads: dict[str, str] = field(default_factory=dict)
    trails: dict[str, str] = field(default_factory=dict)
    quiet: str = ""
    vague: str = ""
    never_before: str = ""
    never_after: str = ""
    outside: str = ""
    suffixes: str = ""
    count_suffixes: str = ""
    anchor_suffixes: str = ""
    links: str = ""
    number_prefixes: dict[int, str] = field(default_factory=dict)
    fused: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)


def load_languages(directory: Path = DURATIONS_DIR) -> dict[str, DurationWords]:
    """Every `<tag>.toml` of `directory`, checked, by tag in file-name order."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise DurationDataError(f"{directory}: no duration words files (<tag>.toml)")
    return {path.stem: load_language(path) for path in paths}


def load_language(path: Path) -> DurationWords:
    try:
        return parse_language(tomllib.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as error:  # tomllib.TOMLDecodeError is a ValueError
        raise DurationDataError(f"{path.parent.name}/{path.name}: {error}") from error


def parse_language(data: Mapping[str, object]) -> DurationWords:
    unknown = sorted(set(data) - {*_LISTS, *_TABLES})
    if unknown:
        expected = ", ".join(sorted({*_LISTS, *_TABLES}))
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (expected: {expected})")
    missing = sorted(_REQUIRED - set(data))
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    lists = {name: _spellings(name, data.get(name, "")) for name in _LISTS}
    tables = {name: _table(name, data.get(name, {})) for name in _TABLES}
    return DurationWords(
        numbers=_numbers("numbers", tables["numbers"]),
        units=_keys_in("units", tables["units"], UNITS),
        number_prefixes=_numbers("number_prefixes", tables["number_prefixes"]),
        anchors=_names("anchors", tables["anchors"]),
        leads=_keys_in("leads", tables["leads"], LEAD_KINDS),
        trails=_keys_in("trails", tables["trails"], TRAIL_KINDS),
        fused=_values("fused", tables["fused"], _FUSED, "a count and a unit, like '1W'"),
        phrases=_values("phrases", tables["phrases"], _VALUE, _VALUE_EXAMPLE),
        plural=lists["plural"],
        outside=lists["outside"],
        quiet=lists["quiet"],
        vague=lists["vague"],
        never_before=lists["never_before"],
        never_after=lists["never_after"],
        suffixes=lists["suffixes"],
        count_suffixes=lists["count_suffixes"],
        anchor_suffixes=lists["anchor_suffixes"],
        links=lists["links"],
    )


def _spellings(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"'{where}' must be a string of space-separated spellings")
    return " ".join(value.split())  # a long list may be wrapped over lines


def _table(name: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' must be a table ([{name}])")
    table = {key: _spellings(f"{name}.{key}", words) for key, words in value.items()}
    empty = [key for key, words in table.items() if not words]
    if empty:
        raise ValueError(f"'{name}.{empty[0]}' lists no spellings")
    return table


def _numbers(name: str, table: dict[str, str]) -> dict[int, str]:
    for key in table:
        if not (key.isascii() and key.isdecimal() and key == str(int(key)) != "0"):
            raise ValueError(f"'{name}.{key}': the key must be a whole number above 0, like 3")
    return {int(key): words for key, words in table.items()}


def _keys_in(name: str, table: dict[str, str], allowed: frozenset[str]) -> dict[str, str]:
    for key in table:
        if key not in allowed:
            expected = " ".join(sorted(allowed))
            raise ValueError(f"'{name}.{key}': unknown {name[:-1]} (expected one of: {expected})")
    return table


def _names(name: str, table: dict[str, str]) -> dict[str, str]:
    for key in table:
        if not _NAME.fullmatch(key):
            raise ValueError(f"'{name}.{key}': the name must be lower-case words joined by _")
    return table


def _values(
    name: str, table: dict[str, str], pattern: re.Pattern[str], what: str
) -> dict[str, str]:
    for key, value in table.items():
        if not pattern.fullmatch(value):
            raise ValueError(f"'{name}.{key}': {value!r} is not {what}")
    return table
