"""Ended web sessions and stale failed logins are deleted by the worker's clean-up, on SQLite
and PostgreSQL: live sessions (and recently ended ones, for the retention) stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.staff import ratelimit
from grievance.staff import sessions as web_sessions
from grievance.staff.cleanup import clear_ended
from grievance.staff.credentials import digest
from grievance.staff.models import LoginAttempt, StaffAccount, StaffSession
from tests.builders import FakeClock
from tests.staff_builders import Staffer
from tests.staff_client import staff

__all__ = ["staff"]  # fixtures

RETENTION = timedelta(days=30)


def start(factory: sessionmaker[Session], staffer: Staffer, clock: FakeClock) -> str:
    with unit_of_work(factory) as db:
        account = db.get(StaffAccount, staffer.account_id)
        assert account is not None
        return web_sessions.start(db, account, clock).cookie_value


def end(factory: sessionmaker[Session], cookie: str, clock: FakeClock) -> None:
    with unit_of_work(factory) as db:
        web_sessions.end(db, cookie, clock)


def resumes(factory: sessionmaker[Session], cookie: str, clock: FakeClock) -> bool:
    with unit_of_work(factory) as db:
        return web_sessions.resume(db, cookie, clock) is not None


def kept(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        return len(db.scalars(select(StaffSession.id)).all())


def test_ended_sessions_go_after_the_retention_and_live_ones_stay(
    sessions: sessionmaker[Session], staff: dict[str, Staffer], clock: FakeClock
) -> None:
    factory, je = sessions, staff["je"]
    logged_out_long_ago = start(factory, je, clock)
    end(factory, logged_out_long_ago, clock)
    expired_long_ago = start(factory, je, clock)  # never used again: idle, then absolute
    clock.advance(days=31)
    logged_out_lately = start(factory, je, clock)
    end(factory, logged_out_lately, clock)
    idle_lately = start(factory, je, clock)
    clock.advance(days=2)
    live = start(factory, je, clock)
    clock.advance(minutes=5)
    assert resumes(factory, live, clock) and not resumes(factory, idle_lately, clock)
    assert kept(factory) == 5

    cleared = clear_ended(factory, clock(), RETENTION)

    assert (cleared.sessions, kept(factory)) == (2, 3)
    assert resumes(factory, live, clock)
    with factory() as db:
        hashes = set(db.scalars(select(StaffSession.id_hash)))
    assert {digest(c) for c in (logged_out_lately, idle_lately, live)} == hashes
    assert digest(logged_out_long_ago) not in hashes and digest(expired_long_ago) not in hashes


def test_an_active_session_past_its_absolute_limit_goes_after_the_retention(
    sessions: sessionmaker[Session], staff: dict[str, Staffer], clock: FakeClock
) -> None:
    factory = sessions
    busy = start(factory, staff["vwsc"], clock)
    for _ in range(12 * 3):  # used every 20 minutes until the 12-hour limit ends it
        clock.advance(minutes=20)
        resumes(factory, busy, clock)
    assert not resumes(factory, busy, clock)
    assert clear_ended(factory, clock(), RETENTION).sessions == 0
    clock.advance(days=30)
    assert clear_ended(factory, clock(), RETENTION).sessions == 1 and kept(factory) == 0


def test_no_retention_deletes_what_ended_at_once(
    sessions: sessionmaker[Session], staff: dict[str, Staffer], clock: FakeClock
) -> None:
    factory = sessions
    gone = start(factory, staff["ae"], clock)
    live = start(factory, staff["ae"], clock)
    end(factory, gone, clock)
    assert clear_ended(factory, clock(), timedelta(0)).sessions == 1
    assert resumes(factory, live, clock) and kept(factory) == 1


def test_failed_logins_go_once_the_rate_limit_no_longer_counts_them(
    sessions: sessionmaker[Session], staff: dict[str, Staffer], clock: FakeClock
) -> None:
    with unit_of_work(sessions) as db:
        for n in range(3):
            ratelimit.record_failure(db, f"user{n}", "10.0.0.1", clock())
    clock.advance(minutes=10)
    with unit_of_work(sessions) as db:
        ratelimit.record_failure(db, "je", "10.0.0.2", clock())
    clock.advance(minutes=6)  # the first three are now outside the 15-minute window
    assert clear_ended(sessions, clock(), RETENTION).login_attempts == 6
    with sessions() as db:
        left = {(a.kind, a.key) for a in db.scalars(select(LoginAttempt))}
    assert left == {("username", "je"), ("address", "10.0.0.2")}
    with unit_of_work(sessions) as db:  # what is left still counts
        assert not ratelimit.blocked(db, "je", "10.0.0.2", clock())
