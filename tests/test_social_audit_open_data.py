"""`jalsamvad export open-data`: the anonymised incident list, the daily village figures with
the disclosure rules applied, and a Frictionless Data Package descriptor that says so."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from grievance.db import unit_of_work
from grievance.lgd.models import VillagePanchayat
from grievance.social_audit import open_data
from grievance.social_audit.updater import update_stats
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.service import Filed
from jalsamvad.cli import app
from tests.builders import Place
from tests.conftest import TEST_SECRET, Desk

D0 = "2026-11-02"  # tests.builders.START, in India
MARKERS = {"<5", "hidden", "withheld"}
INCIDENT_HEADER = [
    "incident",
    "village_code",
    "gp_code",
    "block_code",
    "subdistrict_code",
    "district_code",
    "state_code",
    "category",
    "opened_on",
    "status",
    "highest_level",
    "closure",
    "households",
    "days_to_resolution",
    "days_open",
]
DAILY_HEADER = [
    "village_code",
    "day",
    "category",
    "complaints",
    "opened",
    "acknowledged",
    "started",
    "resolved",
    "closed_confirmed",
    "closed_unconfirmed",
    "reopened",
    "rejected",
    "escalated",
    "overdue_at_top",
]


def phone(n: int) -> str:
    return f"+9198450{n:05d}"


@dataclass
class Story:
    """What `file_the_story` filed: the incidents by name, and every secret it used."""

    incidents: dict[str, int]
    phones: list[str]
    texts: list[str]
    references: list[str]


def file_the_story(desk: Desk, place: Place) -> Story:
    """Six households without water in one village (resolved), two reporting a leak in another
    (rejected), two ill in the first village (too few to show there), five ill in the second
    (enough), one dirty-water report in a third (escalated, resolved)."""
    with unit_of_work(desk.sessions) as session:  # Tammapur is in two GPs: it counts in the lower
        session.add(VillagePanchayat(village_code=place.village, gp_code=place.other_gp))
    phones: list[str] = []
    texts: list[str] = []
    filed: list[Filed] = []

    def file(village: int, category: str, n: int) -> Filed:
        text = f"household {n} says: the tap by the Hanuman temple is dry since Tuesday"
        phones.append(phone(n))
        texts.append(text)
        filed.append(desk.file(village, category, phone(n), description=text))
        return filed[-1]

    a = file(place.village, "no_water", 1)
    for n in range(2, 7):
        file(place.village, "no_water", n)
    b = file(place.gp_village, "leakage", 7)
    file(place.gp_village, "leakage", 8)
    h = file(place.village, "health_issue", 9)
    file(place.village, "health_issue", 10)
    g = file(place.gp_village, "health_issue", 11)
    for n in range(12, 16):
        file(place.gp_village, "health_issue", n)
    c = file(place.orphan_village, "dirty_water", 16)
    notes = {
        "ack": "Sarpanch Ramappa informed on his mobile",
        "fix": "valve near Basavaraj's house replaced",
        "reject": "the canal of Irrigation is leaking into the pipeline",
        "escalate": "JE Manjunath to visit",
        "c_fix": "chlorinated the overhead tank at Kamble's",
    }
    texts.extend(notes.values())
    desk.move(a.incident.id, Status.ACKNOWLEDGED, ActorRole.VWSC, notes["ack"])
    desk.clock.advance(hours=3)
    desk.move(a.incident.id, Status.RESOLVED, ActorRole.VWSC, notes["fix"])
    desk.move(
        b.incident.id,
        Status.REJECTED,
        ActorRole.JE,
        notes["reject"],
        responsible_body="Tungabhadra left bank canal division",
    )
    texts.append("Tungabhadra left bank canal division")
    desk.note(c.incident.id, notes["escalate"])
    desk.clock.advance(days=2)
    desk.move(c.incident.id, Status.RESOLVED, ActorRole.AE, notes["c_fix"])
    update_stats(desk.sessions)
    return Story(
        incidents={
            "a": a.incident.id,
            "b": b.incident.id,
            "h": h.incident.id,
            "g": g.incident.id,
            "c": c.incident.id,
        },
        phones=phones,
        texts=texts,
        references=[f.ticket.reference for f in filed],
    )


runner = CliRunner()


def export(engine: Engine, out: Path, monkeypatch: pytest.MonkeyPatch, *period: str) -> str:
    """Run `jalsamvad export open-data` on the test database; its output."""
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", TEST_SECRET.decode())
    result = runner.invoke(app, ["export", "open-data", "--out", str(out), *period])
    assert result.exit_code == 0, result.output
    return result.output


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_export_writes_the_anonymised_incidents(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = file_the_story(desk, place)
    said = export(engine, tmp_path, monkeypatch, "--from", "2026-11-01", "--to", "2026-11-30")
    assert "2026-11-01 to 2026-11-30" in said

    header, rows = read_csv(tmp_path / "incidents.csv")
    assert header == INCIDENT_HEADER
    by_id = {int(row["incident"]): row for row in rows}
    ids = story.incidents
    # Illness from water is not published yet: neither Tammapur's two nor Kapgal's five.
    assert set(by_id) == {ids["a"], ids["b"], ids["c"]}
    a, b, c = (by_id[ids[k]] for k in "abc")
    assert a == a | {
        "village_code": str(place.village),
        "gp_code": str(place.gp),  # the lower of its two GPs
        "block_code": str(place.block),
        "subdistrict_code": str(place.subdistrict),
        "district_code": str(place.district),
        "state_code": str(place.state),
        "category": "no_water",
        "opened_on": D0,
        "status": "resolved",
        "highest_level": "vwsc",
        "closure": "",
        "households": "6",
        "days_to_resolution": "0",
    }
    assert b | {"households": "<5", "status": "rejected", "closure": "", "days_open": "0"} == b
    assert b["days_to_resolution"] == "" and b["gp_code"] == str(place.other_gp)
    assert c["households"] == "<5" and c["days_to_resolution"] == "2"
    assert c["block_code"] == "5896" and c["status"] == "resolved"
    for row in rows:
        assert row["households"] == "<5" or int(row["households"]) >= 5


def test_export_suppresses_the_daily_village_figures(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_the_story(desk, place)
    export(engine, tmp_path, monkeypatch, "--from", "2026-11-01", "--to", "2026-11-30")
    header, rows = read_csv(tmp_path / "village_daily.csv")
    assert header == DAILY_HEADER
    cells = {(int(r["village_code"]), r["day"], r["category"]): r for r in rows}
    tammapur = cells[(place.village, D0, "no_water")]
    assert tammapur["complaints"] == "6"
    assert tammapur["opened"] == tammapur["acknowledged"] == tammapur["resolved"] == "<5"
    assert tammapur["rejected"] == tammapur["reopened"] == "0"
    # Illness from water is not published yet, in any village.
    assert all(category != "health_issue" for _, _, category in cells)
    assert cells[(place.gp_village, D0, "leakage")]["complaints"] == "<5"
    for row in rows:
        for column in DAILY_HEADER[3:]:
            value = row[column]
            assert value in MARKERS or value == "0" or int(value) >= 5, (column, row)


def test_no_published_total_recovers_a_hidden_cell() -> None:
    """A village whose no-water complaints on two days are 6 and 2: a reader who knows the
    period's total (8, on the pages) would get the 2 back; so the 6 is hidden too."""
    from grievance.social_audit.disclosure import protect_table

    counts = {(date(2026, 11, 2), "no_water"): 6, (date(2026, 11, 3), "no_water"): 2}
    cells = protect_table(counts).cells
    assert {open_data.shown_text(shown) for shown in cells.values()} <= MARKERS


