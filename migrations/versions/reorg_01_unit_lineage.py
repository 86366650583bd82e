"""unit lineage: a unit's predecessors in a year after a reorganisation

Revision ID: reorg_01_unit_lineage
Revises: c13a_unit_types
Create Date: 2026-12-06 04:30:00

One row per predecessor: a unit of this portal, or a name and code outside it (a department of the
former Kiên Giang province), with the kind of change and the legal basis.
"""
import sqlalchemy as sa
from alembic import op

revision = 'reorg_01_unit_lineage'
down_revision = 'councilday_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_lineage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year_id', sa.Integer(), nullable=False),
        sa.Column('predecessor_id', sa.Integer(), nullable=True),
        sa.Column('outside_code', sa.String(length=40), nullable=False),
        sa.Column('outside_name', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('decision_number', sa.String(length=60), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['predecessor_id'], ['unit.id'], name=op.f('fk_unit_lineage_predecessor_id_unit'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_lineage_unit_id_unit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['year_id'], ['assessment_year.id'],
                                name=op.f('fk_unit_lineage_year_id_assessment_year'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_lineage')),
        sa.UniqueConstraint('unit_id', 'year_id', 'predecessor_id',
                            name=op.f('uq_unit_lineage_unit_id_year_id_predecessor_id')),
    )
    with op.batch_alter_table('unit_lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_lineage_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_lineage_year_id'), ['year_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_lineage_year_id'))
        batch_op.drop_index(batch_op.f('ix_unit_lineage_unit_id'))
    op.drop_table('unit_lineage')
