"""The social audit as open data: an anonymised incident list, the daily village figures and a
Frictionless Data Package descriptor (https://specs.frictionlessdata.io/data-package/), written
with the standard library's csv and json only.

What is published, and what never is
------------------------------------
* `incidents.csv`: one row per incident opened in the period. The incident's own number (the
  one staff notices carry) is its only identifier; a household's 10-digit reference, phone,
  words, the staff's notes and the body named in a rejection (free text) are never written.
  Places are LGD codes (a village in several gram panchayats counts in the lowest-coded one,
  with that link's block, as `rollup.py` does); the day is the day in India it was opened, never
  a time. Status, closure and the highest level reached are as the audit log says when the file
  is written. The number of households reads "<5" below 5. Illness from water is in neither
  file (`disclosure.UNPUBLISHED_CATEGORIES`: not yet protected across linked tables). The
  row's details come from the audit log (`audit_events`) and `social_audit_incident_facts`
  only, as the statistics do, never from the live tables.
* `village_daily.csv`: per village, day and category, the counts of `DailyFigures` listed in
  `DAILY_MEASURES`. Left out on purpose: `joined` (it is `complaints - opened` on every row, so
  publishing all three would let one pin a hidden one), `resolved_on_time` (at most `resolved`:
  a hidden one next to a published `resolved` of 5 would be pinned), `resolution_seconds` (a
  sum of durations, not a count: the incident list gives the days) and the rejections by body
  (free text). Escalations are one count over all levels.

Suppression choice
------------------
Per village and per measure the period is one two-way table, days by categories, protected
with `disclosure.protect_table` *as though its margins were published*: each day's total over
the categories, each category's total over the period and the village's total. We do not write
those totals here, but the public pages publish a village's totals per category and period, so
a reader may know them; protecting against them means no total, here or there, adds up to a
hidden cell. Cells of 1 to 4 read "<5"; cells hidden to protect another read "hidden" (a reader
knows they are at least 5, and the protection accounts for that); a table that cannot be
protected reads "withheld" throughout. A (village, day, category) with no row has only zeros.

Most cells of a small village are suppressed. That is the honest outcome of publishing a
village's days one by one; the monthly and yearly figures on the pages say more.

Not defended against (as in `disclosure.py`): tables of other periods published elsewhere
(linked tables), and the incident list itself, which shows each published incident, so the
daily `opened` and status counts of a village can be re-counted from it: incidents are outages
of a public supply, not households, and the household counts are what the threshold protects.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grievance.audit.models import AuditEvent
from grievance.lgd.models import Village
from grievance.social_audit.disclosure import (
    THRESHOLD,
    UNPUBLISHED_CATEGORIES,
    Kind,
    Shown,
    protect_table,
    shown_count,
)
from grievance.social_audit.fold import IST, day_of
from grievance.social_audit.models import DailyFigures, IncidentFacts, UnitDailyFigures
from grievance.social_audit.places import from_directory
from grievance.types import LADDER, UnitType

INCIDENTS_FILE = "incidents.csv"
VILLAGE_DAILY_FILE = "village_daily.csv"
DESCRIPTOR_FILE = "datapackage.json"

# How a figure that is not shown is written. Declared as the schemas' missingValues.
MARKERS: Mapping[Kind, str] = {
    Kind.FEWER_THAN_5: "<5",
    Kind.PROTECTING: "hidden",
    Kind.WITHHELD: "withheld",
}
MISSING_VALUES = ("", *MARKERS.values())

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}

# The published columns of village_daily.csv: (column, DailyFigures columns summed, meaning).
DAILY_MEASURES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("complaints", ("complaints",), "households' complaints filed"),
    ("opened", ("opened",), "incidents opened"),
    ("acknowledged", ("acknowledged",), "incidents acknowledged"),
    ("started", ("started",), "incidents moved to in progress"),
    ("resolved", ("resolved",), "incidents marked fixed by staff"),
    ("closed_confirmed", ("closed_confirmed",), "incidents closed on a household's word"),
    ("closed_unconfirmed", ("closed_unconfirmed",), "incidents closed, nobody having answered"),
    ("reopened", ("reopened",), "incidents reopened"),
    ("rejected", ("rejected",), "incidents rejected as another body's responsibility"),
    (
        "escalated",
        (
            "escalated_to_je",
            "escalated_to_ae",
            "escalated_to_ee",
            "escalated_to_dwsm",
            "escalated_to_state_admin",
        ),
        "escalations to a higher level, all levels together",
    ),
    ("overdue_at_top", ("overdue_at_top",), "deadlines passed with no level left above"),
)

_IN_CHUNK = 900
_INCIDENT_ACTIONS = (
    "incident.opened",
    "incident.escalated",
    "incident.assigned",
    "incident.resolved",
    "incident.reopened",
    "incident.closed",
    "ticket.filed",
)


@dataclass(frozen=True)
class Places:
    """A village's LGD codes up the tree; None where the directory has no link."""

    gp: int | None
    block: int | None
    subdistrict: int | None
    district: int | None
    state: int | None