def test_the_descriptor_is_a_tabular_data_package(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_the_story(desk, place)
    export(engine, tmp_path, monkeypatch, "--from", "2026-11-01", "--to", "2026-11-30")
    package: dict[str, Any] = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    check_data_package(package, tmp_path)
    assert package["temporalCoverage"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert "<5" in package["description"] and package["suppression"]["threshold"] == 5
    assert [r["name"] for r in package["resources"]] == ["incidents", "village-daily"]


def test_the_default_period_runs_from_the_first_figures_to_today(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_the_story(desk, place)
    said = export(engine, tmp_path, monkeypatch)
    assert f"open data for {D0} to " in said
    _, rows = read_csv(tmp_path / "incidents.csv")
    assert len(rows) == 3


def test_an_empty_period_writes_headers_only(
    desk: Desk, place: Place, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_the_story(desk, place)
    export(engine, tmp_path, monkeypatch, "--from", "2026-10-01", "--to", "2026-10-31")
    assert read_csv(tmp_path / "incidents.csv") == (INCIDENT_HEADER, [])
    assert read_csv(tmp_path / "village_daily.csv") == (DAILY_HEADER, [])


def test_a_period_ending_before_it_starts_is_refused(
    sessions: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", TEST_SECRET.decode())
    result = runner.invoke(
        app,
        [
            "export",
            "open-data",
            "--out",
            str(tmp_path),
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-01",
        ],
    )
    assert result.exit_code == 1 and "before --from" in result.output


# --- the Data Package spec, checked by hand (https://specs.frictionlessdata.io/) -------------

NAME = re.compile(r"^[-a-z0-9._/]+$")
TYPES = {"integer", "string", "date"}


def check_data_package(package: dict[str, Any], root: Path) -> None:
    """The required properties of a Data Package, its Tabular Data Resources and their Table
    Schemas, and every CSV cell against its field's type."""
    assert isinstance(package["resources"], list) and package["resources"]  # MUST
    assert NAME.match(package["name"]) and package["profile"] == "tabular-data-package"
    datetime.fromisoformat(package["created"])  # RFC 3339
    for licence in package["licenses"]:
        assert "name" in licence or "path" in licence  # MUST have one of them
        assert set(licence) == {"name", "path", "title"}
        assert licence["name"] == "CC-BY-4.0" and licence["path"].startswith("https://")
    names = [resource["name"] for resource in package["resources"]]
    assert len(set(names)) == len(names)
    for resource in package["resources"]:
        assert NAME.match(resource["name"]) and "data" not in resource
        assert resource["profile"] == "tabular-data-resource"
        assert (resource["format"], resource["mediatype"]) == ("csv", "text/csv")
        assert resource["encoding"] == "utf-8"
        schema = resource["schema"]
        missing = schema["missingValues"]
        assert isinstance(missing, list) and all(isinstance(m, str) for m in missing)
        assert {"", "<5"} <= set(missing)
        fields = schema["fields"]
        for field in fields:
            assert isinstance(field["name"], str) and field["type"] in TYPES
            assert field["description"]
        field_names = [field["name"] for field in fields]
        keys = schema["primaryKey"]
        assert set(keys if isinstance(keys, list) else [keys]) <= set(field_names)
        path = root / resource["path"]
        assert not Path(resource["path"]).is_absolute() and ".." not in resource["path"]
        header, rows = read_csv(path)
        assert header == field_names
        for row in rows:
            for field in fields:
                check_cell(row[field["name"]], field["type"], missing)


def check_cell(value: str, kind: str, missing: list[str]) -> None:
    if value in missing:
        return
    if kind == "integer":
        assert re.fullmatch(r"-?[0-9]+", value), value
    elif kind == "date":
        date.fromisoformat(value)
