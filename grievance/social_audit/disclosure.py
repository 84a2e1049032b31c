"""Disclosure rules for the public social-audit figures.

The public pages, CSV exports and the Gram Sabha PDF show tables of complaint counts with row,
column and grand totals, and percentages. Nobody may be identifiable from them:

* a count from 1 to 4 is not shown: it reads "fewer than 5" (primary suppression, the threshold
  rule);
* other cells are hidden too, "to protect another cell", so that no hidden count can be worked
  out from the published cells and totals (secondary or complementary suppression);
* a percentage is shown only when both counts are published and the denominator is at least 10;
* health complaints are shown at village level only when the village has 5 or more; otherwise
  they appear only above village level (`health_visible`).

This module only decides; callers render the wording through gettext, so everything here
returns typed values (`Shown`, `Percentage`), never sentences. A hidden value never carries its
true count, so a template cannot leak it by accident.

Method (the standard "primary and complementary cell suppression" of official statistics; see
Hundepool et al., *Handbook on Statistical Disclosure Control*, ch. 4 "Magnitude tabular data"
on cell suppression and ch. 5 "Frequency tables", https://sdctools.github.io/HandbookSDC/;
the OECD/UNECE-Eurostat SDC glossary entry for the threshold rule,
https://stats.oecd.org/glossary/detail.asp?ID=7010; and the US FCSM Statistical Policy Working
Paper 22 on primary and complementary suppression):

1. Primary suppression: every cell and total from 1 to 4 ("fewer than 5"). Zero is shown, as a
   zero reveals nobody, except in cells the caller lists in `hide_zero` (village-level health
   counts, where even "none" must not set a village apart from one "fewer than 5").
2. Complementary suppression. The classic rule, "every row and column holding a hidden cell
   must hold at least two", is necessary but not sufficient: hidden cells can still be pinned
   down through a chain of rows and columns (a "bridge" between two blocks of hidden cells) or
   by the bounds a reader knows (a "fewer than 5" cell is 1-4). So we audit exactly instead of
   counting: the reader knows every published value, that each row, column and the total row
   and column add up, that a "fewer than 5" cell lies in 1-4 (0-4 for `hide_zero` cells) and,
   because we never hide a zero to protect another cell, that a cell hidden "to protect another
   cell" is at least 5. A hidden cell is safe when another table consistent with all of that
   gives it a different value. For a two-way table with margins that is a network question
   (the approach of Cox's network-flow suppression used at the US Census Bureau): such a table
   exists exactly when a cycle through the cell alternately adds and subtracts 1 along its rows
   and columns while keeping every hidden cell inside its known bounds (any feasible change
   splits into such cycles). `_protected` looks for that cycle.
3. When a hidden cell has no such cycle we add the cheapest one: a shortest path (Dijkstra)
   whose cost is the sum of the published counts it would hide, so the smallest counts are
   hidden first, then fewest cells, interior cells before totals only by their size. Zeros are
   never chosen: a reader who sees a cell hidden "to protect another cell" in a row whose hidden
   cells add up to less than 5 would know it is zero, so it would protect nothing (and would
   mislead). Each added path protects every cell on it and never unprotects another, so the
   loop ends; it is deterministic (ties broken by position, rows and columns in the order the
   counts mapping first names them).
4. In the rare table where no complement can help, every figure is withheld
   (`ProtectedTable.withheld`) rather than anything be published unsafely.

What this does not defend against: a reader who re-runs this algorithm on candidate tables to
see which would yield the same pattern, or who combines this table with another overlapping
publication (linked tables). Publish each figure from one protected table.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from grievance.types import UnitType

THRESHOLD = 5
"""Counts from 1 to THRESHOLD - 1 are never published."""
MIN_DENOMINATOR = 10
"""A percentage needs a published denominator of at least this many."""

R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


class Kind(StrEnum):
    """How one published figure reads."""

    COUNT = "count"  # an exact count of 5 or more
    ZERO = "zero"
    FEWER_THAN_5 = "fewer_than_5"  # primary suppression
    PROTECTING = "protecting"  # secondary: hidden to protect another cell
    WITHHELD = "withheld"  # the whole table is withheld (see module docstring, step 4)


@dataclass(frozen=True)
class Shown:
    """A figure as published: `count` is set only when the figure is shown."""

    kind: Kind
    count: int | None = None

    def __post_init__(self) -> None:
        published = self.kind in (Kind.COUNT, Kind.ZERO)
        if published != (self.count is not None):
            raise ValueError(f"{self.kind} figure with count {self.count!r}")
        if self.kind is Kind.ZERO and self.count != 0:
            raise ValueError("a zero figure must have count 0")
        if self.kind is Kind.COUNT and (self.count is None or self.count < THRESHOLD):
            raise ValueError(f"a count below {THRESHOLD} cannot be published")

    @property
    def published(self) -> bool:
        return self.count is not None


@dataclass(frozen=True)
class Percentage:
    """A whole percentage, rounded half up."""

    whole: int


ZERO = Shown(Kind.ZERO, 0)
FEWER_THAN_5 = Shown(Kind.FEWER_THAN_5)
PROTECTING = Shown(Kind.PROTECTING)
WITHHELD = Shown(Kind.WITHHELD)


def _check_count(count: int) -> None:
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")


def _is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def shown_count(count: int) -> Shown:
    """A single count published on its own (a grand total, a headline figure)."""
    _check_count(count)
    if count == 0:
        return ZERO
    return FEWER_THAN_5 if _is_small(count) else Shown(Kind.COUNT, count)


def percentage(numerator: Shown, denominator: Shown) -> Percentage | None:
    """`numerator` as a share of `denominator`, or None when it must not be shown.

    Both must be published figures (take them from a `ProtectedTable` or `shown_count`, never
    raw counts: a share of a hidden count would reveal it) and the denominator at least 10.
    """
    if numerator.count is None or denominator.count is None:
        return None
    if denominator.count < MIN_DENOMINATOR:
        return None
    if numerator.count > denominator.count:
        raise ValueError(f"{numerator.count} is more than its whole, {denominator.count}")
    # Half up in integers: round(100 * n / d) would round 12.5 to 12 (to even).
    return Percentage((200 * numerator.count + denominator.count) // (2 * denominator.count))


UNPUBLISHED_CATEGORIES = frozenset({"health_issue"})
"""Complaints of illness from water are left out of every other figure, page, export and
report: no total, list or table of any level counts them. The rule to reach is "above village
level, and at a village only from 5" (`health_visible`), but a village's list of problems, its
totals and its gram panchayat's totals can be subtracted from one another across pages (linked
tables), which `protect_table` does not defend against. What is published is one figure of its
own for districts and states only (`ILLNESS_LEVELS`): each district's count protected in one
table of its state's districts with the state's total, so no district page, state page or
difference between them gives away a hidden count."""
ILLNESS = "health_issue"
ILLNESS_LEVELS = frozenset({UnitType.DISTRICT, UnitType.STATE})


def health_visible(level: UnitType, village_count: int) -> bool:
    """Whether health complaints may be shown at this level.

    Above village level always (the usual table rules still apply); at village level only when
    the village has 5 or more, zero included: showing "0" but hiding 1-4 would tell everyone a
    village with a hidden figure has a sick household. In a table of villages, pass those cells
    to `protect_table(..., hide_zero=...)` so the totals cannot give them away either.
    """
    _check_count(village_count)
    return level is not UnitType.VILLAGE or village_count >= THRESHOLD


@dataclass(frozen=True)
class ProtectedTable(Generic[R, C]):
    """A table of counts as it may be published. Totals absent from the request are empty."""

    rows: tuple[R, ...]
    cols: tuple[C, ...]
    cells: Mapping[tuple[R, C], Shown]
    row_totals: Mapping[R, Shown] = field(default_factory=dict)
    col_totals: Mapping[C, Shown] = field(default_factory=dict)
    grand_total: Shown | None = None
    withheld: bool = False

    def cell(self, row: R, col: C) -> Shown:
        return self.cells[(row, col)]


# --- the two-way table with its margins, as a grid of integers -------------------------------
#
# Rows 0..m-1 and columns 0..n-1 are the cells; column n holds the row totals, row m the column
# totals, (m, n) the grand total. Every line (a row or column of this grid that ends in a total)
# says: its cells add up to its total. Each position lies on at most one row line and one column
# line; a missing line (no total published) constrains nothing and is the "ground" vertex.

Pos = tuple[int, int]
Vertex = tuple[str, int]
GROUND: Vertex = ("ground", 0)
UNBOUNDED = -1  # upper bound of a cell hidden to protect another (at least 5, no maximum)


@dataclass
class _Grid:
    m: int
    n: int
    row_totals: bool
    col_totals: bool
    values: dict[Pos, int]
    hidden: dict[Pos, Kind]  # FEWER_THAN_5 or PROTECTING
    low_zero: frozenset[Pos]  # primary cells a reader knows may be 0 (hide_zero)

    def row_vertex(self, pos: Pos) -> Vertex:
        i = pos[0]
        if i < self.m:
            return ("row", i) if self.row_totals else GROUND
        return ("row", i) if self.row_totals and self.col_totals else GROUND

    def col_vertex(self, pos: Pos) -> Vertex:
        j = pos[1]
        if j < self.n:
            return ("col", j) if self.col_totals else GROUND
        return ("col", j) if self.row_totals and self.col_totals else GROUND

    def sign(self, pos: Pos) -> int:
        """+1 for cells and the grand total, -1 for the margins.

        With this sign every line reads "sum of signed values = 0" (up to the line's own sign),
        so a change that adds 1 (signed) on leaving a row vertex and takes 1 on leaving a column
        vertex keeps every line balanced: the classic alternating cycle.
        """
        i, j = pos
        return -1 if (i == self.m) != (j == self.n) else 1

    def bounds(self, pos: Pos) -> tuple[int, int]:
        """What a reader knows of a hidden position: (low, high), high UNBOUNDED for none.

        A position not hidden yet is a candidate complement: once hidden "to protect another
        cell" the reader knows it is at least 5 (zeros are never chosen).
        """
        if self.hidden.get(pos) is Kind.FEWER_THAN_5:
            return (0 if pos in self.low_zero else 1), THRESHOLD - 1
        return THRESHOLD, UNBOUNDED

    def arcs(self, pos: Pos) -> Iterator[tuple[Vertex, Vertex]]:
        """Directed arcs of the move graph for a hidden or candidate position.

        Row vertex -> column vertex when its signed value may rise by 1, column -> row when it
        may fall by 1, within the bounds the reader knows.
        """
        value, step = self.values[pos], self.sign(pos)
        low, high = self.bounds(pos)
        row, col = self.row_vertex(pos), self.col_vertex(pos)
        for delta, arc in ((step, (row, col)), (-step, (col, row))):
            if value + delta >= low and (high == UNBOUNDED or value + delta <= high):
                yield arc

    def positions(self) -> Iterator[Pos]:
        """Every position of the grid, cells row by row first, then the margins."""
        rows = range(self.m + 1) if self.col_totals else range(self.m)
        cols = range(self.n + 1) if self.row_totals else range(self.n)
        margins: list[Pos] = []
        for i, j in itertools.product(rows, cols):
            if i < self.m and j < self.n:
                yield i, j
            else:
                margins.append((i, j))
        yield from margins


def _path_cost(grid: _Grid, pos: Pos, scale: int) -> int:
    """0 for a hidden position; else its count (smallest first), then one per cell."""
    return 0 if pos in grid.hidden else grid.values[pos] * scale + 1


def _cheapest_cycle(grid: _Grid, target: Pos, candidates: Collection[Pos]) -> list[Pos] | None:
    """The cheapest set of positions closing a feasible alternating cycle through `target`.

    Uses hidden positions for free and candidate (published, at least 5) positions at their
    cost; None when no cycle exists. For the hidden set alone this is the exact audit.
    """
    scale = len(grid.values) + 1
    graph: dict[Vertex, list[tuple[Vertex, Pos]]] = {}
    for pos in itertools.chain(grid.hidden, candidates):
        if pos == target:
            continue
        for start, end in grid.arcs(pos):
            graph.setdefault(start, []).append((end, pos))
    best: list[Pos] | None = None
    best_cost = 0
    for start, end in grid.arcs(target):
        if start == end:  # both lines unconstrained: nothing pins the cell
            return []
        found = _dijkstra(graph, end, start, lambda pos: _path_cost(grid, pos, scale))
        if found is not None and (best is None or found[0] < best_cost):
            best_cost, best = found
    return best


def _dijkstra(
    graph: Mapping[Vertex, list[tuple[Vertex, Pos]]],
    source: Vertex,
    goal: Vertex,
    cost: Callable[[Pos], int],
) -> tuple[int, list[Pos]] | None:
    """Cheapest path source -> goal as (cost, positions used), or None."""
    order = itertools.count()
    heap: list[tuple[int, int, Vertex]] = [(0, next(order), source)]
    came: dict[Vertex, tuple[Vertex, Pos] | None] = {source: None}
    settled: dict[Vertex, int] = {}
    best: dict[Vertex, int] = {source: 0}
    while heap:
        dist, _, vertex = heapq.heappop(heap)
        if vertex in settled:
            continue
        settled[vertex] = dist
        if vertex == goal:
            path: list[Pos] = []
            step = came[vertex]
            while step is not None:
                path.append(step[1])
                step = came[step[0]]
            return dist, path[::-1]
        for nxt, pos in graph.get(vertex, []):
            new = dist + cost(pos)
            if nxt not in settled and (nxt not in best or new < best[nxt]):
                best[nxt] = new
                came[nxt] = (vertex, pos)
                heapq.heappush(heap, (new, next(order), nxt))
    return None


def _protected(grid: _Grid, pos: Pos) -> bool:
    """Whether a hidden position can take another value consistent with what is published."""
    return _cheapest_cycle(grid, pos, ()) is not None


def _suppress(grid: _Grid) -> bool:
    """Add complements until every hidden position is protected; False if that is impossible.

    One pass is enough: hiding more only adds moves, so a protected position stays protected,
    and every position on an added cycle is protected by that cycle.
    """
    safe: set[Pos] = set()
    for exposed in [pos for pos in grid.positions() if pos in grid.hidden]:
        if exposed in safe or _protected(grid, exposed):
            continue
        candidates = [
            pos for pos in grid.positions() if pos not in grid.hidden and grid.values[pos] > 0
        ]
        cycle = _cheapest_cycle(grid, exposed, candidates)
        if cycle is None:
            return False
        for pos in cycle:
            grid.hidden.setdefault(pos, Kind.PROTECTING)
        safe.update(cycle)
    return True


def protect_table(
    counts: Mapping[tuple[R, C], int],
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    hide_zero: Collection[tuple[R, C]] = (),
) -> ProtectedTable[R, C]:
    """The table as it may be published, with primary and complementary suppression.

    Rows and columns come in the order `counts` first names them; a (row, column) pair it does
    not name counts as zero. The grand total is published only with both kinds of totals.
    `hide_zero` names cells where 0 to 4 are all hidden (village-level health counts).
    """
    rows = tuple(dict.fromkeys(row for row, _ in counts))
    cols = tuple(dict.fromkeys(col for _, col in counts))
    m, n = len(rows), len(cols)
    values: dict[Pos, int] = {}
    for (i, row), (j, col) in itertools.product(enumerate(rows), enumerate(cols)):
        values[(i, j)] = counts.get((row, col), 0)
        _check_count(values[(i, j)])
    for i in range(m):
        values[(i, n)] = sum(values[(i, j)] for j in range(n))
    for j in range(n + 1):
        values[(m, j)] = sum(values[(i, j)] for i in range(m))
    low_zero = frozenset(
        (rows.index(row), cols.index(col)) for row, col in hide_zero if row in rows and col in cols
    )
    grid = _Grid(m, n, row_totals, col_totals, values, {}, low_zero)
    for pos in grid.positions():
        value = values[pos]
        if _is_small(value) or (pos in low_zero and value < THRESHOLD):
            grid.hidden[pos] = Kind.FEWER_THAN_5
    withheld = not _suppress(grid)

    def show(pos: Pos) -> Shown:
        if withheld:
            return WITHHELD
        kind = grid.hidden.get(pos)
        if kind is Kind.FEWER_THAN_5:
            return FEWER_THAN_5
        if kind is Kind.PROTECTING:
            return PROTECTING
        return shown_count(values[pos])

    return ProtectedTable(
        rows=rows,
        cols=cols,
        cells={
            (row, col): show((i, j))
            for (i, row), (j, col) in itertools.product(enumerate(rows), enumerate(cols))
        },
        row_totals={row: show((i, n)) for i, row in enumerate(rows)} if row_totals else {},
        col_totals={col: show((m, j)) for j, col in enumerate(cols)} if col_totals else {},
        grand_total=show((m, n)) if row_totals and col_totals else None,
        withheld=withheld,
    )
