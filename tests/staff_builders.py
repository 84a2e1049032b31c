"""Staff accounts for tests: one per role, linked to the test directory of tests/builders.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory.models import VwscMember
from grievance.privacy import ContactVault
from grievance.staff import accounts
from grievance.staff.accounts import NewAccount
from grievance.staff.roles import StaffRole
from grievance.types import MemberRole, UnitType
from tests.builders import Place, add_member

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Staffer:
    username: str
    role: StaffRole
    account_id: int


def add_staff(session: Session, place: Place, vault: ContactVault) -> dict[str, Staffer]:
    """One account per role. The VWSC member and pump operator serve `place.village`; the JE
    its block; AE sub-district; EE and DWSM the district; state admin the state; the auditor
    reads `place.block`. `gp_member` serves the GP-level committee (`place.gp_village`)."""
    add_member(session, vault, place.vwsc, "Ravi", "+919845000111", MemberRole.PUMP_OPERATOR)
    add_member(session, vault, place.gp_vwsc, "Shanta", "+919845000112", MemberRole.MEMBER)
    session.flush()
    members = {
        name: member_id
        for name, member_id in session.execute(select(VwscMember.name, VwscMember.id))
    }
    specs = [
        NewAccount(
            "vwsc", "Lakshmi", StaffRole.VWSC_MEMBER, PASSWORD, member_id=members["Lakshmi"]
        ),
        NewAccount("pump", "Ravi", StaffRole.PUMP_OPERATOR, PASSWORD, member_id=members["Ravi"]),
        NewAccount(
            "gp_member", "Shanta", StaffRole.VWSC_MEMBER, PASSWORD, member_id=members["Shanta"]
        ),
        NewAccount("je", "JE Manvi", StaffRole.JE, PASSWORD, official_id=place.je),
        NewAccount("ae", "AE Manvi", StaffRole.AE, PASSWORD, official_id=place.ae),
        NewAccount("ee", "EE Raichur", StaffRole.EE, PASSWORD, official_id=place.ee),
        NewAccount("dwsm", "DWSM Raichur", StaffRole.DWSM, PASSWORD, official_id=place.dwsm),
        NewAccount(
            "state", "State cell", StaffRole.STATE_ADMIN, PASSWORD, official_id=place.state_admin
        ),
        NewAccount(
            "auditor",
            "Block auditor",
            StaffRole.AUDITOR,
            PASSWORD,
            unit=(UnitType.BLOCK, place.block),
        ),
    ]
    return {
        spec.username: Staffer(spec.username, spec.role, accounts.create(session, spec).id)
        for spec in specs
    }
