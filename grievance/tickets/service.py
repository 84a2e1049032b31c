"""Filing, moving and annotating incidents. Never commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from grievance.audit import chain
from grievance.cache import TimedCache
from grievance.clock import Clock, utcnow
from grievance.directory.service_map import ServiceMap
from grievance.errors import ConflictError, NotFoundError, UnknownVillageError, ValidationError
from grievance.language import language_tag
from grievance.outbox import service as outbox
from grievance.outbox.models import Priority as OutboxPriority
from grievance.outbox.service import Notice
from grievance.policy import Policy
from grievance.privacy import Contact, ContactVault
from grievance.tickets import repository, routing, staff_notices, workflow
from grievance.tickets.actor import Actor
from grievance.tickets.enums import (
    CLOCK_RUNNING_STATUSES,
    ActorRole,
    Category,
    Closure,
    RouteReason,
    Status,
)
from grievance.tickets.models import Attachment, Incident, IncidentRoute, Ticket
from grievance.tickets.reference import new_reference, parse_reference
from grievance.tickets.report import (
    Report,
    category_of,
    check_attachments,
    clean_description,
    strip_controls,
)
from grievance.tickets.staff_notices import ESCALATED, NEW_INCIDENT
from grievance.types import LADDER, Channel, Level

MAX_NOTE_CHARS = 2000
# Outbox purposes (the bot words each one): "is water back?" to a household, "please test
# the water" to a village's FTK testers, "do not drink the water" to a household.
FIX_QUESTION = "fix_question"
FTK_REQUEST = "ftk_request"
UNSAFE_WATER = "unsafe_water"
WATER_QUALITY_CATEGORIES = frozenset({Category.DIRTY_WATER, Category.HEALTH_ISSUE})
# Channels on which a household can be written to later, unprompted.
FOLLOW_UP_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})
_REFERENCE_ATTEMPTS = 8


class Outcome(StrEnum):
    NEW_INCIDENT = "new_incident"
    JOINED = "joined"  # "me too": another household had already reported this outage
    ALREADY_REPORTED = "already_reported"  # the same household again; nothing new is created


class FixAnswer(StrEnum):
    """What a household's answer to "is water back?" did."""

    CLOSED = "closed"  # yes: the incident is closed, confirmed by the citizen
    REOPENED = "reopened"  # no: the fix did not hold, the incident is open again
    NOTED = "noted"  # another household had answered first; this answer is kept on the ticket


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    incident: Incident
    outcome: Outcome


