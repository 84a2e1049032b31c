"""The duration words are data (nlu/data/durations/<tag>.toml), checked as they load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlu.entities.duration import WORDS
from nlu.entities.duration_data import (
    DURATIONS_DIR,
    DurationDataError,
    DurationWords,
    load_language,
    load_languages,
)
from nlu.entities.duration_table import compile_words
from nlu.training_data import DATA_DIR

VALID = """\
plural = "days"
never_after = \"\"\"
every
each\"\"\"

[numbers]
2 = "two couple_of"

[units]
D = "day days"

[anchors]
day_before_yesterday = "day_before_yesterday"

[leads]
since = "since from"

[fused]
"fortnight" = "2W"

[phrases]
"all_summer" = "since:summer"
"""


def write(tmp_path: Path, text: str, name: str = "xx.toml") -> Path:
    path = tmp_path / "durations" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_training_language_has_its_duration_words() -> None:
    languages = load_languages()
    assert set(languages) == {path.stem for path in DATA_DIR.glob("*.yml")}
    assert languages["hi-Latn"].units["D"].split()[0] == "din"
    assert languages["en"].numbers[2] == "two couple_of a_couple_of"


def test_the_compiled_table_is_the_one_duration_uses() -> None:
    assert compile_words() == WORDS


def test_a_valid_file_loads_with_wrapped_lists_joined(tmp_path: Path) -> None:
    words = load_language(write(tmp_path, VALID))
    assert words == DurationWords(
        numbers={2: "two couple_of"},
        units={"D": "day days"},
        plural="days",
        never_after="every each",
        anchors={"day_before_yesterday": "day_before_yesterday"},
        leads={"since": "since from"},
        fused={"fortnight": "2W"},
        phrases={"all_summer": "since:summer"},
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("", "this is = not toml"), r"durations/xx\.toml: .*line 1"),
        (('plural = "days"', "plurals = 'days'"), r"xx\.toml: unknown key\(s\) plurals"),
        (('D = "day days"', 'Q = "day days"'), r"xx\.toml: 'units\.Q': unknown unit"),
        (("2 = ", "two = "), r"xx\.toml: 'numbers\.two': the key must be a whole number"),
        (("2 = ", "0 = "), r"'numbers\.0': the key must be a whole number above 0"),
        (('since = "since from"', 'until = "till"'), r"'leads\.until': unknown lead"),
        (('"2W"', '"2 weeks"'), r"'fused\.fortnight': '2 weeks' is not a count and a unit"),
        (('"since:summer"', '"summer"'), r"'phrases\.all_summer': 'summer' is not a duration"),
        (('plural = "days"', "plural = 3"), r"'plural' must be a string of space-separated"),
        (('D = "day days"', 'D = ""'), r"'units\.D' lists no spellings"),
        (("day_before_yesterday =", "DayBefore ="), r"'anchors\.DayBefore': the name must be"),
        (("[units]", "[unit]"), r"xx\.toml: unknown key\(s\) unit"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    text = new + "\n" + VALID if not old else VALID.replace(old, new, 1)
    assert text != VALID
    with pytest.raises(DurationDataError, match=message):
        load_language(write(tmp_path, text))


def test_a_file_without_units_is_refused(tmp_path: Path) -> None:
    text = VALID.replace('[units]\nD = "day days"\n', "")
    with pytest.raises(DurationDataError, match=r"xx\.toml: missing units"):
        load_language(write(tmp_path, text))


def test_one_bad_file_among_the_languages_stops_the_load(tmp_path: Path) -> None:
    directory = tmp_path / "durations"
    shutil.copytree(DURATIONS_DIR, directory)
    (directory / "kn.toml").write_text('[numbers]\n1 = "ondu"\n[units]\nX = "dina"\n', "utf-8")
    with pytest.raises(DurationDataError, match=r"durations/kn\.toml: 'units\.X': unknown unit"):
        load_languages(directory)
    with pytest.raises(DurationDataError, match="no duration words files"):
        load_languages(tmp_path / "empty")
