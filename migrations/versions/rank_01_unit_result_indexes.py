"""unit result: indexes for one page of the ranking (rank) and the time of the computation

Revision ID: rank_01_unit_result_indexes
Revises: reorg_01_unit_lineage
Create Date: 2026-12-06 14:40:00

The ranking page reads only the page's rows of a national year (2,000 units): counting, ordering and the
reward lines read year, rank and unit from the first index without touching the large rows; the second
gives the latest computation time of a year without reading them.
"""
from alembic import op

revision = 'rank_01_unit_result_indexes'
down_revision = 'reorg_01_unit_lineage'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit_result', schema=None) as batch_op:
        batch_op.create_index('ix_unit_result_year_id_rank', ['year_id', 'rank', 'unit_id'], unique=False)
        batch_op.create_index('ix_unit_result_year_id_computed_at', ['year_id', 'computed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_result', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_result_year_id_computed_at')
        batch_op.drop_index('ix_unit_result_year_id_rank')
