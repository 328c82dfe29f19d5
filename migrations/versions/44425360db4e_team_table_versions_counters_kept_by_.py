"""team table versions: counters kept by triggers

Revision ID: 44425360db4e
Revises: 7e5deb2e53b9
Create Date: 2026-11-30 15:03:12.747014

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44425360db4e'
down_revision = '7e5deb2e53b9'
branch_labels = None
depends_on = None

# What a team table shows of a learner lives in these tables; a change to the columns named (None: any
# column) counts the learner's users.progress_version up, in the same transaction. A membership change counts
# teams.members_version up. course/teams/cache.py checks a cached team table against these counters.
# The SQL stays written out here (not imported from the app), so this migration means the same forever.
WATCHED = {
    "lesson_progress": None,
    "module_completions": None,
    "quiz_attempts": ("submitted_at", "user_id"),
    "certificates": ("code", "scope", "user_id", "revoked_at"),
    "practice_submissions": ("status", "module_slug", "user_id"),
}
TRIGGERS = [(f"trg_{table}_{event}", table) for table in [*WATCHED, "team_memberships"]
            for event in ("ins", "upd", "del")] + [("trg_users_name", "users")]


def _pg_counter(function: str, target: str, counter: str, key: str) -> str:
    """A trigger function that counts target.counter up for the row's `key` (old and new, if it moved)."""
    count = f"UPDATE {target} SET {counter} = {counter} + 1 WHERE id"
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    {count} = OLD.{key};
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{key} IS DISTINCT FROM OLD.{key}) THEN
    {count} = NEW.{key};
  END IF;
  RETURN NULL;
END $$"""


PG_FUNCTIONS = [
    _pg_counter("count_progress_version", "users", "progress_version", "user_id"),
    _pg_counter("count_members_version", "teams", "members_version", "team_id"),
    """CREATE FUNCTION count_own_progress_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.progress_version := OLD.progress_version + 1;
  RETURN NEW;
END $$""",
]


def _postgresql() -> list[str]:
    statements = list(PG_FUNCTIONS)
    for table, columns in [*WATCHED.items(), ("team_memberships", None)]:
        function = "count_members_version" if table == "team_memberships" else "count_progress_version"
        of = f" OF {', '.join(columns)}" if columns else ""
        for name, event in (("ins", "INSERT"), ("upd", f"UPDATE{of}"), ("del", "DELETE")):
            statements.append(f"CREATE TRIGGER trg_{table}_{name} AFTER {event} ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION {function}()")
    statements.append("CREATE TRIGGER trg_users_name BEFORE UPDATE OF name ON users FOR EACH ROW "
                      "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION count_own_progress_version()")
    return statements


def _sqlite() -> list[str]:
    statements = []
    for table, columns in [*WATCHED.items(), ("team_memberships", None)]:
        target, counter, key = (("teams", "members_version", "team_id") if table == "team_memberships"
                                else ("users", "progress_version", "user_id"))
        count = f"UPDATE {target} SET {counter} = {counter} + 1 WHERE id"
        of = f" OF {', '.join(columns)}" if columns else ""
        statements += [
            f"CREATE TRIGGER trg_{table}_ins AFTER INSERT ON {table} BEGIN {count} = NEW.{key}; END",
            f"CREATE TRIGGER trg_{table}_upd AFTER UPDATE{of} ON {table} "
            f"BEGIN {count} IN (OLD.{key}, NEW.{key}); END",
            f"CREATE TRIGGER trg_{table}_del AFTER DELETE ON {table} BEGIN {count} = OLD.{key}; END",
        ]
    statements.append("CREATE TRIGGER trg_users_name AFTER UPDATE OF name ON users WHEN OLD.name IS NOT NEW.name "
                      "BEGIN UPDATE users SET progress_version = progress_version + 1 WHERE id = NEW.id; END")
    return statements


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_version', sa.Integer(), server_default='0', nullable=False))
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgresql else _sqlite():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION count_progress_version(); DROP FUNCTION count_members_version(); "
                   "DROP FUNCTION count_own_progress_version()")
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('members_version')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('progress_version')
