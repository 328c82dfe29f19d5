"""open badges: a signed credential beside each certificate, and verified proof from elsewhere

Revision ID: b7e2a91c4d10
Revises: a1f3c9d20e57
Create Date: 2026-12-06 13:45:00

Two new tables only (plain create_table): the certificates and users tables are not touched, so the
team-cache triggers of 44425360db4e stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2a91c4d10'
down_revision = 'a1f3c9d20e57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'open_badges',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('kid', sa.String(length=100), nullable=False),
        sa.Column('jwt', sa.Text(), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], ondelete='CASCADE',
                                name=op.f('fk_open_badges_certificate_id_certificates')),
        sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_open_badges')),
        sa.UniqueConstraint('status_index', name=op.f('uq_open_badges_status_index')),
    )
    op.create_table(
        'external_achievements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=500), nullable=False),
        sa.Column('issuer_id', sa.String(length=500), nullable=False),
        sa.Column('issuer_name', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('achieved_at', sa.DateTime(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=True),
        sa.Column('jwt', sa.Text(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_external_achievements_user_id_users')),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_external_achievements_added_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_achievements')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_external_achievements_credential_id')),
    )
    op.create_index(op.f('ix_external_achievements_user_id'), 'external_achievements', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_external_achievements_user_id'), table_name='external_achievements')
    op.drop_table('external_achievements')
    op.drop_table('open_badges')
