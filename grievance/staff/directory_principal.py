"""A principal from the directory: an official, or a committee member, acting by chat.

The directory is the staff list for the chat channels (nobody logs in there: the registered
phone says who it is). An official acts in the LGD units the directory lists for them, with the
official's role; a committee member in the committee's village, or in its whole gram panchayat
for a GP-level committee, as a VWSC member (or pump operator). These are the jurisdictions a
staff account linked to the same person gets (`principal.units_of`), so a person sees and may
do the same by chat as on the web and through the API.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from grievance.directory.models import Official, VwscMember
from grievance.staff import repository
from grievance.staff.principal import Principal, member_units, official_units
from grievance.staff.roles import StaffRole
from grievance.types import MemberRole


def principal_of_official(session: Session, official: Official) -> Principal:
    key = f"official-{official.id}"
    return Principal(
        key=key,
        username=key,
        display_name=official.name,
        role=StaffRole(official.role.value),
        language=official.language,
        units=tuple(official_units(session, official.id)),
    )


def principal_of_member(session: Session, member: VwscMember) -> Principal:
    key = f"member-{member.id}"
    operates = member.role is MemberRole.PUMP_OPERATOR
    return Principal(
        key=key,
        username=key,
        display_name=member.name,
        role=StaffRole.PUMP_OPERATOR if operates else StaffRole.VWSC_MEMBER,
        language=member.language,
        units=tuple(member_units(session, member.id)),
    )


def principal_by_phone_hash(session: Session, phone_hash: str) -> Principal | None:
    """The official, else the committee member, with this phone (an official who also sits on
    a committee acts as the official); None when the phone is not in the directory."""
    official = repository.official_by_phone_hash(session, phone_hash)
    if official is not None:
        return principal_of_official(session, official)
    member = repository.member_by_phone_hash(session, phone_hash)
    if member is not None:
        return principal_of_member(session, member)
    return None
