"""The incident state machine: which role may move an incident from which status to which.

The table is the whole rule; the service consults it and records every move it allows.
"""

from __future__ import annotations

from grievance.errors import TransitionNotAllowedError
from grievance.tickets.enums import ActorRole, Status

STAFF = frozenset(
    {
        ActorRole.VWSC,
        ActorRole.JE,
        ActorRole.AE,
        ActorRole.EE,
        ActorRole.DWSM,
        ActorRole.STATE_ADMIN,
    }
)
ENGINEERS_AND_ABOVE = STAFF - {ActorRole.VWSC}
CITIZEN_OR_SYSTEM = frozenset({ActorRole.CITIZEN, ActorRole.SYSTEM})

_WORKING = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED)

TRANSITIONS: dict[tuple[Status, Status], frozenset[ActorRole]] = {
    (Status.NEW, Status.ACKNOWLEDGED): STAFF,
    (Status.REOPENED, Status.ACKNOWLEDGED): STAFF,
    (Status.NEW, Status.IN_PROGRESS): STAFF,
    (Status.ACKNOWLEDGED, Status.IN_PROGRESS): STAFF,
    (Status.REOPENED, Status.IN_PROGRESS): STAFF,
    **{(status, Status.RESOLVED): STAFF for status in _WORKING},
    # Rejection is an engineer's call and must name who is responsible instead.
    **{(status, Status.REJECTED): ENGINEERS_AND_ABOVE for status in _WORKING},
    # Only the household (or the confirmation timeout) decides that a fix holds.
    (Status.RESOLVED, Status.CLOSED): CITIZEN_OR_SYSTEM,
    (Status.RESOLVED, Status.REOPENED): CITIZEN_OR_SYSTEM,
}


def check(current: Status, target: Status, role: ActorRole) -> None:
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise TransitionNotAllowedError(
            f"an incident that is {current.value} cannot become {target.value}"
        )
    if role not in allowed:
        raise TransitionNotAllowedError(
            f"a {role.value} may not move an incident from {current.value} to {target.value}"
        )


def allowed_targets(current: Status, role: ActorRole) -> list[Status]:
    return [to for (frm, to), roles in TRANSITIONS.items() if frm == current and role in roles]
