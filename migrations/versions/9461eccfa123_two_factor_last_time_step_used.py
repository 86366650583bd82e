"""two-factor: last time step used

Revision ID: 9461eccfa123
Revises: a6ef5a4984e6
Create Date: 2026-12-01 22:22:17.351478

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9461eccfa123'
down_revision = 'a6ef5a4984e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')

