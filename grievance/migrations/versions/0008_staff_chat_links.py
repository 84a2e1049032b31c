"""staff chat links: a Telegram chat verified as a registered staff phone's own

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = ("whatsapp", "sms", "voice", "telegram", "web", "terminal")


def upgrade() -> None:
    op.create_table(
        "staff_chat_links",
        sa.Column("chat_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                *CHANNELS,
                name="staff_chat_channel",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("chat_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("linked_at", grievance.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_hash", name=op.f("pk_staff_chat_links")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_staff_chat_links_phone_hash")),
    )


def downgrade() -> None:
    op.drop_table("staff_chat_links")
