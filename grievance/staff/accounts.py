"""Creating staff accounts: the role decides what the account must be linked to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.clock import Clock, utcnow
from grievance.directory.models import Official, VwscMember
from grievance.errors import ConflictError, NotFoundError, ValidationError
from grievance.language import language_tag
from grievance.staff import passwords
from grievance.staff.models import StaffAccount
from grievance.staff.roles import LINK_OF_ROLE, Link, StaffRole
from grievance.types import MemberRole, OfficialRole, UnitType

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: StaffRole
    password: str | None  # None: API tokens only
    language: str = "en"
    member_id: int | None = None
    official_id: int | None = None
    unit: tuple[UnitType, int] | None = None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def create(session: Session, new: NewAccount, clock: Clock = utcnow) -> StaffAccount:
    username = normalise_username(new.username)
    if not USERNAME.fullmatch(username):
        raise ValidationError(
            "a username is 2-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    display_name = new.display_name.strip()
    if not display_name or len(display_name) > 200:
        raise ValidationError("a display name has 1-200 characters")
    _check_link(session, new)
    if find(session, username) is not None:
        raise ConflictError(f"the username {username} is taken")
    account = StaffAccount(
        username=username,
        display_name=display_name,
        role=new.role,
        password_hash=None if new.password is None else passwords.hash_password(new.password),
        language=language_tag(new.language),
        active=True,
        member_id=new.member_id,
        official_id=new.official_id,
        unit_type=new.unit[0] if new.unit else None,
        unit_code=new.unit[1] if new.unit else None,
        created_at=clock(),
    )
    session.add(account)
    session.flush()
    return account


def find(session: Session, username: str) -> StaffAccount | None:
    return session.execute(
        select(StaffAccount).where(StaffAccount.username == normalise_username(username))
    ).scalar_one_or_none()


def set_password(account: StaffAccount, password: str) -> None:
    account.password_hash = passwords.hash_password(password)


def _check_link(session: Session, new: NewAccount) -> None:
    link = LINK_OF_ROLE[new.role]
    given = {
        Link.MEMBER: new.member_id is not None,
        Link.OFFICIAL: new.official_id is not None,
        Link.UNIT: new.unit is not None,
    }
    if not given[link] or sum(given.values()) != 1:
        raise ValidationError(f"a {new.role.value} account is linked to exactly one {link.value}")
    if new.member_id is not None:
        _check_member(session, new.member_id, new.role)
    if new.official_id is not None:
        _check_official(session, new.official_id, new.role)


def _check_member(session: Session, member_id: int, role: StaffRole) -> None:
    member = session.get(VwscMember, member_id)
    if member is None:
        raise NotFoundError(f"no VWSC member {member_id}")
    if role is StaffRole.PUMP_OPERATOR and member.role is not MemberRole.PUMP_OPERATOR:
        raise ValidationError(f"VWSC member {member_id} is not a pump operator")


def _check_official(session: Session, official_id: int, role: StaffRole) -> None:
    official = session.get(Official, official_id)
    if official is None:
        raise NotFoundError(f"no official {official_id}")
    if official.role is not OfficialRole(role.value):
        raise ValidationError(
            f"official {official_id} is a {official.role.value}, not a {role.value}"
        )
