"""incident routes: "assignment", when staff give an incident to someone

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("primary", "notify", "escalation")
AFTER = (*BEFORE, "assignment")


def _reason(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="route_reason", native_enum=False, create_constraint=True, length=24
    )


def upgrade() -> None:
    with op.batch_alter_table("incident_routes") as batch:
        batch.alter_column(
            "reason", existing_type=_reason(BEFORE), type_=_reason(AFTER), existing_nullable=False
        )


def downgrade() -> None:
    op.execute("DELETE FROM incident_routes WHERE reason = 'assignment'")
    with op.batch_alter_table("incident_routes") as batch:
        batch.alter_column(
            "reason", existing_type=_reason(AFTER), type_=_reason(BEFORE), existing_nullable=False
        )
