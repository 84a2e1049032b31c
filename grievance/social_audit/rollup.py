"""Sum the statistics over a period for a village, gram panchayat, block, sub-district,
district or state, through the LGD tables.

A village in several gram panchayats counts in the one of lowest code, and in that link's
block (as everywhere else, `grievance.lgd.village_names`), so no village is counted twice.
The open backlog by age is a point-in-time figure: it is worked out here, from the incident
facts, for the end of a given day, rather than stored per day.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from grievance.lgd.models import District, GramPanchayat, SubDistrict, Village, VillagePanchayat
from grievance.social_audit.fold import IST
from grievance.social_audit.models import (
    DailyFigures,
    HouseholdDays,
    IncidentFacts,
    RejectionFigures,
    UnitDailyFigures,
    WaterFigures,
    WaterParameterFigures,
)
from grievance.social_audit.places import UNIT_COLUMNS, villages_of
from grievance.types import UnitType
from grievance.upsert import table_of

# Ages of open incidents: (name, from, to) in days since the incident was opened.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_1_week", 0, 7),
    ("1_to_4_weeks", 7, 28),
    ("4_to_8_weeks", 28, 56),
    ("over_8_weeks", 56, None),
)

_daily = table_of(DailyFigures)
_water = table_of(WaterFigures)
_parameters = table_of(WaterParameterFigures)
_rejections = table_of(RejectionFigures)
_households = table_of(HouseholdDays)
_unit_daily = table_of(UnitDailyFigures)
_IN_CHUNK = 900  # codes per IN (…): far below every database's parameter limit
_UNIT_KEYS = 4  # unit_type, unit_code, day, category
_VILLAGE_KEYS = 3  # village_code, day, category


@dataclass(frozen=True)
class Figures:
    """Sums over a unit and a period. `daily` and `water` are keyed by column name."""

    daily: dict[str, int]
    water: dict[str, int]
    unsafe_by_parameter: dict[str, tuple[int, int]]  # parameter → (readings, unsafe)
    rejected_by_body: dict[str, int]


def villages_in(unit: UnitType, code: int) -> Select[int]:
    """The codes of the villages a unit holds (each village in exactly one GP and block)."""
    if unit is UnitType.VILLAGE:
        return select(Village.code).where(Village.code == code)
    if unit is UnitType.SUBDISTRICT:
        return select(Village.code).where(Village.subdistrict_code == code)
    if unit is UnitType.DISTRICT:
        return (
            select(Village.code)
            .join(SubDistrict, SubDistrict.code == Village.subdistrict_code)
            .where(SubDistrict.district_code == code)
        )
    if unit is UnitType.STATE:
        return (
            select(Village.code)
            .join(SubDistrict, SubDistrict.code == Village.subdistrict_code)
            .join(District, District.code == SubDistrict.district_code)
            .where(District.state_code == code)
        )
    first = (
        select(
            VillagePanchayat.village_code.label("village_code"),
            func.min(VillagePanchayat.gp_code).label("gp_code"),
        )
        .group_by(VillagePanchayat.village_code)
        .subquery()
    )
    if unit is UnitType.GP:
        return select(first.c.village_code).where(first.c.gp_code == code)
    block = func.coalesce(VillagePanchayat.block_code, GramPanchayat.block_code)
    return (
        select(first.c.village_code)
        .join(
            VillagePanchayat,
            (VillagePanchayat.village_code == first.c.village_code)
            & (VillagePanchayat.gp_code == first.c.gp_code),
        )
        .join(GramPanchayat, GramPanchayat.code == first.c.gp_code)
        .where(block == code)
    )


def _summed_villages(unit: UnitType, code: int) -> Select[Any]:
    """The villages whose figures a unit sums: as the fold placed them (`places.py`) for the
    units it keeps figures for, else from the directory."""
    return villages_of(unit, code) if unit in UNIT_COLUMNS else villages_in(unit, code)


def _daily_rows(
    unit: UnitType, code: int, first_day: date, last_day: date, exclude: Collection[str]
) -> tuple[Table, int, list[ColumnElement[bool]]]:
    """Where a unit's daily counters are (its own rows, or its villages'), their number of key
    columns and the conditions that pick the period."""
    if unit in UNIT_COLUMNS:
        table, keys = _unit_daily, _UNIT_KEYS
        where = [table.c.unit_type == unit.value, table.c.unit_code == code]
    else:
        table, keys = _daily, _VILLAGE_KEYS
        where = [table.c.village_code.in_(villages_in(unit, code).scalar_subquery())]
    where += [
        table.c.day >= first_day,
        table.c.day <= last_day,
        _other_than(table.c.category, exclude),
    ]
    return table, keys, where


def figures(
    session: Session,
    unit: UnitType,
    code: int,
    first_day: date,
    last_day: date,
    category: str | None = None,
    exclude: Collection[str] = (),
) -> Figures:
    """Every counted figure of the unit from `first_day` to `last_day`, both included, of one
    `category` or of all but those in `exclude` (the water figures have no category)."""
    villages = _summed_villages(unit, code).scalar_subquery()

    def within(table: Table) -> list[ColumnElement[bool]]:
        return [
            table.c.village_code.in_(villages),
            table.c.day >= first_day,
            table.c.day <= last_day,
        ]

    table, keys, daily_where = _daily_rows(unit, code, first_day, last_day, exclude)
    rejection_where = within(_rejections)
    if category is not None:
        daily_where.append(table.c.category == category)
        rejection_where.append(_rejections.c.category == category)
    rejection_where.append(_other_than(_rejections.c.category, exclude))
    parameters = session.execute(
        select(
            _parameters.c.parameter,
            func.sum(_parameters.c.tests),
            func.sum(_parameters.c.unsafe),
        )
        .where(*within(_parameters))
        .group_by(_parameters.c.parameter)
        .order_by(_parameters.c.parameter)
    )
    rejected = session.execute(
        select(_rejections.c.responsible_body, func.sum(_rejections.c.rejected))
        .where(*rejection_where)
        .group_by(_rejections.c.responsible_body)
        .order_by(_rejections.c.responsible_body)
    )
    return Figures(
        daily=_sums(session, table, daily_where, keys),
        water=_sums(session, _water, within(_water), 2),
        unsafe_by_parameter={p: (int(t), int(u)) for p, t, u in parameters},
        rejected_by_body={body: int(n) for body, n in rejected},
    )


def daily(
    session: Session,
    unit: UnitType,
    code: int,
    first_day: date,
    last_day: date,
    exclude: Collection[str] = (),
) -> dict[str, int]:
    """Only the daily counters of `figures` (one query)."""
    table, keys, where = _daily_rows(unit, code, first_day, last_day, exclude)
    return _sums(session, table, where, keys)


def per_day(
    session: Session,
    unit: UnitType,
    code: int,
    first_day: date,
    last_day: date,
    column: str,
    exclude: Collection[str] = (),
) -> dict[date, int]:
    """One daily counter of the unit, day by day (days with none left out)."""
    table, _, where = _daily_rows(unit, code, first_day, last_day, exclude)
    rows = session.execute(
        select(table.c.day, func.sum(table.c[column])).where(*where).group_by(table.c.day)
    )
    return {day: int(n or 0) for day, n in rows}


def daily_of_units(
    session: Session,
    unit: UnitType,
    codes: Collection[int],
    first_day: date,
    last_day: date,
    exclude: Collection[str] = (),
    only: str | None = None,
) -> dict[int, dict[str, int]]:
    """The daily counters of several units of one kind (villages, or units with figures of
    their own), in one query, of all categories but `exclude` or of `only` one; a unit with no
    row gets zeros."""
    if unit in UNIT_COLUMNS:
        table, keys = _unit_daily, _UNIT_KEYS
        code_column = table.c.unit_code
        where = [table.c.unit_type == unit.value]
    elif unit is UnitType.VILLAGE:
        table, keys = _daily, _VILLAGE_KEYS
        code_column, where = table.c.village_code, []
    else:
        raise ValueError(f"no figures kept per {unit}")
    columns = list(table.columns)[keys:]
    found = {code: dict.fromkeys((c.name for c in columns), 0) for code in codes}
    wanted = sorted(found)
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = session.execute(
            select(code_column, *(func.sum(c) for c in columns))
            .where(
                *where,
                code_column.in_(wanted[start : start + _IN_CHUNK]),
                table.c.day >= first_day,
                table.c.day <= last_day,
                _other_than(table.c.category, exclude),
                true() if only is None else table.c.category == only,
            )
            .group_by(code_column)
        )
        for code, *sums in rows:
            found[code] = {c.name: int(v or 0) for c, v in zip(columns, sums, strict=True)}
    return found


def households(
    session: Session,
    unit: UnitType,
    code: int,
    first_day: date,
    last_day: date,
    exclude: Collection[str] = (),
) -> int:
    """How many different households filed a complaint in the unit and period (a household
    with several complaints counts once), of categories other than `exclude`."""
    return int(
        session.scalar(
            select(func.count(func.distinct(_households.c.household))).where(
                _households.c.village_code.in_(_summed_villages(unit, code).scalar_subquery()),
                _households.c.day >= first_day,
                _households.c.day <= last_day,
                _other_than(_households.c.category, exclude),
            )
        )
        or 0
    )


def _sums(
    session: Session, table: Table, where: list[ColumnElement[bool]], keys: int
) -> dict[str, int]:
    columns = list(table.columns)[keys:]
    row = session.execute(select(*(func.sum(c) for c in columns)).where(*where)).one()
    return {c.name: int(v or 0) for c, v in zip(columns, row, strict=True)}


def _other_than(
    category: ColumnElement[str] | InstrumentedAttribute[str], exclude: Collection[str]
) -> ColumnElement[bool]:
    return category.not_in(list(exclude)) if exclude else true()


def end_of_day(day: date) -> datetime:
    """Midnight after `day` in India, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(), IST).astimezone(UTC)