@dataclass(frozen=True)
class Written:
    """What `write_open_data` wrote."""

    incidents: int
    village_daily: int
    first_day: date
    last_day: date


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in India, as an aware datetime."""
    return datetime.combine(day, time(), IST)


def first_figures_day(session: Session) -> date | None:
    """The first day with any daily figure (the default start of an export): read from the
    states' rows, a few per day, rather than every village's."""
    return session.scalar(
        select(func.min(UnitDailyFigures.day)).where(
            UnitDailyFigures.unit_type == UnitType.STATE.value
        )
    ) or session.scalar(select(func.min(DailyFigures.day)))


def shown_text(shown: Shown) -> str:
    """A figure as written to a CSV cell: its count, or the marker of why it is not shown."""
    if shown.count is not None:
        return str(shown.count)
    return MARKERS[shown.kind]


def places(session: Session, villages: Iterable[int]) -> dict[int, Places]:
    """Each village's GP (the lowest-coded), block, sub-district, district and state codes."""
    codes = sorted(set(villages))
    found: dict[int, Places] = {}
    for chunk in _chunks(codes):
        rows = session.execute(from_directory().where(Village.code.in_(chunk)))
        for code, gp, block, subdistrict, district, state in rows:
            found[code] = Places(gp, block, subdistrict, district, state)
    return found


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


# --- incidents.csv ---------------------------------------------------------------------------

INCIDENT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("incident", "integer", "The incident's number (never a household's reference)."),
    ("village_code", "integer", "LGD code of the village."),
    ("gp_code", "integer", "LGD code of the gram panchayat (the lowest-coded of several)."),
    ("block_code", "integer", "LGD code of the block of that gram panchayat."),
    ("subdistrict_code", "integer", "LGD code of the sub-district."),
    ("district_code", "integer", "LGD code of the district."),
    ("state_code", "integer", "LGD code of the state."),
    ("category", "string", "What the problem is."),
    ("opened_on", "date", "The day in India (IST) the incident was opened."),
    ("status", "string", "Its status when the file was written."),
    ("highest_level", "string", "The highest level of the escalation ladder that held it."),
    ("closure", "string", "How it was closed: confirmed by a household, or unconfirmed."),
    ("households", "integer", 'Households that reported it; "<5" for 1 to 4.'),
    (
        "days_to_resolution",
        "integer",
        "Whole days from opening to its last resolution, while resolved or closed.",
    ),
    (
        "days_open",
        "integer",
        "Whole days from opening to closure or rejection, or to when the file was written.",
    ),
)


@dataclass
class _History:
    highest: int = 0  # index in LADDER
    households: int = 1
    resolved_at: datetime | None = None
    closure: str = ""


def _histories(session: Session, ids: Sequence[int]) -> dict[int, _History]:
    found: dict[int, _History] = {}
    for chunk in _chunks([str(i) for i in ids]):
        events = session.execute(
            select(
                AuditEvent.entity_id, AuditEvent.action, AuditEvent.occurred_at, AuditEvent.payload
            )
            .where(
                AuditEvent.entity_type == "incident",
                AuditEvent.entity_id.in_(chunk),
                AuditEvent.action.in_(_INCIDENT_ACTIONS),
            )
            .order_by(AuditEvent.seq)
        )
        for entity_id, action, occurred_at, payload in events:
            history = found.setdefault(int(entity_id), _History())
            level = {
                "incident.opened": "level",
                "incident.escalated": "to_level",
                "incident.assigned": "level",
            }.get(action)
            if level is not None and payload.get(level) in LADDER:
                history.highest = max(history.highest, LADDER.index(payload[level]))
            elif action == "ticket.filed":
                history.households = max(history.households, int(payload.get("households", 1)))
            elif action == "incident.resolved":
                history.resolved_at = occurred_at
            elif action == "incident.closed":
                history.closure = str(payload.get("closure") or "")
    return found


