"""Bearer tokens for state systems: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.clock import Clock, utcnow
from grievance.errors import NotFoundError, ValidationError
from grievance.staff import credentials
from grievance.staff.models import StaffAccount, StaffToken

MAX_NAME_CHARS = 100


@dataclass(frozen=True)
class IssuedToken:
    id: int
    secret: str  # shown to the caller once, never stored


def create(
    session: Session, account: StaffAccount, name: str, clock: Clock = utcnow
) -> IssuedToken:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise ValidationError(f"a token name has 1-{MAX_NAME_CHARS} characters")
    secret = credentials.new_api_token()
    token = StaffToken(
        account_id=account.id,
        name=name,
        token_hash=credentials.digest(secret),
        created_at=clock(),
    )
    session.add(token)
    session.flush()
    return IssuedToken(token.id, secret)


def revoke(session: Session, token_id: int, clock: Clock = utcnow) -> StaffToken:
    token = session.get(StaffToken, token_id)
    if token is None:
        raise NotFoundError(f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = clock()
    return token


def account_for(session: Session, secret: str, clock: Clock = utcnow) -> StaffAccount | None:
    """The active account holding this live token (its last use is recorded), or None."""
    row = session.execute(
        select(StaffToken, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffToken.account_id)
        .where(StaffToken.token_hash == credentials.digest(secret))
    ).one_or_none()
    if row is None:
        return None
    token, account = row
    if token.revoked_at is not None or not account.active:
        return None
    token.last_used_at = clock()
    return account
