"""Words of the ticket domain."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    NO_WATER = "no_water"
    LOW_PRESSURE = "low_pressure"
    IRREGULAR_SUPPLY = "irregular_supply"
    DIRTY_WATER = "dirty_water"
    HEALTH_ISSUE = "health_issue"
    LEAKAGE = "leakage"
    BROKEN_TAP = "broken_tap"
    NO_CONNECTION = "no_connection"
    BILLING = "billing"
    OTHER = "other"


class Priority(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    REJECTED = "rejected"


# An incident in one of these is finished: a new report starts a new incident.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED})
# The SLA clock runs only while somebody owes the citizen an action.
CLOCK_RUNNING_STATUSES = frozenset(
    {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED}
)


class Closure(StrEnum):
    CONFIRMED = "confirmed"  # the citizen said the water is back
    UNCONFIRMED = "unconfirmed"  # nobody answered before the confirmation window ran out


class ActorRole(StrEnum):
    CITIZEN = "citizen"
    VWSC = "vwsc"
    JE = "je"
    AE = "ae"
    EE = "ee"
    DWSM = "dwsm"
    STATE_ADMIN = "state_admin"
    SYSTEM = "system"


class AttachmentKind(StrEnum):
    MEDIA = "media"
    RECORDING = "recording"


class RouteReason(StrEnum):
    PRIMARY = "primary"  # owns the incident at filing
    NOTIFY = "notify"  # told because of a category rule
    ESCALATION = "escalation"  # owns it after the SLA ran out below
    ASSIGNMENT = "assignment"  # given to them by staff (an engineer or above)
