"""The disclosure rules of the public social-audit figures: hand-made tables and properties.

The properties attack each protected table the way a reader could: with every published cell
and total, the rule that a "fewer than 5" cell is 1-4 and that a cell hidden "to protect another
cell" is at least 5 (zeros are never hidden as complements).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance.social_audit.disclosure import (
    FEWER_THAN_5,
    PROTECTING,
    WITHHELD,
    ZERO,
    Kind,
    Percentage,
    ProtectedTable,
    Shown,
    health_visible,
    percentage,
    protect_table,
    shown_count,
)
from grievance.types import UnitType

Counts = dict[tuple[int, int], int]
Var = tuple[str, int, int]  # ("cell", row, col), ("row", row, 0), ("col", 0, col), ("grand", 0, 0)
Line = tuple[list[Var], Var]  # members add up to the total


def table(rows: list[list[int]]) -> Counts:
    return {(i, j): value for i, row in enumerate(rows) for j, value in enumerate(row)}


def count(value: int) -> Shown:
    return shown_count(value)


def hidden_cells(protected: ProtectedTable[int, int]) -> set[tuple[int, int]]:
    return {key for key, shown in protected.cells.items() if not shown.published}


# --- the reader's view of a protected table --------------------------------------------------


def figures(protected: ProtectedTable[int, int]) -> dict[Var, Shown]:
    view: dict[Var, Shown] = {("cell", r, c): s for (r, c), s in protected.cells.items()}
    view |= {("row", r, 0): s for r, s in protected.row_totals.items()}
    view |= {("col", 0, c): s for c, s in protected.col_totals.items()}
    if protected.grand_total is not None:
        view[("grand", 0, 0)] = protected.grand_total
    return view


def truth(counts: Counts, protected: ProtectedTable[int, int]) -> dict[Var, int]:
    true: dict[Var, int] = {("cell", r, c): counts.get((r, c), 0) for r, c in protected.cells}
    for r in protected.rows:
        true[("row", r, 0)] = sum(counts.get((r, c), 0) for c in protected.cols)
    for c in protected.cols:
        true[("col", 0, c)] = sum(counts.get((r, c), 0) for r in protected.rows)
    true[("grand", 0, 0)] = sum(counts.values())
    return true


def lines(protected: ProtectedTable[int, int]) -> list[Line]:
    found: list[Line] = []
    if protected.row_totals:
        for r in protected.rows:
            found.append(([("cell", r, c) for c in protected.cols], ("row", r, 0)))
    if protected.col_totals:
        for c in protected.cols:
            found.append(([("cell", r, c) for r in protected.rows], ("col", 0, c)))
    if protected.grand_total is not None:
        found.append(([("col", 0, c) for c in protected.cols], ("grand", 0, 0)))
        found.append(([("row", r, 0) for r in protected.rows], ("grand", 0, 0)))
    return found


def known_bounds(shown: Shown, low_zero: bool = False) -> tuple[float, float]:
    if shown.count is not None:
        return shown.count, shown.count
    if shown.kind is Kind.FEWER_THAN_5:
        return (0 if low_zero else 1), 4
    if shown.kind is Kind.WITHHELD:
        return 0, math.inf
    return 5, math.inf


def interval_attack(
    protected: ProtectedTable[int, int], low_zero: frozenset[Var] = frozenset()
) -> dict[Var, tuple[float, float]]:
    """Each figure's feasible range: the line constraints iterated to a fixed point."""
    bounds = {var: known_bounds(s, var in low_zero) for var, s in figures(protected).items()}
    for _ in range(10_000):
        changed = False
        for members, total in lines(protected):
            low_sum = sum(bounds[v][0] for v in members)
            high_sum = sum(bounds[v][1] for v in members)
            narrowed = {total: (max(bounds[total][0], low_sum), min(bounds[total][1], high_sum))}
            for v in members:
                rest_low, rest_high = low_sum - bounds[v][0], high_sum - bounds[v][1]
                low = bounds[total][0] - rest_high if rest_high < math.inf else -math.inf
                high = bounds[total][1] - rest_low
                narrowed[v] = (max(bounds[v][0], low), min(bounds[v][1], high))
            for v, new in narrowed.items():
                if new != bounds[v]:
                    bounds[v], changed = new, True
        if not changed:
            return bounds
    raise AssertionError("the interval attack did not settle")


def lone_hidden(protected: ProtectedTable[int, int]) -> Iterator[Var]:
    """The simple attack: a line whose one hidden figure is its total minus the rest."""
    view = figures(protected)
    for members, total in lines(protected):
        hidden = [v for v in [*members, total] if not view[v].published]
        if len(hidden) == 1:
            yield hidden[0]


