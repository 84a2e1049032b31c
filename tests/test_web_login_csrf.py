"""The login form's signed double-submit token and the same-origin check on every web form
post, through the real app on SQLite and PostgreSQL: a refused login is a 403 page and leaves
no session behind."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.web import messages as web_messages
from api.web.login_token import LOGIN_COOKIE
from grievance.staff.models import StaffSession
from grievance.tickets.enums import Status
from tests.builders import Place
from tests.conftest import Desk
from tests.staff_builders import PASSWORD, Staffer
from tests.staff_client import client, event_count, staff
from tests.test_web_queue import LOGIN, QUEUE, error_text, incident_url, logged_in, token_in

__all__ = ["client", "staff"]  # fixtures

EVIL = "https://evil.example"


def session_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.execute(select(func.count()).select_from(StaffSession)).scalar_one())


def login_form(client: TestClient) -> tuple[str, str]:
    """The login cookie's value and the form's token."""
    html = client.get(LOGIN).text
    return client.cookies[LOGIN_COOKIE], token_in(html)


def post_login(client: TestClient, token: str, **headers: str) -> object:
    data = {"username": "vwsc", "password": PASSWORD, "csrf_token": token}
    return client.post(LOGIN, data=data, headers=headers, follow_redirects=False)


def assert_refused(answer: object, sessions: sessionmaker[Session], message: str) -> None:
    status = getattr(answer, "status_code", None)
    text, cookies = getattr(answer, "text", ""), getattr(answer, "headers", {})
    assert status == 403 and error_text(text) == message, text
    assert "jalsamvad_staff" not in cookies.get("set-cookie", "")
    assert session_count(sessions) == 0


def test_the_form_token_is_a_signature_of_the_cookie_and_logs_in(
    client: TestClient, staff: dict[str, Staffer], sessions: sessionmaker[Session]
) -> None:
    cookie, token = login_form(client)
    assert token != cookie and len(token) == 64
    assert login_form(client) == (cookie, token)  # the same browser keeps its pair
    answer = post_login(client, token)
    assert getattr(answer, "status_code", None) == 303 and session_count(sessions) == 1
    assert client.get(QUEUE).status_code == 200


@pytest.mark.parametrize("kind", ["missing", "forged", "the cookie itself", "tampered"])
def test_a_forged_or_missing_login_token_is_refused_without_a_session(
    client: TestClient, staff: dict[str, Staffer], sessions: sessionmaker[Session], kind: str
) -> None:
    cookie, token = login_form(client)
    given = {
        "missing": "",
        "forged": "0" * 64,
        "the cookie itself": cookie,  # what the plain double submit accepted
        "tampered": token[:-1] + ("0" if token[-1] != "0" else "1"),
    }[kind]
    answer = post_login(client, given)
    assert_refused(answer, sessions, web_messages.FORM_EXPIRED)
    # The refusal offers a fresh, working form for the same cookie.
    assert token_in(getattr(answer, "text", "")) == token


def test_a_token_made_for_another_cookie_is_refused(
    client: TestClient, staff: dict[str, Staffer], sessions: sessionmaker[Session]
) -> None:
    _, theirs = login_form(client)  # e.g. an attacker's own visit to the login page
    client.cookies.clear()
    mine, _ = login_form(client)
    assert client.cookies[LOGIN_COOKIE] == mine
    assert_refused(post_login(client, theirs), sessions, web_messages.FORM_EXPIRED)


def test_a_malformed_login_cookie_is_replaced_not_signed(
    client: TestClient, staff: dict[str, Staffer], sessions: sessionmaker[Session]
) -> None:
    client.get(LOGIN)
    planted = next(c for c in client.cookies.jar if c.name == LOGIN_COOKIE)
    client.cookies.set(LOGIN_COOKIE, "x", domain=planted.domain, path=planted.path)
    cookie, token = login_form(client)
    assert cookie != "x" and len(cookie) == 43
    assert getattr(post_login(client, token), "status_code", None) == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # same host, another scheme
        {"Origin": "http://testserver:8080"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "http://[bad"},
        {"Referer": f"{EVIL}/phish"},
        {"Origin": EVIL, "Referer": "http://testserver/staff/web/login"},
    ],
)
def test_a_login_posted_from_another_site_is_refused_without_a_session(
    client: TestClient,
    staff: dict[str, Staffer],
    sessions: sessionmaker[Session],
    headers: dict[str, str],
) -> None:
    _, token = login_form(client)
    assert_refused(post_login(client, token, **headers), sessions, web_messages.CROSS_SITE)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TestServer:80"},
        {"Referer": "http://testserver/staff/web/login"},
        {},  # curl and old phone browsers send neither: the signed token still decides
    ],
)
def test_a_login_from_our_own_page_or_without_either_header_goes_through(
    client: TestClient, staff: dict[str, Staffer], headers: dict[str, str]
) -> None:
    _, token = login_form(client)
    answer = post_login(client, token, **headers)
    assert getattr(answer, "status_code", None) == 303


def test_a_logged_in_form_from_another_site_is_refused_and_changes_nothing(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    csrf = logged_in(client, "vwsc")
    before = event_count(sessions)
    for action, data in [("acknowledge", {}), ("notes", {"note": "x"}), ("resolve", {"note": "x"})]:
        answer = client.post(
            incident_url(incident.id, action),
            data={"csrf_token": csrf, **data},
            headers={"Origin": EVIL},
        )
        assert answer.status_code == 403 and error_text(answer.text) == web_messages.CROSS_SITE
    out = client.post("/staff/web/logout", data={"csrf_token": csrf}, headers={"Origin": EVIL})
    assert out.status_code == 403
    assert desk.incident(incident.id).status is Status.NEW and event_count(sessions) == before
    assert client.get(QUEUE, follow_redirects=False).status_code == 200  # still logged in


def test_the_api_login_refuses_a_post_from_another_site(
    client: TestClient, staff: dict[str, Staffer], sessions: sessionmaker[Session]
) -> None:
    """Else a foreign page could log its visitor in through the API, cookie and all."""
    data = {"username": "vwsc", "password": PASSWORD}
    refused = client.post("/staff/login", data=data, headers={"Origin": EVIL})
    assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
    assert "set-cookie" not in refused.headers and session_count(sessions) == 0
    assert client.post("/staff/login", data=data).status_code == 200  # a script: no Origin
