"""unit types as the year's data; the unit's type per year on its assessment; proposed phase windows

Revision ID: c13a_unit_types
Revises: 9461eccfa123
Create Date: 2026-12-06 03:50:00

Every existing year gets the two types it was built with (department, district) under today's names, with
the reward counts its settings held (5 and 3 by default); each assessment takes its criteria set's type;
the reward counts leave the year's settings JSON; the fixed CHECK on unit.unit_type goes.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'c13a_unit_types'
down_revision = '9461eccfa123'
branch_labels = None
depends_on = None

# The two types of the years created before types were data, as the portal named them then.
LEGACY_TYPES = (
    ("department", "Sở, ban, ngành", "Departments and agencies", "cấp sở", "Các sở, ban, ngành tỉnh",
     "sở, ban, ngành tỉnh", False, 5),
    ("district", "UBND cấp huyện", "District People's Committees", "cấp huyện",
     "UBND các huyện, thị xã, thành phố", "UBND huyện, thị xã, thành phố", True, 3),
)


def _settings(value):
    if value is None:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def upgrade():
    op.create_table(
        'unit_type',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=False),
        sa.Column('short_label', sa.String(length=40), nullable=False),
        sa.Column('heading', sa.String(length=160), nullable=False),
        sa.Column('plural', sa.String(length=160), nullable=False),
        sa.Column('committee', sa.Boolean(), nullable=False),
        sa.Column('reward_top', sa.Integer(), nullable=False),
        sa.Column('reward_bottom', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['year_id'], ['assessment_year.id'], name=op.f('fk_unit_type_year_id_assessment_year'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_type')),
        sa.UniqueConstraint('year_id', 'code', name=op.f('uq_unit_type_year_id_code')),
    )
    with op.batch_alter_table('unit_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_type_year_id'), ['year_id'], unique=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_type', sa.String(length=20), nullable=True))
    with op.batch_alter_table('assessment_year', schema=None) as batch_op:
        batch_op.add_column(sa.Column('windows_proposed', sa.Boolean(), nullable=False, server_default=sa.false()))

    conn = op.get_bind()
    unit_type = sa.table('unit_type', *(sa.column(c) for c in (
        'year_id', 'code', 'name', 'name_en', 'short_label', 'heading', 'plural', 'committee', 'reward_top',
        'reward_bottom', 'position')))
    for year_id, settings in conn.execute(sa.text("SELECT id, settings FROM assessment_year")).all():
        settings = _settings(settings)
        rewards = settings.pop("reward_top", None) or {}
        for position, (code, name, name_en, short, heading, plural, committee, top) in enumerate(LEGACY_TYPES):
            conn.execute(unit_type.insert().values(
                year_id=year_id, code=code, name=name, name_en=name_en, short_label=short, heading=heading,
                plural=plural, committee=committee, reward_top=int(rewards.get(code, top)), reward_bottom=0, position=position))
        conn.execute(sa.text("UPDATE assessment_year SET settings = :s WHERE id = :id")
                     .bindparams(sa.bindparam("s", type_=sa.JSON())), {"s": settings, "id": year_id})
    conn.execute(sa.text("UPDATE assessment SET unit_type = (SELECT criteria_set.unit_type FROM criteria_set "
                         "WHERE criteria_set.id = assessment.criteria_set_id)"))
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.alter_column('unit_type', existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_unit_unit_type'), type_='check')


def downgrade():
    conn = op.get_bind()
    for year_id, settings in conn.execute(sa.text("SELECT id, settings FROM assessment_year")).all():
        settings = _settings(settings)
        rows = conn.execute(sa.text("SELECT code, reward_top FROM unit_type WHERE year_id = :y"), {"y": year_id})
        settings["reward_top"] = {code: top for code, top in rows}
        conn.execute(sa.text("UPDATE assessment_year SET settings = :s WHERE id = :id")
                     .bindparams(sa.bindparam("s", type_=sa.JSON())), {"s": settings, "id": year_id})
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_unit_unit_type'), "unit_type in ('department', 'district')")
    with op.batch_alter_table('assessment_year', schema=None) as batch_op:
        batch_op.drop_column('windows_proposed')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('unit_type')
    with op.batch_alter_table('unit_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_type_year_id'))
    op.drop_table('unit_type')
