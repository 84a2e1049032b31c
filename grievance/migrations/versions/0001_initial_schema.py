"""initial schema

Revision ID: 9bdcd3b5afe7
Revises: 
Create Date: 2026-11-22 05:21:35.271605
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import grievance.db

revision: str = '9bdcd3b5afe7'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    # The chain starts from a genesis hash of zeros; appends lock and advance this row.
    op.bulk_insert(
        sa.table('audit_chain_head', sa.column('id'), sa.column('seq'), sa.column('hash')),
        [{'id': 1, 'seq': 0, 'hash': '0' * 64}],
    )
    op.create_table('audit_events',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('officials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('role', sa.Enum('je', 'ae', 'ee', 'dwsm', 'state_admin', name='official_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.Enum('whatsapp', 'sms', 'voice', 'telegram', 'web', 'terminal', name='official_channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officials')),
    sa.UniqueConstraint('phone_hash', name=op.f('uq_officials_phone_hash'))
    )
    op.create_table('reporters',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporters')),
    sa.UniqueConstraint('contact_hash', name=op.f('uq_reporters_contact_hash'))
    )
    op.create_table('schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schemes')),
    sa.UniqueConstraint('external_id', name=op.f('uq_schemes_external_id'))
    )
    op.create_table('states',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_states'))
    )
    op.create_table('districts',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['state_code'], ['states.code'], name=op.f('fk_districts_state_code_states')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_districts'))
    )
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_districts_state_code'), ['state_code'], unique=False)

    op.create_table('official_jurisdictions',
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.Enum('village', 'gp', 'block', 'subdistrict', 'district', 'state', name='unit_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('unit_code', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], name=op.f('fk_official_jurisdictions_official_id_officials')),
    sa.PrimaryKeyConstraint('official_id', 'unit_type', 'unit_code', name=op.f('pk_official_jurisdictions'))
    )
    with op.batch_alter_table('official_jurisdictions', schema=None) as batch_op:
        batch_op.create_index('ix_official_jurisdictions_unit', ['unit_type', 'unit_code'], unique=False)

    op.create_table('blocks',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('district_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_blocks_district_code_districts')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_blocks'))
    )
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blocks_district_code'), ['district_code'], unique=False)

    op.create_table('subdistricts',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('district_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_subdistricts_district_code_districts')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_subdistricts'))
    )
    with op.batch_alter_table('subdistricts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subdistricts_district_code'), ['district_code'], unique=False)

    op.create_table('gram_panchayats',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('block_code', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['block_code'], ['blocks.code'], name=op.f('fk_gram_panchayats_block_code_blocks')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_gram_panchayats'))
    )
    with op.batch_alter_table('gram_panchayats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gram_panchayats_block_code'), ['block_code'], unique=False)

    op.create_table('villages',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('subdistrict_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_local', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['subdistrict_code'], ['subdistricts.code'], name=op.f('fk_villages_subdistrict_code_subdistricts')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_villages'))
    )
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_villages_subdistrict_code'), ['subdistrict_code'], unique=False)

    op.create_table('scheme_villages',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_scheme_villages_scheme_id_schemes')),
    sa.ForeignKeyConstraint(['village_code'], ['villages.code'], name=op.f('fk_scheme_villages_village_code_villages')),
    sa.PrimaryKeyConstraint('scheme_id', 'village_code', name=op.f('pk_scheme_villages'))
    )
    with op.batch_alter_table('scheme_villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_villages_village_code'), ['village_code'], unique=False)

    op.create_table('village_panchayats',
    sa.Column('village_code', sa.Integer(), nullable=False),
    sa.Column('gp_code', sa.Integer(), nullable=False),
    sa.Column('block_code', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['block_code'], ['blocks.code'], name=op.f('fk_village_panchayats_block_code_blocks')),
    sa.ForeignKeyConstraint(['gp_code'], ['gram_panchayats.code'], name=op.f('fk_village_panchayats_gp_code_gram_panchayats')),
    sa.ForeignKeyConstraint(['village_code'], ['villages.code'], name=op.f('fk_village_panchayats_village_code_villages')),
    sa.PrimaryKeyConstraint('village_code', 'gp_code', name=op.f('pk_village_panchayats'))
    )
    with op.batch_alter_table('village_panchayats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_panchayats_block_code'), ['block_code'], unique=False)
        batch_op.create_index('ix_village_panchayats_gp_code', ['gp_code'], unique=False)

    op.create_table('vwscs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('village_code', sa.Integer(), nullable=True),
    sa.Column('gp_code', sa.Integer(), nullable=True),
    sa.CheckConstraint('(village_code IS NULL) <> (gp_code IS NULL)', name=op.f('ck_vwscs_village_xor_gp')),
    sa.ForeignKeyConstraint(['gp_code'], ['gram_panchayats.code'], name=op.f('fk_vwscs_gp_code_gram_panchayats')),
    sa.ForeignKeyConstraint(['village_code'], ['villages.code'], name=op.f('fk_vwscs_village_code_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vwscs')),
    sa.UniqueConstraint('gp_code', name=op.f('uq_vwscs_gp_code')),
    sa.UniqueConstraint('village_code', name=op.f('uq_vwscs_village_code'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('village_code', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('no_water', 'low_pressure', 'irregular_supply', 'dirty_water', 'health_issue', 'leakage', 'broken_tap', 'no_connection', 'billing', 'other', name='category', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status', sa.Enum('new', 'acknowledged', 'in_progress', 'resolved', 'closed', 'reopened', 'rejected', name='status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('priority', sa.Enum('urgent', 'normal', name='priority', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('level', sa.Enum('vwsc', 'je', 'ae', 'ee', 'dwsm', 'state_admin', name='level', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('assigned_vwsc_id', sa.Integer(), nullable=True),
    sa.Column('assigned_official_id', sa.Integer(), nullable=True),
    sa.Column('needs_onboarding', sa.Boolean(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('escalations', sa.Integer(), nullable=False),
    sa.Column('due_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opened_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', grievance.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closure', sa.Enum('confirmed', 'unconfirmed', name='closure', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('responsible_body', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_official_id'], ['officials.id'], name=op.f('fk_incidents_assigned_official_id_officials')),
    sa.ForeignKeyConstraint(['assigned_vwsc_id'], ['vwscs.id'], name=op.f('fk_incidents_assigned_vwsc_id_vwscs')),
    sa.ForeignKeyConstraint(['village_code'], ['villages.code'], name=op.f('fk_incidents_village_code_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_assigned_official_id'), ['assigned_official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_assigned_vwsc_id'), ['assigned_vwsc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_village_code'), ['village_code'], unique=False)
        batch_op.create_index('uq_incidents_open_village_category', ['village_code', 'category'], unique=True, sqlite_where=sa.text("status NOT IN ('closed', 'rejected')"), postgresql_where=sa.text("status NOT IN ('closed', 'rejected')"))

    op.create_table('vwsc_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vwsc_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'secretary', 'member', 'pump_operator', 'ftk_tester', name='member_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.Enum('whatsapp', 'sms', 'voice', 'telegram', 'web', 'terminal', name='member_channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.ForeignKeyConstraint(['vwsc_id'], ['vwscs.id'], name=op.f('fk_vwsc_members_vwsc_id_vwscs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vwsc_members')),
    sa.UniqueConstraint('vwsc_id', 'phone_hash', name=op.f('uq_vwsc_members_vwsc_id'))
    )
    with op.batch_alter_table('vwsc_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vwsc_members_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_vwsc_members_vwsc_id'), ['vwsc_id'], unique=False)

    op.create_table('incident_routes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('incident_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('level', sa.Enum('vwsc', 'je', 'ae', 'ee', 'dwsm', 'state_admin', name='route_level', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('vwsc_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('primary', 'notify', 'escalation', name='route_reason', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_routes_incident_id_incidents')),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], name=op.f('fk_incident_routes_official_id_officials')),
    sa.ForeignKeyConstraint(['vwsc_id'], ['vwscs.id'], name=op.f('fk_incident_routes_vwsc_id_vwscs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_routes'))
    )
    with op.batch_alter_table('incident_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_routes_incident_id'), ['incident_id'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('incident_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reporter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.Enum('whatsapp', 'sms', 'voice', 'telegram', 'web', 'terminal', name='channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', grievance.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_tickets_incident_id_incidents')),
    sa.ForeignKeyConstraint(['reporter_id'], ['reporters.id'], name=op.f('fk_tickets_reporter_id_reporters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('incident_id', 'reporter_id', name=op.f('uq_tickets_incident_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_tickets_reference'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('media', 'recording', name='attachment_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_attachments_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_ticket_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_reporter_id'))

    op.drop_table('tickets')
    with op.batch_alter_table('incident_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_routes_incident_id'))

    op.drop_table('incident_routes')
    with op.batch_alter_table('vwsc_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vwsc_members_vwsc_id'))
        batch_op.drop_index(batch_op.f('ix_vwsc_members_phone_hash'))

    op.drop_table('vwsc_members')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('uq_incidents_open_village_category', sqlite_where=sa.text("status NOT IN ('closed', 'rejected')"), postgresql_where=sa.text("status NOT IN ('closed', 'rejected')"))
        batch_op.drop_index(batch_op.f('ix_incidents_village_code'))
        batch_op.drop_index(batch_op.f('ix_incidents_due_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_assigned_vwsc_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_assigned_official_id'))

    op.drop_table('incidents')
    op.drop_table('vwscs')
    with op.batch_alter_table('village_panchayats', schema=None) as batch_op:
        batch_op.drop_index('ix_village_panchayats_gp_code')
        batch_op.drop_index(batch_op.f('ix_village_panchayats_block_code'))

    op.drop_table('village_panchayats')
    with op.batch_alter_table('scheme_villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_villages_village_code'))

    op.drop_table('scheme_villages')
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_villages_subdistrict_code'))

    op.drop_table('villages')
    with op.batch_alter_table('gram_panchayats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gram_panchayats_block_code'))

    op.drop_table('gram_panchayats')
    with op.batch_alter_table('subdistricts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subdistricts_district_code'))

    op.drop_table('subdistricts')
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blocks_district_code'))

    op.drop_table('blocks')
    with op.batch_alter_table('official_jurisdictions', schema=None) as batch_op:
        batch_op.drop_index('ix_official_jurisdictions_unit')

    op.drop_table('official_jurisdictions')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_districts_state_code'))

    op.drop_table('districts')
    op.drop_table('states')
    op.drop_table('schemes')
    op.drop_table('reporters')
    op.drop_table('officials')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')

    op.drop_table('audit_events')
    op.drop_table('audit_chain_head')