def _whole_days(start: datetime, end: datetime) -> int:
    return max(0, (end - start) // timedelta(days=1))


def incident_rows(
    session: Session, first_day: date, last_day: date, generated_at: datetime
) -> list[dict[str, str]]:
    """The anonymised incident list: incidents opened from `first_day` to `last_day`."""
    facts = session.scalars(
        select(IncidentFacts)
        .where(
            IncidentFacts.opened_at >= start_of_day(first_day),
            IncidentFacts.opened_at < start_of_day(last_day + timedelta(days=1)),
        )
        .order_by(IncidentFacts.incident_id)
    ).all()
    facts = [f for f in facts if f.category not in UNPUBLISHED_CATEGORIES]
    where = places(session, (f.village_code for f in facts))
    histories = _histories(session, [f.incident_id for f in facts])
    rows: list[dict[str, str]] = []
    for fact in facts:
        place = where.get(fact.village_code, Places(None, None, None, None, None))
        history = histories.get(fact.incident_id, _History())
        highest = LADDER[history.highest].value
        resolved = fact.status in ("resolved", "closed") and history.resolved_at is not None
        rows.append(
            {
                "incident": str(fact.incident_id),
                "village_code": str(fact.village_code),
                "gp_code": _text(place.gp),
                "block_code": _text(place.block),
                "subdistrict_code": _text(place.subdistrict),
                "district_code": _text(place.district),
                "state_code": _text(place.state),
                "category": fact.category,
                "opened_on": day_of(fact.opened_at).isoformat(),
                "status": fact.status,
                "highest_level": max(highest, fact.level, key=_rung),
                "closure": history.closure if fact.status == "closed" else "",
                "households": shown_text(shown_count(history.households)),
                "days_to_resolution": (
                    str(_whole_days(fact.opened_at, history.resolved_at))
                    if resolved and history.resolved_at is not None
                    else ""
                ),
                "days_open": str(_whole_days(fact.opened_at, fact.finished_at or generated_at)),
            }
        )
    return rows


def _rung(level: str) -> int:
    return LADDER.index(level) if level in LADDER else -1


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


# --- village_daily.csv -----------------------------------------------------------------------

DAILY_KEYS: tuple[tuple[str, str, str], ...] = (
    ("village_code", "integer", "LGD code of the village."),
    ("day", "date", "The day in India (IST)."),
    ("category", "string", "What the complaints were about."),
)


def village_daily_rows(session: Session, first_day: date, last_day: date) -> list[dict[str, str]]:
    """The daily figures of every village in the period, each measure protected per village."""
    figures = session.scalars(
        select(DailyFigures)
        .where(DailyFigures.day >= first_day, DailyFigures.day <= last_day)
        .order_by(DailyFigures.village_code, DailyFigures.day, DailyFigures.category)
    ).all()
    by_village: dict[int, list[DailyFigures]] = defaultdict(list)
    for row in figures:
        if row.category not in UNPUBLISHED_CATEGORIES:
            by_village[row.village_code].append(row)
    rows: list[dict[str, str]] = []
    for village, found in by_village.items():
        keys = [(row.day, row.category) for row in found]
        published: dict[str, dict[tuple[date, str], Shown]] = {}
        for measure, columns, _ in DAILY_MEASURES:
            counts = {
                (row.day, row.category): sum(int(getattr(row, c)) for c in columns) for row in found
            }
            published[measure] = dict(protect_table(counts).cells)
        for day, category in keys:
            row_out = {
                "village_code": str(village),
                "day": day.isoformat(),
                "category": category,
            }
            for measure, _, _ in DAILY_MEASURES:
                row_out[measure] = shown_text(published[measure][(day, category)])
            rows.append(row_out)
    return rows


# --- the package -----------------------------------------------------------------------------

SUPPRESSION_RULE = (
    f'Counts from 1 to {THRESHOLD - 1} are written as "<5". In village_daily.csv each '
    "village's measure over the period is protected as a table of days by categories whose "
    "daily, per-category and overall totals a reader may know: further cells are written as "
    '"hidden" (each such cell is at least 5) so that no hidden cell can be worked out from '
    'totals; a table that cannot be protected is written as "withheld". Health complaints are '
    "shown at village level only for villages with 5 or more in the period; elsewhere their "
    "rows are left out. A village, day and category without a row had no events."
)


def _field(name: str, kind: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "description": description, **extra}


def _schema(fields: Sequence[tuple[str, str, str]], primary_key: str | list[str]) -> dict[str, Any]:
    return {
        "fields": [
            _field(name, kind, description, **({"format": "default"} if kind == "date" else {}))
            for name, kind, description in fields
        ],
        "missingValues": list(MISSING_VALUES),
        "primaryKey": primary_key,
    }


def _resource(
    name: str, path: str, title: str, description: str, schema: dict[str, Any]
) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": name,
        "path": path,
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
        "licenses": [dict(LICENSE)],
        "schema": schema,
    }


