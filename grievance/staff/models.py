"""Staff accounts, their API tokens and web sessions, and failed login attempts.

Secrets are never stored: passwords as argon2 hashes, tokens and session ids as SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grievance.db import Base, UTCDateTime
from grievance.staff.roles import StaffRole
from grievance.types import BigId, UnitType, enum_column

_ONE_LINK = (
    "(CASE WHEN member_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN official_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN unit_code IS NULL THEN 0 ELSE 1 END) = 1"
)


class StaffAccount(Base):
    """A person (or a state system) working grievances; the link defines the jurisdiction."""

    __tablename__ = "staff_accounts"
    __table_args__ = (
        CheckConstraint(_ONE_LINK, name="one_link"),
        CheckConstraint("(unit_type IS NULL) = (unit_code IS NULL)", name="unit_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    # NULL: the account cannot log in with a password (API tokens only).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("vwsc_members.id"), index=True)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"), index=True)
    unit_type: Mapped[UnitType | None] = mapped_column(enum_column(UnitType, "staff_unit_type"))
    unit_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    tokens: Mapped[list[StaffToken]] = relationship(back_populates="account")


class StaffToken(Base):
    """A bearer token for a state system: shown once, stored as its SHA-256, revocable."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[StaffAccount] = relationship(back_populates="tokens")


class StaffSession(Base):
    """A web login: the cookie holds a random id, this row only its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the absolute limit
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """A failed login, counted per username and per client address for the rate limit."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key", "kind", "key", "attempted_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "username" | "address"
    key: Mapped[str] = mapped_column(String(128))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
