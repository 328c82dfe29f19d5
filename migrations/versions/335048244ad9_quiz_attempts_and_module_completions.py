"""quiz attempts and module completions

Revision ID: 335048244ad9
Revises: 014dc2c3a475
Create Date: 2026-11-21 04:38:35.690231

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '335048244ad9'
down_revision = '014dc2c3a475'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=100), nullable=False),
    sa.Column('quiz_hash', sa.String(length=64), nullable=False),
    sa.Column('draw', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_quiz_attempts_open', ['user_id', 'module_slug'], unique=True, sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))

    op.create_table('module_completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=100), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_module_completions_attempt_id_quiz_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_completions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_completions')),
    sa.UniqueConstraint('user_id', 'module_slug', name='uq_module_completions_user_module')
    )
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_completions_user_id'), ['user_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_completions_user_id'))

    op.drop_table('module_completions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_open', sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))

    op.drop_table('quiz_attempts')
    
