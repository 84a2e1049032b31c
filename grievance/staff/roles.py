"""Staff roles, what each is linked to, and the workflow role each acts as."""

from __future__ import annotations

from enum import StrEnum

from grievance.tickets.enums import ActorRole


class StaffRole(StrEnum):
    VWSC_MEMBER = "vwsc_member"
    PUMP_OPERATOR = "pump_operator"
    JE = "je"
    AE = "ae"
    EE = "ee"
    DWSM = "dwsm"
    STATE_ADMIN = "state_admin"
    AUDITOR = "auditor"


class Link(StrEnum):
    """What defines an account's jurisdiction."""

    MEMBER = "member"  # a VwscMember row: the committee's village, or its whole GP
    OFFICIAL = "official"  # an Official row: its OfficialJurisdiction units
    UNIT = "unit"  # an LGD unit named on the account itself (auditors)


LINK_OF_ROLE: dict[StaffRole, Link] = {
    StaffRole.VWSC_MEMBER: Link.MEMBER,
    StaffRole.PUMP_OPERATOR: Link.MEMBER,
    StaffRole.JE: Link.OFFICIAL,
    StaffRole.AE: Link.OFFICIAL,
    StaffRole.EE: Link.OFFICIAL,
    StaffRole.DWSM: Link.OFFICIAL,
    StaffRole.STATE_ADMIN: Link.OFFICIAL,
    StaffRole.AUDITOR: Link.UNIT,
}

# The workflow role (grievance/tickets/workflow.py) each staff role acts as; auditors only read.
ACTOR_ROLE_OF: dict[StaffRole, ActorRole | None] = {
    StaffRole.VWSC_MEMBER: ActorRole.VWSC,
    StaffRole.PUMP_OPERATOR: ActorRole.VWSC,
    StaffRole.JE: ActorRole.JE,
    StaffRole.AE: ActorRole.AE,
    StaffRole.EE: ActorRole.EE,
    StaffRole.DWSM: ActorRole.DWSM,
    StaffRole.STATE_ADMIN: ActorRole.STATE_ADMIN,
    StaffRole.AUDITOR: None,
}
