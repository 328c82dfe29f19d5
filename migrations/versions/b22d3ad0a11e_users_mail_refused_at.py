"""users.mail_refused_at: an address the mail server refused for good (issue 22)

Revision ID: b22d3ad0a11e
Revises: b3c1e24a9f70
Create Date: 2026-12-06 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b22d3ad0a11e'
down_revision = 'b3c1e24a9f70'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not batch mode: a SQLite batch migration rebuilds the users table and drops the
    # team-cache triggers of 44425360db4e. A nullable column without default needs no rebuild on either database.
    op.add_column('users', sa.Column('mail_refused_at', sa.DateTime(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a plain column in place (no rebuild, so the triggers stay); PostgreSQL always could.
    op.drop_column('users', 'mail_refused_at')
