"""social audit: which households filed (counted distinct), each village's place, the daily
figures per gram panchayat, block, district and state, and open incidents found by index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNITS = ("gp_code", "block_code", "district_code", "state_code")
# The counters of social_audit_daily, in its order (0010), repeated per unit.
COUNTS = (
    "complaints",
    "joined",
    "opened",
    "acknowledged",
    "started",
    "resolved",
    "resolved_on_time",
    "resolution_seconds",
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


def upgrade() -> None:
    op.create_table(
        "social_audit_household_days",
        sa.Column("village_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("household", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint(
            "village_code",
            "day",
            "category",
            "household",
            name=op.f("pk_social_audit_household_days"),
        ),
    )
    op.create_table(
        "social_audit_village_places",
        sa.Column("village_code", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in UNITS),
        sa.PrimaryKeyConstraint("village_code", name=op.f("pk_social_audit_village_places")),
    )
    for name in UNITS:
        op.create_index(
            f"ix_social_audit_village_places_{name}", "social_audit_village_places", [name]
        )
    op.create_table(
        "social_audit_unit_daily",
        sa.Column("unit_type", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        *(
            sa.Column(name, sa.BigInteger() if name == "resolution_seconds" else sa.Integer(), nullable=False)
            for name in COUNTS
        ),
        sa.PrimaryKeyConstraint(
            "unit_type", "unit_code", "day", "category", name=op.f("pk_social_audit_unit_daily")
        ),
    )
    op.create_index(
        op.f("ix_social_audit_incident_facts_finished_at"),
        "social_audit_incident_facts",
        ["finished_at"],
    )
    # Figures folded before these tables existed: the worker's next pass folds the log again.
    op.execute("UPDATE social_audit_watermark SET seq = 0")
    for table in (
        "social_audit_daily",
        "social_audit_rejections",
        "social_audit_water",
        "social_audit_water_parameters",
        "social_audit_incident_facts",
    ):
        op.execute(f"DELETE FROM {table}")


def downgrade() -> None:
    op.drop_index(
        op.f("ix_social_audit_incident_facts_finished_at"), table_name="social_audit_incident_facts"
    )
    op.drop_table("social_audit_unit_daily")
    op.drop_table("social_audit_village_places")
    op.drop_table("social_audit_household_days")
