"""Password login: throttled, and one answer (in one time) for every kind of failure."""

from __future__ import annotations

from sqlalchemy.orm import Session

from grievance.clock import Clock, utcnow
from grievance.staff import accounts, passwords, ratelimit, sessions
from grievance.staff.errors import LoginFailedError, LoginThrottledError
from grievance.staff.models import StaffAccount


def log_in(
    session: Session, username: str, password: str, address: str, clock: Clock = utcnow
) -> tuple[StaffAccount, sessions.Started]:
    """A new web session, or LoginFailedError / LoginThrottledError.

    The caller must commit even on LoginFailedError: the failure is counted in its transaction.
    """
    now = clock()
    key = accounts.normalise_username(username)
    if ratelimit.blocked(session, key, address, now):
        raise LoginThrottledError(
            "too many failed logins; wait 15 minutes or ask your administrator"
        )
    account = accounts.find(session, key) if len(key) <= 64 else None
    # Always verify, against a dummy hash when there is no usable account: same time either way.
    stored = account.password_hash if account is not None and account.active else None
    if not passwords.verify(stored, password) or account is None or stored is None:
        ratelimit.record_failure(session, key, address, now)
        raise LoginFailedError()
    if passwords.needs_rehash(stored):
        account.password_hash = passwords.rehash(password)
    ratelimit.forget_username(session, key)
    return account, sessions.start(session, account, clock)
