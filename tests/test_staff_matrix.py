"""Every role × every staff endpoint × an incident (or village) inside / outside its jurisdiction.

Outside answers 404 exactly like an id that does not exist, and changes nothing; inside gives
what the workflow table allows; auditors never see personal data nor write anything. This file
walks the JSON API; tests/test_staff_matrix_web.py the web pages, and checks that every staff
route of the app is in one of the two (or listed there as about no incident and no village)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.outbox.service import Notice, enqueue
from grievance.privacy import ContactVault
from grievance.types import Channel
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, event_count, staff, token_for
from tests.test_staff_water_api import SAFE, stored_count

__all__ = ["client", "staff"]  # fixtures

FOREIGN_VILLAGE = 640001  # in another state: outside everyone's jurisdiction
MISSING = 999_999  # no incident, no village has this number
PHONE = "+919900077777"
SECRET_WORDS = "Ramesh says the valve near his house is broken"
ENGINEERS = {"je", "ae", "ee", "dwsm", "state"}
COMMITTEE = {"vwsc", "pump", "gp_member"}
ROLES = sorted(ENGINEERS | COMMITTEE | {"auditor"})


def add_foreign_village(session: Session) -> None:
    session.add(State(code=33, name="TAMIL NADU"))
    session.flush()
    session.add(District(code=600, state_code=33, name="VELLORE"))
    session.flush()
    session.add(SubDistrict(code=6001, district_code=600, name="Katpadi"))
    session.add(Block(code=6101, district_code=600, name="KATPADI"))
    session.flush()
    session.add(GramPanchayat(code=230001, block_code=6101, name="SENUR"))
    session.add(Village(code=FOREIGN_VILLAGE, subdistrict_code=6001, name="Senur"))
    session.flush()
    session.add(VillagePanchayat(village_code=FOREIGN_VILLAGE, gp_code=230001, block_code=6101))


def outside_villages(role: str, place: Place) -> list[int]:
    """Villages (each with its own reason) outside the role's jurisdiction."""
    outside = [FOREIGN_VILLAGE]
    if role in COMMITTEE | {"je", "auditor"}:
        outside.append(place.orphan_village)  # another block
    if role in {"vwsc", "pump"}:
        outside.append(place.gp_village)  # another committee
    if role == "gp_member":
        outside.append(place.village)  # another GP, with a committee of its own
    return outside


INCIDENT = "/staff/v1/incidents/{incident_id}"
TICKETS = "/staff/v1/tickets"
WATER_TESTS = "/staff/v1/villages/{village_code}/water-tests"
DEAD_LETTERS = "/staff/v1/outbox/dead"


@dataclass(frozen=True)
class Endpoint:
    name: str
    category: str  # each write gets its own incident, so the actions do not interfere
    allowed: frozenset[str]  # roles that succeed inside their jurisdiction

    @property
    def route(self) -> tuple[str, str]:
        """(method, path) as the app declares it."""
        return ("GET", INCIDENT) if self.name == "detail" else ("POST", f"{INCIDENT}/{self.name}")

    def call(self, client: TestClient, incident_id: int, headers: dict[str, str], body: Any) -> Any:
        method, path = self.route
        url = path.format(incident_id=incident_id)
        if method == "GET":
            return client.get(url, headers=headers)
        return client.post(url, json=body, headers=headers)


STAFF = frozenset(ENGINEERS | COMMITTEE)
ENDPOINTS = [
    Endpoint("detail", "no_water", frozenset(ROLES)),
    Endpoint("acknowledge", "low_pressure", STAFF),
    Endpoint("start", "irregular_supply", STAFF),
    Endpoint("assign", "leakage", frozenset(ENGINEERS)),
    Endpoint("notes", "broken_tap", STAFF),
    Endpoint("resolve", "dirty_water", STAFF),
    Endpoint("reject", "billing", frozenset(ENGINEERS)),
]
# The JSON routes this file walks, as (method, path) the way the app declares them.
ROUTES = {("GET", TICKETS), ("POST", WATER_TESTS), ("GET", DEAD_LETTERS)} | {
    e.route for e in ENDPOINTS
}


def bearer(sessions: sessionmaker[Session], who: Staffer) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(sessions, who.account_id)}"}


def home_village(role: str, place: Place) -> int:
    return place.gp_village if role == "gp_member" else place.village


