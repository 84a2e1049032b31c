"""The schema comes from migrations. That they match the models is
`tests/test_migrations_autogenerate.py`; that the core stays free of web and chat libraries is
`tests/test_layers.py`."""

from __future__ import annotations

from sqlalchemy import Engine

from grievance.migrate import pending_revisions


def test_a_migrated_database_has_nothing_pending(engine: Engine) -> None:
    assert not pending_revisions(engine)
