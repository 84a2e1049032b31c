"""social audit: which households filed, per village, day and category (counted distinct)

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
    # Households folded before this table existed: the rebuild fills it from the log.
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
    op.drop_table("social_audit_household_days")
