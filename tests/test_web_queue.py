"""The web queue through the real app: login, scope, actions with CSRF, errors as pages, small
pages, and the account's language. Runs on SQLite and PostgreSQL like every DB test."""

from __future__ import annotations

import re

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from api.web import messages as web_messages
from grievance import i18n, labels
from grievance.db import unit_of_work
from grievance.privacy import ContactVault
from grievance.staff.models import StaffAccount
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.service import TicketService
from grievance.types import Channel
from tests.builders import FakeClock, Place, add_villages
from tests.conftest import Desk
from tests.staff_builders import PASSWORD, Staffer
from tests.staff_client import client, event_count, staff

__all__ = ["client", "staff"]  # fixtures

LOGIN, QUEUE = "/staff/web/login", "/staff/web/queue"
MAX_PAGE_BYTES = 30_000
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_in(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, html
    return found.group(1)


def web_login(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    form = client.get(LOGIN)
    data = {"username": username, "password": password, "csrf_token": token_in(form.text)}
    return client.post(LOGIN, data=data, follow_redirects=False)


def logged_in(client: TestClient, username: str) -> str:
    """Logs in through the form; returns the session's CSRF token from the queue page."""
    answer = web_login(client, username)
    assert answer.status_code == 303 and answer.headers["location"] == QUEUE, answer.text
    return token_in(client.get(QUEUE).text)


def incident_url(incident_id: int, action: str = "") -> str:
    return f"/staff/web/incidents/{incident_id}" + (f"/{action}" if action else "")


def set_language(sessions: sessionmaker[Session], who: Staffer, language: str) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            update(StaffAccount).where(StaffAccount.id == who.account_id).values(language=language)
        )


def error_text(html: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', html)
    assert found is not None, html
    return found.group(1)


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    wrong = web_login(client, "vwsc", "not the password")
    unknown = web_login(client, "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert error_text(wrong.text) == error_text(unknown.text) == "Wrong username or password."
    assert "jalsamvad_staff" not in wrong.headers.get("set-cookie", "")


def test_a_login_form_without_its_token_is_refused(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    data = {"username": "vwsc", "password": PASSWORD, "csrf_token": "forged"}
    answer = client.post(LOGIN, data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert client.get(QUEUE, follow_redirects=False).headers["location"] == LOGIN


def test_log_in_see_the_queue_and_log_out(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    filed = desk.file(place.village)
    csrf = logged_in(client, "vwsc")
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    assert f'href="{incident_url(filed.incident.id)}"' in queue.text and "Tammapur" in queue.text
    out = client.post("/staff/web/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == LOGIN
    assert client.get(QUEUE, follow_redirects=False).headers["location"].startswith(LOGIN)


def test_the_queue_shows_only_open_incidents_in_scope_most_urgent_first(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place, clock: FakeClock
) -> None:
    mine = desk.file(place.village, "leakage").incident
    clock.advance(hours=1)
    urgent = desk.file(place.village, "no_water").incident  # a shorter SLA: due sooner
    elsewhere = desk.file(place.gp_village).incident
    assert urgent.due_at is not None and mine.due_at is not None and urgent.due_at < mine.due_at
    logged_in(client, "vwsc")
    html = client.get(QUEUE).text
    links = re.findall(r'href="/staff/web/incidents/(\d+)"', html)
    assert links == [str(urgent.id), str(mine.id)]
    assert str(elsewhere.id) not in links
    clock.advance(days=30)  # both overdue; the session has ended meanwhile
    logged_in(client, "vwsc")
    overdue = client.get(QUEUE, params={"overdue": "1"}).text
    assert "Overdue" in overdue and len(re.findall(r"/staff/web/incidents/\d+", overdue)) == 2
    none = client.get(QUEUE, params={"status": "resolved"}).text
    assert "No complaints here." in none


def test_an_incident_outside_the_scope_is_a_404_page_and_cannot_be_acted_on(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    elsewhere = desk.file(place.gp_village).incident
    csrf = logged_in(client, "vwsc")
    page = client.get(incident_url(elsewhere.id))
    assert page.status_code == 404 and "Not found in your area." in page.text
    data = {"csrf_token": csrf, "note": "fixed"}
    assert client.post(incident_url(elsewhere.id, "resolve"), data=data).status_code == 404
    assert client.get(incident_url(10**20)).status_code == 404
    assert client.get("/staff/web/incidents/abc").status_code == 404
    assert desk.incident(elsewhere.id).status is Status.NEW


@pytest.mark.parametrize("token", [None, "wrong"])
def test_an_action_without_the_sessions_csrf_token_is_refused_and_changes_nothing(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    token: str | None,
) -> None:
    incident = desk.file(place.village).incident
    logged_in(client, "vwsc")
    before = event_count(sessions)
    data = {"note": "pipe repaired", **({"csrf_token": token} if token else {})}
    answer = client.post(incident_url(incident.id, "resolve"), data=data)
    assert answer.status_code == 403 and "This form has expired." in answer.text
    assert desk.incident(incident.id).status is Status.NEW
    assert event_count(sessions) == before


def test_acknowledge_then_resolve_and_it_leaves_the_queue(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    page = client.get(incident_url(incident.id)).text
    assert "Mark as seen" in page and "Mark as fixed" in page and "Reject" not in page
    acked = client.post(
        incident_url(incident.id, "acknowledge"),
        data={"csrf_token": csrf, "version": str(incident.version)},
        follow_redirects=False,
    )
    assert acked.status_code == 303 and acked.headers["location"] == incident_url(incident.id)
    assert desk.incident(incident.id).status is Status.ACKNOWLEDGED
    resolved = client.post(
        incident_url(incident.id, "resolve"),
        data={"csrf_token": csrf, "note": "pipe repaired"},
        follow_redirects=False,
    )
    assert resolved.status_code == 303 and resolved.headers["location"] == QUEUE
    assert desk.incident(incident.id).status is Status.RESOLVED
    assert incident_url(incident.id) not in client.get(QUEUE).text
    detail = client.get(incident_url(incident.id)).text
    assert "pipe repaired" in detail and "marked as fixed" in detail


def test_resolve_without_a_note_shows_the_form_again_and_changes_nothing(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    before = event_count(sessions)
    answer = client.post(
        incident_url(incident.id, "resolve"), data={"csrf_token": csrf, "note": " "}
    )
    assert answer.status_code == 422
    assert error_text(answer.text) == "Please say what was done."
    assert f'action="{incident_url(incident.id, "resolve")}"' in answer.text
    assert desk.incident(incident.id).status is Status.NEW and event_count(sessions) == before


def test_a_stale_version_is_a_409_page_and_changes_nothing(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    data = {"csrf_token": csrf, "note": "done", "version": str(incident.version + 5)}
    answer = client.post(incident_url(incident.id, "resolve"), data=data)
    assert answer.status_code == 409 and "changed meanwhile" in answer.text
    assert desk.incident(incident.id).status is Status.NEW


def test_an_engineer_rejects_naming_the_responsible_body(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village, "billing").incident
    csrf = logged_in(client, "je")
    url = incident_url(incident.id, "reject")
    missing = client.post(url, data={"csrf_token": csrf, "reason": "not ours"})
    assert missing.status_code == 422
    assert error_text(missing.text) == "Please give the reason and the responsible body."
    assert 'value="not ours"' in missing.text
    assert desk.incident(incident.id).status is Status.NEW
    data = {"csrf_token": csrf, "reason": "billing", "responsible_body": "Gram Panchayat"}
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    rejected = desk.incident(incident.id)
    assert rejected.status is Status.REJECTED and rejected.responsible_body == "Gram Panchayat"


def test_an_auditor_reads_without_forms(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    incident = desk.file(place.village).incident
    logged_in(client, "auditor")
    page = client.get(incident_url(incident.id))
    assert (
        page.status_code == 200 and "/resolve" not in page.text and "/acknowledge" not in page.text
    )


def test_an_ended_session_goes_to_the_login_page_with_a_message(
    client: TestClient, staff: dict[str, Staffer], clock: FakeClock
) -> None:
    logged_in(client, "vwsc")
    clock.advance(minutes=31)
    answer = client.get(QUEUE, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == LOGIN + "?expired=1"
    assert error_text(client.get(answer.headers["location"]).text) == (
        "Your session has ended. Please log in again."
    )


def test_pages_stay_small_and_page_through_the_queue(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    with unit_of_work(sessions) as session:
        villages = add_villages(session, place, 25)
    ids = [desk.file(code, phone=f"+919900{code}").incident.id for code in villages]
    csrf = logged_in(client, "gp_member")
    first = client.get(QUEUE)
    assert len(re.findall(r'href="/staff/web/incidents/\d+"', first.text)) == 20
    second = client.get(QUEUE + "?page=2")
    assert len(re.findall(r'href="/staff/web/incidents/\d+"', second.text)) == 5
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    for _ in range(5):
        client.post(incident_url(ids[0], "acknowledge"), data={"csrf_token": csrf})
    pages = [first, client.get(incident_url(ids[0])), client.get(LOGIN)]
    for page in pages:
        assert page.status_code == 200 and len(page.content) < MAX_PAGE_BYTES, page.url
        assert "<script" not in page.text


def test_a_big_outage_shows_its_latest_reports_and_history_and_everything_on_request(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    households = 40
    filed = [desk.file(place.village, phone=f"+9199000{n:05d}") for n in range(households)]
    incident_id = filed[0].incident.id
    assert {f.incident.id for f in filed} == {incident_id}  # one outage
    logged_in(client, "vwsc")
    short, full = (
        client.get(incident_url(incident_id)),
        client.get(incident_url(incident_id) + "?all=1"),
    )
    references = [f.ticket.reference for f in filed]
    assert [r for r in references if r in short.text] == references[-20:]  # the latest
    assert all(r in full.text for r in references)
    events = event_count_of(full.text)
    assert events > households  # each report is in the history too
    hidden_reports = i18n.say(web_messages.EARLIER_REPORTS_HIDDEN, "en", count=str(households - 20))
    hidden_history = i18n.say(web_messages.EARLIER_HISTORY_HIDDEN, "en", count=str(events - 30))
    assert hidden_reports in short.text and hidden_history in short.text
    assert event_count_of(short.text) == 30
    assert "reports-hidden" not in full.text and "history-hidden" not in full.text
    assert len(short.content) < len(full.content) and len(short.content) < MAX_PAGE_BYTES


def event_count_of(html: str) -> int:
    """History entries on an incident page (each starts with its time; reports do not)."""
    return html.count('<li><span class="muted">')


def test_odd_query_strings_answer_a_page_not_an_error(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    logged_in(client, "vwsc")
    for query in ["?status=bogus", "?page=-3", "?page=99999999999", "?overdue=maybe"]:
        assert client.get(QUEUE + query).status_code == 200, query


@pytest.mark.parametrize(("language", "title"), [("kn", "ತೆರೆದ ದೂರುಗಳು"), ("hi", "खुली शिकायतें")])
def test_the_account_reads_its_own_language(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    language: str,
    title: str,
) -> None:
    incident = desk.file(place.village).incident
    set_language(sessions, staff["vwsc"], language)
    logged_in(client, "vwsc")
    queue = client.get(QUEUE).text
    assert f'<html lang="{language}"' in queue and f"<h1>{title}</h1>" in queue
    page = client.get(incident_url(incident.id)).text
    assert i18n.say("Mark as fixed", language) in page and "Mark as fixed" not in page


def test_a_closed_incident_says_whether_the_households_confirmed_it(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    clock: FakeClock,
) -> None:
    confirmed = desk.file(place.village, "no_water", "+919900000001")
    silent = desk.file(place.village, "leakage", "+919900000002").incident.id
    for incident_id in (confirmed.incident.id, silent):
        desk.move(incident_id, Status.RESOLVED, ActorRole.VWSC, "fixed")
    with unit_of_work(sessions) as session:
        service = TicketService(session, desk.policy, vault, clock)
        service.answer_fix(service.find(confirmed.ticket.reference), fixed=True)
        service.transition(silent, Status.CLOSED, Actor.system("confirmation-timeout"), "")
    logged_in(client, "vwsc")
    pages = {i: client.get(incident_url(i)).text for i in (confirmed.incident.id, silent)}
    assert labels.CLOSURE_LABELS["confirmed"] in pages[confirmed.incident.id]
    assert labels.CLOSURE_LABELS["unconfirmed"] in pages[silent]


def test_the_history_and_reports_are_in_words_never_raw_action_names(
    client: TestClient, staff: dict[str, Staffer], desk: Desk, place: Place
) -> None:
    filed = desk.file(place.village, "no_water", "+919900000001", channel=Channel.VOICE)
    desk.move(filed.incident.id, Status.ACKNOWLEDGED, ActorRole.VWSC)
    logged_in(client, "vwsc")
    page = client.get(incident_url(filed.incident.id)).text
    assert web_messages.HOUSEHOLD_REPORTED in page and web_messages.PHONE_CALL in page
    assert labels.STATUS_LABELS["acknowledged"] in page
    assert not re.search(r"\b(incident|ticket)\.[a-z_]+\b", page)
