"""The social audit at the scale of two states (issue #12): 1,000,000 complaints over two years
across every Karnataka and Tamil Nadu village, on PostgreSQL.

    .venv/bin/python bench/bench_social_audit.py                  # generate, then every figure
    .venv/bin/python bench/bench_social_audit.py --reuse          # the same data, every figure
    .venv/bin/python bench/bench_social_audit.py --reuse --parts pages pdf
    .venv/bin/python bench/bench_social_audit.py --tickets 50000 --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/jalsamvad_bench_audit_small

The data. The LGD directory of Karnataka (29) and Tamil Nadu (33) is imported from the shared
extracts (`--data`, by default ../shared/data/lgd beside the repository) with the real
importer. Then `--tickets` complaints are synthesised over the `--days` before now and written
with COPY, as the service would have left them: incidents in their final state, tickets,
reporters, field water tests, and the audit events the service writes for each (incident.opened,
ticket.filed, acknowledged, in progress, escalated by the SLA sweep or by an unsafe water test,
overdue at the top, resolved, closed by a household or by the confirmation timeout, reopened,
rejected with the body responsible, notes, ratings, water_test.recorded), chained with the real
`chain_hash` so `jalsamvad audit verify` passes. The mix: villages weighted log-normally (a few
busy ones), more complaints in the second year and in summer, one outage often reported by
several households, most problems fixed (some late, some escalated), some never fixed (an open
backlog of every age), a few rejected or reopened. Not written: incident routes, the outbox,
staff notices, committees and officials (no figure reads them). With --reuse, a database filled
with the same --tickets, --days and --seed whose schema matches the models is used again.

Ends with a table of the issue's targets, met or not.

The figures (`--parts`, all by default):
- rebuild: `grievance.social_audit.rebuild.rebuild_stats` over the whole log, timed; then
  VACUUM (ANALYZE), as autovacuum would do soon after.
- pages: every /audit page through the application `jalsamvad serve` builds
  (`Assembly(settings).app()`, Starlette's TestClient in this process): cold (the first request
  for a unit or period, each a different one) and warm (the same URL again: pages are kept until
  the statistics move), bytes as sent in English and in the state's language.
- pdf: the Gram Sabha report of a gram panchayat of ten villages, built and rendered in a fresh
  process, the whole `jalsamvad report gram-sabha` command as a subprocess, and the report as
  the gram panchayat page links it.
- filing: bench_filing.py's workload filed through TicketService on its own database, then the
  worker's `update_stats` folding what those filings wrote; and the same filings again while
  an updater process folds every `--updater-interval` seconds, as the worker does.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from bench_filing import Workload, run_filings
from bench_lgd_import import DATA, STATE_FILES
from common import (
    BENCH_SECRET,
    DirectoryShape,
    StatementTimer,
    clone_database,
    command_line,
    create_fresh_database,
    database_name,
    drop_database,
    load_directory,
    migrated_engine,
    percentile,
    print_table,
    profiled,
    run_isolated,
    server_settings,
    vacuum_analyze,
    with_database,
)
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from api.audit import gram_sabha
from grievance.audit.chain import GENESIS_HASH, EventDraft, chain_hash
from grievance.clock import utcnow
from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.lgd.importer import import_lgd_file
from grievance.models import Base  # every model, so Base.metadata has every table
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading, check
from grievance.quality.limits import Limits, ParameterLimit, load_limits
from grievance.quality.service import UNSAFE_ACTOR
from grievance.settings import Settings
from grievance.social_audit.fold import IST
from grievance.social_audit.rebuild import rebuild_stats
from grievance.social_audit.updater import StatsReport, update_stats
from grievance.tickets.confirmation import TIMEOUT_ACTOR, TIMEOUT_NOTE
from grievance.tickets.enums import Category
from grievance.tickets.escalation import SWEEP_ACTOR
from grievance.tickets.reference import check_digit
from grievance.types import LADDER, Level
from jalsamvad.assembly import Assembly

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/jalsamvad_bench_audit"
DEFAULT_FILING_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/jalsamvad_bench_audit_filing"
MARK = "bench_social_audit"  # the database comment that says what the generator wrote
STATE_LANGUAGE = {29: "kn", 33: "ta"}
PAGE_LIMIT_BYTES = 30 * 1024
PAGE_TARGET_MS = 100.0

# -- the mix -----------------------------------------------------------------------------------

CATEGORY_WEIGHTS: dict[Category, float] = {
    Category.NO_WATER: 30,
    Category.LOW_PRESSURE: 14,
    Category.IRREGULAR_SUPPLY: 14,
    Category.DIRTY_WATER: 9,
    Category.HEALTH_ISSUE: 2,
    Category.LEAKAGE: 12,
    Category.BROKEN_TAP: 10,
    Category.NO_CONNECTION: 4,
    Category.BILLING: 3,
    Category.OTHER: 2,
}
# Other households of the village reporting the same problem (mean of a geometric count).
FOLLOW_UPS: dict[Category, float] = {
    Category.NO_WATER: 0.6,
    Category.LOW_PRESSURE: 0.3,
    Category.IRREGULAR_SUPPLY: 0.3,
    Category.DIRTY_WATER: 0.4,
    Category.HEALTH_ISSUE: 0.3,
    Category.LEAKAGE: 0.1,
    Category.BROKEN_TAP: 0.05,
}
BIG_OUTAGE_SHARE = 0.004  # of no-water and dirty-water incidents: a whole village reports it
BIG_OUTAGE_HOUSEHOLDS = (15, 120)
FOLLOW_UP_HOURS = 5.0  # mean delay of another household's report
VILLAGE_SIGMA = 1.0  # log-normal spread of villages' complaint rates
HOUSEHOLDS_PER_EXPECTED_TICKET = 1.2  # a village's pool of households: 60 + 1.2 x its tickets
P_OWN_VWSC = 0.88  # villages with their own committee; the rest start one rung up
P_STUCK = 0.02  # never fixed: the open backlog of every age
P_REJECT = 0.03
P_ACK, P_START, P_NOTE = 0.9, 0.75, 0.08
ACK_HOURS, START_HOURS = 6.0, 10.0
FIX_SHARE_OF_SLA, FIX_SIGMA = 0.45, 0.9  # median time to fix: 45 % of the first level's SLA
P_CONFIRMED, P_REOPENED, P_RATED = 0.55, 0.07, 0.4
CONFIRM_HOURS, REOPEN_HOURS = 8.0, 12.0
REJECT_HOURS = 30.0
P_INCIDENT_TEST, P_UNSAFE_INCIDENT_TEST = 0.6, 0.35
ROUTINE_TESTS_PER_VILLAGE_YEAR, P_UNSAFE_ROUTINE = 2.0, 0.08
FTK_ALWAYS = ("ph", "tds", "turbidity", "residual_chlorine", "total_coliform")
FTK_SOMETIMES = ("chloride", "hardness", "fluoride", "nitrate", "iron", "alkalinity")
WATER_QUALITY = frozenset({Category.DIRTY_WATER, Category.HEALTH_ISSUE})
CONFIRMATION_WINDOW = timedelta(hours=72)  # Settings.confirmation_window_hours
REJECTING_BODIES = (
    "Gram Panchayat (not the water scheme)",
    "Electricity distribution company",
    "Private borewell owner",
    "Public Works Department (roads)",
    "Town panchayat",
)
CHANNEL_WEIGHTS = {"whatsapp": 50, "sms": 20, "voice": 20, "web": 10}
DESCRIPTIONS = {
    Category.NO_WATER: "No water from the tap since yesterday",
    Category.LOW_PRESSURE: "Pressure is very low, upper houses get nothing",
    Category.IRREGULAR_SUPPLY: "Supply comes at random hours",
    Category.DIRTY_WATER: "Water is muddy and smells",
    Category.HEALTH_ISSUE: "Children have loose motions after drinking the water",
    Category.LEAKAGE: "Pipe is leaking near the school",
    Category.BROKEN_TAP: "Tap at the anganwadi is broken",
    Category.NO_CONNECTION: "Our house has no connection yet",
    Category.BILLING: "Charged twice for this month",
    Category.OTHER: "Tank is not cleaned",
}
CLOCK_RUNNING = frozenset({"new", "acknowledged", "in_progress", "reopened"})
_FOREVER = datetime.max.replace(tzinfo=UTC)


def _copy_value(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _copy_line(*values: object) -> str:
    return "\t".join(map(_copy_value, values)) + "\n"


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _reference(ticket_id: int) -> str:
    """A unique, valid ten-digit reference (Verhoeff check digit) for each ticket number."""
    payload = str(ticket_id * 1_977_326_743 % 900_000_000 + 100_000_000)  # 7**11: a bijection
    return payload + check_digit(payload)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# -- the synthetic complaints ------------------------------------------------------------------


class Synth:
    """One incident as the service would have left it at `now`."""

    __slots__ = (
        "busy_until",
        "category",
        "closed_at",
        "closure",
        "due_at",
        "escalations",
        "households",
        "id",
        "joinable_until",
        "level",
        "needs_onboarding",
        "opened_at",
        "rejection_reason",
        "reporters",
        "resolved_at",
        "responsible_body",
        "status",
        "updated_at",
        "version",
        "village",
    )

    def __init__(self, number: int, village: int, category: Category, opened_at: datetime) -> None:
        self.id, self.village, self.category, self.opened_at = number, village, category, opened_at
        self.status, self.level = "new", Level.VWSC.value
        self.households, self.escalations, self.version = 0, 0, 1
        self.needs_onboarding = False
        self.due_at: datetime | None = None
        self.updated_at = opened_at
        self.resolved_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.closure: str | None = None
        self.rejection_reason: str | None = None
        self.responsible_body: str | None = None
        self.joinable_until = _FOREVER  # others' reports join it until it is first fixed
        self.busy_until = _FOREVER  # no new incident of its village and category before this
        self.reporters: set[int] = set()


Event = tuple[datetime, int, str, str, str, str, dict[str, Any]]


@dataclass
class Generated:
    tickets: int = 0
    incidents: int = 0
    events: int = 0
    water_tests: int = 0
    reporters: int = 0
    joined: int = 0
    open_at_end: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


class Synthesis:
    """Complaints over `days` days before `now` across `villages`, written as the service
    writes them. Events go to `emit` in time order (their seq order); the rows of the other
    tables are kept as COPY lines until the end."""

    def __init__(
        self,
        villages: Sequence[tuple[int, int]],  # (code, state)
        tickets: int,
        days: int,
        now: datetime,
        seed: int,
        emit: Callable[[list[str]], None],
        head: tuple[int, str] = (0, GENESIS_HASH),  # the chain so far (the LGD import's events)
    ) -> None:
        self.rng = random.Random(seed)
        self.now, self.days, self.target = now, days, tickets
        self.start = now - timedelta(days=days)
        self.emit = emit
        self.policy: Policy = load_policy(None)
        self.limits: Limits = load_limits()
        self.state_of = dict(villages)
        self.codes = [code for code, _ in villages]
        weights = [self.rng.lognormvariate(0.0, VILLAGE_SIGMA) for _ in self.codes]
        self.cumulative = list(itertools.accumulate(weights))
        total = self.cumulative[-1]
        self.pool: dict[int, tuple[int, int]] = {}  # village → (first household id, households)
        first = 1
        for code, weight in zip(self.codes, weights, strict=True):
            size = 60 + round(HOUSEHOLDS_PER_EXPECTED_TICKET * tickets * weight / total)
            self.pool[code] = (first, size)
            first += size
        self.own_vwsc = {code: self.rng.random() < P_OWN_VWSC for code in self.codes}
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_cumulative = list(itertools.accumulate(CATEGORY_WEIGHTS.values()))
        self.pairs: dict[tuple[int, Category], Synth] = {}
        self.incidents: list[Synth] = []
        self.ticket_rows: list[tuple[Any, ...]] = []
        self.answers: dict[int, list[Any]] = {}  # ticket → fix_confirmed, answered, rating, rated
        self.test_lines: list[str] = []
        self.reporter_first: dict[int, datetime] = {}
        self.events: list[Event] = []  # a heap by (time, order)
        self.arrivals: list[tuple[datetime, int, Synth | None]] = []  # a heap; Synth: follow-up
        self.order = itertools.count()
        self.pending = 0  # follow-up reports scheduled before now, not yet arrived
        self.fresh = 0  # reports that were not a follow-up
        self.last_arrival = self.start
        self.seq, self.prev_hash = head
        self.out = Generated()
        self.kits = {False: self._kits(False), True: self._kits(True)}

    # -- the days ---------------------------------------------------------------------------

    def run(self) -> Generated:
        weights = [self._day_weight(d) for d in range(self.days)]
        scale = self.target / sum(weights)
        wanted = 0.0
        for d in range(self.days):
            day_start = self.start + timedelta(days=d)
            day_end = min(day_start + timedelta(days=1), self.now)
            wanted += weights[d] * scale
            self._routine_tests(day_start, day_end)
            per_report = (self.out.tickets + self.pending) / self.fresh if self.fresh > 500 else 1.3
            fresh = max(0, round((wanted - self.out.tickets - self.pending) / per_report))
            self._schedule_fresh(day_start, day_end, fresh)
            self._arrive_until(day_end)
            if d == self.days - 1:  # the last day: fill up to exactly `target` tickets
                for _ in range(100):
                    if self.out.tickets >= self.target:
                        break
                    missing = self.target - self.out.tickets
                    self._schedule_fresh(self.last_arrival, day_end, missing)
                    self._arrive_until(day_end)
            self._flush(day_end)
        self._flush(_FOREVER)
        self.out.incidents = len(self.incidents)
        self.out.reporters = len(self.reporter_first)
        self.out.open_at_end = sum(
            1 for i in self.incidents if i.status not in ("closed", "rejected")
        )
        return self.out

    def _day_weight(self, d: int) -> float:
        month = (self.start + timedelta(days=d)).astimezone(IST).month
        season = {3: 1.1, 4: 1.35, 5: 1.35, 6: 1.1}.get(month, 1.0)  # summer shortages
        return (0.6 + 0.8 * d / self.days) * season  # more villages use it every month

    def _moment(self, day_start: datetime, day_end: datetime, lowest: datetime) -> datetime:
        """A time in the day, mostly 06:00-21:00 in India, not before `lowest`."""
        span = (day_end - day_start).total_seconds()
        if self.rng.random() < 0.85 and span >= 86_400:
            seconds = self.rng.uniform(1_800, 55_800)  # 00:30-15:30 UTC
        else:
            seconds = self.rng.uniform(0, span)
        return max(lowest, day_start + timedelta(seconds=seconds))

    def _schedule_fresh(self, day_start: datetime, day_end: datetime, count: int) -> None:
        for _ in range(count):
            at = self._moment(day_start, day_end, self.last_arrival)
            if at < day_end:
                heapq.heappush(self.arrivals, (at, next(self.order), None))

    def _arrive_until(self, until: datetime) -> None:
        while self.arrivals and self.arrivals[0][0] < until:
            at, _, follow_up = heapq.heappop(self.arrivals)
            self.last_arrival = at
            if follow_up is not None:
                self.pending -= 1
            if self.out.tickets >= self.target:
                continue
            if follow_up is None:
                self.fresh += 1
                self._report(at)
            elif at < follow_up.joinable_until:
                self._join(follow_up, at)

    def _report(self, at: datetime) -> None:
        village = self.codes[self._pick(self.cumulative)]
        category = self.categories[self._pick(self.category_cumulative)]
        known = self.pairs.get((village, category))
        if known is not None and at < known.busy_until:
            if at < known.joinable_until:
                self._join(known, at)
            # else: fixed and waiting for the households' word; the service would reopen it
            return
        self._open(village, category, at)

    def _pick(self, cumulative: list[float]) -> int:
        return min(
            len(cumulative) - 1,
            _bisect(cumulative, self.rng.random() * cumulative[-1]),
        )

    # -- events -----------------------------------------------------------------------------

    def _event(
        self, at: datetime, actor: str, action: str, kind: str, entity: int, **payload: Any
    ) -> None:
        heapq.heappush(
            self.events, (at, next(self.order), actor, action, kind, str(entity), payload)
        )

    def _flush(self, until: datetime) -> None:
        lines = []
        while self.events and self.events[0][0] < until:
            at, _, actor, action, kind, entity, payload = heapq.heappop(self.events)
            self.seq += 1
            draft = EventDraft(actor, action, kind, entity, payload, at)
            digest = chain_hash(self.prev_hash, self.seq, draft)
            body = _copy_value(_json(payload))
            lines.append(
                f"{self.seq}\t{at.isoformat()}\t{actor}\t{action}\t{kind}\t{entity}\t{body}"
                f"\t{self.prev_hash}\t{digest}\n"
            )
            self.prev_hash = digest
            self.out.actions[action] += 1
        self.out.events += len(lines)
        if lines:
            self.emit(lines)

    # -- households and tickets -------------------------------------------------------------

    def _household(self, incident: Synth) -> int | None:
        first, size = self.pool[incident.village]
        for _ in range(10):
            household = first + self.rng.randrange(size)
            if household not in incident.reporters:
                return household
        return None

    def _ticket(self, incident: Synth, at: datetime, household: int) -> int:
        incident.reporters.add(household)
        incident.households += 1
        incident.version += 1
        incident.updated_at = max(incident.updated_at, at)
        self.out.tickets += 1
        number = self.out.tickets
        reference = _reference(number)
        channel = self._channel()
        local = STATE_LANGUAGE.get(self.state_of[incident.village], "hi")
        language = self.rng.choices((local, "en", "hi"), (75, 15, 10))[0]
        self.reporter_first.setdefault(household, at)
        description = DESCRIPTIONS[incident.category]
        self.ticket_rows.append(
            (number, reference, incident.id, household, channel, language, description, at)
        )
        self._event(
            at,
            f"citizen:reporter-{household}",
            "ticket.filed",
            "incident",
            incident.id,
            reference=reference,
            channel=channel,
            language=language,
            attachments=0,
            households=incident.households,
        )
        return number

    def _channel(self) -> str:
        return self.rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]

    def _join(self, incident: Synth, at: datetime) -> None:
        household = self._household(incident)
        if household is not None:
            self._ticket(incident, at, household)
            self.out.joined += 1

    # -- one incident's life ----------------------------------------------------------------

    def _open(self, village: int, category: Category, at: datetime) -> None:
        rng, policy = self.rng, self.policy
        incident = Synth(len(self.incidents) + 1, village, category, at)
        self.incidents.append(incident)
        self.pairs[(village, category)] = incident
        ladder = policy.ladder(category)
        rung = 0 if self.own_vwsc[village] or len(ladder) == 1 else 1
        incident.needs_onboarding = rung > 0
        level = ladder[rung]
        incident.level, incident.due_at = level.value, at + policy.sla(category, level)
        self._event(
            at,
            "system:intake",
            "incident.opened",
            "incident",
            incident.id,
            village_code=village,
            category=category.value,
            priority=policy.priority(category).value,
            level=level.value,
            owner=f"queue:{level.value}",
            notified=[f"queue:{n.value}" for n in policy.notify.get(category, ())],
            needs_onboarding=incident.needs_onboarding,
            due_at=incident.due_at.isoformat(),
            policy=policy.version,
        )
        first = self._household(incident)
        assert first is not None
        ticket = self._ticket(incident, at, first)
        Life(self, incident, ladder, rung, first, ticket).run()
        follow_ups = _geometric(rng, FOLLOW_UPS.get(category, 0.0))
        if category in (Category.NO_WATER, Category.DIRTY_WATER) and rng.random() < 0.004:
            follow_ups += rng.randint(*BIG_OUTAGE_HOUSEHOLDS)
        for _ in range(follow_ups):
            later = at + timedelta(hours=rng.expovariate(1 / FOLLOW_UP_HOURS))
            if later < min(self.now, incident.joinable_until):
                heapq.heappush(self.arrivals, (later, next(self.order), incident))
                self.pending += 1

    # -- water tests ------------------------------------------------------------------------

    def _routine_tests(self, day_start: datetime, day_end: datetime) -> None:
        share = (day_end - day_start).total_seconds() / 86_400
        expected = len(self.codes) * ROUTINE_TESTS_PER_VILLAGE_YEAR / 365 * share
        for _ in range(int(expected) + (self.rng.random() < expected % 1)):
            village = self.rng.choice(self.codes)
            at = self._moment(day_start, day_end, day_start)
            self.water_test(village, None, at, self.rng.random() < P_UNSAFE_ROUTINE)

    def water_test(self, village: int, incident: int | None, at: datetime, unsafe: bool) -> bool:
        """A field test recorded at `at`; whether it found the water unsafe."""
        rng = self.rng
        tested_at = at - timedelta(hours=rng.uniform(0, 30))
        version, values, verdicts, worst = rng.choice(self.kits[unsafe])
        self.out.water_tests += 1
        number = self.out.water_tests
        tester = f"vwsc:member-{village % 4093}"
        self.test_lines.append(
            _copy_line(
                number, village, incident, tester, version, values, verdicts, worst, tested_at, at
            )
        )
        self._event(
            at,
            tester,
            "water_test.recorded",
            "village",
            village,
            test=number,
            incident=incident,
            verdict=worst,
            verdicts=json.loads(verdicts),
            limits=version,
            tested_at=tested_at.isoformat(),
        )
        return worst == "unsafe"

    def _kits(self, unsafe: bool, count: int = 400) -> list[tuple[str, str, str, str]]:
        """Field-test results graded by the real check (IS 10500), to draw tests from:
        (limits version, readings, verdicts, worst verdict)."""
        rng = self.rng
        kits: list[tuple[str, str, str, str]] = []
        while len(kits) < count:
            names = [*FTK_ALWAYS, *rng.sample(FTK_SOMETIMES, rng.randint(1, 4))]
            bad = set(rng.sample(names, rng.choice((1, 1, 2)))) if unsafe else set()
            readings = [Reading(name, self._reading(name, name in bad)) for name in names]
            report = check(self.limits, readings)
            values = {f.reading.parameter: f.reading.value for f in report.findings}
            verdicts = {f.reading.parameter: f.verdict.value for f in report.findings}
            worst = report.worst.value
            if (worst == "unsafe") == unsafe:
                kits.append((report.version, _json(values), _json(verdicts), worst))
        return kits

    def _reading(self, name: str, bad: bool) -> float | bool:
        limit = self.limits.parameters[name]
        if not isinstance(limit, ParameterLimit):
            return bad  # coliform: detected or not
        rng = self.rng
        if bad:
            top, floor = limit.permissible.max, limit.permissible.min
            if top is not None:
                ceiling = limit.plausible.max if limit.plausible.max is not None else top * 3
                return round(min(ceiling, top * rng.uniform(1.2, 2.5)), 3)
            return round((floor or 0.0) * rng.uniform(0.0, 0.5), 3)
        low = limit.acceptable.min or 0.0
        high = limit.acceptable.max if limit.acceptable.max is not None else max(1.0, low * 4)
        return round(low + (high - low) * rng.uniform(0.1, 0.9), 3)


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] <= value:
            low = middle + 1
        else:
            high = middle
    return low


def _geometric(rng: random.Random, mean: float) -> int:
    count, more = 0, mean / (1 + mean)
    while rng.random() < more:
        count += 1
    return count


class Life:
    """What happens to one incident after it is opened, up to `now`: its audit events (in the
    shapes the service, the SLA sweep, the confirmation timeout and the water tests write) and
    its final state."""

    def __init__(
        self,
        synthesis: Synthesis,
        incident: Synth,
        ladder: tuple[Level, ...],
        rung: int,
        household: int,
        ticket: int,
    ) -> None:
        self.s, self.incident, self.ladder, self.rung = synthesis, incident, ladder, rung
        self.household, self.ticket = household, ticket
        self.agenda: list[tuple[datetime, int, str]] = []
        self.fixes = 0
        self.confirm = True  # the household's answer to "is water back?"

    def _plan(self, at: datetime, what: str) -> None:
        heapq.heappush(self.agenda, (at, next(self.s.order), what))

    def _hours(self, mean: float) -> timedelta:
        return timedelta(hours=self.s.rng.expovariate(1 / mean))

    def _fix_after(self) -> timedelta:
        sla = self.s.policy.sla(self.incident.category, self.ladder[self.rung])
        median = FIX_SHARE_OF_SLA * sla.total_seconds() / 3600
        return timedelta(hours=self.s.rng.lognormvariate(math.log(median), FIX_SIGMA))

    def run(self) -> None:
        rng, incident, t0 = self.s.rng, self.incident, self.incident.opened_at
        fate = rng.random()
        if fate < P_STUCK:
            pass  # nobody ever fixes it
        elif fate < P_STUCK + P_REJECT:
            self._plan(t0 + self._hours(REJECT_HOURS), "reject")
        else:
            self._plan(t0 + self._fix_after(), "resolve")
        if rng.random() < P_ACK:
            acknowledged = t0 + self._hours(ACK_HOURS)
            self._plan(acknowledged, "acknowledge")
            if rng.random() < P_START:
                self._plan(acknowledged + self._hours(START_HOURS), "start")
        if rng.random() < P_NOTE:
            self._plan(t0 + self._hours(24), "note")
        if incident.category in WATER_QUALITY and rng.random() < P_INCIDENT_TEST:
            self._plan(t0 + self._hours(20), "test")
        while self.agenda:
            at, _, what = heapq.heappop(self.agenda)
            self._climb_until(at)
            if at > self.s.now:
                break
            self._do(at, what)
        self._climb_until(self.s.now)

    # -- the SLA sweep ------------------------------------------------------------------------

    def _climb_until(self, limit: datetime) -> None:
        incident = self.incident
        while incident.due_at is not None and incident.status in CLOCK_RUNNING:
            at = incident.due_at + timedelta(seconds=self.s.rng.uniform(1, 60))  # next pass
            if at >= limit or at > self.s.now:
                return
            if self.rung + 1 < len(self.ladder):
                self._escalate(at, SWEEP_ACTOR, self.rung + 1)
            else:
                self._record(at, SWEEP_ACTOR, "incident.sla_breached", level=incident.level)
                incident.due_at = None

    def _escalate(self, at: datetime, actor: str, rung: int, reason: str | None = None) -> None:
        incident = self.incident
        before, self.rung = incident.level, rung
        level = self.ladder[rung]
        incident.level = level.value
        incident.escalations += 1
        if incident.status in CLOCK_RUNNING:
            incident.due_at = at + self.s.policy.sla(incident.category, level)
        extra = {} if reason is None else {"reason": reason}
        self._record(
            at,
            actor,
            "incident.escalated",
            from_level=before,
            to_level=level.value,
            owner=f"queue:{level.value}",
            **extra,
            due_at=None if incident.due_at is None else incident.due_at.isoformat(),
        )

    # -- what people do ------------------------------------------------------------------------

    def _staff(self) -> str:
        return f"{self.incident.level}:staff-{self.incident.village % 9973}"

    def _citizen(self) -> str:
        return f"citizen:reporter-{self.household}"

    def _record(self, at: datetime, actor: str, action: str, **payload: Any) -> None:
        incident = self.incident
        incident.version += 1
        incident.updated_at = max(incident.updated_at, at)
        self.s._event(at, actor, action, "incident", incident.id, **payload)

    def _move(self, at: datetime, status: str, actor: str, note: str, **extra: Any) -> None:
        incident = self.incident
        before, incident.status = incident.status, status
        if status not in CLOCK_RUNNING:
            incident.due_at = None
        self._record(
            at, actor, f"incident.{status}", **{"from": before, "to": status, "note": note, **extra}
        )

    def _do(self, at: datetime, what: str) -> None:
        incident, rng = self.incident, self.s.rng
        finished = incident.status in ("closed", "rejected")
        if what == "acknowledge" and incident.status == "new":
            self._move(at, "acknowledged", self._staff(), "")
        elif what == "start" and incident.status == "acknowledged":
            self._move(at, "in_progress", self._staff(), "work started")
        elif what == "note" and not finished:
            self._record(at, self._staff(), "incident.note", note="visited, waiting for a part")
        elif what == "test":
            self._test(at)
        elif what == "reject" and incident.status in CLOCK_RUNNING:
            body = rng.choice(REJECTING_BODIES)
            incident.rejection_reason, incident.responsible_body = "not our scheme", body
            incident.joinable_until = incident.busy_until = incident.closed_at = at
            self._move(at, "rejected", self._staff(), "not our scheme", responsible_body=body)
        elif what == "resolve" and incident.status in CLOCK_RUNNING:
            self._resolve(at)
        elif what == "answer" and incident.status == "resolved":
            self._answer(at)
        elif what == "timeout" and incident.status == "resolved":
            incident.closed_at = incident.busy_until = at
            incident.closure = "unconfirmed"
            self._move(at, "closed", str(TIMEOUT_ACTOR), TIMEOUT_NOTE, closure="unconfirmed")
        elif what == "rate":
            rating = rng.choice((3, 4, 4, 5, 5))
            self.s.answers[self.ticket][2:] = [rating, at]
            reference = _reference(self.ticket)
            self._record(at, self._citizen(), "ticket.rated", reference=reference, rating=rating)

    def _test(self, at: datetime) -> None:
        incident = self.incident
        unsafe = self.s.rng.random() < P_UNSAFE_INCIDENT_TEST
        if not self.s.water_test(incident.village, incident.id, at, unsafe):
            return
        if incident.status not in CLOCK_RUNNING and incident.status != "resolved":
            return
        above = [r for r, level in enumerate(self.ladder) if LADDER.index(level) >= 3]  # EE up
        if above and above[0] > self.rung:
            reason = "water test beyond the permissible limit"
            self._escalate(at, str(UNSAFE_ACTOR), above[0], reason)

    def _resolve(self, at: datetime) -> None:
        incident, rng = self.incident, self.s.rng
        self.fixes += 1
        incident.resolved_at = at
        if self.fixes == 1:
            incident.joinable_until = at
        self._move(at, "resolved", self._staff(), "repaired the valve and flushed the line")
        answer = rng.random()
        if answer < P_CONFIRMED or (self.fixes > 1 and answer < 2 * P_CONFIRMED):
            self._plan(at + min(self._hours(CONFIRM_HOURS), CONFIRMATION_WINDOW * 0.95), "answer")
            self.confirm = True
        elif answer < P_CONFIRMED + P_REOPENED and self.fixes == 1:
            self._plan(at + min(self._hours(REOPEN_HOURS), CONFIRMATION_WINDOW * 0.95), "answer")
            self.confirm = False
        else:
            self._plan(at + CONFIRMATION_WINDOW + timedelta(seconds=rng.uniform(1, 60)), "timeout")

    def _answer(self, at: datetime) -> None:
        incident, s = self.incident, self.s
        s.answers[self.ticket] = [self.confirm, at, None, None]
        if self.confirm:
            incident.closed_at = incident.busy_until = at
            incident.closure = "confirmed"
            self._move(at, "closed", self._citizen(), "", closure="confirmed")
            if s.rng.random() < P_RATED:
                self._plan(at + self._hours(1), "rate")
            return
        incident.resolved_at = None
        sla = s.policy.sla(incident.category, self.ladder[self.rung])
        self._move(at, "reopened", self._citizen(), "", due_at=(at + sla).isoformat())
        incident.due_at = at + sla
        if self.rung + 1 < len(self.ladder):
            reason = "the household says the water is not back"
            self._escalate(at, self._citizen(), self.rung + 1, reason)
        self._plan(at + self._fix_after(), "resolve")


# -- writing the database ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What the generator wrote, kept as the database's comment (read by --reuse)."""

    tickets: int
    days: int
    seed: int
    now: datetime

    def text(self) -> str:
        return (
            f"{MARK} tickets={self.tickets} days={self.days} seed={self.seed} "
            f"now={self.now.isoformat()}"
        )

    @classmethod
    def parse(cls, comment: str | None) -> Stamp | None:
        if not comment or not comment.startswith(MARK + " "):
            return None
        fields = dict(item.split("=", 1) for item in comment.split()[1:])
        return cls(
            int(fields["tickets"]),
            int(fields["days"]),
            int(fields["seed"]),
            datetime.fromisoformat(fields["now"]),
        )


