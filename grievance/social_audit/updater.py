"""Keep the statistics up to date: fold the audit events after the watermark, in batches.

Each batch is one transaction: claim the watermark row FOR UPDATE (so two workers never fold
the same events), read the next events after it, fold them (`fold.py`), add the deltas with
upserts, store the incident facts that changed, advance the watermark. A crash rolls the
whole batch back; the next pass starts from the same watermark.

Reading `seq > watermark` never skips an event: seq is assigned under the chain head's row
lock, held until the appending transaction commits, so a later-committing event always has a
higher seq than every committed one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.social_audit.fold import Deltas, Event, Facts, fold
from grievance.social_audit.models import (
    DailyFigures,
    HouseholdDays,
    IncidentFacts,
    RejectionFigures,
    StatsWatermark,
    UnitDailyFigures,
    VillagePlaces,
    WaterFigures,
    WaterParameterFigures,
)
from grievance.social_audit.places import places_of
from grievance.upsert import InsertIfAbsent, table_of, upsert

BATCH_EVENTS = 5000
WATERMARK_ID = 1
_IN_CHUNK = 900  # ids per IN (…): far below every database's parameter limit

_watermark = table_of(StatsWatermark)
_facts = table_of(IncidentFacts)
_daily = table_of(DailyFigures)
_rejections = table_of(RejectionFigures)
_water = table_of(WaterFigures)
_parameters = table_of(WaterParameterFigures)
_households = table_of(HouseholdDays)
_unit_daily = table_of(UnitDailyFigures)
_new_watermark = InsertIfAbsent(_watermark, ["id"], _watermark.c.id)
# The counter tables, each with its key: emptied by a rebuild, compared by the tests.
COUNTER_TABLES: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (_daily, ("village_code", "day", "category")),
    (_unit_daily, ("unit_type", "unit_code", "day", "category")),
    (_rejections, ("village_code", "day", "category", "responsible_body")),
    (_water, ("village_code", "day")),
    (_parameters, ("village_code", "day", "parameter")),
)
STATS_TABLES: tuple[Table, ...] = (
    *(table for table, _ in COUNTER_TABLES),
    _households,
    _facts,
    table_of(VillagePlaces),
)


@dataclass
class StatsReport:
    events: int = 0
    last_seq: int = 0
    unknown: Counter[str] = field(default_factory=Counter)  # actions the fold does not know
    missing: int = 0  # events of incidents never opened in the log

    def add(self, deltas: Deltas, events: int) -> None:
        self.events += events
        self.last_seq = deltas.last_seq or self.last_seq
        self.unknown.update(deltas.unknown)
        self.missing += deltas.missing


def update_stats(sessions: sessionmaker[Session], batch_size: int = BATCH_EVENTS) -> StatsReport:
    """Fold every event after the watermark, one transaction per batch of `batch_size`."""
    report = StatsReport()
    while True:
        with unit_of_work(sessions) as session:
            watermark = claim_watermark(session)
            report.last_seq = watermark
            done = fold_after(session, watermark, batch_size, report)
        if done < batch_size:
            return report


def claim_watermark(session: Session) -> int:
    """Lock the watermark row (created at 0 on first use) and return its seq."""
    _new_watermark(session, {"id": WATERMARK_ID, "seq": 0})
    return int(
        session.execute(
            select(_watermark.c.seq).where(_watermark.c.id == WATERMARK_ID).with_for_update()
        ).scalar_one()
    )


def fold_after(session: Session, watermark: int, limit: int, report: StatsReport) -> int:
    """Fold up to `limit` events after `watermark` into the tables and move the watermark on,
    in the caller's transaction (which holds the watermark lock). How many were folded."""
    events = _events_after(session, watermark, limit)
    if not events:
        return 0
    facts = _load_facts(session, {int(e.entity_id) for e in events if e.entity_type == "incident"})
    deltas = fold(events, facts)
    _write(session, deltas, facts)
    session.execute(
        update(_watermark).where(_watermark.c.id == WATERMARK_ID).values(seq=deltas.last_seq)
    )
    report.add(deltas, len(events))
    return len(events)


def _events_after(session: Session, watermark: int, limit: int) -> list[Event]:
    rows = session.execute(
        select(
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.payload,
        )
        .where(AuditEvent.seq > watermark)
        .order_by(AuditEvent.seq)
        .limit(limit)
    )
    return [Event(*row) for row in rows]


def _load_facts(session: Session, ids: Iterable[int]) -> dict[int, Facts]:
    wanted = sorted(ids)
    found: dict[int, Facts] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for row in session.execute(select(_facts).where(_facts.c.incident_id.in_(chunk))):
            found[row.incident_id] = Facts(**row._asdict())
    return found


def _write(session: Session, deltas: Deltas, facts: dict[int, Facts]) -> None:
    daily, unit_daily, rejections, water, parameters = (table for table, _ in COUNTER_TABLES)
    _add_counts(session, daily, _rows(daily, deltas.daily.items()))
    _add_counts(session, unit_daily, _rows(unit_daily, _by_unit(session, deltas).items()))
    _add_counts(
        session,
        rejections,
        [
            {"village_code": v, "day": d, "category": c, "responsible_body": b, "rejected": n}
            for (v, d, c, b), n in sorted(deltas.rejections.items())
        ],
    )
    _add_counts(session, water, _rows(water, deltas.water.items()))
    _add_counts(session, parameters, _rows(parameters, deltas.parameters.items()))
    names = [c.name for c in _households.columns]
    households = [dict(zip(names, key, strict=True)) for key in sorted(deltas.households)]
    upsert(session, _households, households, key=names)  # rows that are all key: skip if there
    changed = [facts[i].as_row() for i in sorted(deltas.changed)]
    _upsert(session, _facts, ("incident_id",), changed, add=False)


def _by_unit(session: Session, deltas: Deltas) -> dict[tuple[Any, ...], Counter[str]]:
    """The villages' daily deltas summed into each unit they count in (`places.py`). Every
    village the deltas name is placed, so its water tests count in its units too."""
    villages = {
        key[0] for table in (deltas.daily, deltas.water, deltas.parameters) for key in table
    }
    villages |= {key[0] for key in deltas.rejections} | {key[0] for key in deltas.households}
    places = places_of(session, villages)
    units: dict[tuple[Any, ...], Counter[str]] = {}
    for (village, day, category), counts in deltas.daily.items():
        for unit, code in places.get(village, {}).items():
            units.setdefault((unit.value, code, day, category), Counter()).update(counts)
    return units


Keyed = Iterable[tuple[tuple[Any, ...], Counter[str]]]


def _rows(table: Table, items: Keyed) -> list[dict[str, Any]]:
    """One row per key: the key columns, then every counter column (0 where nothing moved)."""
    key = next(k for t, k in COUNTER_TABLES if t is table)
    columns = [c.name for c in table.columns if c.name not in key]
    rows = []
    for values, counts in sorted(items):
        unknown = set(counts) - set(columns)
        assert not unknown, f"no column {unknown} in {table.name}"
        rows.append({**dict(zip(key, values, strict=True)), **{c: counts[c] for c in columns}})
    return rows


def _add_counts(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    key = next(k for t, k in COUNTER_TABLES if t is table)
    _upsert(session, table, key, rows, add=True)


def _upsert(
    session: Session, table: Table, key: Sequence[str], rows: Sequence[dict[str, Any]], *, add: bool
) -> None:
    """Insert rows; where the key exists, add the counters to it (`add`) or replace the row."""
    if not rows:
        return
    values = [name for name in rows[0] if name not in key]
    upsert(session, table, rows, key=key, add=values if add else (), update=() if add else values)
