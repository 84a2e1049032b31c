"""The schema comes from migrations, and they match the models; the core stays channel-free."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

import bot.models  # noqa: F401  (the bot's tables belong in Base.metadata too)
from grievance.migrate import pending_revisions
from grievance.models import Base

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = {
    "fastapi",
    "starlette",
    "telegram",
    "twilio",
    "uvicorn",
    "api",
    "bot",
    "jalsamvad",
}


def test_migrations_and_models_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_migrated_database_has_nothing_pending(engine: Engine) -> None:
    assert not pending_revisions(engine)


def test_the_grievance_core_imports_no_channel_or_web_library() -> None:
    offenders = []
    for path in (ROOT / "grievance").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN_IN_CORE
            ]
    assert offenders == []
