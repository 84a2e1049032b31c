"""bot conversations

Revision ID: 0002
Revises: 9bdcd3b5afe7
Create Date: 2026-11-22 08:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = "0002"
down_revision: str | None = "9bdcd3b5afe7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column(
            "channel",
            sa.Enum(
                "whatsapp", "sms", "voice", "telegram", "web", "terminal",
                name="conversation_channel", native_enum=False, create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("consent_version", sa.String(length=16), nullable=True),
        sa.Column("consented_at", grievance.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("village_code", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("updated_at", grievance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", grievance.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "sender_hash", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversations_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_expires_at"))
    op.drop_table("conversations")
