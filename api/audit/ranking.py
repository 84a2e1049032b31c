"""The units below a unit: their figures as a table the reader can sort, and how they compare.

Sorting and ranking use only what is published. A figure shown as "fewer than 5" sorts as one
value between 0 and 5 and one hidden to protect another sorts last, whichever the direction,
so the order of the rows cannot reveal a hidden count.

Rankings follow the CPGRAMS practice of comparing like with like: only units with at least
`MIN_RANKED` complaints in the period, in groups of similar volume, ordered by the share of
problems fixed by the deadline. A unit that received no complaint is listed as such, never as
"100 % fixed"; a unit too small to rank is counted, not ranked (FixMyStreet's "most
responsive" list once put a body with a single fix on top).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from api.audit.units import Unit
from grievance.social_audit.disclosure import (
    THRESHOLD,
    Kind,
    Percentage,
    ProtectedTable,
    Shown,
    percentage,
    protect_table,
)

MIN_RANKED = 10
# Groups of similar volume: (fewest, most) complaints, None for no upper bound.
VOLUME_GROUPS: tuple[tuple[int, int | None], ...] = ((10, 99), (100, 999), (1000, None))
FEWER_THAN_5_SORTS_AS = 2.5
_HIDDEN = (Kind.PROTECTING, Kind.WITHHELD)


class SortKey(StrEnum):
    NAME = "name"
    COMPLAINTS = "complaints"
    OPENED = "opened"
    RESOLVED = "resolved"
    ON_TIME = "on_time"


@dataclass(frozen=True)
class Sort:
    key: SortKey = SortKey.NAME
    descending: bool = False

    @classmethod
    def parse(cls, key: str, order: str) -> Sort:
        """What the query asks for; the default (by name) for anything else."""
        try:
            chosen = SortKey(key)
        except ValueError:
            return cls()
        return cls(chosen, order == "desc")

    def current(self) -> dict[str, str]:
        """The query that keeps this order on a link (nothing for the default)."""
        if self == Sort():
            return {}
        return {"sort": self.key.value, "order": "desc" if self.descending else "asc"}

    def query(self, key: SortKey) -> dict[str, str]:
        """The query of a column heading's link: the other direction if already sorted by it,
        else the natural first direction (names A to Z, figures largest first)."""
        descending = not self.descending if key is self.key else key is not SortKey.NAME
        return {"sort": key.value, "order": "desc" if descending else "asc"}


@dataclass(frozen=True)
class ChildRow:
    unit: Unit
    figures: Mapping[str, Shown]  # complaints, opened, resolved
    on_time: Percentage | None  # share of those fixed that were fixed by the deadline


@dataclass(frozen=True)
class Standing:
    rank: int
    row: ChildRow


@dataclass(frozen=True)
class VolumeGroup:
    fewest: int
    most: int | None
    ranked: list[Standing]
    unranked: list[ChildRow]  # too few fixed, or a figure hidden: no share to rank by


@dataclass(frozen=True)
class Ranking:
    groups: list[VolumeGroup]
    too_few: int  # units with 1 to MIN_RANKED - 1 complaints
    hidden: list[Unit]  # units whose complaints are hidden to protect another figure
    silent: list[Unit]  # units that received no complaint


def child_rows(
    table: ProtectedTable[Unit, str], on_time: Mapping[Unit, tuple[int, int]]
) -> list[ChildRow]:
    """Each unit's published figures and its on-time share. `on_time` holds each unit's
    problems fixed by the deadline and after it, protected together as on the unit's page."""
    rows = []
    for unit in table.rows:
        in_time, late = on_time.get(unit, (0, 0))
        split = protect_table({("on_time", "n"): in_time, ("late", "n"): late}, row_totals=False)
        rows.append(
            ChildRow(
                unit=unit,
                figures={col: table.cell(unit, col) for col in table.cols},
                on_time=percentage(split.cell("on_time", "n"), table.cell(unit, "resolved")),
            )
        )
    return rows


def _figure_key(figure: Shown | None) -> float | None:
    """A published figure as a sort value; None when hidden to protect another."""
    if figure is None or figure.kind in _HIDDEN:
        return None
    if figure.kind is Kind.FEWER_THAN_5:
        return FEWER_THAN_5_SORTS_AS
    return float(figure.count or 0)


def sorted_rows(rows: list[ChildRow], sort: Sort) -> list[ChildRow]:
    by_name = sorted(rows, key=lambda row: row.unit.name.casefold())
    if sort.key is SortKey.NAME:
        return by_name[::-1] if sort.descending else by_name

    def value(row: ChildRow) -> float | None:
        if sort.key is SortKey.ON_TIME:
            return None if row.on_time is None else float(row.on_time.whole)
        return _figure_key(row.figures.get(sort.key.value))

    known = [row for row in by_name if value(row) is not None]
    unknown = [row for row in by_name if value(row) is None]
    known.sort(key=lambda row: value(row) or 0.0, reverse=sort.descending)  # stable: names stay
    return known + unknown


def rank(rows: list[ChildRow]) -> Ranking:
    """Rank by on-time share within groups of similar volume, by the published complaints only:
    a unit whose count is hidden to protect another is not placed in any group, since even a
    group's bounds could pin the cell it protects."""
    by_name = sorted(rows, key=lambda r: r.unit.name.casefold())
    volume = {row.unit: row.figures["complaints"] for row in rows}
    groups = []
    for fewest, most in VOLUME_GROUPS:
        members = [row for row in by_name if _within(volume[row.unit], fewest, most)]
        if not members:
            continue
        shared = sorted(
            (row for row in members if row.on_time is not None),
            key=lambda row: -row.on_time.whole if row.on_time else 0,
        )
        ranked: list[Standing] = []
        for position, row in enumerate(shared, start=1):
            tied = ranked and ranked[-1].row.on_time == row.on_time
            ranked.append(Standing(ranked[-1].rank if tied else position, row))
        unranked = [row for row in members if row.on_time is None]
        groups.append(VolumeGroup(fewest, most, ranked, unranked))
    return Ranking(
        groups=groups,
        too_few=sum(1 for row in rows if _within(volume[row.unit], 1, MIN_RANKED - 1)),
        hidden=[row.unit for row in by_name if volume[row.unit].kind in _HIDDEN],
        silent=[row.unit for row in by_name if volume[row.unit].kind is Kind.ZERO],
    )


def _within(figure: Shown, fewest: int, most: int | None) -> bool:
    """Whether a published figure lies in [fewest, most]; "fewer than 5" lies in [1, 4]."""
    if figure.kind is Kind.FEWER_THAN_5:
        low, high = 1, THRESHOLD - 1
    elif figure.count is None:
        return False
    else:
        low = high = figure.count
    return low >= fewest and (most is None or high <= most)
