"""Web login, sessions, CSRF and API tokens over HTTP, on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.staff import api_tokens
from grievance.staff.models import StaffToken
from grievance.tickets.enums import Status
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import PASSWORD, Staffer
from tests.staff_client import client, event_count, log_in, staff, token_for

__all__ = ["client", "staff"]  # fixtures


def test_login_sets_a_safe_session_cookie_and_returns_the_csrf_token(
    client: TestClient, staff: dict[str, Staffer], place: Place
) -> None:
    response = client.post("/staff/login", data={"username": "JE", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "je" and body["role"] == "je" and body["csrf_token"]
    assert body["jurisdiction"] == [f"block:{place.block}"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # JALSAMVAD_ENVIRONMENT=development: plain http allowed
    assert client.get("/staff/v1/me").json()["csrf_token"] == body["csrf_token"]


def test_wrong_user_and_wrong_password_get_the_same_answer(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    wrong_password = client.post("/staff/login", data={"username": "je", "password": "x" * 12})
    no_such_user = client.post("/staff/login", data={"username": "nobody", "password": "x" * 12})
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json() == no_such_user.json()
    assert "set-cookie" not in wrong_password.headers
    assert client.get("/staff/v1/me").status_code == 401


def test_failed_logins_are_throttled_per_username_then_released(
    client: TestClient, staff: dict[str, Staffer], clock: FakeClock
) -> None:
    for _ in range(5):
        assert (
            client.post("/staff/login", data={"username": "je", "password": "bad-" * 3}).status_code
            == 401
        )
    throttled = client.post("/staff/login", data={"username": "je", "password": PASSWORD})
    assert throttled.status_code == 429 and throttled.json()["error"] == "too_many_attempts"
    # The same answer for a username that does not exist: no enumeration through the limit.
    for _ in range(5):
        client.post("/staff/login", data={"username": "ghost", "password": "bad-" * 3})
    assert (
        client.post("/staff/login", data={"username": "ghost", "password": "x" * 12}).status_code
        == 429
    )
    assert (
        client.post("/staff/login", data={"username": "ae", "password": PASSWORD}).status_code
        == 200
    )
    clock.advance(minutes=15, seconds=1)
    assert (
        client.post("/staff/login", data={"username": "je", "password": PASSWORD}).status_code
        == 200
    )


def test_failed_logins_are_throttled_per_address(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    for n in range(20):
        client.post("/staff/login", data={"username": f"user{n}", "password": "bad-" * 3})
    assert (
        client.post("/staff/login", data={"username": "je", "password": PASSWORD}).status_code
        == 429
    )


def test_logout_needs_the_csrf_token_and_ends_the_session(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    csrf = log_in(client, "vwsc")
    assert client.post("/staff/logout").status_code == 403
    assert client.get("/staff/v1/me").status_code == 200
    assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 204
    assert client.get("/staff/v1/me").status_code == 401


def test_a_stolen_cookie_stops_working_after_logout(
    client: TestClient, staff: dict[str, Staffer]
) -> None:
    csrf = log_in(client, "vwsc")
    cookie = dict(client.cookies)
    assert client.post("/staff/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.update(cookie)
    assert client.get("/staff/v1/me").status_code == 401


def test_sessions_expire_when_idle_and_absolutely(
    client: TestClient, staff: dict[str, Staffer], clock: FakeClock
) -> None:
    log_in(client, "je")
    clock.advance(minutes=29)
    assert client.get("/staff/v1/me").status_code == 200
    clock.advance(minutes=31)
    idle = client.get("/staff/v1/me")
    assert idle.status_code == 401 and idle.json()["error"] == "not_authenticated"

    log_in(client, "je")
    for _ in range(12 * 3 - 1):  # active all day, a request every 20 minutes
        clock.advance(minutes=20)
        assert client.get("/staff/v1/me").status_code == 200
    clock.advance(minutes=20)
    assert client.get("/staff/v1/me").status_code == 401  # 12 hours after login


def test_a_change_with_a_cookie_but_without_the_right_csrf_token_is_refused(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    csrf = log_in(client, "vwsc")
    before = event_count(sessions)
    url = f"/staff/v1/incidents/{incident.id}/acknowledge"
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}):
        refused = client.post(url, json={}, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
    assert desk.incident(incident.id).status is Status.NEW
    assert event_count(sessions) == before
    assert client.post(url, json={}, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert desk.incident(incident.id).status is Status.ACKNOWLEDGED


def test_tokens_need_no_csrf_and_stop_at_revocation(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    incident = desk.file(place.village).incident
    secret = token_for(sessions, staff["je"].account_id)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/staff/v1/me", headers=bearer).json()["csrf_token"] is None
    url = f"/staff/v1/incidents/{incident.id}/acknowledge"
    assert client.post(url, json={}, headers=bearer).status_code == 200

    for headers in (
        {"Authorization": "Bearer jsv_not-a-token"},
        {"Authorization": "Basic amU6cGFzcw=="},
        {"Authorization": "Bearer "},
    ):
        response = client.get("/staff/v1/tickets", headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    with unit_of_work(sessions) as session:
        token_id = session.execute(select(StaffToken.id)).scalar_one()
        api_tokens.revoke(session, token_id)
    assert client.get("/staff/v1/tickets", headers=bearer).status_code == 401
    start = client.post(f"/staff/v1/incidents/{incident.id}/start", json={}, headers=bearer)
    assert start.status_code == 401
    assert desk.incident(incident.id).status is Status.ACKNOWLEDGED