def database_comment(url: str) -> tuple[bool, str | None]:
    """Whether the database exists, and its comment."""
    engine = create_engine(with_database(url, "postgres"))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": database_name(url)},
            ).first()
    finally:
        engine.dispose()
    return (row is not None, None if row is None else row[0])


def generate(url: str, data: Path, tickets: int, days: int, seed: int) -> tuple[Generated, Stamp]:
    """A fresh database: the LGD directory of both states, then the synthetic complaints."""
    now = utcnow().replace(second=0, microsecond=0)
    create_fresh_database(url, replace=True)
    engine = migrated_engine(url)
    _comment(engine, f"{MARK} being generated")  # a failed run's database is still ours
    sessions = make_sessionmaker(engine)
    started = time.perf_counter()
    for name in STATE_FILES:
        with unit_of_work(sessions) as session:
            import_lgd_file(session, data / name)
    lgd_seconds = time.perf_counter() - started
    with engine.connect() as connection:
        villages = [
            (int(code), int(state))
            for code, state in connection.execute(
                text(
                    "SELECT v.code, d.state_code FROM villages v "
                    "JOIN subdistricts s ON s.code = v.subdistrict_code "
                    "JOIN districts d ON d.code = s.district_code ORDER BY v.code"
                )
            )
        ]
        seq, digest = connection.execute(
            text("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        ).one()
    started = time.perf_counter()
    with (
        psycopg.connect(_libpq(url)) as events,
        events.cursor() as cursor,
        cursor.copy(
            "COPY audit_events (seq, occurred_at, actor, action, entity_type, entity_id, "
            "payload, prev_hash, hash) FROM STDIN"
        ) as copy,
    ):

        def emit(lines: list[str]) -> None:
            copy.write("".join(lines))

        synthesis = Synthesis(villages, tickets, days, now, seed, emit, (seq, digest))
        out = synthesis.run()
    out.seconds["LGD import (both states)"] = lgd_seconds
    out.seconds["synthesis + COPY audit_events"] = time.perf_counter() - started
    started = time.perf_counter()
    _write_rows(url, synthesis)
    out.seconds["COPY incidents, reporters, tickets, water_tests"] = time.perf_counter() - started
    stamp = Stamp(tickets, days, seed, now)
    _comment(engine, stamp.text())
    out.seconds["VACUUM ANALYZE"] = vacuum_analyze(engine)
    engine.dispose()
    return out, stamp


def _comment(engine: Engine, comment: str) -> None:
    with engine.connect() as connection:
        name = connection.exec_driver_sql("SELECT current_database()").scalar_one()
        connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")
        connection.commit()


def _write_rows(url: str, synthesis: Synthesis) -> None:
    with psycopg.connect(_libpq(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            (synthesis.seq, synthesis.prev_hash),
        )
        _copy(cursor, "incidents", _incident_lines(synthesis))
        _copy(cursor, "reporters", _reporter_lines(synthesis))
        _copy(cursor, "tickets", _ticket_lines(synthesis))
        _copy(cursor, "water_tests", iter(synthesis.test_lines))
        for table in ("incidents", "reporters", "tickets", "water_tests"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )


_COLUMNS = {
    "incidents": "id, village_code, category, status, priority, level, assigned_vwsc_id, "
    "assigned_official_id, needs_onboarding, households, escalations, due_at, opened_at, "
    "updated_at, resolved_at, closed_at, closure, rejection_reason, responsible_body, version",
    "reporters": "id, contact_hash, contact_ciphertext, created_at",
    "tickets": "id, reference, incident_id, reporter_id, channel, language, description, "
    "created_at, fix_confirmed, fix_answered_at, rating, rated_at",
    "water_tests": "id, village_code, incident_id, tested_by, limits_version, readings, "
    "verdicts, verdict, tested_at, recorded_at",
}


def _copy(cursor: psycopg.Cursor[Any], table: str, lines: Iterator[str]) -> None:
    with cursor.copy(f"COPY {table} ({_COLUMNS[table]}) FROM STDIN") as copy:
        while chunk := list(itertools.islice(lines, 20_000)):
            copy.write("".join(chunk))


def _incident_lines(synthesis: Synthesis) -> Iterator[str]:
    priority = synthesis.policy.priority
    for i in synthesis.incidents:
        yield _copy_line(
            i.id,
            i.village,
            i.category.value,
            i.status,
            priority(i.category).value,
            i.level,
            None,
            None,
            i.needs_onboarding,
            i.households,
            i.escalations,
            i.due_at,
            i.opened_at,
            i.updated_at,
            i.resolved_at,
            i.closed_at,
            i.closure,
            i.rejection_reason,
            i.responsible_body,
            i.version,
        )


def _reporter_lines(synthesis: Synthesis) -> Iterator[str]:
    # Placeholder ciphertext: no page, report or figure here decrypts a contact.
    for household, first in sorted(synthesis.reporter_first.items()):
        digest = hashlib.sha256(f"bench-household-{household}".encode()).hexdigest()
        yield _copy_line(household, digest, "\\x00000000", first)


def _ticket_lines(synthesis: Synthesis) -> Iterator[str]:
    for row in synthesis.ticket_rows:
        answer = synthesis.answers.get(row[0], (None, None, None, None))
        yield _copy_line(*row, *answer)


# -- figure 3: rebuild-stats -------------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    seconds: float
    events: int
    unknown: dict[str, int]
    missing: int
    rows: dict[str, int]
    statements: dict[str, tuple[int, float]]
    peak_rss_mib: float
    profile: str


def run_rebuild(url: str, profile: str | None) -> Rebuilt:
    """Runs in a child process: `rebuild_stats`, as `jalsamvad audit rebuild-stats` calls it."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    timer = StatementTimer(engine)
    timer.watch_commits(sessions)
    started = time.perf_counter()
    with profiled(profile) as report:
        stats = rebuild_stats(sessions)
    seconds = time.perf_counter() - started
    rows = _stats_rows(engine)
    engine.dispose()
    return Rebuilt(
        seconds,
        stats.events,
        dict(stats.unknown),
        stats.missing,
        rows,
        {label: (t.calls, t.seconds) for label, t in timer.totals.items()},
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "\n".join(report),
    )


def _stats_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'social_audit_%' "
                "ORDER BY tablename"
            )
        ).scalars()
        return {
            name: int(connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())
            for name in list(tables)
        }


def stats_behind(url: str) -> tuple[int, int]:
    """(the watermark, the last event)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            last = connection.execute(text("SELECT coalesce(max(seq), 0) FROM audit_events"))
            mark = connection.execute(text("SELECT max(seq) FROM social_audit_watermark"))
            return int(mark.scalar() or 0), int(last.scalar_one())
    finally:
        engine.dispose()


def print_rebuild(result: Rebuilt, tickets: int) -> None:
    print("## Figure 3: rebuild-stats\n")
    sql = sum(seconds for _, seconds in result.statements.values())
    print_table(
        ["tickets", "events folded", "seconds", "events/s", "SQL s", "Python s", "peak RSS MiB"],
        [
            [
                f"{tickets:,}",
                f"{result.events:,}",
                f"{result.seconds:.1f}",
                f"{result.events / result.seconds:,.0f}",
                f"{sql:.1f}",
                f"{result.seconds - sql:.1f}",
                f"{result.peak_rss_mib:.0f}",
            ]
        ],
    )
    if result.unknown or result.missing:
        print(f"unknown actions {result.unknown}, events of unopened incidents {result.missing}\n")
    print_table(["statistics table", "rows"], [[k, f"{v:,}"] for k, v in result.rows.items()])
    top = sorted(result.statements.items(), key=lambda kv: -kv[1][1])[:10]
    print_table(["statement", "calls", "seconds"], [[k, f"{c:,}", f"{s:.2f}"] for k, (c, s) in top])
    if result.profile:
        print(result.profile)


# -- figure 1: the pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    kind: str  # the URL's slug: states, districts, blocks, gram-panchayats, villages
    code: int
    name: str
    villages: int
    state: int

    @property
    def path(self) -> str:
        return f"/audit/{self.kind}/{self.code}"


_UNITS_SQL = """
WITH first AS (
    SELECT village_code, min(gp_code) AS gp FROM village_panchayats GROUP BY village_code
), placed AS (
    SELECT v.code AS village, f.gp, coalesce(vp.block_code, g.block_code) AS block,
           s.district_code AS district, d.state_code AS state
    FROM villages v
    JOIN subdistricts s ON s.code = v.subdistrict_code
    JOIN districts d ON d.code = s.district_code
    LEFT JOIN first f ON f.village_code = v.code
    LEFT JOIN village_panchayats vp ON vp.village_code = v.code AND vp.gp_code = f.gp
    LEFT JOIN gram_panchayats g ON g.code = f.gp
)
SELECT 'states', state, min(state), count(*) FROM placed GROUP BY state
UNION ALL SELECT 'districts', district, min(state), count(*) FROM placed GROUP BY district
UNION ALL SELECT 'blocks', block, min(state), count(*) FROM placed
    WHERE block IS NOT NULL GROUP BY block
UNION ALL SELECT 'gram-panchayats', gp, min(state), count(*) FROM placed
    WHERE gp IS NOT NULL GROUP BY gp
"""
_GP_COMPLAINTS_SQL = """
SELECT f.gp, sum(d.complaints)
FROM social_audit_daily d
JOIN (SELECT village_code, min(gp_code) AS gp FROM village_panchayats GROUP BY village_code) f
    ON f.village_code = d.village_code
GROUP BY f.gp
"""
_NAMES = {
    "states": "states",
    "districts": "districts",
    "blocks": "blocks",
    "gram-panchayats": "gram_panchayats",
    "villages": "villages",
}


@dataclass
class Directory:
    units: dict[str, list[Unit]]  # by kind, largest first
    complaints: dict[int, int]  # village → complaints in the whole log
    children: dict[int, int]  # block → gram panchayats
    gp_complaints: dict[int, int]  # gram panchayat → complaints in the whole log

    def unit(self, kind: str, code: int) -> Unit:
        return next(u for u in self.units[kind] if u.code == code)


def read_directory(engine: Engine) -> Directory:
    units: dict[str, list[Unit]] = {kind: [] for kind in _NAMES}
    with engine.connect() as connection:
        names = {
            (kind, int(code)): name
            for kind, table in _NAMES.items()
            for code, name in connection.execute(text(f"SELECT code, name FROM {table}"))
        }
        for kind, code, state, villages in connection.execute(text(_UNITS_SQL)):
            units[kind].append(Unit(kind, code, names[(kind, code)], villages, state))
        complaints = {
            int(v): int(n)
            for v, n in connection.execute(
                text("SELECT village_code, sum(complaints) FROM social_audit_daily GROUP BY 1")
            )
        }
        state_of: dict[int, int] = {
            int(v): int(state)
            for v, state in connection.execute(
                text(
                    "SELECT v.code, d.state_code FROM villages v JOIN subdistricts s "
                    "ON s.code = v.subdistrict_code JOIN districts d ON d.code = s.district_code"
                )
            )
        }
        children = {
            int(block): int(n)
            for block, n in connection.execute(
                text("SELECT block_code, count(*) FROM gram_panchayats GROUP BY 1")
            )
            if block is not None
        }
        gp_complaints = {int(gp): int(n) for gp, n in connection.execute(text(_GP_COMPLAINTS_SQL))}
    units["villages"] = [
        Unit("villages", code, names[("villages", code)], 1, state_of[code])
        for code in sorted(complaints, key=lambda c: -complaints[c])
    ]
    for kind in ("states", "districts", "blocks", "gram-panchayats"):
        units[kind].sort(key=lambda u: (-u.villages, u.code))
    return Directory(units, complaints, children, gp_complaints)


def _median(units: list[Unit]) -> Unit:
    return units[len(units) // 2]


def named_units(directory: Directory) -> list[tuple[str, Unit]]:
    """The units measured one by one: typical and largest of each kind, a busy village."""
    units = directory.units
    named = [("Karnataka (largest)", units["states"][0]), ("Tamil Nadu", units["states"][1])]
    named += [
        ("largest district", units["districts"][0]),
        ("median district", _median(units["districts"])),
        ("largest block", units["blocks"][0]),
    ]
    most = max(units["blocks"], key=lambda u: (directory.children.get(u.code, 0), -u.code))
    if most.code != units["blocks"][0].code:
        named.append((f"block with most GPs ({directory.children[most.code]})", most))
    named += [
        ("median block", _median(units["blocks"])),
        ("largest GP", units["gram-panchayats"][0]),
        ("GP of 10 villages", ten_village_gp(directory)),
        ("median GP", _median(units["gram-panchayats"])),
        ("busiest village", units["villages"][0]),
        ("median village", _median(units["villages"])),
    ]
    return named


def ten_village_gp(directory: Directory) -> Unit:
    """The gram panchayat of ten villages with the most complaints."""
    tens = [u for u in directory.units["gram-panchayats"] if u.villages == 10]
    return max(tens, key=lambda u: (directory.gp_complaints.get(u.code, 0), -u.code))


@dataclass
class PageRow:
    page: str
    unit: str
    query: str
    bytes_en: int
    bytes_local: int
    first_ms: float
    warm: list[float]

    def cells(self) -> list[object]:
        return [
            self.page,
            self.unit,
            self.query or "last 90 days",
            f"{self.bytes_en:,}",
            f"{self.bytes_local:,}",
            f"{self.first_ms:.1f}",
            f"{percentile(self.warm, 50) * 1000:.1f}",
            f"{percentile(self.warm, 95) * 1000:.1f}",
        ]


@dataclass
class ColdRow:
    page: str
    what: str
    seconds: list[float]
    largest_bytes: int

    def cells(self) -> list[object]:
        return [
            self.page,
            self.what,
            len(self.seconds),
            f"{percentile(self.seconds, 50) * 1000:.1f}",
            f"{percentile(self.seconds, 95) * 1000:.1f}",
            f"{max(self.seconds) * 1000:.1f}",
            f"{self.largest_bytes:,}",
        ]


class Visitor:
    """Fetches pages through the served application, timing each request."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, url: str, language: str = "en", status: int = 200) -> tuple[float, int]:
        started = time.perf_counter()
        response = self.client.get(
            url, headers={"accept-language": language}, follow_redirects=False
        )
        seconds = time.perf_counter() - started
        assert response.status_code == status, (url, response.status_code, response.text[:300])
        return seconds, len(response.content)


def measure_pages(url: str, requests: int, long_requests: int, seed: int) -> dict[str, Any]:
    assembly = Assembly(Settings(database_url=url, secret_key=BENCH_SECRET.decode()))
    directory = read_directory(assembly.engine)
    today = utcnow().astimezone(IST).date()
    rng = random.Random(seed)
    result: dict[str, Any] = {"named": [], "cold": [], "long": [], "search": []}
    with TestClient(assembly.app()) as client:
        visitor = Visitor(client)
        started = time.perf_counter()
        visitor.get("/audit/about")
        result["process_first_ms"] = (time.perf_counter() - started) * 1000
        spare = directory.units["villages"][-1]  # Python warm-up (templates, catalogs)
        visitor.get(spare.path)
        visitor.get(spare.path, "kn")
        visitor.get(spare.path, "ta")
        named = named_units(directory)
        result["cold"] = _cold_rows(visitor, directory, rng, today, {u.path for _, u in named})
        result["named"] = [_named_row(visitor, label, unit, "", requests) for label, unit in named]
        for path in ("/audit", "/audit/about", "/audit/open-data/"):
            result["named"].append(_static_row(visitor, path, requests))
        result["search"] = _search_rows(visitor, directory, requests)
        year, two_years = f"?period={today.year}", f"?from={today - timedelta(days=730)}&to={today}"
        largest = [
            ("Karnataka", directory.units["states"][0]),
            ("largest district", directory.units["districts"][0]),
            ("largest block", directory.units["blocks"][0]),
            ("largest GP", directory.units["gram-panchayats"][0]),
            ("busiest village", directory.units["villages"][0]),
        ]
        result["long"] = [
            _named_row(visitor, label, unit, query, long_requests)
            for query in (year, two_years)
            for label, unit in largest
        ]
    assembly.close()
    result["units"] = {kind: len(units) for kind, units in directory.units.items()}
    return result


def _local(unit: Unit) -> str:
    return STATE_LANGUAGE.get(unit.state, "hi")


def _named_row(visitor: Visitor, label: str, unit: Unit, query: str, requests: int) -> PageRow:
    language = _local(unit)
    url = unit.path + query
    first, local_bytes = visitor.get(url, language)  # cold: nobody fetched this URL before
    warm = [visitor.get(url, language)[0] for _ in range(requests)]
    _, en_bytes = visitor.get(url, "en")
    described = f"{label}: {unit.name} ({unit.code}), {unit.villages:,} villages"
    if unit.kind == "villages":
        described = f"{label}: {unit.name} ({unit.code})"
    return PageRow(unit.kind, described, query, en_bytes, local_bytes, first * 1000, warm)


def _static_row(visitor: Visitor, path: str, requests: int) -> PageRow:
    first, local_bytes = visitor.get(path, "kn")
    warm = [visitor.get(path, "kn")[0] for _ in range(requests)]
    _, en_bytes = visitor.get(path, "en")
    return PageRow(path, "-", "", en_bytes, local_bytes, first * 1000, warm)


COLD_SAMPLES = {"districts": 41, "blocks": 60, "gram-panchayats": 100, "villages": 150}


def _cold_rows(
    visitor: Visitor, directory: Directory, rng: random.Random, today: date, skip: set[str]
) -> list[ColdRow]:
    """Each URL once: every page is kept per process until the statistics move, so a unit and
    period asked for the first time is what a reader meets after each worker pass. The units
    measured one by one (`skip`) are left out, so their first request stays cold too."""
    rows = []
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append(f"?period={year}-Q{quarter}")
    seconds, largest = [], 0
    for unit in directory.units["states"]:
        for query in quarters:
            taken, size = visitor.get(unit.path + query, _local(unit))
            seconds.append(taken)
            largest = max(largest, size)
    rows.append(ColdRow("states", "both states × the last 8 quarters", seconds, largest))
    for kind, count in COLD_SAMPLES.items():
        units = directory.units[kind]
        left = [unit for unit in units if unit.path not in skip]
        sample = rng.sample(left, min(count, len(left)))
        seconds, largest = [], 0
        for unit in sample:
            taken, size = visitor.get(unit.path, _local(unit))
            seconds.append(taken)
            largest = max(largest, size)
        what = f"{len(seconds)} of {len(units):,} at random, last 90 days"
        if len(sample) == len(left):
            what = f"all {len(left)} others, last 90 days"
        rows.append(ColdRow(kind, what, seconds, largest))
    return rows


def _search_rows(visitor: Visitor, directory: Directory, requests: int) -> list[PageRow]:
    tamil = next(u for u in directory.units["villages"] if u.state == 33)
    queries = [
        ("name", "Tammapur"),
        ("misspelt", "Tamapur"),
        ("Kannada script", "ತಮ್ಮಾಪುರ"),
        ("a Tamil Nadu village", tamil.name),
        ("nothing like it", "Qwxzy"),
    ]
    rows = []
    for label, query in queries:
        path = f"/audit/search?q={query}"
        first, size = visitor.get(path, "kn")
        warm = [visitor.get(path, "kn")[0] for _ in range(requests)]
        rows.append(PageRow("search", label, f"q={query}", size, size, first * 1000, warm))
    code = directory.units["villages"][1].code
    first, size = visitor.get(f"/audit/search?q={code}", "kn", status=303)
    warm = [visitor.get(f"/audit/search?q={code}", "kn", status=303)[0] for _ in range(requests)]
    rows.append(
        PageRow(
            "search",
            "a village code (303 to its page)",
            f"q={code}",
            size,
            size,
            first * 1000,
            warm,
        )
    )
    return rows


def print_pages(result: dict[str, Any]) -> None:
    print("## Figure 1: /audit pages\n")
    print(
        f"Directory: {result['units']}; first request of the process "
        f"(imports, templates, catalogs): {result['process_first_ms']:.0f} ms\n"
    )
    print("Cold: the first request for each unit or period (each URL fetched once):\n")
    print_table(
        ["page", "units", "requests", "p50 ms", "p95 ms", "max ms", "largest bytes"],
        [row.cells() for row in result["cold"]],
    )
    headers = [
        "page",
        "unit",
        "period",
        "bytes (en)",
        "bytes (kn/ta)",
        "first ms",
        "warm p50 ms",
        "warm p95 ms",
    ]
    print("One unit each: the first request (cold), then the same URL again (warm):\n")
    print_table(headers, [row.cells() for row in result["named"]])
    print("Search (the first request builds the village-name index):\n")
    print_table(headers, [row.cells() for row in result["search"]])
    print("Longer periods, the largest units:\n")
    print_table(headers, [row.cells() for row in result["long"]])


# -- figure 4: the Gram Sabha PDF --------------------------------------------------------------


@dataclass(frozen=True)
class PdfRun:
    build_s: list[float]
    render_s: list[float]
    bytes: int
    pages: int | None
    language: str
    villages: int


def run_pdf_in_process(url: str, gp: int, first: date, last: date, runs: int) -> PdfRun:
    """Runs in a fresh child process: build and render, `runs` times (the first pays
    WeasyPrint's import and font set-up)."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    builds, renders, pdf, language, villages = [], [], b"", "en", 0
    for _ in range(runs):
        started = time.perf_counter()
        with sessions() as session:
            report = gram_sabha.build(session, gp, first, last, utcnow())
        built = time.perf_counter()
        language = gram_sabha.default_language(report.state_code)
        pdf = gram_sabha.render_pdf(report, language)
        builds.append(built - started)
        renders.append(time.perf_counter() - built)
        villages = len(report.villages)
    engine.dispose()
    return PdfRun(builds, renders, len(pdf), _pdf_pages(pdf), language, villages)


def _pdf_pages(pdf: bytes) -> int | None:
    """Pages, by poppler's pdfinfo when it is installed (WeasyPrint compresses its objects)."""
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    found = re.search(rb"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found.group(1)) if found else None


def run_pdf_command(url: str, gp: int, first: date, last: date, out: Path) -> tuple[float, int]:
    """The whole `jalsamvad report gram-sabha` command, as a user runs it: wall seconds, bytes."""
    command = [
        str(Path(sys.executable).with_name("jalsamvad")),
        "report",
        "gram-sabha",
        "--gp",
        str(gp),
        "--from",
        first.isoformat(),
        "--to",
        last.isoformat(),
        "--out",
        str(out),
    ]
    env = {
        **os.environ,
        "JALSAMVAD_DATABASE_URL": url,
        "JALSAMVAD_SECRET_KEY": BENCH_SECRET.decode(),
    }
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started, out.stat().st_size


def measure_pdf(url: str, out_dir: Path) -> dict[str, Any]:
    engine = make_engine(url)
    directory = read_directory(engine)
    engine.dispose()
    gp = ten_village_gp(directory)
    today = utcnow().astimezone(IST).date()
    periods = [
        ("last quarter", *_last_quarter(today)),
        ("last 6 months", today - timedelta(days=182), today),
        ("this year", date(today.year, 1, 1), today),
    ]
    rows = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for label, first, last in periods:
        inside = run_isolated(run_pdf_in_process, url, gp.code, first, last, 3)
        out = out_dir / f"gram_sabha_{gp.code}_{first}_{last}.pdf"
        walls = [run_pdf_command(url, gp.code, first, last, out) for _ in range(2)]
        rows.append((label, first, last, inside, walls))
    year, quarter = today.year, (today.month - 1) // 3 + 1
    last_quarter = f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
    queries = [f"period={last_quarter}", f"period={last_quarter}", f"period={today.year}"]
    web = run_isolated(run_pdf_http, url, gp.code, queries)
    return {"gp": gp, "rows": rows, "web": web}


def run_pdf_http(url: str, gp: int, queries: list[str]) -> list[tuple[str, float, int]]:
    """Runs in a fresh child process: the report as the GP page links it, through the served
    application (made on the first request, kept while the figures have not moved)."""
    assembly = Assembly(Settings(database_url=url, secret_key=BENCH_SECRET.decode()))
    found = []
    with TestClient(assembly.app()) as client:
        visitor = Visitor(client)
        for query in queries:
            seconds, size = visitor.get(f"/audit/gram-panchayats/{gp}/gram-sabha.pdf?{query}")
            found.append((query, seconds, size))
    assembly.close()
    return found


def _last_quarter(today: date) -> tuple[date, date]:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = start - timedelta(days=1)
    return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last


def print_pdf(result: dict[str, Any]) -> None:
    gp = result["gp"]
    print(f"## Figure 4: Gram Sabha PDF, GP {gp.name} ({gp.code}), {gp.villages} villages\n")
    rows = []
    for label, first, last, inside, walls in result["rows"]:
        rows.append(
            [
                f"{label} ({first} to {last})",
                inside.language,
                f"{inside.bytes:,}",
                inside.pages,
                " / ".join(f"{s:.2f}" for s in inside.build_s),
                " / ".join(f"{s:.2f}" for s in inside.render_s),
                " / ".join(
                    f"{b + r:.2f}" for b, r in zip(inside.build_s, inside.render_s, strict=True)
                ),
                " / ".join(f"{w:.2f}" for w, _ in walls),
                f"{walls[-1][1]:,}",
            ]
        )
    print_table(
        [
            "period",
            "language",
            "bytes",
            "pages",
            "build s (1st / 2nd / 3rd)",
            "render s",
            "in process s",
            "command wall s (1st / 2nd)",
            "command bytes",
        ],
        rows,
    )
    print("Through the served application (the GP page's link), in a fresh process:\n")
    print_table(
        ["request", "seconds", "bytes"],
        [
            [f"/audit/gram-panchayats/{gp.code}/gram-sabha.pdf?{query}", f"{s:.2f}", f"{b:,}"]
            for query, s, b in result["web"]
        ],
    )


# -- figure 2: filing with the statistics kept -------------------------------------------------

FILING_SHAPE = DirectoryShape(  # bench_filing.py's directory
    600, gps_per_block=10, blocks_per_district=4, orphan_every=50, je_gap_every=5
)


@dataclass(frozen=True)
class Folded:
    seconds: float
    events: int
    cpu_seconds: float
    passes: int = 1


def run_fold(url: str) -> Folded:
    """Runs in a child process: one `update_stats`, as the worker's pass calls it."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    cpu, started = time.process_time(), time.perf_counter()
    stats = update_stats(sessions)
    seconds = time.perf_counter() - started
    engine.dispose()
    return Folded(seconds, stats.events, time.process_time() - cpu)


def _updater_loop(url: str, interval: float, stop: Any, out: Any) -> None:
    """A worker's statistics pass every `interval` seconds until `stop`, then one more."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    passes, events, busy = 0, 0, 0.0
    cpu = time.process_time()
    while True:
        stopping = stop.wait(interval)
        started = time.perf_counter()
        report: StatsReport = update_stats(sessions)
        busy += time.perf_counter() - started
        passes, events = passes + 1, events + report.events
        if stopping:
            break
    engine.dispose()
    out.put(Folded(busy, events, time.process_time() - cpu, passes))


@dataclass(frozen=True)
class FilingRun:
    mode: str
    filings: int
    seconds: float
    events: int
    p50_ms: float
    fold: Folded


def measure_filing(
    url: str, filings: int, repeat: int, interval: float, seed: int
) -> list[FilingRun]:
    create_fresh_database(url, replace=True)
    engine = migrated_engine(url)
    load_directory(engine, ContactVault(BENCH_SECRET), FILING_SHAPE)
    engine.dispose()
    workload = Workload(filings, 0.25, seed)
    clone_name = f"{database_name(url)}_run"
    runs = []
    context = multiprocessing.get_context("spawn")
    for _ in range(repeat):
        clone = clone_database(url, clone_name)
        filed = run_isolated(run_filings, clone, FILING_SHAPE, workload, 1, None)
        fold = run_isolated(run_fold, clone)
        runs.append(_filing_run("filing, then one fold", filed, fold))
        drop_database(clone)

        clone = clone_database(url, clone_name)
        stop, out = context.Event(), context.Queue()
        updater = context.Process(target=_updater_loop, args=(clone, interval, stop, out))
        updater.start()
        filed = run_isolated(run_filings, clone, FILING_SHAPE, workload, 1, None)
        stop.set()
        fold = out.get()
        updater.join()
        runs.append(_filing_run(f"filing, updater every {interval:g} s", filed, fold))
        drop_database(clone)
    return runs


def _filing_run(mode: str, filed: Any, fold: Folded) -> FilingRun:
    return FilingRun(
        mode, len(filed.ok), filed.seconds, filed.chain.events, filed.latency_ms(50), fold
    )


def print_filing(runs: list[FilingRun]) -> None:
    print("## Figure 2: filing with the statistics kept\n")
    rows = []
    for run in runs:
        rows.append(
            [
                run.mode,
                run.filings,
                f"{run.seconds:.1f}",
                f"{run.filings / run.seconds:.1f}",
                f"{run.p50_ms:.1f}",
                f"{run.events:,}",
                run.fold.passes,
                f"{run.fold.events:,}",
                f"{run.fold.seconds:.2f}",
                f"{run.fold.cpu_seconds:.2f}",
                f"{run.fold.seconds / run.seconds:.1%}",
                f"{run.fold.events / run.fold.seconds:,.0f}" if run.fold.seconds else "-",
            ]
        )
    print_table(
        [
            "run",
            "filings",
            "filing s",
            "tickets/s",
            "p50 ms",
            "events written",
            "fold passes",
            "events folded",
            "fold s",
            "fold CPU s",
            "fold / filing",
            "fold events/s",
        ],
        rows,
    )


# -- main --------------------------------------------------------------------------------------


def _print_generated(out: Generated, stamp: Stamp) -> None:
    print("## The data\n")
    print(
        f"{out.tickets:,} tickets in {out.incidents:,} incidents ({out.joined:,} joined one "
        f"already open), {out.reporters:,} households, {out.water_tests:,} water tests, "
        f"{out.events:,} audit events; {out.open_at_end:,} incidents open at "
        f"{stamp.now:%Y-%m-%d %H:%M} UTC\n"
    )
    print_table(["action", "events"], [[k, f"{v:,}"] for k, v in out.actions.most_common()])
    print_table(["step", "seconds"], [[k, f"{v:.1f}"] for k, v in out.seconds.items()])


def _database_size(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return str(
                connection.execute(
                    text("SELECT pg_size_pretty(pg_database_size(current_database()))")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _schema_drift(url: str) -> list[str]:
    """How the (migrated) database differs from the models: a migration edited in place
    leaves its database behind without a revision to apply."""
    engine = migrated_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            return [str(change) for change in compare_metadata(context, Base.metadata)]
    finally:
        engine.dispose()


PARTS = ("rebuild", "pages", "pdf", "filing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--filing-database-url", default=DEFAULT_FILING_URL)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the LGD CSVs")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if it holds the same data"
    )
    parser.add_argument("--replace", action="store_true", help="drop a database not made here")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--requests", type=int, default=20, help="warm requests per page")
    parser.add_argument("--long-requests", type=int, default=5, help="same, longer periods")
    parser.add_argument("--filings", type=int, default=3000)
    parser.add_argument("--filing-repeat", type=int, default=1)
    parser.add_argument(
        "--updater-interval", type=float, default=5.0, help="the worker's default is 60 s"
    )
    parser.add_argument("--pdf-dir", type=Path, default=Path("/tmp/bench_audit"))
    parser.add_argument("--profile-rebuild", metavar="PSTATS")
    args = parser.parse_args()
    url = args.database_url

    print(f"Command: `{command_line()}`\n")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    exists, comment = database_comment(url)
    stamp = Stamp.parse(comment)
    wanted = (args.tickets, args.days, args.seed)
    same = stamp is not None and (stamp.tickets, stamp.days, stamp.seed) == wanted
    drift = _schema_drift(url) if args.reuse and same else []
    if drift:
        print(f"{database_name(url)} differs from the models ({len(drift)}): generating again\n")
    if args.reuse and same and not drift and stamp is not None:
        print(f"Reusing {database_name(url)}: {comment}\n")
    else:
        ours = comment is not None and comment.startswith(MARK)
        if exists and not ours and not args.replace:
            raise SystemExit(
                f"database {database_name(url)} exists and was not made by this benchmark: "
                "name another in --database-url or pass --replace"
            )
        started = time.perf_counter()
        generated, stamp = generate(url, args.data, args.tickets, args.days, args.seed)
        _print_generated(generated, stamp)
        print(f"Generated in {time.perf_counter() - started:.0f} s\n")
    engine = migrated_engine(url)  # newer migrations, if any, before measuring
    print(f"Server: {server_settings(engine)}; database {_database_size(url)}\n")
    engine.dispose()

    targets: list[list[object]] = []
    if "rebuild" in args.parts:
        result = run_isolated(run_rebuild, url, args.profile_rebuild)
        print_rebuild(result, stamp.tickets)
        targets.append(
            _met("rebuild-stats", "< 60 s", f"{result.seconds:.0f} s", result.seconds < 60)
        )
        engine = make_engine(url)  # what autovacuum does soon after (dead rows of the refill)
        print(f"VACUUM (ANALYZE) after the rebuild: {vacuum_analyze(engine):.0f} s\n")
        engine.dispose()
    else:
        mark, last = stats_behind(url)
        if mark < last:
            started = time.perf_counter()
            folded = update_stats(make_sessionmaker(make_engine(url)))
            print(
                f"Statistics were behind: {folded.events:,} events folded in "
                f"{time.perf_counter() - started:.0f} s first\n"
            )
    if "pages" in args.parts:
        pages = measure_pages(url, args.requests, args.long_requests, args.seed)
        print_pages(pages)
        targets += _page_targets(pages)
    if "pdf" in args.parts:
        pdf = measure_pdf(url, args.pdf_dir)
        print_pdf(pdf)
        inside = max(row[3].build_s[0] + row[3].render_s[0] for row in pdf["rows"])
        command = max(wall for row in pdf["rows"] for wall, _ in row[4])
        targets.append(
            _met("Gram Sabha PDF, in a fresh process", "< 3 s", f"{inside:.2f} s", inside < 3)
        )
        targets.append(
            _met("Gram Sabha PDF, the whole command", "< 3 s", f"{command:.2f} s", command < 3)
        )
    if "filing" in args.parts:
        runs = measure_filing(
            args.filing_database_url,
            args.filings,
            args.filing_repeat,
            args.updater_interval,
            args.seed,
        )
        print_filing(runs)
        share = max(run.fold.seconds / run.seconds for run in runs if run.fold.passes == 1)
        targets.append(
            _met(
                "statistics' cost to filing (fold / filing time)",
                "≤ 10 %",
                f"{share:.1%}",
                share <= 0.10,
            )
        )
    if targets:
        print("## Targets\n")
        print_table(["what", "target", "measured (worst)", "met"], targets)


def _met(what: str, target: str, measured: str, met: bool) -> list[object]:
    return [what, target, measured, "yes" if met else "**no**"]


def _page_targets(pages: dict[str, Any]) -> list[list[object]]:
    rows: list[PageRow] = [*pages["named"], *pages["long"]]
    cold = {row.page: percentile(row.seconds, 95) * 1000 for row in pages["cold"]}
    for row in rows:  # the first request of each unit and period measured one by one
        cold[row.page] = max(cold.get(row.page, 0.0), row.first_ms)
    warm = max(percentile(row.warm, 95) * 1000 for row in [*rows, *pages["search"]])
    size = max(
        [r.largest_bytes for r in pages["cold"]] + [max(r.bytes_en, r.bytes_local) for r in rows]
    )
    worst = max(cold.values())
    described = ", ".join(f"{page} {ms:.0f}" for page, ms in cold.items())
    return [
        _met(
            "/audit pages, cold p95 (and the largest units' first request), ms",
            "< 100 ms",
            described,
            worst < PAGE_TARGET_MS,
        ),
        _met("/audit pages, warm p95", "< 100 ms", f"{warm:.1f} ms", warm < PAGE_TARGET_MS),
        _met("/audit page size", "≤ 30 KB", f"{size:,} bytes", size <= PAGE_LIMIT_BYTES),
    ]


if __name__ == "__main__":
    main()
