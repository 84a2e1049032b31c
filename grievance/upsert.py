"""Bulk upsert for PostgreSQL and SQLite: INSERT … ON CONFLICT, in batches of BATCH_ROWS.

PostgreSQL gets each batch as one statement over column arrays
(INSERT … SELECT * FROM unnest(:codes, :names, …) ON CONFLICT …): one bound parameter per
column, so a batch stays far below the 65,535-parameter limit however many rows it has, and
the server plans one statement instead of one per row. Measured on 22,000 villages, that took
0.20 s against 0.28–0.43 s for a pipelined executemany (0.09 s against 0.30 s when nothing
changed), and a compiled multi-row VALUES statement was slower than both.
SQLite is in-process and binds each row of an executemany on its own, so its parameter limit
never applies and a plain executemany of the same upsert is already fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, Table, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeEngine

Row = Mapping[str, Any]
BatchDone = Callable[[int], None]

BATCH_ROWS = 5000


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[Row],
    *,
    key: Sequence[str],
    update: Sequence[str] = (),
    add: Sequence[str] = (),
    on_batch: BatchDone | None = None,
) -> None:
    """Insert rows; where `key` already exists, update the `update` columns and add the new
    values of the `add` columns to the stored ones (counters), or do nothing if neither.

    Every row must have the same keys, and no two rows the same `key` (PostgreSQL refuses to
    update one row twice in a statement). An existing row whose `update` columns already hold
    the new values is left untouched (when there is nothing to add), so an unchanged re-import
    writes nothing.
    """
    if not rows:
        return
    columns = list(rows[0])
    dialect = session.get_bind().dialect.name
    for batch in _batches(rows, BATCH_ROWS):
        if dialect == "postgresql":
            _postgres_batch(session, table, columns, batch, key, update, add)
        elif dialect == "sqlite":
            session.execute(_sqlite_statement(table, key, update, add), list(batch))
        else:
            raise NotImplementedError(f"no bulk upsert for the {dialect} dialect")
        if on_batch is not None:
            on_batch(len(batch))


class InsertIfAbsent:
    """One row: INSERT … ON CONFLICT (key) DO NOTHING RETURNING a column, built once per
    dialect. Calling it gives the new row's column, or None when the key exists already (a
    concurrent transaction holding the key makes it wait until that one ends)."""

    def __init__(self, table: Table, key: Sequence[str], returning: ColumnElement[Any]) -> None:
        self._statements = {
            name: dialect.insert(table)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(returning)
            for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
        }

    def __call__(self, session: Session, row: Row) -> Any:
        statement = self._statements[session.get_bind().dialect.name]
        return session.execute(statement, row).scalar_one_or_none()


def table_of(model: Any) -> Table:
    """The Core table behind a mapped class, typed as a `Table`."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _postgres_batch(
    session: Session,
    table: Table,
    columns: list[str],
    batch: Sequence[Row],
    key: Sequence[str],
    update: Sequence[str],
    add: Sequence[str],
) -> None:
    arrays = [
        bindparam(name, type_=postgresql.ARRAY(_element_type(table, name))) for name in columns
    ]
    source = func.unnest(*arrays).table_valued(*columns).render_derived()
    statement = _on_conflict(
        postgresql.insert(table).from_select(columns, select(*source.c)), table, key, update, add
    )
    session.execute(statement, {name: [row[name] for row in batch] for name in columns})


def _on_conflict(
    statement: Any, table: Table, key: Sequence[str], update: Sequence[str], add: Sequence[str]
) -> Insert:
    """The statement's ON CONFLICT clause, alike for both dialects."""
    if not update and not add:
        return statement.on_conflict_do_nothing(index_elements=list(key))  # type: ignore[no-any-return]
    excluded = statement.excluded
    changes = {name: excluded[name] for name in update}
    changes |= {name: table.c[name] + excluded[name] for name in add}
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(key),
        set_=changes,
        where=None if add else _changed(table, excluded, update),
    )


def _element_type(table: Table, name: str) -> TypeEngine[Any]:
    """Strings travel as unbounded text: casting to VARCHAR(n)[] would silently truncate,
    where inserting into the VARCHAR(n) column raises."""
    column_type = table.c[name].type
    return String() if isinstance(column_type, String) else column_type


def _sqlite_statement(
    table: Table, key: Sequence[str], update: Sequence[str], add: Sequence[str]
) -> Insert:
    return _on_conflict(sqlite.insert(table), table, key, update, add)


def _changed(table: Table, excluded: Any, columns: Sequence[str]) -> ColumnElement[bool]:
    """True when any updated column would change (NULL-safe), so identical rows are skipped."""
    return or_(*(table.c[name].is_distinct_from(excluded[name]) for name in columns))


def _batches(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
