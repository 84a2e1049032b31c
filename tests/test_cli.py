"""The `jalsamvad` command end to end on a real SQLite file: demo, worker, audit verify."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from grievance.audit.models import AuditEvent
from grievance.clock import utcnow
from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.directory.models import VwscMember
from grievance.staff import accounts, sessions
from grievance.staff.accounts import NewAccount
from grievance.staff.models import StaffSession
from grievance.staff.roles import StaffRole
from jalsamvad.cli import app

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", url)
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", "cli-test-secret")
    return url


def test_demo_loads_once_and_its_audit_chain_verifies(database: str) -> None:
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "demo loaded: 4 complaints" in first.output

    again = runner.invoke(app, ["demo", "load"])
    assert again.exit_code == 0 and "already present" in again.output

    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact" in verified.output


def test_audit_verify_names_the_first_tampered_event(database: str) -> None:
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    engine = make_engine(database)
    with engine.begin() as connection:
        connection.execute(update(AuditEvent).where(AuditEvent.seq == 6).values(actor="je:forged"))
    engine.dispose()

    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "audit chain broken at event 6" in result.output


def test_audit_verify_on_an_empty_database_says_what_to_do(database: str) -> None:
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "not at the newest migration" in result.output


def test_worker_once_sweeps_and_exits(database: str) -> None:
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output


def test_worker_deletes_ended_staff_sessions_and_keeps_live_ones(database: str) -> None:
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    engine = make_engine(database)
    factory = make_sessionmaker(engine)
    long_ago = utcnow() - timedelta(days=31)  # past the default 30-day retention
    with unit_of_work(factory) as db:
        member = db.scalars(select(VwscMember.id).where(VwscMember.name == "Savitri Naik")).one()
        account = accounts.create(
            db, NewAccount("savitri", "Savitri", StaffRole.VWSC_MEMBER, None, member_id=member)
        )
        ended = sessions.start(db, account, lambda: long_ago)
        sessions.end(db, ended.cookie_value, lambda: long_ago)
        live = sessions.start(db, account)
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    with unit_of_work(factory) as db:
        left = db.scalars(select(StaffSession.id_hash)).all()
        assert sessions.resume(db, live.cookie_value) is not None
    engine.dispose()
    assert len(left) == 1
