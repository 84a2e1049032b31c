"""Failed logins counted in the database, so every server process sees the same count."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from grievance.staff.models import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
# Higher: a block office's staff share one address behind NAT.
MAX_FAILURES_PER_ADDRESS = 20
USERNAME, ADDRESS = "username", "address"
_MAX_KEY_CHARS = 128


def _limits(username: str, address: str) -> list[tuple[str, str, int]]:
    return [
        (USERNAME, username[:_MAX_KEY_CHARS], MAX_FAILURES_PER_USERNAME),
        (ADDRESS, address[:_MAX_KEY_CHARS], MAX_FAILURES_PER_ADDRESS),
    ]


def blocked(session: Session, username: str, address: str, now: datetime) -> bool:
    """True when this username or this address has used up its failures in the window."""
    for kind, key, limit in _limits(username, address):
        count = session.execute(
            select(func.count())
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.kind == kind,
                LoginAttempt.key == key,
                LoginAttempt.attempted_at > now - WINDOW,
            )
        ).scalar_one()
        if count >= limit:
            return True
    return False


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    purge(session, now)
    session.add_all(
        LoginAttempt(kind=kind, key=key, attempted_at=now)
        for kind, key, _ in _limits(username, address)
    )
    session.flush()


def purge(session: Session, now: datetime) -> int:
    """Deletes failures older than the window: they no longer count. Each failure does this
    too, but after a burst that is never followed by another the rows would stay for good,
    so the worker calls it as well. Returns how many went."""
    gone = session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - WINDOW))
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]


def forget_username(session: Session, username: str) -> None:
    """A successful login clears the username's failures (not the address's)."""
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.kind == USERNAME, LoginAttempt.key == username[:_MAX_KEY_CHARS]
        )
    )
