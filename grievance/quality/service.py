"""Recording a field-test-kit (FTK) test: graded, stored, and acted on when the water is unsafe.

A reading beyond the permissible limit cannot wait for the SLA clock: the village's open
dirty-water and illness incidents (or the one that asked for the test) go straight to the
Executive Engineer, who sends samples to the laboratory, and every household that reported
them is told not to drink the water, in its own language. Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.audit import chain
from grievance.clock import Clock, utcnow
from grievance.errors import UnknownVillageError, ValidationError
from grievance.lgd.models import Village
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading, Report, Verdict, check
from grievance.quality.limits import Limits, load_limits
from grievance.quality.models import WaterTest
from grievance.tickets.actor import Actor
from grievance.tickets.enums import FINAL_STATUSES
from grievance.tickets.models import Incident
from grievance.tickets.service import UNSAFE_WATER, WATER_QUALITY_CATEGORIES, TicketService
from grievance.types import Level

# Tester's clocks drift; a test dated further ahead than this is a typing mistake.
FUTURE_SLACK = timedelta(minutes=10)
UNSAFE_ACTOR = Actor.system("water-test")


@dataclass(frozen=True)
class Recorded:
    test: WaterTest
    report: Report
    escalated: tuple[int, ...]  # incidents sent to the Executive Engineer
    advised: int  # households told not to drink the water


class WaterTestService:
    def __init__(
        self,
        session: Session,
        policy: Policy,
        vault: ContactVault,
        clock: Clock = utcnow,
        limits: Limits | None = None,
    ) -> None:
        self.session, self.policy, self.vault, self.clock = session, policy, vault, clock
        self.limits = limits or load_limits()

    def record(
        self,
        village_code: int,
        readings: Sequence[Reading],
        actor: Actor,
        *,
        incident_id: int | None = None,
        tested_at: datetime | None = None,
    ) -> Recorded:
        """Grade and keep one test; refuses (ValidationError) an impossible or unknown reading,
        a test dated in the future, or an incident of another village."""
        report = check(self.limits, readings)
        now = self.clock()
        tested_at = tested_at or now
        if tested_at > now + FUTURE_SLACK:
            raise ValidationError("a water test cannot be dated in the future")
        if self.session.get(Village, village_code) is None:
            raise UnknownVillageError(village_code)
        incidents = self._incidents(village_code, incident_id)
        test = self._store(village_code, incident_id, report, actor, tested_at, now)
        escalated, advised = [], 0
        if report.worst is Verdict.UNSAFE:
            tickets = TicketService(self.session, self.policy, self.vault, self.clock)
            reason = "water test beyond the permissible limit: " + ", ".join(
                f.reading.parameter for f in report.unsafe
            )
            for incident in incidents:
                if tickets.escalate(incident.id, UNSAFE_ACTOR, reason, at_least=Level.EE):
                    escalated.append(incident.id)
                advised += tickets.notify_reporters(incident, UNSAFE_WATER, f"test-{test.id}")
        return Recorded(test, report, tuple(escalated), advised)

    def _incidents(self, village_code: int, incident_id: int | None) -> list[Incident]:
        """The incident the test answers, else the village's open water-quality incidents."""
        if incident_id is not None:
            incident = self.session.get(Incident, incident_id)
            if incident is None or incident.village_code != village_code:
                raise ValidationError(f"incident {incident_id} is not in village {village_code}")
            return [incident]
        return list(
            self.session.scalars(
                select(Incident)
                .where(
                    Incident.village_code == village_code,
                    Incident.category.in_(WATER_QUALITY_CATEGORIES),
                    Incident.status.not_in(FINAL_STATUSES),
                )
                .order_by(Incident.id)
            )
        )

    def _store(
        self,
        village_code: int,
        incident_id: int | None,
        report: Report,
        actor: Actor,
        tested_at: datetime,
        now: datetime,
    ) -> WaterTest:
        test = WaterTest(
            village_code=village_code,
            incident_id=incident_id,
            tested_by=str(actor)[:64],
            limits_version=report.version,
            readings={f.reading.parameter: f.reading.value for f in report.findings},
            verdicts={f.reading.parameter: f.verdict.value for f in report.findings},
            verdict=report.worst,
            tested_at=tested_at,
            recorded_at=now,
        )
        self.session.add(test)
        self.session.flush()
        event = chain.EventDraft(
            str(actor),
            "water_test.recorded",
            "village",
            str(village_code),
            {
                "test": test.id,
                "incident": incident_id,
                "verdict": test.verdict.value,
                "verdicts": test.verdicts,
                "limits": report.version,
                "tested_at": tested_at.isoformat(),
            },
            now,
        )
        chain.append(self.session, [event])
        return test
