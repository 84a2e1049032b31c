"""Audit events → counter deltas. Pure: no database, no clock, no policy.

The incremental updater and the rebuild both run this one fold over the same events, so the
two cannot drift apart. An event names only its incident; what a figure needs besides (the
village, the category, the deadline of the level holding it, when it was opened) comes from
the incident's earlier events, kept in `Facts` (the `social_audit_incident_facts` table).

Every action the code writes is handled on purpose: counted (`_COUNTED`) or ignored
(`IGNORED`, with the reason). Anything else is reported in `Deltas.unknown`, not guessed at.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

# Calendar days are India's: a Gram Sabha's "Monday" runs midnight to midnight IST.
IST = timezone(timedelta(hours=5, minutes=30), "IST")
WATER_TEST_ACTOR = "system:water-test"  # grievance.quality.service.UNSAFE_ACTOR
UNSAFE = "unsafe"  # grievance.quality.check.Verdict.UNSAFE
CLOSED, REJECTED = "closed", "rejected"
CONFIRMED = "confirmed"  # grievance.tickets.enums.Closure.CONFIRMED

# The moves whose status names a figure: incident.<status> → the column it counts in.
_MOVES = {
    "acknowledged": "acknowledged",
    "in_progress": "started",
    "resolved": "resolved",
    "reopened": "reopened",
    "rejected": "rejected",
    "closed": None,  # closed_confirmed or closed_unconfirmed, by the payload's closure
}
_CLOCK_STOPS = frozenset({"resolved", "closed", "rejected"})
ESCALATION_COLUMNS = {
    level: f"escalated_to_{level}" for level in ("je", "ae", "ee", "dwsm", "state_admin")
}

# Written to the log, not needed for any figure.
IGNORED = frozenset(
    {
        "incident.note",  # a comment: changes nothing, least of all the SLA clock
        "incident.photo",  # a proof-of-fix photo URL; the resolution itself is counted
        "ticket.fix_answered",  # an answer after another household's decided it (noted only)
        "ticket.rated",  # ratings are not part of these figures
        "lgd.imported",  # directory imports: not complaints
        "directory.imported",
    }
)
_COUNTED = frozenset(
    {
        "incident.opened",
        "ticket.filed",
        "incident.escalated",
        "incident.sla_breached",
        "incident.assigned",  # no figure, but the level holding the incident changes
        "water_test.recorded",
        *(f"incident.{status}" for status in _MOVES),
    }
)
HANDLED = _COUNTED | IGNORED

K = TypeVar("K")

DailyKey = tuple[int, date, str]  # village, day, category
WaterKey = tuple[int, date]  # village, day
ParameterKey = tuple[int, date, str]  # village, day, parameter
RejectionKey = tuple[int, date, str, str]  # village, day, category, responsible body
HouseholdKey = tuple[int, date, str, int]  # village, day, category, reporter number
REPORTER_ACTOR = "citizen:reporter-"  # str(grievance.tickets.actor.Actor.reporter(n))


@dataclass(frozen=True)
class Event:
    """What the fold reads of one audit event."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    payload: dict[str, Any]


@dataclass
class Facts:
    """One incident as its events so far describe it."""

    incident_id: int
    village_code: int
    category: str
    opened_at: datetime
    level: str
    status: str
    due_at: datetime | None
    finished_at: datetime | None = None

    def as_row(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "village_code": self.village_code,
            "category": self.category,
            "opened_at": self.opened_at,
            "level": self.level,
            "status": self.status,
            "due_at": self.due_at,
            "finished_at": self.finished_at,
        }


@dataclass
class Deltas:
    """What a run of events adds to each table, and the incident facts it changed."""

    daily: dict[DailyKey, Counter[str]] = field(default_factory=dict)
    water: dict[WaterKey, Counter[str]] = field(default_factory=dict)
    parameters: dict[ParameterKey, Counter[str]] = field(default_factory=dict)
    rejections: Counter[RejectionKey] = field(default_factory=Counter)
    households: set[HouseholdKey] = field(default_factory=set)
    changed: set[int] = field(default_factory=set)  # incident ids whose facts changed
    unknown: Counter[str] = field(default_factory=Counter)  # actions nobody handles
    missing: int = 0  # incident events without an incident.opened before them
    last_seq: int = 0


def day_of(moment: datetime) -> date:
    return moment.astimezone(IST).date()


