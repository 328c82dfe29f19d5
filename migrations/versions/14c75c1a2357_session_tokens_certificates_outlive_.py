"""session tokens; certificates outlive deleted accounts

Revision ID: 14c75c1a2357
Revises: 4987caa1e39c
Create Date: 2026-11-21 04:59:51.169125

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14c75c1a2357'
down_revision = '4987caa1e39c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_removed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_certificates_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_certificates_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')

    # Existing users get a random token each (their current login cookies stop working once).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), nullable=True))
    random_hex = ("md5(random()::text || id::text)" if op.get_bind().dialect.name == "postgresql"
                  else "lower(hex(randomblob(16)))")
    op.execute(f"UPDATE users SET session_token = {random_hex}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=32), nullable=False)



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_certificates_user_id_users'), 'users', ['user_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('name_removed')

