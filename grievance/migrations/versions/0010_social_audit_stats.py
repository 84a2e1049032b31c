"""social audit statistics: counters folded from the audit log, and the fold's watermark

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAILY_COUNTS = (
    "complaints",
    "joined",
    "opened",
    "acknowledged",
    "started",
    "resolved",
    "resolved_on_time",
)
DAILY_MORE_COUNTS = (
    "closed_confirmed",
    "closed_unconfirmed",
    "reopened",
    "rejected",
    "escalated_to_je",
    "escalated_to_ae",
    "escalated_to_ee",
    "escalated_to_dwsm",
    "escalated_to_state_admin",
    "overdue_at_top",
)


def _counts(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _key(*, category: bool = False) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("village_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    ]
    if category:
        columns.append(sa.Column("category", sa.String(length=24), nullable=False))
    return columns


def upgrade() -> None:
    op.create_table(
        "social_audit_watermark",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_audit_watermark")),
    )
    op.create_table(
        "social_audit_incident_facts",
        sa.Column("incident_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("village_code", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("opened_at", grievance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("due_at", grievance.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", grievance.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_social_audit_incident_facts")),
    )
    op.create_index(
        op.f("ix_social_audit_incident_facts_village_code"),
        "social_audit_incident_facts",
        ["village_code"],
    )
    op.create_table(
        "social_audit_daily",
        *_key(category=True),
        *_counts(*DAILY_COUNTS),
        sa.Column("resolution_seconds", sa.BigInteger(), nullable=False),
        *_counts(*DAILY_MORE_COUNTS),
        sa.PrimaryKeyConstraint(
            "village_code", "day", "category", name=op.f("pk_social_audit_daily")
        ),
    )
    op.create_table(
        "social_audit_rejections",
        *_key(category=True),
        sa.Column("responsible_body", sa.String(length=200), nullable=False),
        *_counts("rejected"),
        sa.PrimaryKeyConstraint(
            "village_code",
            "day",
            "category",
            "responsible_body",
            name=op.f("pk_social_audit_rejections"),
        ),
    )
    op.create_table(
        "social_audit_water",
        *_key(),
        *_counts("tests", "unsafe"),
        sa.Column("unsafe_to_action_seconds", sa.BigInteger(), nullable=False),
        *_counts("incidents_escalated"),
        sa.PrimaryKeyConstraint("village_code", "day", name=op.f("pk_social_audit_water")),
    )
    op.create_table(
        "social_audit_water_parameters",
        *_key(),
        sa.Column("parameter", sa.String(length=40), nullable=False),
        *_counts("tests", "unsafe"),
        sa.PrimaryKeyConstraint(
            "village_code", "day", "parameter", name=op.f("pk_social_audit_water_parameters")
        ),
    )


def downgrade() -> None:
    op.drop_table("social_audit_water_parameters")
    op.drop_table("social_audit_water")
    op.drop_table("social_audit_rejections")
    op.drop_table("social_audit_daily")
    op.drop_index(
        op.f("ix_social_audit_incident_facts_village_code"),
        table_name="social_audit_incident_facts",
    )
    op.drop_table("social_audit_incident_facts")
    op.drop_table("social_audit_watermark")
