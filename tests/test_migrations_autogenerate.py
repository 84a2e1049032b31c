"""`alembic revision --autogenerate` on a migrated database proposes nothing: every table in
the registry (`grievance.models`) is migrated, exactly as its model says, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData

from grievance.migrate import context_options
from grievance.models import Base

BOT_TABLES = {"conversations", "inbound_messages", "outbound_messages"}


def autogenerate_diff(engine: Engine, metadata: MetaData) -> list[Any]:
    """What autogenerate would write into a new revision, compared as env.py configures it."""
    with engine.connect() as connection:
        opts = {**context_options(connection), "target_metadata": metadata}
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, metadata))


def test_autogenerate_on_a_migrated_database_proposes_nothing(engine: Engine) -> None:
    assert autogenerate_diff(engine, Base.metadata) == []


def test_a_table_missing_from_the_registry_would_be_reported(engine: Engine) -> None:
    """The comparison can fail: without the conversation and channel models it proposes
    dropping their tables, as it did while they lived in `bot`."""
    partial = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        if table.name not in BOT_TABLES:
            table.to_metadata(partial)
    diff = autogenerate_diff(engine, partial)
    assert {op[0] for op in diff} == {"remove_table", "remove_index"}
    assert {op[1].name for op in diff if op[0] == "remove_table"} == BOT_TABLES
    assert {op[1].table.name for op in diff if op[0] == "remove_index"} <= BOT_TABLES
