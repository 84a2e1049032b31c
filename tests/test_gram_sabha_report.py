"""`jalsamvad report gram-sabha`: the panchayat's figures as an A4 PDF in its language, every
script shaped (the text pulled back out of the PDF must read as the catalog's sentences), every
figure under the disclosure rules, nothing about any household."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from api.audit import gram_sabha
from api.audit import messages as audit_messages
from api.audit import report_messages as m
from grievance import i18n, labels
from grievance.clock import utcnow
from grievance.social_audit.updater import update_stats
from grievance.tickets.enums import ActorRole, Status
from jalsamvad.cli import app
from tests.builders import Place
from tests.conftest import TEST_SECRET, Desk
from tests.privacy_scan import assert_clean, phone_forms

runner = CliRunner()
PDFTOTEXT = shutil.which("pdftotext")
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]
needs_poppler = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="pdftotext (Debian poppler-utils) is not installed; .ci/run installs it",
)


@dataclass
class Filed:
    secrets: list[str]
    incidents: list[int]


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the command at the test database (SQLite or PostgreSQL) with the test secret."""
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", TEST_SECRET.decode())


@pytest.fixture
def filed(desk: Desk, place: Place, cli_env: None) -> Filed:
    """Seven households in the GP's one village: one problem of six, fixed; one of one, open."""
    secrets: list[str] = []
    incidents: list[int] = []
    for n in range(1, 7):
        phone = f"+9199000000{n:02d}"
        text = f"household {n}: the tap near the Hanuman temple is dry since Tuesday"
        done = desk.file(place.village, "no_water", phone, description=text)
        secrets += [*phone_forms(phone), text, done.ticket.reference]
        incidents.append(done.incident.id)
    note = "valve near Basavaraj's house replaced"
    desk.move(incidents[0], Status.ACKNOWLEDGED, ActorRole.VWSC, "Sarpanch Ramappa told")
    desk.clock.advance(hours=3)
    desk.move(incidents[0], Status.RESOLVED, ActorRole.VWSC, note)
    secrets += [note, "Sarpanch Ramappa told", "Lakshmi", "+919845000101"]
    leak = desk.file(place.village, "leakage", "+919900000077", description="pipe burst at gate")
    secrets += [*phone_forms("+919900000077"), "pipe burst at gate", leak.ticket.reference]
    incidents.append(leak.incident.id)
    update_stats(desk.sessions)
    return Filed(secrets, incidents)


def _text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    done = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


def _flat(text: str) -> str:
    """Words joined by single spaces: a table cell may wrap over lines."""
    return " ".join(text.split())


def _report(place: Place, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "report.pdf"
    result = runner.invoke(
        app, ["report", "gram-sabha", "--gp", str(place.gp), *PERIOD, "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    return out


@needs_poppler
@pytest.mark.parametrize("language", ["kn", "ta", "hi"])
def test_the_report_reads_in_the_panchayats_language_and_leaks_nothing(
    filed: Filed, place: Place, tmp_path: Path, language: str
) -> None:
    text = _flat(_text(_report(place, tmp_path, "--lang", language)))

    def say(message: str, **params: object) -> str:
        return _flat(i18n.say(message, language, **params))

    for sentence in (
        m.TITLE,
        m.SUMMARY,
        m.AGENDA,
        m.VERIFICATION,
        m.NO_TESTS,
        m.HOW_TO_READ,
        labels.CATEGORY_LABELS["leakage"],
        m.LEVELS["vwsc"],
    ):
        assert say(sentence) in text, (language, sentence)
    # Six complaints are shown; the leak's one complaint and the one fix read "fewer than 5".
    fewer = say(audit_messages.FEWER_THAN_5)
    assert f"{say(m.COMPLAINTS)} 7" in text
    assert f"{say(m.RESOLVED)} {fewer}" in text
    assert text.count(fewer) >= 4  # with the header's own mention
    assert_clean(text, filed.secrets, where=f"the {language} report")


@needs_poppler
def test_without_lang_the_state_chooses_the_language(
    filed: Filed, place: Place, tmp_path: Path
) -> None:
    text = _flat(_text(_report(place, tmp_path)))
    assert _flat(i18n.say(m.TITLE, "kn")) in text  # the test place is in Karnataka
    assert "ತಮ್ಮಾಪುರ" in text  # the village's own name, in Kannada script


def test_the_agenda_names_levels_never_people(filed: Filed, desk: Desk, place: Place) -> None:
    with desk.sessions() as session:
        report = gram_sabha.build(
            session, place.gp, date(2026, 11, 1), date(2026, 11, 30), utcnow()
        )
    # The six households' reports joined one problem (fixed, awaiting their word): still open.
    assert {line.number for line in report.agenda} == set(filed.incidents)
    assert {line.level for line in report.agenda} == {"vwsc"}
    html = gram_sabha.render_html(report, "en")
    assert "the village committee" in html
    assert_clean(html, filed.secrets, where="the report's HTML")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--gp", "999999", *PERIOD], "no gram panchayat with LGD code 999999"),
        (["--gp", "219744", "--from", "2026-11-30", "--to", "2026-11-01"], "is before --from"),
        (["--gp", "219744", *PERIOD, "--lang", "xx"], "no catalog for language 'xx'"),
    ],
)
def test_bad_input_is_one_line_and_no_traceback(
    place: Place, cli_env: None, tmp_path: Path, args: list[str], said: str
) -> None:
    result = runner.invoke(app, ["report", "gram-sabha", *args, "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert said in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()
