"""Who is asking: an authenticated staff account with its jurisdiction resolved to LGD units."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory.models import OfficialJurisdiction, Vwsc, VwscMember
from grievance.staff.errors import ForbiddenError
from grievance.staff.models import StaffAccount
from grievance.staff.roles import ACTOR_ROLE_OF, StaffRole
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole
from grievance.types import UnitType

Unit = tuple[UnitType, int]


@dataclass(frozen=True)
class Principal:
    """Someone acting on incidents: a staff account (web, API), or a directory member on a chat
    channel (`grievance.staff.directory_principal`). Either way the same jurisdiction rule
    (`scope.visible_incidents`) and the same role rule (`actions`) apply."""

    key: str  # how the audit log knows them: "staff-12"; by chat "official-3", "member-5"
    username: str
    display_name: str
    role: StaffRole
    language: str
    units: tuple[Unit, ...]  # the jurisdiction; empty means nothing is visible

    @property
    def read_only(self) -> bool:
        return ACTOR_ROLE_OF[self.role] is None

    @property
    def sees_personal_data(self) -> bool:
        """Auditors read without personal data: no complaint text, attachments or notes."""
        return self.role is not StaffRole.AUDITOR

    @property
    def actor_role(self) -> ActorRole:
        role = ACTOR_ROLE_OF[self.role]
        if role is None:
            raise ForbiddenError(f"a {self.role.value} account may only read")
        return role

    @property
    def actor(self) -> Actor:
        """How the audit log and the workflow know this person: pseudonymous, by account id
        (or directory id)."""
        return Actor(self.actor_role, self.key)


def principal_of(session: Session, account: StaffAccount) -> Principal:
    return Principal(
        key=f"staff-{account.id}",
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        language=account.language,
        units=tuple(units_of(session, account)),
    )


def units_of(session: Session, account: StaffAccount) -> list[Unit]:
    """The LGD units the account's link gives it."""
    if account.member_id is not None:
        return member_units(session, account.member_id)
    if account.official_id is not None:
        return official_units(session, account.official_id)
    if account.unit_type is not None and account.unit_code is not None:
        return [(account.unit_type, account.unit_code)]
    return []


def member_units(session: Session, member_id: int) -> list[Unit]:
    """A committee member's jurisdiction: the committee's village, or its whole gram panchayat."""
    vwsc = session.execute(
        select(Vwsc.village_code, Vwsc.gp_code)
        .join(VwscMember, VwscMember.vwsc_id == Vwsc.id)
        .where(VwscMember.id == member_id)
    ).one_or_none()
    if vwsc is None:
        return []
    village, gp = vwsc
    if village is not None:
        return [(UnitType.VILLAGE, village)]
    return [(UnitType.GP, gp)] if gp is not None else []


def official_units(session: Session, official_id: int) -> list[Unit]:
    """An official's jurisdiction: the LGD units the directory lists for them."""
    rows = session.execute(
        select(OfficialJurisdiction.unit_type, OfficialJurisdiction.unit_code)
        .where(OfficialJurisdiction.official_id == official_id)
        .order_by(OfficialJurisdiction.unit_type, OfficialJurisdiction.unit_code)
    )
    return [(unit_type, code) for unit_type, code in rows]