def backlog(
    session: Session, unit: UnitType, code: int, day: date, exclude: Collection[str] = ()
) -> dict[str, int]:
    """Incidents open at the end of `day` (opened, not yet closed or rejected; one resolved
    and waiting for the households' word is still open), by age band; none of the categories
    in `exclude`."""
    end = end_of_day(day)
    counts = [
        func.count().filter(
            IncidentFacts.opened_at <= end - timedelta(days=start),
            true() if stop is None else IncidentFacts.opened_at > end - timedelta(days=stop),
        )
        for _, start, stop in AGE_BANDS
    ]
    # Counted by the database: a state's open incidents are not fetched one by one.
    row = session.execute(
        select(*counts).where(
            IncidentFacts.village_code.in_(_summed_villages(unit, code).scalar_subquery()),
            IncidentFacts.opened_at < end,
            (IncidentFacts.finished_at.is_(None)) | (IncidentFacts.finished_at >= end),
            _other_than(IncidentFacts.category, exclude),
        )
    ).one()
    return {name: int(n or 0) for (name, _, _), n in zip(AGE_BANDS, row, strict=True)}


def per_category(
    session: Session,
    unit: UnitType,
    code: int,
    first_day: date,
    last_day: date,
    exclude: Collection[str] = (),
) -> dict[str, dict[str, int]]:
    """The daily figures of the unit and period, for each category that has any, but those in
    `exclude`."""
    table, keys, where = _daily_rows(unit, code, first_day, last_day, exclude)
    columns = list(table.columns)[keys:]
    rows = session.execute(
        select(table.c.category, *(func.sum(c) for c in columns))
        .where(*where)
        .group_by(table.c.category)
        .order_by(table.c.category)
    )
    found: dict[str, dict[str, int]] = {}
    for category, *sums in rows:
        found[category] = {c.name: int(v or 0) for c, v in zip(columns, sums, strict=True)}
    return found