def descriptor(first_day: date, last_day: date, generated_at: datetime) -> dict[str, Any]:
    """The Frictionless (tabular) Data Package descriptor of the two files."""
    daily_fields = [
        *DAILY_KEYS,
        *(
            (
                measure,
                "integer",
                f'{meaning.capitalize()}; "<5", "hidden" or "withheld" if not shown.',
            )
            for measure, _, meaning in DAILY_MEASURES
        ),
    ]
    return {
        "profile": "tabular-data-package",
        "name": "jalsamvad-social-audit",
        "title": "JalSamvad social audit: rural drinking-water complaints",
        "description": (
            "Anonymised incidents and daily village figures of drinking-water complaints, "
            f"{first_day.isoformat()} to {last_day.isoformat()} (days in India, IST).\n\n"
            + SUPPRESSION_RULE
        ),
        "created": generated_at.isoformat(timespec="seconds"),
        "licenses": [dict(LICENSE)],
        "keywords": ["drinking water", "grievances", "social audit", "India", "LGD"],
        "temporalCoverage": {"start": first_day.isoformat(), "end": last_day.isoformat()},
        "suppression": {
            "threshold": THRESHOLD,
            "markers": {kind.value: text for kind, text in MARKERS.items()},
            "rule": SUPPRESSION_RULE,
        },
        "resources": [
            _resource(
                "incidents",
                INCIDENTS_FILE,
                "Incidents",
                "One row per incident opened in the period (illness from water is not yet "
                "published), as the audit log stood when written.",
                _schema(INCIDENT_FIELDS, "incident"),
            ),
            _resource(
                "village-daily",
                VILLAGE_DAILY_FILE,
                "Daily figures per village and category",
                "Counts per village, day (IST) and category, with the suppression rule "
                "applied per village over the period.",
                _schema(daily_fields, ["village_code", "day", "category"]),
            ),
        ],
    }


def csv_bytes(fields: Sequence[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(fields))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Package:
    """The three files of the Data Package, by file name, and what they hold."""

    files: dict[str, bytes]
    written: Written


def package(session: Session, first_day: date, last_day: date, generated_at: datetime) -> Package:
    """The two CSV files and `datapackage.json` for the period, in memory."""
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day})")
    incidents = incident_rows(session, first_day, last_day, generated_at)
    daily = village_daily_rows(session, first_day, last_day)
    daily_names = [name for name, _, _ in DAILY_KEYS] + [m for m, _, _ in DAILY_MEASURES]
    described = descriptor(first_day, last_day, generated_at)
    return Package(
        files={
            INCIDENTS_FILE: csv_bytes([name for name, _, _ in INCIDENT_FIELDS], incidents),
            VILLAGE_DAILY_FILE: csv_bytes(daily_names, daily),
            DESCRIPTOR_FILE: (json.dumps(described, indent=2, ensure_ascii=False) + "\n").encode(),
        },
        written=Written(len(incidents), len(daily), first_day, last_day),
    )


def write_open_data(
    session: Session, out: Path, first_day: date, last_day: date, generated_at: datetime
) -> Written:
    """Write the two CSV files and `datapackage.json` into `out` (created if need be)."""
    made = package(session, first_day, last_day, generated_at)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in made.files.items():
        (out / name).write_bytes(content)
    return made.written