def _moment(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None


def fold(events: Iterable[Event], facts: MutableMapping[int, Facts]) -> Deltas:
    """Fold events (in seq order) into deltas, updating `facts` (the fold's state) in place.
    `facts` must hold every incident the events name that was opened by an earlier event."""
    deltas = Deltas()
    for event in events:
        _apply(event, facts, deltas)
        deltas.last_seq = event.seq
    return deltas


def _apply(event: Event, facts: MutableMapping[int, Facts], deltas: Deltas) -> None:
    action, payload, at = event.action, event.payload, event.occurred_at
    if action in IGNORED:
        return
    if action not in _COUNTED:
        deltas.unknown[action] += 1
        return
    if action == "water_test.recorded":
        _water_test(event, deltas)
        return
    incident_id = int(event.entity_id)
    if action == "incident.opened":
        facts[incident_id] = Facts(
            incident_id=incident_id,
            village_code=int(payload["village_code"]),
            category=str(payload["category"]),
            opened_at=at,
            level=str(payload["level"]),
            status="new",
            due_at=_moment(payload.get("due_at")),
        )
        deltas.changed.add(incident_id)
        _count(deltas, facts[incident_id], at, "opened")
        return
    known = facts.get(incident_id)
    if known is None:
        deltas.missing += 1  # a log that does not start at genesis: nothing to attach it to
        return
    if action == "ticket.filed":
        _count(deltas, known, at, "complaints")
        if int(payload.get("households", 1)) > 1:
            _count(deltas, known, at, "joined")
        if event.actor.startswith(REPORTER_ACTOR):
            household = int(event.actor.removeprefix(REPORTER_ACTOR))
            deltas.households.add((known.village_code, day_of(at), known.category, household))
        return
    deltas.changed.add(incident_id)
    if action == "incident.escalated":
        known.level = str(payload["to_level"])
        if "due_at" in payload:  # every escalation writes it (older service ones did not)
            known.due_at = _moment(payload["due_at"])
        column = ESCALATION_COLUMNS.get(known.level)
        if column is not None:
            _count(deltas, known, at, column)
        if event.actor == WATER_TEST_ACTOR:
            _add(deltas.water, (known.village_code, day_of(at)), "incidents_escalated")
    elif action == "incident.sla_breached":
        known.due_at = None  # overdue at the top: the sweep stops the clock
        _count(deltas, known, at, "overdue_at_top")
    elif action == "incident.assigned":
        known.level = str(payload["level"])  # handing work on buys no time: due_at stays
    else:
        _move(event, known, deltas)


def _move(event: Event, known: Facts, deltas: Deltas) -> None:
    status, at, payload = event.action.removeprefix("incident."), event.occurred_at, event.payload
    if status == "resolved":
        if known.due_at is not None and at <= known.due_at:
            _count(deltas, known, at, "resolved_on_time")
        seconds = int((at - known.opened_at).total_seconds())
        _count(deltas, known, at, "resolution_seconds", seconds)
    if status == CLOSED:
        confirmed = payload.get("closure") == CONFIRMED
        _count(deltas, known, at, "closed_confirmed" if confirmed else "closed_unconfirmed")
    else:
        column = _MOVES[status]
        assert column is not None
        _count(deltas, known, at, column)
    if status == REJECTED:
        body = str(payload.get("responsible_body") or "")
        deltas.rejections[(known.village_code, day_of(at), known.category, body)] += 1
    known.status = status
    if status in _CLOCK_STOPS:
        known.due_at = None
    elif status == "reopened":
        known.due_at = _moment(payload.get("due_at"))  # None in events before it was written
    if status in (CLOSED, REJECTED):
        known.finished_at = at


def _water_test(event: Event, deltas: Deltas) -> None:
    village, day, payload = int(event.entity_id), day_of(event.occurred_at), event.payload
    unsafe = payload.get("verdict") == UNSAFE
    _add(deltas.water, (village, day), "tests")
    if unsafe:
        _add(deltas.water, (village, day), "unsafe")
        tested_at = _moment(payload.get("tested_at")) or event.occurred_at
        waited = max(0, int((event.occurred_at - tested_at).total_seconds()))
        _add(deltas.water, (village, day), "unsafe_to_action_seconds", waited)
    for parameter, verdict in dict(payload.get("verdicts") or {}).items():
        _add(deltas.parameters, (village, day, str(parameter)), "tests")
        if verdict == UNSAFE:
            _add(deltas.parameters, (village, day, str(parameter)), "unsafe")


def _count(deltas: Deltas, known: Facts, at: datetime, column: str, amount: int = 1) -> None:
    _add(deltas.daily, (known.village_code, day_of(at), known.category), column, amount)


def _add(table: dict[K, Counter[str]], key: K, column: str, amount: int = 1) -> None:
    counter = table.get(key)
    if counter is None:
        counter = table[key] = Counter()
    counter[column] += amount
