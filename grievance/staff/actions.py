"""What staff do to an incident or a village's water, always through their scope and the
workflow table: the one rule for the web, the staff API and commands by chat.

Status changes and notes go through the TicketService; assigning and the resolution photo are
recorded here, with their own audit events in the same chain. Assigning writes the routing
history and tells the new owner, as an escalation does. Water tests go to the WaterTestService
for a village inside the jurisdiction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from grievance.audit import chain
from grievance.clock import Clock, utcnow
from grievance.errors import ConflictError, NotFoundError, ValidationError
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading
from grievance.quality.service import Recorded, WaterTestService
from grievance.staff import assignees, casefile, repository
from grievance.staff.errors import ForbiddenError
from grievance.staff.principal import Principal
from grievance.tickets import routing, staff_notices, workflow
from grievance.tickets.enums import FINAL_STATUSES, RouteReason, Status
from grievance.tickets.models import Incident
from grievance.tickets.report import MAX_URL_CHARS
from grievance.tickets.service import TicketService
from grievance.types import Level

ASSIGNERS = workflow.ENGINEERS_AND_ABOVE


def may_move_to(principal: Principal, target: Status) -> bool:
    """Whether the role may ever move an incident to `target` (the workflow table decides)."""
    if principal.read_only:
        return False
    role = principal.actor_role
    return any(to is target and role in roles for (_, to), roles in workflow.TRANSITIONS.items())


def may_assign(principal: Principal) -> bool:
    return not principal.read_only and principal.actor_role in ASSIGNERS


def may_note(principal: Principal) -> bool:
    """Every role that acts may add a note; auditors only read."""
    return not principal.read_only


class StaffDesk:
    """One account's actions in one transaction (the caller commits)."""

    def __init__(
        self,
        session: Session,
        policy: Policy,
        vault: ContactVault,
        principal: Principal,
        clock: Clock = utcnow,
    ) -> None:
        self.session, self.principal, self.clock = session, principal, clock
        self.policy, self.vault = policy, vault
        self.tickets = TicketService(session, policy, vault, clock)

    def move(
        self,
        incident_id: int,
        target: Status,
        note: str = "",
        *,
        expected_version: int | None = None,
        responsible_body: str | None = None,
    ) -> Incident:
        self._visible(incident_id)
        if not may_move_to(self.principal, target):
            raise ForbiddenError(f"a {self.principal.role.value} may not make an incident {target}")
        return self.tickets.transition(
            incident_id,
            target,
            self.principal.actor,
            note,
            expected_version=expected_version,
            responsible_body=responsible_body,
        )

    def resolve(
        self, incident_id: int, note: str, photo_url: str | None, expected_version: int | None
    ) -> Incident:
        if photo_url is not None:
            _check_url(photo_url)
        incident = self.move(incident_id, Status.RESOLVED, note, expected_version=expected_version)
        if photo_url is not None:
            self._audit(incident, "incident.photo", url=photo_url)
        return incident

    def note(self, incident_id: int, note: str) -> Incident:
        incident = self._visible(incident_id)
        self.tickets.add_note(incident_id, self.principal.actor, note)  # checks the role too
        return incident

    def assign(
        self,
        incident_id: int,
        *,
        vwsc_id: int | None = None,
        official_id: int | None = None,
        expected_version: int | None = None,
    ) -> Incident:
        """Give the incident to the village's committee or to an official serving the village;
        the routing history records it and the new owner is told, as after an escalation.
        The SLA clock keeps running: handing work on buys no time."""
        incident = self._visible(incident_id, for_update=True)
        if not may_assign(self.principal):
            raise ForbiddenError(f"a {self.principal.role.value} may not assign incidents")
        if (vwsc_id is None) == (official_id is None):
            raise ValidationError("assign to exactly one of a VWSC or an official")
        if incident.status in FINAL_STATUSES:
            raise ConflictError(f"incident {incident_id} is {incident.status.value}")
        if expected_version is not None and incident.version != expected_version:
            raise ConflictError(
                f"incident {incident_id} was changed by someone else (version "
                f"{incident.version}, you saw {expected_version}); reload and try again"
            )
        level = self._check_assignee(incident.village_code, vwsc_id, official_id)
        before = assignees.party(incident.assigned_vwsc_id, incident.assigned_official_id)
        now = self.clock()
        incident.assigned_vwsc_id, incident.assigned_official_id = vwsc_id, official_id
        incident.level, incident.updated_at = level, now
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise ConflictError("the incident changed meanwhile; reload and try again") from exc
        owner = routing.Assignee(level, vwsc_id=vwsc_id, official_id=official_id)
        self.tickets.record_routes(incident, [(owner, RouteReason.ASSIGNMENT)])
        staff_notices.tell_owner(
            self.session,
            incident,
            owner,
            staff_notices.ASSIGNED,
            now,
            occasion=f"v{incident.version}",  # each assignment is told, even to the same people
        )
        self._audit(
            incident,
            "incident.assigned",
            **{"from": before, "to": owner.party, "level": level.value},
        )
        return incident

    def record_water_test(
        self,
        village_code: int,
        readings: Sequence[Reading],
        *,
        incident_id: int | None = None,
        tested_at: datetime | None = None,
    ) -> Recorded:
        """A field-test-kit test of a village inside the jurisdiction (a village outside is
        "not found", like one that does not exist); graded and acted on by WaterTestService."""
        if self.principal.read_only:
            raise ForbiddenError(f"a {self.principal.role.value} may only read")
        if not repository.village_in_jurisdiction(self.session, self.principal, village_code):
            raise NotFoundError(f"no village {village_code} within your jurisdiction")
        service = WaterTestService(self.session, self.policy, self.vault, self.clock)
        return service.record(
            village_code,
            readings,
            self.principal.actor,
            incident_id=incident_id,
            tested_at=tested_at,
        )

    def _check_assignee(self, village: int, vwsc_id: int | None, official_id: int | None) -> Level:
        wanted = assignees.party(vwsc_id, official_id)
        for candidate in assignees.serving(self.session, village):
            if candidate.party == wanted:
                return candidate.level
        raise ValidationError(f"{wanted} does not serve village {village}")

    def _visible(self, incident_id: int, *, for_update: bool = False) -> Incident:
        return casefile.visible_incident(
            self.session, self.principal, incident_id, for_update=for_update
        )

    def _audit(self, incident: Incident, action: str, **payload: Any) -> None:
        draft = chain.EventDraft(
            str(self.principal.actor),
            action,
            casefile.ENTITY,
            str(incident.id),
            payload,
            self.clock(),
        )
        chain.append(self.session, [draft])


def _check_url(url: str) -> None:
    if not url.startswith("https://") or len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        raise ValidationError(f"a photo is an https:// URL of at most {MAX_URL_CHARS} characters")
