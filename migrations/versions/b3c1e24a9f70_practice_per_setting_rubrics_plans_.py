"""practice per setting: the learner's setting, rubric marks, two-part plans, coach observations, join codes

Revision ID: b3c1e24a9f70
Revises: b7e2a91c4d10
Create Date: 2026-12-06 13:40:00

Plain add_column/create_table only: a SQLite batch rebuild of users, teams or practice_submissions would
drop the team-cache triggers of migration 44425360db4e.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c1e24a9f70'
down_revision = 'b7e2a91c4d10'
branch_labels = None
depends_on = None

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # the same as course.teams.setup: no 0/O, 1/I/L


def upgrade():
    op.add_column('users', sa.Column('setting', sa.String(length=20), nullable=True))
    op.add_column('practice_submissions', sa.Column('setting', sa.String(length=20), nullable=True))
    op.add_column('practice_submissions', sa.Column('marks', sa.JSON(), nullable=True))
    op.add_column('teams', sa.Column('join_code', sa.String(length=12), nullable=True))
    teams = sa.table('teams', sa.column('id', sa.Integer), sa.column('join_code', sa.String))
    connection = op.get_bind()
    used = set()
    for (team_id,) in connection.execute(sa.select(teams.c.id)).fetchall():
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        used.add(code)
        connection.execute(teams.update().where(teams.c.id == team_id).values(join_code=code))
    op.create_index('ix_teams_join_code', 'teams', ['join_code'], unique=True)
    op.create_table(
        'practice_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_slug', sa.String(length=100), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_plans_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_plans')),
        sa.UniqueConstraint('user_id', 'module_slug', name='uq_practice_plans_user_module'),
    )
    op.create_index(op.f('ix_practice_plans_user_id'), 'practice_plans', ['user_id'], unique=False)
    op.create_table(
        'coach_observations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('module_slug', sa.String(length=100), nullable=False),
        sa.Column('coach_id', sa.Integer(), nullable=True),
        sa.Column('coach_name', sa.String(length=120), nullable=False),
        sa.Column('observed_on', sa.Date(), nullable=False),
        sa.Column('situation', sa.Text(), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_coach_observations_learner_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['coach_id'], ['users.id'], name=op.f('fk_coach_observations_coach_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_observations')),
    )
    op.create_index('ix_coach_observations_learner_module', 'coach_observations', ['learner_id', 'module_slug'],
                    unique=False)


def downgrade():
    op.drop_index('ix_coach_observations_learner_module', table_name='coach_observations')
    op.drop_table('coach_observations')
    op.drop_index(op.f('ix_practice_plans_user_id'), table_name='practice_plans')
    op.drop_table('practice_plans')
    op.drop_index('ix_teams_join_code', table_name='teams')
    op.drop_column('teams', 'join_code')
    op.drop_column('practice_submissions', 'marks')
    op.drop_column('practice_submissions', 'setting')
    op.drop_column('users', 'setting')
