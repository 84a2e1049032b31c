"""Months of past complaints for the demo, so the social audit's pages have figures to show.

Every complaint goes through the real `TicketService` (and every water test through the
`WaterTestService`) with a clock walked forward from `DAYS` ago, so the audit log, the incident
facts and the statistics are exactly what a live service would have written. All of it is
finished (fixed and confirmed, closed without an answer, or rejected): the staff queues show
only today's demo complaints. Seeded, so every demo is the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from grievance.clock import utcnow
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading
from grievance.quality.service import WaterTestService
from grievance.tickets.actor import Actor
from grievance.tickets.confirmation import TIMEOUT_ACTOR, TIMEOUT_NOTE
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.report import Report
from grievance.tickets.service import TicketService
from grievance.types import Channel

DAYS = 150
SEED = 2026
# The demo directory's villages (grievance/demo/lgd.csv), busiest first.
VILLAGES = (601014, 699901, 699902, 699903, 699904, 699905, 699908, 699910, 699911)
PROBLEMS = ("no_water", "no_water", "no_water", "low_pressure", "dirty_water", "leakage")
HOUSEHOLDS = 80  # fictitious numbers +9199002000xx, never real
OUTAGES = 110
SAFE = (Reading("ph", 7.4), Reading("turbidity", 0.8), Reading("e_coli", False))
COMMITTEE = Actor(ActorRole.VWSC, "demo-member")
FIXES = ("valve repaired", "pump restarted", "pipe joint re-sealed", "tank cleaned")


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _phone(household: int) -> str:
    return f"+91990020{household:04d}"


def load_history(session: Session, policy: Policy, vault: ContactVault) -> int:
    """File and finish `OUTAGES` outages over the last `DAYS` days; how many complaints."""
    chance = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    start = utcnow() - timedelta(days=DAYS)
    clock = _Clock(start)
    tickets = TicketService(session, policy, vault, clock)
    complaints = 0
    moments = sorted(chance.uniform(0, DAYS - 8) for _ in range(OUTAGES))
    for offset in moments:
        clock.now = max(clock.now, start + timedelta(days=offset))  # time only moves on
        village = VILLAGES[min(int(chance.expovariate(0.35)), len(VILLAGES) - 1)]
        problem = chance.choice(PROBLEMS)
        households = chance.sample(range(HOUSEHOLDS), chance.randint(1, 5))
        filed = []
        for household in households:
            contact = vault.resolve(Channel.SMS, _phone(household))
            filed.append(tickets.file(Report(village, problem, contact, Channel.SMS, "kn", "")))
            clock.now += timedelta(minutes=chance.randint(5, 240))
        complaints += len(filed)
        first = filed[0]
        _finish(tickets, clock, chance, first.incident.id, Actor.reporter(first.ticket.reporter_id))
    water = WaterTestService(session, policy, vault, clock)
    for week in range(0, DAYS - 7, 7):
        clock.now = start + timedelta(days=week, hours=5)
        water.record(VILLAGES[week % len(VILLAGES)], SAFE, COMMITTEE)
    return complaints


def _finish(
    tickets: TicketService, clock: _Clock, chance: random.Random, incident: int, household: Actor
) -> None:
    """Fix it (mostly within the committee's day, sometimes days late) and close it, or reject
    it as another body's work."""
    if chance.random() < 0.06:
        clock.now += timedelta(hours=chance.uniform(2, 30))
        tickets.transition(
            incident,
            Status.REJECTED,
            Actor(ActorRole.JE, "demo-je"),
            "private connection",
            responsible_body="Gram Panchayat",
        )
        return
    clock.now += timedelta(hours=chance.uniform(1, 6))
    tickets.transition(incident, Status.ACKNOWLEDGED, COMMITTEE, "")
    late = chance.random() < 0.25
    clock.now += timedelta(hours=chance.uniform(30, 120) if late else chance.uniform(2, 20))
    tickets.transition(incident, Status.RESOLVED, COMMITTEE, chance.choice(FIXES))
    clock.now += timedelta(hours=chance.uniform(2, 48))
    if chance.random() < 0.7:
        tickets.transition(incident, Status.CLOSED, household, "")
    else:
        clock.now += timedelta(days=3)
        tickets.transition(incident, Status.CLOSED, TIMEOUT_ACTOR, TIMEOUT_NOTE)