def alternatives(counts: Counts, protected: ProtectedTable[int, int]) -> dict[Var, set[int]]:
    """Brute force (tiny tables): every value each hidden figure takes in some table a reader
    cannot tell apart from the true one. Hidden cells range over their known bounds, capped at
    one above the largest true count (enough to find a change by 1)."""
    view, true = figures(protected), truth(counts, protected)
    cap = max(true.values()) + 1
    unknown = [v for v in view if v[0] == "cell" and not view[v].published]
    ranges = []
    for v in unknown:
        low, high = known_bounds(view[v])
        ranges.append(range(int(low), int(min(high, cap)) + 1))
    seen: dict[Var, set[int]] = {v: set() for v in view if not view[v].published}
    for guess in itertools.product(*ranges):
        cells = {(v[1], v[2]): value for v, value in zip(unknown, guess, strict=True)}
        full = {
            (r, c): cells.get((r, c), counts.get((r, c), 0))
            for r in protected.rows
            for c in protected.cols
        }
        candidate = truth(full, protected)
        fits = all(
            (shown.count == candidate[v])
            if shown.published
            else known_bounds(shown)[0] <= candidate[v] <= known_bounds(shown)[1]
            for v, shown in view.items()
        )
        if fits:
            for v in seen:
                seen[v].add(candidate[v])
    return seen


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(found, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][col] != 0:
                factor = rows[i][col] / rows[found][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def linear_attack(protected: ProtectedTable[int, int]) -> set[Var]:
    """Hidden figures the published totals alone pin down (by any sum of lines): those whose
    unit vector lies in the row space of the line equations restricted to hidden figures."""
    view = figures(protected)
    hidden = [v for v in view if not view[v].published]
    index = {v: i for i, v in enumerate(hidden)}
    equations = []
    for members, total in lines(protected):
        row = [Fraction(0)] * len(hidden)
        for v in members:
            if v in index:
                row[index[v]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            equations.append(row)
    base = rank(equations)
    unit = [[Fraction(int(i == j)) for j in range(len(hidden))] for i in range(len(hidden))]
    return {v for v in hidden if rank([*equations, unit[index[v]]]) == base}


def assert_safe(
    counts: Counts, protected: ProtectedTable[int, int], low_zero: frozenset[Var] = frozenset()
) -> None:
    view, true = figures(protected), truth(counts, protected)
    for var, shown in view.items():
        if shown.published:
            assert shown.count == true[var], var
        else:
            low, high = known_bounds(shown, var in low_zero)
            assert low <= true[var] <= high, (var, shown, true[var])  # the label tells no lie
    assert not list(lone_hidden(protected))
    assert not linear_attack(protected)
    for var, (low, high) in interval_attack(protected, low_zero).items():
        if not view[var].published:
            assert low < high, (var, low, high)


# --- single figures ----------------------------------------------------------------------------


def test_a_single_count_is_shown_exactly_from_5_and_as_zero() -> None:
    assert shown_count(0) == ZERO
    assert [shown_count(n) for n in (1, 2, 3, 4)] == [FEWER_THAN_5] * 4
    assert shown_count(5) == Shown(Kind.COUNT, 5)
    assert shown_count(5).published and not FEWER_THAN_5.published
    with pytest.raises(ValueError, match="negative"):
        shown_count(-1)


def test_a_hidden_figure_cannot_carry_its_count() -> None:
    with pytest.raises(ValueError):
        Shown(Kind.FEWER_THAN_5, 3)
    with pytest.raises(ValueError):
        Shown(Kind.COUNT, 3)
    with pytest.raises(ValueError):
        Shown(Kind.ZERO, 1)
    with pytest.raises(ValueError):
        Shown(Kind.COUNT)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (count(5), count(10), Percentage(50)),
        (ZERO, count(12), Percentage(0)),
        (count(12), count(12), Percentage(100)),
        (count(5), count(40), Percentage(13)),  # 12.5 rounds half up, not to even
        (count(5), count(15), Percentage(33)),
        (count(10), count(15), Percentage(67)),
        (count(5), count(9), None),  # denominator under 10
        (ZERO, count(5), None),
        (FEWER_THAN_5, count(50), None),  # a share of a hidden count would reveal it
        (PROTECTING, count(50), None),
        (count(5), PROTECTING, None),
        (ZERO, ZERO, None),
    ],
)
def test_percentage(numerator: Shown, denominator: Shown, expected: Percentage | None) -> None:
    assert percentage(numerator, denominator) == expected


def test_a_percentage_of_more_than_the_whole_is_a_bug() -> None:
    with pytest.raises(ValueError, match="more than its whole"):
        percentage(count(11), count(10))


def test_health_complaints_show_at_village_level_only_from_5() -> None:
    assert not health_visible(UnitType.VILLAGE, 0)
    assert not health_visible(UnitType.VILLAGE, 4)
    assert health_visible(UnitType.VILLAGE, 5)
    for level in (UnitType.GP, UnitType.BLOCK, UnitType.DISTRICT):
        assert health_visible(level, 0) and health_visible(level, 3)


