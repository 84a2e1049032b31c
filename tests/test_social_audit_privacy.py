"""Nothing a household told us leaves in the open data: no phone in any format, no complaint
or staff text, no household reference, no 10-digit number in any script. The scanner
(`tests/privacy_scan.py`) is shared with the public pages' tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.builders import Place
from tests.conftest import Desk
from tests.privacy_scan import assert_clean, phone_forms, scan
from tests.test_social_audit_open_data import export, file_the_story


def test_the_open_data_holds_no_phone_text_or_reference(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = file_the_story(desk, place)
    secrets = {form for p in story.phones for form in phone_forms(p)}
    secrets |= set(story.texts) | set(story.references)
    assert len(story.references) == 16 and all(len(r) == 10 for r in story.references)
    out = tmp_path / "open"
    export(engine, out, monkeypatch, "--from", "2026-11-01", "--to", "2026-11-30")
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["datapackage.json", "incidents.csv", "village_daily.csv"]
    for path in files:
        assert_clean(path.read_text("utf-8"), secrets, where=path.name)


def test_the_scanner_finds_every_way_a_phone_is_written() -> None:
    forms = phone_forms("+919845000101")
    for written in ("+919845000101", "9845000101", "+91 98450 00101", "098450-00101"):
        assert written in forms
        assert "secret" in {hit.kind for hit in scan(f"call {written} now", forms)}
    assert scan("98450 00101", forms)  # spaced: found through the forms


def test_the_scanner_finds_long_digit_runs_in_any_script() -> None:
    assert [h.kind for h in scan("ref 4829104473.")] == ["digits"]
    devanagari = "संदर्भ ४८२९१०४४७३"
    assert [h.kind for h in scan(devanagari)] == ["indic_digits"]
    kannada = "೯೮೪೫೦೦೦೧೦೧"  # a phone in Kannada digits
    found = {(h.kind, h.found) for h in scan(kannada, phone_forms("+919845000101"))}
    assert found == {("secret", "9845000101"), ("indic_digits", kannada)}


def test_the_scanner_finds_texts_however_they_are_escaped() -> None:
    text = "the tap by Basavaraj's house"
    assert scan("<td>The tap by Basavaraj&#x27;s house</td>", [text])
    assert not scan("<td>601014</td><td>2026-11-02</td><td>&lt;5</td>", [text])


def test_the_scanner_leaves_dates_codes_and_counts_alone() -> None:
    clean = "601014,219744,5895,2026-11-02,no_water,<5,hidden,12,0\r\n"
    assert scan(clean, phone_forms("+919845000101")) == []
    with pytest.raises(AssertionError, match="digits"):
        assert_clean("incident 9845000101", where="page")
    with pytest.raises(ValueError):
        scan("anything", ["91"])
