"""What the worker clears on each pass: web sessions ended longer ago than the retention, and
failed logins the rate limit no longer counts. Nothing else deletes them.

The session table holds only live sessions and the retention's worth of ended ones, so the
delete scans it without an index of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.staff import ratelimit, sessions


@dataclass(frozen=True)
class Cleared:
    sessions: int
    login_attempts: int


def clear_ended(
    session_factory: sessionmaker[Session], now: datetime, retention: timedelta
) -> Cleared:
    with unit_of_work(session_factory) as db:
        return Cleared(sessions.purge(db, now, retention), ratelimit.purge(db, now))
