"""A TestClient on the real app with the test clock, and staff accounts to log in with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.staff.auth import clock as clock_dependency
from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.privacy import ContactVault
from grievance.staff import api_tokens
from grievance.staff.models import StaffAccount
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place
from tests.staff_builders import PASSWORD, Staffer, add_staff


@pytest.fixture
def client(assembly: Assembly, clock: FakeClock) -> Iterator[TestClient]:
    app = assembly.app()
    app.dependency_overrides[clock_dependency] = lambda: clock
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def staff(sessions: sessionmaker[Session], vault: ContactVault, place: Place) -> dict[str, Staffer]:
    with unit_of_work(sessions) as session:
        return add_staff(session, place, vault)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Logs the client in (the cookie stays in it); returns the CSRF token."""
    response = client.post("/staff/login", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


def token_for(sessions: sessionmaker[Session], account_id: int) -> str:
    with unit_of_work(sessions) as session:
        account = session.get(StaffAccount, account_id)
        assert account is not None
        return api_tokens.create(session, account, "tests").secret


def event_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())
