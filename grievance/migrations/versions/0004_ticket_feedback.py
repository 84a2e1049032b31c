"""ticket feedback: the household's answer to "is water back?" and its 1-5 rating

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("fix_confirmed", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("fix_answered_at", grievance.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("rating", sa.SmallInteger(), nullable=True))
        batch.add_column(
            sa.Column("rated_at", grievance.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_check_constraint("rating_range", "rating BETWEEN 1 AND 5")


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("rating_range", type_="check")
        batch.drop_column("rated_at")
        batch.drop_column("rating")
        batch.drop_column("fix_answered_at")
        batch.drop_column("fix_confirmed")
