"""results: corrections (đính chính) of a published year

Revision ID: final_01
Revises: 9461eccfa123
Create Date: 2026-12-06 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'final_01'
down_revision = 'auth_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('decision_number', sa.String(length=100), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('base_approval_id', sa.Integer(), nullable=True),
    sa.Column('approval_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recomputed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approval_id'], ['approval.id'], name=op.f('fk_result_correction_approval_id_approval')),
    sa.ForeignKeyConstraint(['base_approval_id'], ['approval.id'], name=op.f('fk_result_correction_base_approval_id_approval')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_result_correction_created_by_id_user')),
    sa.ForeignKeyConstraint(['year_id'], ['assessment_year.id'], name=op.f('fk_result_correction_year_id_assessment_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_correction'))
    )


def downgrade():
    op.drop_table('result_correction')
