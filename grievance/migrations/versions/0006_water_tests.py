"""water tests: field-test-kit results per village, graded against IS 10500

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERDICTS = ("acceptable", "permissible", "unsafe")


def upgrade() -> None:
    op.create_table(
        "water_tests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("village_code", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column("tested_by", sa.String(length=64), nullable=False),
        sa.Column("limits_version", sa.String(length=100), nullable=False),
        sa.Column("readings", sa.JSON(), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                *VERDICTS, name="water_verdict", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("tested_at", grievance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", grievance.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_code"],
            ["villages.code"],
            name=op.f("fk_water_tests_village_code_villages"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_water_tests_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_water_tests")),
    )
    op.create_index(op.f("ix_water_tests_village_code"), "water_tests", ["village_code"])
    op.create_index(op.f("ix_water_tests_incident_id"), "water_tests", ["incident_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_water_tests_incident_id"), table_name="water_tests")
    op.drop_index(op.f("ix_water_tests_village_code"), table_name="water_tests")
    op.drop_table("water_tests")
