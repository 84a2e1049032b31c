"""The HTTP API: probes and the public read endpoints, against a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jalsamvad.assembly import Assembly
from tests.builders import Place
from tests.conftest import Desk


@pytest.fixture
def client(assembly: Assembly) -> Iterator[TestClient]:
    with TestClient(assembly.app()) as test_client:
        yield test_client


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_readiness_fails_when_the_database_is_unreachable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from grievance.settings import Settings

    missing = tmp_path / "no-such-dir" / "db.sqlite"
    app = Assembly(Settings(database_url=f"sqlite:///{missing}")).app()
    with TestClient(app) as test_client:
        response = test_client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "database unavailable"


def test_readiness_reports_pending_migrations(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from grievance.settings import Settings

    app = Assembly(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")).app()
    with TestClient(app) as test_client:
        response = test_client.get("/readyz")
    assert (response.status_code, response.json()) == (503, {"status": "migrations pending"})


def test_ticket_status_by_reference_shows_no_personal_data(
    client: TestClient, desk: Desk, place: Place
) -> None:
    filed = desk.file(place.village, phone="+919900055555", description="my name is Ramesh")
    desk.file(place.village, phone="+919900066666")

    response = client.get(f"/v1/tickets/{filed.ticket.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "new" and body["households_reporting"] == 2
    assert body["village_code"] == place.village
    assert "9900055555" not in response.text and "Ramesh" not in response.text


@pytest.mark.parametrize(
    ("reference", "status", "error"),
    [
        ("12345", 422, "invalid_reference"),
        ("9880136930", 422, "invalid_reference"),
        ("9880136938", 404, "not_found"),
    ],
)
def test_bad_references_get_clear_errors(
    client: TestClient, place: Place, reference: str, status: int, error: str
) -> None:
    response = client.get(f"/v1/tickets/{reference}")
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_village_record(client: TestClient, place: Place) -> None:
    body = client.get(f"/v1/villages/{place.village}").json()
    assert body["name"] == "Tammapur" and body["name_local"] == "ತಮ್ಮಾಪುರ"
    assert body["blocks"] == [place.block] and body["has_vwsc"] is True
    assert client.get(f"/v1/villages/{place.orphan_village}").json()["has_vwsc"] is False


@pytest.mark.parametrize("code", ["999999", "0", "99999999999999999999", "abc"])
def test_unknown_or_malformed_village_codes_are_4xx(
    client: TestClient, place: Place, code: str
) -> None:
    response = client.get(f"/v1/villages/{code}")
    assert response.status_code in (404, 422)