# --- hand-made tables --------------------------------------------------------------------------


def test_a_lone_small_cell_forces_the_cheapest_rectangle() -> None:
    counts = table([[3, 10, 20], [8, 12, 15]])
    protected = protect_table(counts)
    assert protected.cell(0, 0) == FEWER_THAN_5
    # Hiding (0,1), (1,0), (1,1) costs 10 + 8 + 12; through column 2 it would cost 43.
    assert {key for key, s in protected.cells.items() if s == PROTECTING} == {
        (0, 1),
        (1, 0),
        (1, 1),
    }
    assert protected.cell(0, 2) == count(20) and protected.cell(1, 2) == count(15)
    assert protected.row_totals == {0: count(33), 1: count(35)}
    assert protected.col_totals == {0: count(11), 1: count(22), 2: count(35)}
    assert protected.grand_total == count(68)
    assert_safe(counts, protected)


def test_complements_cascade_across_rows_and_columns() -> None:
    # (0,0) and (1,1) are small; with one row and one column apart, the cheapest cover for
    # one uses the other, and every line with a hidden cell ends with at least two.
    counts = table([[2, 9, 30, 6], [7, 1, 30, 8], [30, 30, 30, 30]])
    protected = protect_table(counts)
    assert protected.cell(0, 0) == FEWER_THAN_5 and protected.cell(1, 1) == FEWER_THAN_5
    hidden = hidden_cells(protected)
    for r in protected.rows:
        assert len([c for c in protected.cols if (r, c) in hidden]) != 1
    for c in protected.cols:
        assert len([r for r in protected.rows if (r, c) in hidden]) != 1
    assert protected.cell(0, 1) == PROTECTING and protected.cell(1, 0) == PROTECTING
    assert_safe(counts, protected)


def test_two_hidden_cells_per_line_are_not_enough() -> None:
    """Every line below holds two hidden cells or more, yet the cell joining the two blocks,
    (1, 2), is rows 0 and 1 minus columns 0 and 1: 17 + 8 - 8 - 8 = 9. The audit counts
    cycles, not cells, so protect_table never publishes such a pattern."""
    counts = table([[2, 6, 0, 0], [6, 2, 9, 0], [0, 0, 2, 6], [0, 0, 6, 2]])
    shown = {key: FEWER_THAN_5 if n < 5 else PROTECTING for key, n in counts.items() if n}
    naive = ProtectedTable(
        rows=(0, 1, 2, 3),
        cols=(0, 1, 2, 3),
        cells={key: shown.get(key, ZERO) for key in counts},
        row_totals={0: count(8), 1: count(17), 2: count(8), 3: count(8)},
        col_totals={0: count(8), 1: count(8), 2: count(17), 3: count(8)},
        grand_total=count(41),
    )
    assert not list(lone_hidden(naive))
    assert linear_attack(naive) == {("cell", 1, 2)}
    protected = protect_table(counts)
    assert_safe(counts, protected)


def test_zero_rows_and_zero_cells_are_shown_and_never_hidden_as_complements() -> None:
    counts = table([[0, 0, 0], [3, 9, 7], [0, 8, 9], [0, 0, 0]])
    protected = protect_table(counts)
    assert all(protected.cell(r, c) == ZERO for r in (0, 3) for c in range(3))
    assert protected.row_totals[0] == ZERO and protected.row_totals[3] == ZERO
    assert protected.cell(2, 0) == ZERO
    assert all(s != PROTECTING for key, s in protected.cells.items() if counts[key] == 0)
    assert_safe(counts, protected)


def test_an_all_zero_table_is_all_zeros() -> None:
    protected = protect_table(table([[0, 0], [0, 0]]))
    assert set(protected.cells.values()) == {ZERO}
    assert protected.grand_total == ZERO


@pytest.mark.parametrize(
    ("value", "expected"), [(0, ZERO), (3, FEWER_THAN_5), (7, Shown(Kind.COUNT, 7))]
)
def test_a_one_by_one_table(value: int, expected: Shown) -> None:
    protected = protect_table({("Rampur", "no_water"): value})
    assert protected.cell("Rampur", "no_water") == expected
    assert protected.row_totals == {"Rampur": expected}
    assert protected.col_totals == {"no_water": expected}
    assert protected.grand_total == expected


def test_a_total_of_1_to_4_is_hidden_and_protected() -> None:
    # Row 0 adds up to 2: its total is hidden, and so must be a second row total (or the grand
    # total) or the grand total minus the other row totals would give it away.
    counts = table([[1, 1, 0], [6, 7, 9], [8, 5, 6]])
    protected = protect_table(counts)
    assert protected.row_totals[0] == FEWER_THAN_5
    assert protected.cell(0, 0) == FEWER_THAN_5 and protected.cell(0, 1) == FEWER_THAN_5
    assert_safe(counts, protected)


