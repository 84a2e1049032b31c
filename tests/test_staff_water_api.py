"""POST /staff/v1/villages/{code}/water-tests: inside the jurisdiction only, auditors read only,
impossible readings refused; unsafe water escalates and warns the households."""

from __future__ import annotations

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.outbox.service import Notice, enqueue
from grievance.privacy import ContactVault
from grievance.quality.models import WaterTest
from grievance.types import Channel, Level
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, log_in, staff

__all__ = ["client", "staff"]  # fixtures

SAFE = {"ph": 7.2, "turbidity": 0.5, "e_coli": False}


def stored_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WaterTest)) or 0)


def post(client: TestClient, csrf: str, village: int, body: dict[str, object]) -> httpx2.Response:
    return client.post(
        f"/staff/v1/villages/{village}/water-tests", json=body, headers={"X-CSRF-Token": csrf}
    )


def test_a_committee_member_records_a_safe_test_for_its_village(
    client: TestClient, staff: dict[str, Staffer], place: Place, sessions: sessionmaker[Session]
) -> None:
    csrf = log_in(client, "vwsc")
    response = post(client, csrf, place.village, {"readings": SAFE})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["verdict"] == "acceptable" and body["escalated"] == []
    assert {f["parameter"]: f["verdict"] for f in body["findings"]} == {
        "ph": "acceptable",
        "turbidity": "acceptable",
        "e_coli": "acceptable",
    }
    assert stored_count(sessions) == 1


def test_unsafe_water_escalates_the_open_incident_and_warns_its_households(
    client: TestClient,
    staff: dict[str, Staffer],
    place: Place,
    desk: Desk,
) -> None:
    incident = desk.file(place.village, "dirty_water", "+919900000001").incident.id
    csrf = log_in(client, "je")
    response = post(client, csrf, place.village, {"readings": {"fluoride": 2.4}})
    body = response.json()
    assert response.status_code == 201 and body["verdict"] == "unsafe"
    assert body["escalated"] == [incident] and body["households_advised"] == 1
    assert desk.incident(incident).level is Level.EE


def test_outside_the_jurisdiction_read_only_bad_readings_and_no_csrf_change_nothing(
    client: TestClient, staff: dict[str, Staffer], place: Place, sessions: sessionmaker[Session]
) -> None:
    csrf = log_in(client, "vwsc")
    assert post(client, csrf, place.gp_village, {"readings": SAFE}).status_code == 404
    assert post(client, csrf, 999_999, {"readings": SAFE}).status_code == 404
    assert post(client, csrf, place.village, {"readings": {"ph": 20}}).status_code == 422
    assert post(client, csrf, place.village, {"readings": {}}).status_code == 422
    assert post(client, "wrong", place.village, {"readings": SAFE}).status_code == 403
    client.post("/staff/logout", headers={"X-CSRF-Token": csrf})
    auditor = log_in(client, "auditor")
    assert post(client, auditor, place.village, {"readings": SAFE}).status_code == 403
    assert stored_count(sessions) == 0


def test_only_the_state_admin_sees_the_dead_letters_and_without_recipients(
    client: TestClient,
    staff: dict[str, Staffer],
    sessions: sessionmaker[Session],
    vault: ContactVault,
    clock: FakeClock,
) -> None:
    with unit_of_work(sessions) as session:
        to = vault.resolve(Channel.SMS, "+919812345678")
        enqueue(session, Notice("n:1", Channel.SMS, to, "fix_question"), clock.now)
        session.execute(
            update(OutboxMessage).values(status=OutboxStatus.DEAD, last_error="HTTP 400")
        )
    csrf = log_in(client, "je")
    assert client.get("/staff/v1/outbox/dead").status_code == 403
    client.post("/staff/logout", headers={"X-CSRF-Token": csrf})
    log_in(client, "state")
    response = client.get("/staff/v1/outbox/dead")
    assert response.status_code == 200
    [letter] = response.json()
    assert (letter["purpose"], letter["last_error"], letter["channel"]) == (
        "fix_question",
        "HTTP 400",
        "sms",
    )
    assert "9812345678" not in response.text and "recipient" not in response.text
