"""The staff API's queue and actions: paging, filters, conflicts and bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from grievance.tickets.enums import ActorRole, Status
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, event_count, staff, token_for

__all__ = ["client", "staff"]  # fixtures


def bearer(sessions: sessionmaker[Session], staff: dict[str, Staffer], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(sessions, staff[who].account_id)}"}


def test_the_queue_pages_in_a_stable_order_and_filters(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    clock: FakeClock,
    sessions: sessionmaker[Session],
) -> None:
    headers = bearer(sessions, staff, "je")
    for n in range(5):
        desk.file(place.village, phone=f"+91990000010{n}")  # same instant: the id breaks ties
    clock.advance(hours=1)
    leak = desk.file(place.gp_village, "leakage").incident
    refs, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/staff/v1/tickets", params=params, headers=headers).json()
        refs += [row["reference"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(refs) == len(set(refs)) == 6

    def incidents(**params: str | int | bool) -> set[int]:
        response = client.get("/staff/v1/tickets", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {row["incident_id"] for row in response.json()["items"]}

    assert incidents(category="leakage") == {leak.id}
    assert incidents(gp=place.other_gp) == {leak.id}
    assert leak.id in incidents(block=place.block) and incidents(block=place.other_block) == set()
    assert leak.id not in incidents(village=place.village)
    assert incidents(overdue=True) == set()
    clock.advance(days=30)
    assert leak.id in incidents(overdue=True) and incidents(overdue=False) == set()
    desk.move(leak.id, Status.ACKNOWLEDGED, ActorRole.JE)
    assert incidents(status="acknowledged") == {leak.id}


def test_an_update_from_a_stale_version_is_a_conflict(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    headers = bearer(sessions, staff, "je")
    incident = desk.file(place.village).incident
    seen = client.get(f"/staff/v1/incidents/{incident.id}", headers=headers).json()["version"]
    desk.note(incident.id, "someone else's note")  # notes do not change the version
    desk.move(incident.id, Status.ACKNOWLEDGED, ActorRole.VWSC)
    url = f"/staff/v1/incidents/{incident.id}"
    stale = client.post(f"{url}/start", json={"expected_version": seen}, headers=headers)
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    fresh = client.get(url, headers=headers).json()["version"]
    moved = client.post(f"{url}/start", json={"expected_version": fresh}, headers=headers)
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    again = client.post(f"{url}/acknowledge", json={}, headers=headers)  # not from in_progress
    assert again.status_code == 409 and again.json()["error"] == "transition_not_allowed"


def test_bad_input_is_a_clear_4xx_and_changes_nothing(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    headers = bearer(sessions, staff, "je")
    incident = desk.file(place.village).incident
    url = f"/staff/v1/incidents/{incident.id}"
    before = event_count(sessions)
    bad = [
        ("resolve", {}),
        ("resolve", {"note": ""}),
        ("resolve", {"note": "   "}),
        ("resolve", {"note": "x" * 2001}),
        ("resolve", {"note": "fixed", "photo_url": "javascript:alert(1)"}),
        ("resolve", {"note": "fixed", "surprise": 1}),
        ("reject", {"reason": "not ours"}),
        ("reject", {"reason": "not ours", "responsible_body": ""}),
        ("reject", {"reason": "not ours", "responsible_body": "   "}),
        ("notes", {"note": "n" * 100_000}),
        ("notes", {}),
        ("assign", {}),
        ("assign", {"vwsc_id": place.vwsc, "official_id": place.je}),
        ("assign", {"vwsc_id": place.gp_vwsc}),  # serves another village
        ("assign", {"official_id": 2_147_483_647}),  # no such official (ids are sequences)
        ("acknowledge", {"expected_version": 0}),
    ]
    for action, body in bad:
        response = client.post(f"{url}/{action}", json=body, headers=headers)
        assert response.status_code == 422, (action, body, response.text)
    assert client.post(f"{url}/resolve", content=b"{not json", headers=headers).status_code == 422
    assert client.get("/staff/v1/incidents/0", headers=headers).status_code == 422
    assert client.get("/staff/v1/incidents/123456789", headers=headers).status_code == 404
    assert (
        client.post(
            "/staff/v1/incidents/123456789/notes", json={"note": "x"}, headers=headers
        ).status_code
        == 404
    )
    listing = "/staff/v1/tickets"
    assert client.get(listing, params={"cursor": "garbage!"}, headers=headers).status_code == 422
    assert client.get(listing, params={"limit": 0}, headers=headers).status_code == 422
    assert client.get(listing, params={"status": "lost"}, headers=headers).status_code == 422
    assert desk.incident(incident.id).status is Status.NEW
    assert desk.incident(incident.id).version == incident.version
    assert event_count(sessions) == before


def test_an_engineer_assigns_to_an_official_serving_the_village(
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    headers = bearer(sessions, staff, "ee")
    incident = desk.file(place.village).incident
    url = f"/staff/v1/incidents/{incident.id}/assign"
    done = client.post(url, json={"official_id": place.ae}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["assigned_official_id"] == place.ae and done.json()["level"] == "ae"
    assert done.json()["assigned_vwsc_id"] is None and desk.verify_chain().ok
