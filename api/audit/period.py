"""The period a page covers, read from its query: the last 90 days by default (days in India),
`?period=2026-Q3`, `?period=2026` or `?from=2026-07-01&to=2026-09-30`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query

from grievance.social_audit.fold import IST

DEFAULT_DAYS = 90
MAX_DAYS = 731  # two years: longer periods are not one page's work
MAX_MONTHS_SHOWN = 13  # a longer period's chart counts quarters (its page stays under 30 KB)
FIRST_YEAR = 2000
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# The query's `from` and `to` (Python keywords, hence the aliases).
FromQuery = Annotated[str, Query(alias="from")]
ToQuery = Annotated[str, Query(alias="to")]


class BadPeriodError(ValueError):
    """The query names no period that can be shown."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    query: dict[str, str]  # what to carry on links to keep the same period

    @property
    def suffix(self) -> str:
        return "?" + urlencode(self.query) if self.query else ""

    def months(self) -> list[tuple[date, date]]:
        """The calendar months the period touches, each cut to the period."""
        found: list[tuple[date, date]] = []
        start = self.first
        while start <= self.last:
            following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
            found.append((start, min(self.last, following - timedelta(days=1))))
            start = following
        return found

    @property
    def by_quarter(self) -> bool:
        """Whether the period's chart counts quarters rather than months (over a year)."""
        return len(self.months()) > MAX_MONTHS_SHOWN

    def spans(self) -> list[tuple[date, date]]:
        """The months of the period, or its calendar quarters when it is over a year long,
        each cut to the period."""
        months = self.months()
        if not self.by_quarter:
            return months
        quarters: dict[tuple[int, int], tuple[date, date]] = {}
        for start, end in months:
            key = quarter_of(start)
            quarters[key] = (quarters.get(key, (start, end))[0], end)
        return list(quarters.values())


def quarter_of(day: date) -> tuple[int, int]:
    """(year, calendar quarter 1 to 4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def choices(now: datetime) -> list[Period]:
    """Periods offered as links: the last 90 days, the last four quarters, this year and the
    last one."""
    today = today_in_india(now)
    year, quarter = quarter_of(today)
    names = []
    for _ in range(4):
        names.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    names += [str(today.year), str(today.year - 1)]
    return [parse_period("", "", "", now)] + [parse_period(name, "", "", now) for name in names]


def today_in_india(now: datetime) -> date:
    return now.astimezone(IST).date()


def _day(text: str) -> date:
    if not _DAY.fullmatch(text):
        raise BadPeriodError(text)
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadPeriodError(text) from error


def parse_period(period: str, start: str, end: str, now: datetime) -> Period:
    today = today_in_india(now)
    period, start, end = period.strip(), start.strip(), end.strip()
    if period and (start or end):
        raise BadPeriodError("both a period and dates")
    if period:
        quarter, year = _QUARTER.fullmatch(period), _YEAR.fullmatch(period)
        if quarter:
            y, q = int(quarter.group(1)), int(quarter.group(2))
            first = date(y, 3 * q - 2, 1)
            last = (date(y, 3 * q, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        elif year:
            first, last = date(int(period), 1, 1), date(int(period), 12, 31)
        else:
            raise BadPeriodError(period)
        query = {"period": period}
    elif start or end:
        if not (start and end):
            raise BadPeriodError("from and to go together")
        first, last = _day(start), _day(end)
        query = {"from": start, "to": end}
    else:
        return Period(today - timedelta(days=DEFAULT_DAYS - 1), today, {})
    if first > last or first > today or first.year < FIRST_YEAR:
        raise BadPeriodError(f"{first} to {last}")
    last = min(last, today)
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriodError("too long")
    return Period(first, last, query)
