"""The incident page's note and assign forms through the real app, on SQLite and PostgreSQL:
who gets them, what the assign list offers, and bad input answered with a page that says why
while nothing changes."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.web import messages as web_messages
from grievance.db import unit_of_work
from grievance.privacy import ContactVault
from grievance.tickets.enums import ActorRole, Status
from grievance.types import Level, OfficialRole, UnitType
from tests.builders import Place, add_official
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, event_count, staff
from tests.test_web_queue import (
    MAX_PAGE_BYTES,
    error_text,
    incident_url,
    logged_in,
    set_language,
)

__all__ = ["client", "staff"]  # fixtures

_OPTION = re.compile(r'<option value="([^"]+)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[str]:
    """The assign list's values, in order."""
    return [value for value, _, _ in _OPTION.findall(html)]


def selected(html: str) -> list[str]:
    return [value for value, chosen, _ in _OPTION.findall(html) if chosen]


def test_a_note_is_added_to_the_history_and_changes_nothing_else(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "pump")
    page = client.get(incident_url(incident.id)).text
    assert f'action="{incident_url(incident.id, "notes")}"' in page
    before = event_count(sessions)
    added = client.post(
        incident_url(incident.id, "notes"),
        data={"csrf_token": csrf, "note": "valve <b>checked</b>"},
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"] == incident_url(incident.id)
    after = desk.incident(incident.id)
    assert (after.status, after.version, after.due_at) == (
        Status.NEW,
        incident.version,
        incident.due_at,
    )
    assert event_count(sessions) == before + 1
    history = client.get(incident_url(incident.id)).text
    assert "Note: valve &lt;b&gt;checked&lt;/b&gt;" in history


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Please write the note."),
        (" \n\t", "Please write the note."),
        ("x" * 2001, "A note can have at most 2000 characters."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_an_empty_or_too_long_note_is_refused_with_a_message(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    note: str,
    message: str,
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    before = event_count(sessions)
    answer = client.post(
        incident_url(incident.id, "notes"), data={"csrf_token": csrf, "note": note}
    )
    assert answer.status_code == 422 and error_text(answer.text) == message
    assert f'action="{incident_url(incident.id, "notes")}"' in answer.text
    assert event_count(sessions) == before


def test_only_engineers_and_above_get_the_assign_form_and_auditors_no_forms(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    url = incident_url(incident.id)
    csrf = logged_in(client, "vwsc")
    page = client.get(url).text
    assert f'action="{url}/notes"' in page and f'action="{url}/assign"' not in page
    before = event_count(sessions)
    data = {"csrf_token": csrf, "assignee": f"official:{place.je}"}
    refused = client.post(f"{url}/assign", data=data)
    assert refused.status_code == 403 and error_text(refused.text) == "Your role may not do this."

    csrf = logged_in(client, "auditor")
    page = client.get(url).text
    assert "/notes" not in page and "/assign" not in page
    refused = client.post(f"{url}/notes", data={"csrf_token": csrf, "note": "seen"})
    assert refused.status_code == 403 and error_text(refused.text) == "Your role may not do this."
    assert event_count(sessions) == before
    assert desk.incident(incident.id).assigned_vwsc_id == place.vwsc


def test_the_assign_list_offers_exactly_who_serves_the_village_lowest_first(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    with unit_of_work(sessions) as session:  # serves only the other block
        other_je = add_official(
            session, vault, "JE Sirwar", "+919845000299", OfficialRole.JE, UnitType.BLOCK, 5896
        )
    mine = desk.file(place.village).incident
    gp_level = desk.file(place.gp_village).incident
    csrf = logged_in(client, "je")
    page = client.get(incident_url(mine.id)).text
    ladder = [place.je, place.ae, place.ee, place.dwsm, place.state_admin]
    assert options(page) == [f"vwsc:{place.vwsc}", *(f"official:{i}" for i in ladder)]
    assert selected(page) == [f"vwsc:{place.vwsc}"]  # who has it now
    assert "Tammapur VWSC · Village water committee" in page
    assert "AE Manvi · Assistant Engineer" in page
    assert f"official:{other_je}" not in page and f"vwsc:{place.gp_vwsc}" not in page
    # Nor does the desk take them when posted by hand.
    for party in (f"official:{other_je}", f"vwsc:{place.gp_vwsc}"):
        data = {"csrf_token": csrf, "assignee": party}
        assert client.post(incident_url(mine.id, "assign"), data=data).status_code == 422
    assert desk.incident(mine.id).assigned_vwsc_id == place.vwsc
    # A GP-level committee serves the GP's villages; Tammapur's own does not.
    other = options(client.get(incident_url(gp_level.id)).text)
    assert other[0] == f"vwsc:{place.gp_vwsc}" and f"vwsc:{place.vwsc}" not in other


def test_an_engineer_assigns_and_the_page_shows_it(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "je")
    data = {"csrf_token": csrf, "assignee": f"official:{place.ae}", "version": incident.version}
    done = client.post(incident_url(incident.id, "assign"), data=data, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == incident_url(incident.id)
    after = desk.incident(incident.id)
    assert (after.assigned_official_id, after.assigned_vwsc_id, after.level) == (
        place.ae,
        None,
        Level.AE,
    )
    assert after.due_at == incident.due_at  # handing work on buys no time
    page = client.get(incident_url(incident.id)).text
    assert selected(page) == [f"official:{place.ae}"] and web_messages.ASSIGNED in page
    assert desk.verify_chain().ok


@pytest.mark.parametrize(
    "assignee",
    ["", "bogus", "official:2147483647", "official:0", "official:99999999999999999999", "vwsc:-1"],
)
def test_an_assignee_not_on_the_list_is_refused_with_a_message(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    assignee: str,
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "je")
    before = event_count(sessions)
    answer = client.post(
        incident_url(incident.id, "assign"), data={"csrf_token": csrf, "assignee": assignee}
    )
    assert answer.status_code == 422
    assert error_text(answer.text) == "Please choose someone from the list."
    assert options(answer.text)  # the list again, to choose from
    assert desk.incident(incident.id).assigned_vwsc_id == place.vwsc
    assert event_count(sessions) == before


def test_notes_and_assignments_outside_the_scope_are_404_pages(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    outside = desk.file(place.orphan_village).incident  # another block than the JE's
    csrf = logged_in(client, "je")
    before = event_count(sessions)
    posts = [
        ("notes", {"note": "seen"}),
        ("notes", {"note": ""}),
        ("assign", {"assignee": f"official:{place.ae}"}),
        ("assign", {"assignee": "bogus"}),
    ]
    for action, data in posts:
        answer = client.post(incident_url(outside.id, action), data={"csrf_token": csrf, **data})
        assert answer.status_code == 404, (action, data)
        assert error_text(answer.text) == "Not found in your area."
    for unknown in ("123456789", "0", "abc"):
        answer = client.post(
            f"/staff/web/incidents/{unknown}/notes", data={"csrf_token": csrf, "note": "x"}
        )
        assert answer.status_code == 404
    assert event_count(sessions) == before


def test_a_rejected_incident_takes_notes_but_is_not_assigned(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
) -> None:
    incident = desk.file(place.village, "billing").incident
    desk.move(incident.id, Status.REJECTED, ActorRole.JE, "billing", responsible_body="GP")
    csrf = logged_in(client, "je")
    page = client.get(incident_url(incident.id)).text
    assert "/assign" not in page and "/notes" in page
    data = {"csrf_token": csrf, "assignee": f"official:{place.ae}"}
    late = client.post(incident_url(incident.id, "assign"), data=data)
    assert late.status_code == 409 and desk.incident(incident.id).assigned_official_id is None


def test_a_stale_version_on_assign_is_a_409_page(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "je")
    desk.move(incident.id, Status.ACKNOWLEDGED, ActorRole.VWSC)  # someone else, meanwhile
    data = {"csrf_token": csrf, "assignee": f"official:{place.ae}", "version": incident.version}
    answer = client.post(incident_url(incident.id, "assign"), data=data)
    assert answer.status_code == 409 and "changed meanwhile" in answer.text
    assert desk.incident(incident.id).assigned_official_id is None


def test_an_engineers_page_with_every_form_stays_small_and_script_free(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village).incident
    for n in range(30):
        desk.note(incident.id, f"note {n}: " + "words " * 40)
    logged_in(client, "state")
    page = client.get(incident_url(incident.id))
    assert page.status_code == 200 and "/assign" in page.text and "/reject" in page.text
    assert len(page.content) < MAX_PAGE_BYTES and "<script" not in page.text


def test_a_too_long_resolve_note_is_a_page_not_a_server_error(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    """The desk refuses it after the scope check; the page is read again in the same request."""
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    before = event_count(sessions)
    data = {"csrf_token": csrf, "note": "x" * 2001}
    answer = client.post(incident_url(incident.id, "resolve"), data=data)
    assert answer.status_code == 422 and f'action="{incident_url(incident.id)}/resolve"' in (
        answer.text
    )
    assert error_text(answer.text) == "A note can have at most 2000 characters."
    assert desk.incident(incident.id).status is Status.NEW and event_count(sessions) == before


def test_the_forms_speak_the_accounts_language(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    set_language(sessions, staff["je"], "kn")
    csrf = logged_in(client, "je")
    page = client.get(incident_url(incident.id)).text
    assert "ನಿಯೋಜಿಸಿ" in page and "AE Manvi · ಸಹಾಯಕ ಎಂಜಿನಿಯರ್" in page
    assert "Assign" not in page and "Add note" not in page
    empty = client.post(incident_url(incident.id, "notes"), data={"csrf_token": csrf, "note": ""})
    assert error_text(empty.text) == "ದಯವಿಟ್ಟು ಟಿಪ್ಪಣಿ ಬರೆಯಿರಿ."
