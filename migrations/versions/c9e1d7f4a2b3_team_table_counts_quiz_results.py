"""team table versions: a quiz attempt's result and module count too (the table shows 'loopt vast')

Revision ID: c9e1d7f4a2b3
Revises: a23e5a7c0f11
Create Date: 2026-12-06 14:10:00

"""
from alembic import op


revision = 'c9e1d7f4a2b3'
down_revision = 'a23e5a7c0f11'
branch_labels = None
depends_on = None

# The SQL stays written out here, so this migration means the same forever.
NEW, OLD = "submitted_at, user_id, passed, module_slug", "submitted_at, user_id"


def _pg(columns: str) -> str:
    return (f"CREATE TRIGGER trg_quiz_attempts_upd AFTER UPDATE OF {columns} ON quiz_attempts "
            "FOR EACH ROW EXECUTE FUNCTION count_progress_version()")


def _sqlite(columns: str) -> str:
    return (f"CREATE TRIGGER trg_quiz_attempts_upd AFTER UPDATE OF {columns} ON quiz_attempts "
            "BEGIN UPDATE users SET progress_version = progress_version + 1 WHERE id IN (OLD.user_id, NEW.user_id); END")


def _replace(columns: str) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS trg_quiz_attempts_upd" + (" ON quiz_attempts" if postgresql else ""))
    op.execute(_pg(columns) if postgresql else _sqlite(columns))


def upgrade():
    _replace(NEW)


def downgrade():
    _replace(OLD)
