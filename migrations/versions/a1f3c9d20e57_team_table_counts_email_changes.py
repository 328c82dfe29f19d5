"""team table versions: a new e-mail address counts too (the team table reads it)

Revision ID: a1f3c9d20e57
Revises: d6447fb86735
Create Date: 2026-12-06 14:00:00

"""
from alembic import op


revision = 'a1f3c9d20e57'
down_revision = 'd6447fb86735'
branch_labels = None
depends_on = None

# The SQL stays written out here, so this migration means the same forever.
PG_NEW = ("CREATE TRIGGER trg_users_name BEFORE UPDATE OF name, email ON users FOR EACH ROW "
          "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email) "
          "EXECUTE FUNCTION count_own_progress_version()")
PG_OLD = ("CREATE TRIGGER trg_users_name BEFORE UPDATE OF name ON users FOR EACH ROW "
          "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION count_own_progress_version()")
SQLITE_NEW = ("CREATE TRIGGER trg_users_name AFTER UPDATE OF name, email ON users "
              "WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email "
              "BEGIN UPDATE users SET progress_version = progress_version + 1 WHERE id = NEW.id; END")
SQLITE_OLD = ("CREATE TRIGGER trg_users_name AFTER UPDATE OF name ON users WHEN OLD.name IS NOT NEW.name "
              "BEGIN UPDATE users SET progress_version = progress_version + 1 WHERE id = NEW.id; END")


def _replace(postgresql_sql: str, sqlite_sql: str) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS trg_users_name" + (" ON users" if postgresql else ""))
    op.execute(postgresql_sql if postgresql else sqlite_sql)


def upgrade():
    _replace(PG_NEW, SQLITE_NEW)


def downgrade():
    _replace(PG_OLD, SQLITE_OLD)
