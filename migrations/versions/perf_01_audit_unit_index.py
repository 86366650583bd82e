"""audit log: an index by unit, year and action (an item's latest changes on every workspace page and save)

Revision ID: perf_01_audit_unit_index
Revises: rank_01_unit_result_indexes
Create Date: 2026-12-06 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'perf_01_audit_unit_index'
down_revision = 'rank_01_unit_result_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_log_unit_year_action', 'audit_log', ['unit_id', 'year_id', 'action'])


def downgrade():
    op.drop_index('ix_audit_log_unit_year_action', table_name='audit_log')
