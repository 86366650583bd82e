"""appraisal rounds, comment reads, criteria locks, results details, export jobs

Revision ID: a6ef5a4984e6
Revises: 8adbdf55d4b1
Create Date: 2026-12-01 19:14:58.584021

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6ef5a4984e6'
down_revision = '8adbdf55d4b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result_path', sa.String(length=255), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('unit_self', 'unit_appraisal')", name=op.f('ck_export_job_kind')),
    sa.CheckConstraint("status in ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_job_status')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_export_job_requested_by_id_user')),
    sa.ForeignKeyConstraint(['year_id'], ['assessment_year.id'], name=op.f('fk_export_job_year_id_assessment_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_job_year_id'), ['year_id'], unique=False)

    op.create_table('field_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('field_code', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_field_review_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_field_review_done_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_review')),
    sa.UniqueConstraint('assessment_id', 'field_code', 'round', name=op.f('uq_field_review_assessment_id_field_code_round'))
    )
    with op.batch_alter_table('field_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_review_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('comment_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_read_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_comment_read_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_read')),
    sa.UniqueConstraint('user_id', 'comment_id', name=op.f('uq_comment_read_user_id_comment_id'))
    )
    with op.batch_alter_table('comment_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_read_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_read_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        # existing comments were written by council members: not unit replies
        batch_op.add_column(sa.Column('from_unit', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unlocked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unlocked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unlocked_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_criteria_set_locked_by_id_user'), 'user', ['locked_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_criteria_set_unlocked_by_id_user'), 'user', ['unlocked_by_id'], ['id'])

    with op.batch_alter_table('unit_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False, server_default='{}'))



def downgrade():
    with op.batch_alter_table('unit_result', schema=None) as batch_op:
        batch_op.drop_column('details')

    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_criteria_set_unlocked_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_criteria_set_locked_by_id_user'), type_='foreignkey')
        batch_op.drop_column('unlocked_reason')
        batch_op.drop_column('unlocked_by_id')
        batch_op.drop_column('unlocked_at')
        batch_op.drop_column('locked_by_id')
        batch_op.drop_column('locked_at')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('from_unit')

    with op.batch_alter_table('comment_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_read_user_id'))
        batch_op.drop_index(batch_op.f('ix_comment_read_comment_id'))

    op.drop_table('comment_read')
    with op.batch_alter_table('field_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_review_assessment_id'))

    op.drop_table('field_review')
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_job_year_id'))
        batch_op.drop_index(batch_op.f('ix_export_job_status'))

    op.drop_table('export_job')