def body_for(endpoint: str, role: str, place: Place) -> dict[str, Any]:
    vwsc = place.gp_vwsc if role == "gp_member" else place.vwsc
    bodies: dict[str, dict[str, Any]] = {
        "detail": {},
        "acknowledge": {},
        "start": {},
        "assign": {"vwsc_id": vwsc},
        "notes": {"note": "valve checked"},
        "resolve": {"note": "valve replaced", "photo_url": "https://photos.example/v.jpg"},
        "reject": {"reason": "private connection", "responsible_body": "Gram Panchayat"},
    }
    return bodies[endpoint]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_endpoint_inside_and_outside(
    role: str,
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        add_foreign_village(session)
    elsewhere = outside_villages(role, place)
    inside = {
        e.name: desk.file(
            home_village(role, place), e.category, PHONE, description=SECRET_WORDS
        ).incident.id
        for e in ENDPOINTS
    }
    outside = {
        (village, e.name): desk.file(
            village, e.category, PHONE, description=SECRET_WORDS
        ).incident.id
        for village in elsewhere
        for e in ENDPOINTS
    }
    headers = bearer(sessions, staff[role])

    # The list shows the inside incidents' tickets, and nothing of the outside ones.
    listed = client.get(TICKETS, params={"limit": 200}, headers=headers)
    assert listed.status_code == 200
    seen = {row["incident_id"] for row in listed.json()["items"]}
    assert seen == set(inside.values()), role
    for village in elsewhere:
        filtered = client.get(TICKETS, params={"village": village}, headers=headers)
        assert filtered.json()["items"] == []

    for (village, name), incident_id in outside.items():
        endpoint = next(e for e in ENDPOINTS if e.name == name)
        before_events, before = event_count(sessions), desk.incident(incident_id).version
        response = endpoint.call(client, incident_id, headers, body_for(name, role, place))
        missing = endpoint.call(client, MISSING, headers, body_for(name, role, place))
        assert response.status_code == 404, (role, village, name, response.text)
        assert response.json() == {**missing.json(), "detail": f"no incident {incident_id}"}
        assert str(village) not in response.text
        assert desk.incident(incident_id).version == before
        assert event_count(sessions) == before_events

    for endpoint in ENDPOINTS:
        incident_id = inside[endpoint.name]
        before_events, before = event_count(sessions), desk.incident(incident_id).version
        response = endpoint.call(client, incident_id, headers, body_for(endpoint.name, role, place))
        if role in endpoint.allowed:
            assert response.status_code == 200, (role, endpoint.name, response.text)
        else:
            assert response.status_code == 403, (role, endpoint.name, response.text)
            assert desk.incident(incident_id).version == before
            assert event_count(sessions) == before_events
        assert PHONE[3:] not in response.text  # never a phone number, for anyone
        if role == "auditor":
            assert SECRET_WORDS not in response.text and "photos.example" not in response.text

    detail = client.get(f"/staff/v1/incidents/{inside['resolve']}", headers=headers)
    assert PHONE[3:] not in listed.text and PHONE[3:] not in detail.text
    if role == "auditor":
        assert SECRET_WORDS not in listed.text and SECRET_WORDS not in detail.text
        assert all(row["description"] is None for row in listed.json()["items"])
    else:
        assert SECRET_WORDS in detail.text
        actions = [event["action"] for event in detail.json()["timeline"]]
        assert actions[-2:] == ["incident.resolved", "incident.photo"]


def record_test(
    client: TestClient, village: int, headers: dict[str, str], **extra: int
) -> httpx2.Response:
    """A safe field-test-kit result (unsafe water would escalate and notify: not wanted here)."""
    url = WATER_TESTS.format(village_code=village)
    return client.post(url, json={"readings": SAFE, **extra}, headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_records_water_tests_only_inside(
    role: str,
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        add_foreign_village(session)
    headers = bearer(sessions, staff[role])
    home, writes = home_village(role, place), role in STAFF

    def stored() -> tuple[int, int]:
        return stored_count(sessions), event_count(sessions)

    # A village outside answers like one that does not exist (auditors: 403 for both, as they
    # may never record a test; the read-only check comes first), and nothing is kept.
    for village in outside_villages(role, place):
        before = stored()
        response = record_test(client, village, headers)
        missing = record_test(client, MISSING, headers)
        assert response.status_code == (404 if writes else 403), (role, village, response.text)
        assert response.json() == {
            **missing.json(),
            "detail": missing.json()["detail"].replace(str(MISSING), str(village)),
        }
        assert stored() == before

    # Inside, a test cannot be tied to an incident outside: the same answer as for no incident.
    foreign = desk.file(FOREIGN_VILLAGE, "dirty_water", PHONE).incident.id
    before = stored()
    linked = record_test(client, home, headers, incident_id=foreign)
    unknown = record_test(client, home, headers, incident_id=MISSING)
    assert linked.status_code == (422 if writes else 403), (role, linked.text)
    assert linked.json() == {
        **unknown.json(),
        "detail": unknown.json()["detail"].replace(str(MISSING), str(foreign)),
    }
    assert stored() == before

    response = record_test(client, home, headers)
    if writes:
        assert response.status_code == 201, (role, response.text)
        assert response.json()["village_code"] == home
        assert stored() == (before[0] + 1, before[1] + 1)
    else:
        assert response.status_code == 403, (role, response.text)
        assert stored() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_state_administrator_reads_the_dead_letters(
    role: str,
    client: TestClient,
    staff: dict[str, Staffer],
    sessions: sessionmaker[Session],
    vault: ContactVault,
    clock: FakeClock,
) -> None:
    """The outbox has no jurisdiction (api/staff/outbox.py): the role alone decides."""
    with unit_of_work(sessions) as session:
        to = vault.resolve(Channel.SMS, PHONE)
        enqueue(session, Notice("n:1", Channel.SMS, to, "fix_question"), clock.now)
        session.execute(
            update(OutboxMessage).values(status=OutboxStatus.DEAD, last_error="HTTP 400")
        )
    response = client.get(DEAD_LETTERS, headers=bearer(sessions, staff[role]))
    if role == "state":
        assert response.status_code == 200, response.text
        assert [letter["purpose"] for letter in response.json()] == ["fix_question"]
    else:
        assert response.status_code == 403, (role, response.text)
        assert "fix_question" not in response.text and "HTTP 400" not in response.text
    assert PHONE[3:] not in response.text