def test_a_grand_total_under_5_is_hidden() -> None:
    protected = protect_table(table([[1, 0], [0, 2]]))
    assert protected.grand_total == FEWER_THAN_5
    assert_safe(table([[1, 0], [0, 2]]), protected)


def test_a_table_the_label_itself_gives_away_is_withheld() -> None:
    # Four cells "fewer than 5" (so each at least 1) in a row whose total is "fewer than 5"
    # (so at most 4): every cell must be 1, whatever else is hidden.
    protected = protect_table(table([[1, 1, 1, 1], [1, 2, 5, 5]]))
    assert protected.withheld
    assert set(protected.cells.values()) == {WITHHELD}
    assert set(protected.row_totals.values()) == {WITHHELD}
    assert protected.grand_total == WITHHELD


def test_without_row_totals_only_columns_constrain() -> None:
    counts = table([[3, 20], [9, 20], [12, 20]])
    protected = protect_table(counts, row_totals=False)
    assert protected.row_totals == {} and protected.grand_total is None
    # Column 0 needs a second hidden cell; the smallest is 9. Nothing else is hidden.
    assert hidden_cells(protected) == {(0, 0), (1, 0)}
    assert protected.col_totals[0] == count(24)
    assert_safe(counts, protected)


def test_without_any_totals_only_small_cells_are_hidden() -> None:
    counts = table([[3, 20], [9, 1]])
    protected = protect_table(counts, row_totals=False, col_totals=False)
    assert hidden_cells(protected) == {(0, 0), (1, 1)}
    assert protected.grand_total is None


def test_village_health_counts_hide_zero_too() -> None:
    counts = {
        ("Rampur", "health_issue"): 0,
        ("Rampur", "no_water"): 12,
        ("Sitapur", "health_issue"): 7,
        ("Sitapur", "no_water"): 9,
        ("Kheri", "health_issue"): 6,
        ("Kheri", "no_water"): 8,
    }
    health = [
        key
        for key, n in counts.items()
        if key[1] == "health_issue" and not health_visible(UnitType.VILLAGE, n)
    ]
    protected = protect_table(counts, hide_zero=health)
    assert protected.cell("Rampur", "health_issue") == FEWER_THAN_5
    hidden = [key for key, s in protected.cells.items() if not s.published]
    assert len([key for key in hidden if key[1] == "health_issue"]) >= 2
    assert len([key for key in hidden if key[0] == "Rampur"]) >= 2


def test_rows_and_columns_keep_the_order_first_named() -> None:
    protected = protect_table({("b", "y"): 6, ("a", "x"): 7})
    assert protected.rows == ("b", "a") and protected.cols == ("y", "x")
    assert protected.cell("b", "x") == ZERO  # not named: zero


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        protect_table({(0, 0): -1})


# --- properties ----------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 6, max_cols: int = 6, max_count: int = 30) -> Counts:
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    small = st.integers(0, 4)
    value = st.one_of(small, st.integers(0, max_count))  # plenty of small counts and zeros
    return {(r, c): draw(value) for r in range(rows) for c in range(cols)}


@settings(max_examples=300, deadline=None)
@given(counts=tables(), row_totals=st.booleans(), col_totals=st.booleans())
def test_protected_tables_are_true_and_safe(
    counts: Counts, row_totals: bool, col_totals: bool
) -> None:
    protected = protect_table(counts, row_totals=row_totals, col_totals=col_totals)
    true = truth(counts, protected)
    for var, shown in figures(protected).items():
        assert not (shown.published and 0 < true[var] < 5)  # (2) no count 1-4 is published
    assert_safe(counts, protected)  # (1) published = true; (3) nothing recoverable
    # (4) deterministic
    assert protect_table(counts, row_totals=row_totals, col_totals=col_totals) == protected


@settings(max_examples=150, deadline=None)
@given(counts=tables(max_rows=2, max_cols=3, max_count=7))
def test_no_hidden_figure_is_determined_brute_force(counts: Counts) -> None:
    """Exhaustively: every hidden figure of a tiny table can take two values or more."""
    protected = protect_table(counts)
    for var, values in alternatives(counts, protected).items():
        assert len(values) > 1, (var, values)


@settings(max_examples=100, deadline=None)
@given(counts=tables(max_rows=5, max_cols=5), health_col=st.integers(0, 4))
def test_hidden_zeros_are_safe_too(counts: Counts, health_col: int) -> None:
    hide = {key for key in counts if key[1] == health_col and counts[key] < 5}
    protected = protect_table(counts, hide_zero=hide)
    assert all(not protected.cells[key].published for key in hide)
    assert_safe(counts, protected, frozenset(("cell", r, c) for r, c in hide))
