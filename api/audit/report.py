"""What a unit's page shows for a period: the rollup's figures, every count through the
disclosure rules (`grievance.social_audit.disclosure`), never a raw count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import units
from api.audit.period import Period
from api.audit.ranking import ChildRow, Ranking, child_rows, rank
from api.audit.units import Unit
from grievance.social_audit import rollup
from grievance.social_audit.disclosure import (
    ILLNESS,
    ILLNESS_LEVELS,
    Percentage,
    ProtectedTable,
    Shown,
    percentage,
    protect_table,
    shown_count,
)
from grievance.social_audit.disclosure import UNPUBLISHED_CATEGORIES as UNPUBLISHED
from grievance.social_audit.fold import IST
from grievance.social_audit.models import IncidentFacts, WaterFigures
from grievance.tickets.models import Incident
from grievance.types import LADDER, UnitType

KEY_COLUMNS = ("complaints", "opened", "resolved")
ESCALATION_COLUMNS = tuple((level.value, f"escalated_to_{level.value}") for level in LADDER[1:])
MAX_INCIDENTS = 25  # a village's page lists the latest ones (it stays under 30 KB)
MAX_TEST_DAYS = 25  # and the latest days with water tests


@dataclass(frozen=True)
class IncidentLine:
    number: int
    category: str
    filed: date
    days_open: int
    status: str
    closure: str | None
    level: str
    households: Shown


@dataclass(frozen=True)
class Report:
    empty: bool  # no complaint and nothing opened in the period
    headline: dict[str, Shown]
    households: Shown  # different households that complained (one with two complaints: 1)
    on_time_share: Percentage | None
    on_time: ProtectedTable[str, str]
    escalations: list[tuple[str, Shown]]
    rejected_by_body: list[tuple[str, Shown]]
    by_category: ProtectedTable[str, str]
    by_month: ProtectedTable[date, str]
    backlog_day: date
    backlog: ProtectedTable[str, str]
    water: dict[str, Shown]
    by_parameter: ProtectedTable[str, str] | None
    children: ProtectedTable[Unit, str] | None
    # Illness from water, shown only for districts and states: this unit's figure, and on a
    # state's page its districts' (protected together with the state's total).
    illness: Shown | None
    illness_by_district: ProtectedTable[Unit, str] | None
    child_rows: list[ChildRow]
    ranking: Ranking | None
    incidents: list[IncidentLine] = field(default_factory=list)
    earlier: list[Shown] = field(default_factory=list)  # how many more the list leaves out
    tests_by_day: list[tuple[date, Shown, Shown]] = field(default_factory=list)
    earlier_test_days: list[Shown] = field(default_factory=list)  # days the list leaves out


def build(
    session: Session, unit: Unit, children: list[Unit], period: Period, now: datetime
) -> Report:
    first, last = period.first, period.last
    # Illness from water is in no public figure yet (see UNPUBLISHED_CATEGORIES).
    totals = rollup.figures(session, unit.kind, unit.code, first, last, exclude=UNPUBLISHED)
    village = unit.kind is UnitType.VILLAGE
    categories = rollup.per_category(
        session, unit.kind, unit.code, first, last, exclude=UNPUBLISHED
    )
    daily = totals.daily
    by_category = protect_table(
        {(c, k): figures.get(k, 0) for c, figures in categories.items() for k in KEY_COLUMNS}
        or {("", k): 0 for k in KEY_COLUMNS},
        row_totals=False,
    )
    # The headline counts of the category table are its own totals: one figure, one table.
    headline = {k: by_category.col_totals[k] for k in KEY_COLUMNS}
    for name in ("acknowledged", "closed_confirmed", "closed_unconfirmed", "reopened", "rejected"):
        headline[name] = shown_count(daily[name])
    on_time = protect_table(
        {
            ("on_time", "resolved"): daily["resolved_on_time"],
            ("late", "resolved"): daily["resolved"] - daily["resolved_on_time"],
        },
        row_totals=False,
    )
    on_time_share = percentage(on_time.cell("on_time", "resolved"), headline["resolved"])
    per_day = rollup.per_day(
        session, unit.kind, unit.code, first, last, "complaints", exclude=UNPUBLISHED
    )
    months = {
        (start, "complaints"): sum(n for day, n in per_day.items() if start <= day <= end)
        for start, end in period.spans()
    }
    backlog_counts = rollup.backlog(session, unit.kind, unit.code, last, exclude=UNPUBLISHED)
    backlog = protect_table(
        {(band, "open"): n for band, n in backlog_counts.items()}, row_totals=False
    )
    by_parameter = water_parameters(totals.unsafe_by_parameter)
    child_table, rows, ranking = None, [], None
    if children:
        counts: dict[tuple[Unit, str], int] = {}
        on_time_split: dict[Unit, tuple[int, int]] = {}
        of_children = rollup.daily_of_units(
            session, children[0].kind, [c.code for c in children], first, last, UNPUBLISHED
        )
        for child in children:
            child_daily = of_children[child.code]
            for k in KEY_COLUMNS:
                counts[(child, k)] = child_daily[k]
            in_time = child_daily["resolved_on_time"]
            on_time_split[child] = (in_time, child_daily["resolved"] - in_time)
        child_table = protect_table(counts, row_totals=False)
        rows = child_rows(child_table, on_time_split)
        ranking = rank(rows)
    illness, illness_by_district = _illness(session, unit, period)
    report = Report(
        empty=daily["complaints"] == 0 and daily["opened"] == 0,
        headline=headline,
        households=shown_count(
            rollup.households(session, unit.kind, unit.code, first, last, exclude=UNPUBLISHED)
        ),
        on_time_share=on_time_share,
        on_time=on_time,
        escalations=[(level, shown_count(daily[column])) for level, column in ESCALATION_COLUMNS],
        rejected_by_body=[
            (body, shown_count(n)) for body, n in totals.rejected_by_body.items() if n
        ],
        by_category=by_category,
        by_month=protect_table(months, row_totals=False),
        backlog_day=last,
        backlog=backlog,
        water={name: shown_count(totals.water[name]) for name in ("tests", "unsafe")},
        by_parameter=by_parameter,
        children=child_table,
        child_rows=rows,
        ranking=ranking,
        illness=illness,
        illness_by_district=illness_by_district,
    )
    if village:
        lines = _incidents(session, unit.code, period, now)
        report.incidents.extend(lines[:MAX_INCIDENTS])
        if len(lines) > MAX_INCIDENTS:
            report.earlier.append(shown_count(len(lines) - MAX_INCIDENTS))
        days = _tests_by_day(session, unit.code, period)
        report.tests_by_day.extend(days[:MAX_TEST_DAYS])
        if len(days) > MAX_TEST_DAYS:
            report.earlier_test_days.append(shown_count(len(days) - MAX_TEST_DAYS))
    return report


def _illness(
    session: Session, unit: Unit, period: Period
) -> tuple[Shown | None, ProtectedTable[Unit, str] | None]:
    """Illness from water for a district or state (None elsewhere): the unit's figure, and for
    a state its districts', all cut from one protected table of the state's districts."""
    if unit.kind not in ILLNESS_LEVELS:
        return None, None
    above = units.ancestors(session, unit)
    state = unit if unit.kind is UnitType.STATE else (above[0] if above else None)
    if state is None:
        return None, None  # a district the directory places in no state
    table = _illness_table(session, state, period)
    if state == unit:
        return table.col_totals[ILLNESS], table
    return table.cell(unit, ILLNESS), None


def _illness_table(session: Session, state: Unit, period: Period) -> ProtectedTable[Unit, str]:
    """Illness from water per district of the state, with the state's total: one protected
    table, whichever of its pages shows a figure of it."""
    districts = units.children(session, state)
    counts = rollup.daily_of_units(
        session,
        UnitType.DISTRICT,
        [d.code for d in districts],
        period.first,
        period.last,
        only=ILLNESS,
    )
    cells = {(d, ILLNESS): counts[d.code]["complaints"] for d in districts}
    return protect_table(cells or {(state, ILLNESS): 0}, row_totals=False)


def water_parameters(
    parameters: dict[str, tuple[int, int]],
) -> ProtectedTable[str, str] | None:
    """Readings taken and beyond the limit, per parameter, protected (None: no test at all)."""
    if not parameters:
        return None
    counts = {
        (p, col): value
        for p, (readings, unsafe) in parameters.items()
        for col, value in (("readings", readings), ("unsafe", unsafe))
    }
    return protect_table(counts, row_totals=False, col_totals=False)


def _incidents(session: Session, village: int, period: Period, now: datetime) -> list[IncidentLine]:
    """The village's problems opened in the period: nothing about any household."""
    start = rollup.end_of_day(period.first - timedelta(days=1))
    end = rollup.end_of_day(period.last)
    query = (
        select(IncidentFacts, Incident.closure, Incident.level, Incident.households)
        .join(Incident, Incident.id == IncidentFacts.incident_id)
        .where(
            IncidentFacts.village_code == village,
            IncidentFacts.opened_at >= start,
            IncidentFacts.opened_at < end,
            IncidentFacts.category.not_in(UNPUBLISHED),
        )
        .order_by(IncidentFacts.opened_at.desc(), IncidentFacts.incident_id.desc())
    )
    lines = []
    for facts, closure, level, households in session.execute(query):
        until = facts.finished_at or now
        lines.append(
            IncidentLine(
                number=facts.incident_id,
                category=facts.category,
                filed=facts.opened_at.astimezone(IST).date(),
                days_open=max(0, (until - facts.opened_at).days),
                status=facts.status,
                closure=closure.value if closure is not None else None,
                level=level.value,
                households=shown_count(households),
            )
        )
    return lines


def _tests_by_day(
    session: Session, village: int, period: Period
) -> list[tuple[date, Shown, Shown]]:
    rows = session.execute(
        select(WaterFigures.day, WaterFigures.tests, WaterFigures.unsafe)
        .where(
            WaterFigures.village_code == village,
            WaterFigures.day >= period.first,
            WaterFigures.day <= period.last,
            WaterFigures.tests > 0,
        )
        .order_by(WaterFigures.day.desc())
    )
    return [(day, shown_count(tests), shown_count(unsafe)) for day, tests, unsafe in rows]
