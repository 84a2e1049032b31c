"""Alembic environment: uses the engine handed over by grievance.migrate, or the settings.

`target_metadata` is the registry's (`grievance.models`), so autogenerate sees every table."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from grievance.db import make_engine
from grievance.migrate import context_options
from grievance.models import Base
from grievance.settings import Settings

target_metadata = Base.metadata


def _engine() -> Engine:
    given = context.config.attributes.get("engine")
    return given if given is not None else make_engine(Settings().database_url)


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            **context_options(connection),
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
