"""The catalogs: complete, placeholders intact, and the .pot is what the code would extract.

A missing or fuzzy translation fails here, so a language's catalog is added only when whole.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import messages
from grievance import i18n, labels

ROOT = Path(__file__).resolve().parents[1]
POT = i18n.LOCALES_DIR / "jalsamvad.pot"
CATALOGS = sorted(i18n.LOCALES_DIR.glob("*/LC_MESSAGES/jalsamvad.po"))
REQUIRED = {"en", "hi", "hi_Latn"}


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _msgids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def _placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_the_pot_holds_exactly_what_pybabel_extract_finds() -> None:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    extracted = {
        str(message)
        for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map)
        if isinstance(message, str)
    }
    assert extracted == _msgids(_read(POT)), "run the pybabel extract line in babel.cfg"


def test_the_required_languages_have_catalogs() -> None:
    assert {path.parents[1].name for path in CATALOGS} >= REQUIRED


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parents[1].name)
def test_a_catalog_translates_every_message_with_the_same_placeholders(path: Path) -> None:
    expected = _msgids(_read(POT))
    catalog = _read(path)
    assert _msgids(catalog) == expected
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert isinstance(message.string, str) and message.string.strip(), message.id
        assert _placeholders(message.string) == _placeholders(str(message.id)), message.id
        names = _placeholders(str(message.id))
        message.string.format(**dict.fromkeys(names, "x"))  # no stray braces


def test_every_sentence_in_the_code_is_in_the_template() -> None:
    sentences = [
        value for name, value in vars(messages).items() if name.isupper() and isinstance(value, str)
    ]
    named = [
        *labels.CATEGORY_LABELS.values(),
        *labels.STATUS_LABELS.values(),
        *labels.CLOSURE_LABELS.values(),
    ]
    assert set(sentences + named) <= _msgids(_read(POT))


@pytest.mark.parametrize(
    ("tag", "locale"),
    [("hi-Latn", "hi_Latn"), ("hi", "hi"), ("en", "en"), ("und", "en"), ("xx", "en")],
)
def test_nlu_tags_map_to_catalogs(tag: str, locale: str) -> None:
    assert i18n.locale_for(tag) == locale


def test_latin_variants_fall_back_to_their_language() -> None:
    for tag in ("bn-Latn", "ta-Latn", "te-Latn"):
        base = tag.split("-")[0]
        assert i18n.locale_for(tag) == (base if base in i18n.available_locales() else "en")


def test_translation_and_dates_follow_the_language() -> None:
    assert i18n.say(messages.YES, "hi") == "हाँ"
    assert i18n.say(messages.YES, "hi-Latn") == "Haan"
    assert (
        i18n.say(messages.UNKNOWN_REFERENCE, "en", reference="1")
        == "No complaint has the number 1."
    )
    assert i18n.format_duration("P3D", "hi") == "3 दिन"
    assert i18n.format_duration("since:monday", "hi") is None
