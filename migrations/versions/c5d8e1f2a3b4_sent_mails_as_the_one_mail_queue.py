"""sent_mails as the one mail queue: every mail is a row before it is sent (issue 21 point 3)

Revision ID: c5d8e1f2a3b4
Revises: c9e1d7f4a2b3
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d8e1f2a3b4'
down_revision = 'c9e1d7f4a2b3'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: nullable columns without a default, no rebuild on either database.
    op.add_column('sent_mails', sa.Column('recipient', sa.String(length=320), nullable=True))
    op.add_column('sent_mails', sa.Column('subject', sa.String(length=300), nullable=True))
    op.add_column('sent_mails', sa.Column('body', sa.Text(), nullable=True))
    op.add_column('sent_mails', sa.Column('html', sa.Text(), nullable=True))
    op.add_column('sent_mails', sa.Column('headers', sa.Text(), nullable=True))
    op.add_column('sent_mails', sa.Column('next_try_at', sa.DateTime(), nullable=True))
    # A password-reset request is stored before anyone looks up the address (the answer must not depend on it),
    # so its row has no user yet. sent_mails carries no team-cache triggers: rebuilding it on SQLite is safe
    # (the batch below touches sent_mails only, never users or teams).
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('sent_mails') as batch_op:
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    else:
        op.alter_column('sent_mails', 'user_id', existing_type=sa.Integer(), nullable=True)
    op.create_index('ix_sent_mails_status_next_try_at', 'sent_mails', ['status', 'next_try_at'])


def downgrade():
    op.drop_index('ix_sent_mails_status_next_try_at', table_name='sent_mails')
    op.execute("DELETE FROM sent_mails WHERE user_id IS NULL")
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('sent_mails') as batch_op:
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    else:
        op.alter_column('sent_mails', 'user_id', existing_type=sa.Integer(), nullable=False)
    for column in ('next_try_at', 'headers', 'html', 'body', 'subject', 'recipient'):
        op.drop_column('sent_mails', column)
