"""score entry: the member's explicit agreement with the self-score (Đồng ý với điểm tự chấm)

Revision ID: councilday_01
Revises: 9461eccfa123
Create Date: 2026-12-06 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'councilday_01'
down_revision = 'final_01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('score_entry', schema=None) as batch_op:
        batch_op.drop_column('agreed')
