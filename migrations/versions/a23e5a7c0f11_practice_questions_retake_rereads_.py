"""practice questions in the lessons, lessons to reread before a retake, what a certificate measured

Revision ID: a23e5a7c0f11
Revises: b22d3ad0a11e
Create Date: 2026-12-06 13:45:00.000000

Plain create_table/add_column only: a SQLite batch on quiz_attempts would drop the team-cache
triggers of migration 44425360db4e. certificates gets two nullable columns (ALTER TABLE ADD COLUMN
keeps its triggers); existing certificates keep NULL and so keep what they said.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a23e5a7c0f11'
down_revision = 'b22d3ad0a11e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'exercise_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_slug', sa.String(length=100), nullable=False),
        sa.Column('lesson_slug', sa.String(length=100), nullable=False),
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('answer', sa.JSON(), nullable=False),
        sa.Column('points', sa.Double(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'module_slug', 'question_id', name='uq_exercise_results_user_item'),
    )
    op.create_index('ix_exercise_results_user_id', 'exercise_results', ['user_id'], unique=False)
    op.create_table(
        'quiz_rereads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_slug', sa.String(length=100), nullable=False),
        sa.Column('lesson_slug', sa.String(length=100), nullable=False),
        sa.Column('mistakes', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_quiz_rereads_attempt_id', 'quiz_rereads', ['attempt_id'], unique=False)
    op.create_index('ix_quiz_rereads_user_lesson', 'quiz_rereads',
                    ['user_id', 'module_slug', 'lesson_slug', 'opened_at'], unique=False)
    op.add_column('certificates', sa.Column('quiz_score', sa.Double(), nullable=True))
    op.add_column('certificates', sa.Column('practice_signed', sa.Boolean(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place (no batch copy, so the certificates triggers stay).
    op.drop_column('certificates', 'practice_signed')
    op.drop_column('certificates', 'quiz_score')
    op.drop_index('ix_quiz_rereads_user_lesson', table_name='quiz_rereads')
    op.drop_index('ix_quiz_rereads_attempt_id', table_name='quiz_rereads')
    op.drop_table('quiz_rereads')
    op.drop_index('ix_exercise_results_user_id', table_name='exercise_results')
    op.drop_table('exercise_results')
