"""Web sessions kept on the server: the cookie holds a random id, the row its SHA-256.

A session ends after IDLE_TIMEOUT without a request, after ABSOLUTE_TIMEOUT whatever
happens, on logout, and when its account is disabled. The worker deletes ended ones once
they are older than the retention (`purge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from grievance.clock import Clock, utcnow
from grievance.staff import credentials
from grievance.staff.models import StaffAccount, StaffSession

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is rewritten at most this often, so reading pages does not write every time.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Started:
    cookie_value: str  # set in the browser; never stored
    csrf_token: str


@dataclass(frozen=True)
class Live:
    account: StaffAccount
    csrf_token: str


def start(session: Session, account: StaffAccount, clock: Clock = utcnow) -> Started:
    now = clock()
    cookie_value, csrf = credentials.new_secret(), credentials.new_secret()
    session.add(
        StaffSession(
            id_hash=credentials.digest(cookie_value),
            account_id=account.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_TIMEOUT,
        )
    )
    session.flush()
    return Started(cookie_value, csrf)


def resume(session: Session, cookie_value: str, clock: Clock = utcnow) -> Live | None:
    """The live session behind a cookie (its last use recorded), or None if it has ended."""
    row = session.execute(
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .where(StaffSession.id_hash == credentials.digest(cookie_value))
    ).one_or_none()
    if row is None:
        return None
    web, account = row
    now = clock()
    if (
        web.ended_at is not None
        or now >= web.expires_at
        or now >= web.last_seen_at + IDLE_TIMEOUT
        or not account.active
    ):
        return None
    if now - web.last_seen_at >= TOUCH_EVERY:
        web.last_seen_at = now
    return Live(account, web.csrf_token)


def end(session: Session, cookie_value: str, clock: Clock = utcnow) -> None:
    session.execute(
        update(StaffSession)
        .where(
            StaffSession.id_hash == credentials.digest(cookie_value),
            StaffSession.ended_at.is_(None),
        )
        .values(ended_at=clock())
    )


def end_all(session: Session, account_id: int, clock: Clock = utcnow) -> None:
    """Log an account out everywhere (password change, account disabled)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.account_id == account_id, StaffSession.ended_at.is_(None))
        .values(ended_at=clock())
    )


def purge(session: Session, now: datetime, retention: timedelta) -> int:
    """Deletes sessions that ended (logout, absolute or idle limit) more than `retention` ago;
    returns how many. A live session, or one ended more recently, is kept."""
    cutoff = now - retention
    gone = session.execute(
        delete(StaffSession).where(
            or_(
                StaffSession.ended_at <= cutoff,
                StaffSession.expires_at <= cutoff,
                StaffSession.last_seen_at <= cutoff - IDLE_TIMEOUT,
            )
        )
    )
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