class TicketService:
    def __init__(
        self,
        session: Session,
        policy: Policy,
        vault: ContactVault,
        clock: Clock = utcnow,
        service_maps: TimedCache[int, ServiceMap] | None = None,
    ) -> None:
        """`service_maps`: who serves each village, kept across calls (None: read each time)."""
        self.session, self.policy, self.vault, self.clock = session, policy, vault, clock
        self.service_maps = service_maps
        # Events wait here and are chained once at the end of each public call: the chain head
        # lock (which orders every writer) is then held only for that append and the COMMIT.
        self._events: list[chain.EventDraft] = []

    # -- filing -------------------------------------------------------------------------------

    def file(self, report: Report) -> Filed:
        filed = self._file(report)
        self._write_events()
        return filed

    def _file(self, report: Report) -> Filed:
        category = category_of(report.category)
        language = language_tag(report.language)
        description = clean_description(report.description)
        check_attachments(report.attachments)
        report.contact.required()  # a short code or alphanumeric sender cannot file
        services = self._service_map(report.village_code)
        if services.place(report.village_code) is None:
            raise UnknownVillageError(report.village_code)

        now = self.clock()
        reporter_id = repository.reporter_id_for(
            self.session, report.contact.lookup_hash, report.contact.ciphertext, now
        )
        incident = repository.open_incident_for_update(self.session, report.village_code, category)
        if incident is None:
            opened = self._open_incident(services, report.village_code, category)
            if opened is not None:
                ticket = self._new_ticket(opened, reporter_id, report, language, description)
                return Filed(ticket, opened, Outcome.NEW_INCIDENT)
            # A concurrent filing opened it first: join theirs.
            incident = repository.open_incident_for_update(
                self.session, report.village_code, category
            )
            if incident is None:
                raise ConflictError("the incident changed while filing; please try again")
        return self._join(incident, reporter_id, report, language, description)

    def _open_incident(
        self, services: ServiceMap, village: int, category: Category
    ) -> Incident | None:
        """A new incident routed to its owner, or None if a concurrent filing won the race."""
        now = self.clock()
        owner, needs_onboarding = routing.first_owner(services, self.policy, village, category)
        due_at = now + self.policy.sla(category, owner.level)
        incident = Incident(
            village_code=village,
            category=category,
            status=Status.NEW,
            priority=self.policy.priority(category),
            level=owner.level,
            assigned_vwsc_id=owner.vwsc_id,
            assigned_official_id=owner.official_id,
            needs_onboarding=needs_onboarding,
            households=1,
            escalations=0,
            due_at=due_at,
            opened_at=now,
            updated_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(incident)
                self.session.flush()
        except IntegrityError:
            return None
        self._ask_testers(services, incident)
        told = routing.watchers(services, self.policy, village, category, owner)
        self.record_routes(
            incident, [(owner, RouteReason.PRIMARY)] + [(w, RouteReason.NOTIFY) for w in told]
        )
        staff_notices.tell_owner(self.session, incident, owner, NEW_INCIDENT, now)
        self._audit(
            incident,
            Actor.system("intake"),
            "incident.opened",
            village_code=village,
            category=category.value,
            priority=incident.priority.value,
            level=owner.level.value,
            owner=owner.party,
            notified=[w.party for w in told],
            needs_onboarding=needs_onboarding,
            due_at=due_at.isoformat(),
            policy=self.policy.version,
        )
        return incident

    def _join(
        self, incident: Incident, reporter_id: int, report: Report, language: str, description: str
    ) -> Filed:
        if incident.status is Status.RESOLVED:
            # A fresh report of the same problem says the fix did not hold.
            self._move(
                incident,
                Status.REOPENED,
                Actor.system("intake"),
                "reported again after it was resolved",
            )
        existing = repository.ticket_of(self.session, incident.id, reporter_id)
        if existing is not None:
            return Filed(existing, incident, Outcome.ALREADY_REPORTED)
        incident.households += 1
        incident.updated_at = self.clock()
        ticket = self._new_ticket(incident, reporter_id, report, language, description)
        self._flush()
        return Filed(ticket, incident, Outcome.JOINED)

    def _new_ticket(
        self, incident: Incident, reporter_id: int, report: Report, language: str, description: str
    ) -> Ticket:
        ticket = Ticket(
            reference=self._unused_reference(),
            incident=incident,
            reporter_id=reporter_id,
            channel=report.channel,
            language=language,
            description=description,
            created_at=self.clock(),
            attachments=[
                Attachment(kind=a.kind, url=a.url, content_type=a.content_type)
                for a in report.attachments
            ],
        )
        self.session.add(ticket)
        self._flush()
        self._audit(
            incident,
            Actor.reporter(reporter_id),
            "ticket.filed",
            reference=ticket.reference,
            channel=report.channel.value,
            language=language,
            attachments=len(report.attachments),
            households=incident.households,
        )
        return ticket

    def _unused_reference(self) -> str:
        for _ in range(_REFERENCE_ATTEMPTS):
            reference = new_reference()
            if not repository.reference_taken(self.session, reference):
                return reference
        raise ConflictError("could not find a free complaint reference; please try again")

    # -- workflow -----------------------------------------------------------------------------

    def transition(
        self,
        incident_id: int,
        target: Status,
        actor: Actor,
        note: str = "",
        *,
        expected_version: int | None = None,
        responsible_body: str | None = None,
    ) -> Incident:
        incident = self._incident(incident_id)
        if expected_version is not None and incident.version != expected_version:
            raise ConflictError(
                f"incident {incident_id} was changed by someone else (version {incident.version}, "
                f"you saw {expected_version}); reload and try again"
            )
        self._move(incident, target, actor, note, responsible_body)
        self._write_events()
        return incident

    def _move(
        self,
        incident: Incident,
        target: Status,
        actor: Actor,
        note: str,
        responsible_body: str | None = None,
    ) -> None:
        workflow.check(incident.status, target, actor.role)
        note = _clean_note(note, required=target in (Status.RESOLVED, Status.REJECTED))
        now, previous = self.clock(), incident.status
        extra: dict[str, Any] = {}
        if target is Status.REJECTED:
            body = (responsible_body or "").strip()
            if not body:
                raise ValidationError("a rejection must name the body responsible instead")
            incident.rejection_reason, incident.responsible_body = note, body[:200]
            incident.closed_at = now
            extra["responsible_body"] = incident.responsible_body
        elif target is Status.RESOLVED:
            incident.resolved_at = now
        elif target is Status.CLOSED:
            incident.closed_at = now
            incident.closure = (
                Closure.CONFIRMED if actor.role is ActorRole.CITIZEN else Closure.UNCONFIRMED
            )
            extra["closure"] = incident.closure.value
        elif target is Status.REOPENED:
            incident.resolved_at = None
        incident.status = target
        incident.updated_at = now
        incident.due_at = self._due_after_move(incident, now)
        if target is Status.REOPENED:  # the new deadline: the statistics judge by it
            extra["due_at"] = _iso(incident.due_at)
        self._flush()  # first: a concurrent change must surface here, as a ConflictError
        if target is Status.RESOLVED:
            self.notify_reporters(incident, FIX_QUESTION, now.isoformat(), unanswered_only=True)
        self._audit(
            incident,
            actor,
            f"incident.{target.value}",
            **{"from": previous.value, "to": target.value, "note": note, **extra},
        )

    def _due_after_move(self, incident: Incident, now: datetime) -> datetime | None:
        if incident.status not in CLOCK_RUNNING_STATUSES:
            return None  # the clock stops while the household confirms, and for good after
        if incident.status is Status.REOPENED:
            return now + self.policy.sla(incident.category, incident.level)
        return incident.due_at  # acknowledging or starting work does not reset the clock

    def add_note(self, incident_id: int, actor: Actor, note: str) -> None:
        """A comment on the timeline; it changes nothing else, least of all the SLA clock."""
        incident = self._incident(incident_id)
        self._audit(incident, actor, "incident.note", note=_clean_note(note, required=True))
        self._write_events()

    def escalate(
        self, incident_id: int, actor: Actor, reason: str, *, at_least: Level | None = None
    ) -> bool:
        """Move the incident up now: one level, or straight to `at_least` (unsafe water goes to
        the Executive Engineer at once). False when it is already there or at the top."""
        incident = self._incident(incident_id)
        escalated = self._escalate(incident, actor, reason, at_least)
        self._write_events()
        return escalated

    def _escalate(
        self, incident: Incident, actor: Actor, reason: str, at_least: Level | None = None
    ) -> bool:
        services = self._service_map(incident.village_code)
        village, category, level = incident.village_code, incident.category, incident.level
        if at_least is None:
            owner = routing.next_owner(services, self.policy, village, category, level)
        elif LADDER.index(level) < LADDER.index(at_least):
            owner = routing.owner_at_least(services, self.policy, village, category, at_least)
        else:
            owner = None
        if owner is None or LADDER.index(owner.level) <= LADDER.index(level):
            return False
        now = self.clock()
        incident.level, incident.escalations = owner.level, incident.escalations + 1
        incident.assigned_vwsc_id, incident.assigned_official_id = owner.vwsc_id, owner.official_id
        if incident.status in CLOCK_RUNNING_STATUSES:
            incident.due_at = now + self.policy.sla(category, owner.level)
        incident.updated_at = now
        self._flush()
        self.record_routes(incident, [(owner, RouteReason.ESCALATION)])
        staff_notices.tell_owner(self.session, incident, owner, ESCALATED, now)
        self._audit(
            incident,
            actor,
            "incident.escalated",
            from_level=level.value,
            to_level=owner.level.value,
            owner=owner.party,
            reason=reason,
            due_at=_iso(incident.due_at),
        )
        return True

    # -- the household's word on the fix -----------------------------------------------------

    def answer_fix(self, ticket: Ticket, fixed: bool) -> FixAnswer:
        """A household's answer to "is water back?" for its own complaint. The first answer
        while the incident is resolved decides it; later ones are kept and audited."""
        incident, actor = ticket.incident, Actor.reporter(ticket.reporter_id)
        ticket.fix_confirmed, ticket.fix_answered_at = fixed, self.clock()
        if incident.status is Status.RESOLVED:
            self._move(incident, Status.CLOSED if fixed else Status.REOPENED, actor, "")
            if not fixed:  # the fix did not hold: someone above the owner looks at it now
                self._escalate(incident, actor, "the household says the water is not back")
            outcome = FixAnswer.CLOSED if fixed else FixAnswer.REOPENED
        else:
            self._flush()
            self._audit(
                incident, actor, "ticket.fix_answered", reference=ticket.reference, fixed=fixed
            )
            outcome = FixAnswer.NOTED
        self._write_events()
        return outcome

    def rate(self, ticket: Ticket, stars: int) -> None:
        """How well the complaint was handled, 1 (bad) to 5 (very good); a new one replaces it."""
        if not 1 <= stars <= 5:
            raise ValidationError("a rating is a whole number from 1 to 5")
        ticket.rating, ticket.rated_at = stars, self.clock()
        self._flush()
        actor = Actor.reporter(ticket.reporter_id)
        self._audit(
            ticket.incident, actor, "ticket.rated", reference=ticket.reference, rating=stars
        )
        self._write_events()

    def is_reporter(self, ticket: Ticket, contact: Contact) -> bool:
        """Whether `contact` filed `ticket` (only they may answer for it)."""
        if not contact.reachable:
            return False
        found = repository.reporter_id_by_hash(self.session, contact.lookup_hash)
        return found == ticket.reporter_id

    # -- lookups ------------------------------------------------------------------------------

    def find(self, reference_text: str) -> Ticket:
        reference = parse_reference(reference_text)
        ticket = repository.ticket_by_reference(self.session, reference)
        if ticket is None:
            raise NotFoundError(f"no complaint has reference {reference}")
        return ticket

    def tickets_of(self, contact: Contact, limit: int = 10) -> Sequence[Ticket]:
        """A household's own complaints, newest first (found by keyed hash, never by phone)."""
        contact.required()
        reporter_id = repository.reporter_id_by_hash(self.session, contact.lookup_hash)
        if reporter_id is None:
            return []
        return repository.tickets_of_reporter(self.session, reporter_id, limit)

    # -- helpers ------------------------------------------------------------------------------

    def notify_reporters(
        self, incident: Incident, purpose: str, event: str, *, unanswered_only: bool = False
    ) -> int:
        """Write a `purpose` notice for each household of the incident that can be written to
        later (a call or a terminal cannot); the bot words it in the household's language when
        it is delivered. `event` names the occasion, so each is told once. How many written."""
        written = 0
        rows = repository.reporters_of(self.session, incident.id, unanswered_only=unanswered_only)
        for ticket, contact in rows:
            if ticket.channel not in FOLLOW_UP_CHANNELS:
                continue
            notice = Notice(
                dedupe_key=f"{purpose}:{ticket.id}:{event}",
                channel=ticket.channel,
                contact=contact,
                purpose=purpose,
                payload={"reference": ticket.reference},
            )
            written += outbox.enqueue(self.session, notice, self.clock())
        return written

    def _ask_testers(self, services: ServiceMap, incident: Incident) -> None:
        """Dirty water or illness: the village's field-test-kit testers are asked to test."""
        vwsc = services.vwsc_for(incident.village_code)
        if vwsc is None or incident.category not in WATER_QUALITY_CATEGORIES:
            return
        testers = repository.ftk_testers(self.session, vwsc)
        for tester in staff_notices.reach(self.session, testers):
            notice = Notice(
                dedupe_key=f"{FTK_REQUEST}:{incident.id}:{tester.key}",
                channel=tester.channel,
                contact=tester.contact,
                purpose=FTK_REQUEST,
                payload={"village_code": incident.village_code, "language": tester.language},
                priority=OutboxPriority.REPLY,  # possibly unsafe water: before routine notices
            )
            outbox.enqueue(self.session, notice, self.clock())

    def _service_map(self, village: int) -> ServiceMap:
        def load() -> ServiceMap:
            return ServiceMap.load(self.session, [village])

        return load() if self.service_maps is None else self.service_maps.get(village, load)

    def _incident(self, incident_id: int) -> Incident:
        incident = repository.incident(self.session, incident_id)
        if incident is None:
            raise NotFoundError(f"no incident {incident_id}")
        return incident

    def _flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise ConflictError(
                "this complaint was changed by someone else at the same time; reload and try again"
            ) from exc

    def record_routes(
        self, incident: Incident, routes: list[tuple[routing.Assignee, RouteReason]]
    ) -> None:
        """The routing history: who came to own (or was told of) the incident, and why."""
        now = self.clock()
        self.session.add_all(
            IncidentRoute(
                incident_id=incident.id,
                level=who.level,
                vwsc_id=who.vwsc_id,
                official_id=who.official_id,
                reason=reason,
                created_at=now,
            )
            for who, reason in routes
        )

    def _audit(self, incident: Incident, actor: Actor, action: str, **payload: Any) -> None:
        self._events.append(
            chain.EventDraft(
                str(actor), action, "incident", str(incident.id), payload, self.clock()
            )
        )

    def _write_events(self) -> None:
        chain.append(self.session, self._events)
        self._events = []


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _clean_note(note: str, *, required: bool) -> str:
    note = strip_controls(note)
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(f"a note has at most {MAX_NOTE_CHARS} characters")
    if required and not note:
        raise ValidationError("a note is required: say what was done or why")
    return note
