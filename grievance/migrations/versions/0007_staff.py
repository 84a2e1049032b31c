"""staff: accounts with a jurisdiction, API tokens, web sessions, failed login attempts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('attempted_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_attempted_at'), ['attempted_at'], unique=False)
        batch_op.create_index('ix_login_attempts_key', ['kind', 'key', 'attempted_at'], unique=False)

    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('vwsc_member', 'pump_operator', 'je', 'ae', 'ee', 'dwsm', 'state_admin', 'auditor', name='staff_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.Enum('village', 'gp', 'block', 'subdistrict', 'district', 'state', name='staff_unit_type', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('unit_code', sa.Integer(), nullable=True),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN member_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN official_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN unit_code IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_staff_accounts_one_link')),
    sa.CheckConstraint('(unit_type IS NULL) = (unit_code IS NULL)', name=op.f('ck_staff_accounts_unit_pair')),
    sa.ForeignKeyConstraint(['member_id'], ['vwsc_members.id'], name=op.f('fk_staff_accounts_member_id_vwsc_members')),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], name=op.f('fk_staff_accounts_official_id_officials')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_accounts_username'))
    )
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_accounts_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_accounts_official_id'), ['official_id'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['staff_accounts.id'], name=op.f('fk_staff_sessions_account_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_staff_sessions_id_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_account_id'), ['account_id'], unique=False)

    op.create_table('staff_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['staff_accounts.id'], name=op.f('fk_staff_tokens_account_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_tokens_token_hash'))
    )
    with op.batch_alter_table('staff_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_tokens_account_id'), ['account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_tokens_account_id'))

    op.drop_table('staff_tokens')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_account_id'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_accounts_official_id'))
        batch_op.drop_index(batch_op.f('ix_staff_accounts_member_id'))

    op.drop_table('staff_accounts')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_key')
        batch_op.drop_index(batch_op.f('ix_login_attempts_attempted_at'))

    op.drop_table('login_attempts')
