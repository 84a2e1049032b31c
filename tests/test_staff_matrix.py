"""Every role × every staff endpoint × an incident inside / outside its jurisdiction.

Outside answers 404 exactly like an id that does not exist, and changes nothing; inside gives
what the workflow table allows; auditors never see personal data nor write anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
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
from tests.builders import Place
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, event_count, staff, token_for

__all__ = ["client", "staff"]  # fixtures

FOREIGN_VILLAGE = 640001  # in another state: outside everyone's jurisdiction
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


@dataclass(frozen=True)
class Endpoint:
    name: str
    category: str  # each write gets its own incident, so the actions do not interfere
    allowed: frozenset[str]  # roles that succeed inside their jurisdiction

    def call(self, client: TestClient, incident_id: int, headers: dict[str, str], body: Any) -> Any:
        if self.name == "detail":
            return client.get(f"/staff/v1/incidents/{incident_id}", headers=headers)
        return client.post(
            f"/staff/v1/incidents/{incident_id}/{self.name}", json=body, headers=headers
        )


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


def home_village(role: str, place: Place) -> int:
    return place.gp_village if role == "gp_member" else place.village


def body_for(endpoint: str, role: str, place: Place) -> dict[str, Any]:
    vwsc = place.gp_vwsc if role == "gp_member" else place.vwsc
    return {
        "detail": {},
        "acknowledge": {},
        "start": {},
        "assign": {"vwsc_id": vwsc},
        "notes": {"note": "valve checked"},
        "resolve": {"note": "valve replaced", "photo_url": "https://photos.example/v.jpg"},
        "reject": {"reason": "private connection", "responsible_body": "Gram Panchayat"},
    }[endpoint]


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
    outside_villages = [FOREIGN_VILLAGE]
    if role in COMMITTEE | {"je", "auditor"}:
        outside_villages.append(place.orphan_village)  # another block
    if role in {"vwsc", "pump"}:
        outside_villages.append(place.gp_village)  # another committee
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
        for village in outside_villages
        for e in ENDPOINTS
    }
    headers = {"Authorization": f"Bearer {token_for(sessions, staff[role].account_id)}"}

    # The list shows the inside incidents' tickets, and nothing of the outside ones.
    listed = client.get("/staff/v1/tickets", params={"limit": 200}, headers=headers)
    assert listed.status_code == 200
    seen = {row["incident_id"] for row in listed.json()["items"]}
    assert seen == set(inside.values()), role
    for village in outside_villages:
        filtered = client.get("/staff/v1/tickets", params={"village": village}, headers=headers)
        assert filtered.json()["items"] == []

    for (village, name), incident_id in outside.items():
        endpoint = next(e for e in ENDPOINTS if e.name == name)
        before_events, before = event_count(sessions), desk.incident(incident_id).version
        response = endpoint.call(client, incident_id, headers, body_for(name, role, place))
        missing = endpoint.call(client, 999_999, headers, body_for(name, role, place))
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
