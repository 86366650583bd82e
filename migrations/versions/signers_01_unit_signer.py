"""unit signer per year: name, position, collective body, document symbol, place

Each assessed unit of each existing year gets the signer its documents printed until now (the district's
chairman on behalf of the committee with BC-UBND and the district's place name; a department's head with
BC and the province's place; the name of the unit's first active leader account), so no document changes
where nobody has set anything.

Revision ID: signers_01
Revises: 9461eccfa123
Create Date: 2026-12-06 03:45:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from portal.units.domain import default_signer

# revision identifiers, used by Alembic.
revision = 'signers_01'
down_revision = 'c13a_unit_types'
branch_labels = None
depends_on = None

PROVINCE_PLACE = "An Giang"   # portal.reports.meta.DEFAULT_REPORT_SETTINGS["place"] when a year set none

_unit = sa.table('unit', sa.column('id', sa.Integer), sa.column('name', sa.String),
                 sa.column('unit_type', sa.String))
_unit_name = sa.table('unit_name', sa.column('unit_id', sa.Integer), sa.column('year_id', sa.Integer),
                      sa.column('name', sa.String))
_year = sa.table('assessment_year', sa.column('id', sa.Integer), sa.column('report_settings', sa.JSON))
_assessment = sa.table('assessment', sa.column('unit_id', sa.Integer), sa.column('year_id', sa.Integer))
_user = sa.table('user', sa.column('id', sa.Integer), sa.column('unit_id', sa.Integer),
                 sa.column('role', sa.String), sa.column('active', sa.Boolean), sa.column('full_name', sa.String))


def upgrade():
    signer = op.create_table(
        'unit_signer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('position', sa.String(length=60), nullable=False),
        sa.Column('collective', sa.String(length=60), nullable=False),
        sa.Column('symbol', sa.String(length=30), nullable=False),
        sa.Column('place', sa.String(length=60), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_signer_unit_id_unit'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['year_id'], ['assessment_year.id'],
                                name=op.f('fk_unit_signer_year_id_assessment_year'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_signer')),
        sa.UniqueConstraint('unit_id', 'year_id', name=op.f('uq_unit_signer_unit_id_year_id')),
    )
    with op.batch_alter_table('unit_signer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_signer_year_id'), ['year_id'], unique=False)
    op.bulk_insert(signer, _defaults(op.get_bind()))


def _defaults(conn) -> list[dict]:
    """One row per (unit, year) that has a file: what the documents printed before this revision."""
    units = {row.id: row for row in conn.execute(sa.select(_unit.c.id, _unit.c.name, _unit.c.unit_type))}
    names = {(r.unit_id, r.year_id): r.name for r in conn.execute(sa.select(_unit_name))}
    places = {r.id: (r.report_settings or {}).get('place') or PROVINCE_PLACE
              for r in conn.execute(sa.select(_year.c.id, _year.c.report_settings))}
    leaders = {}
    for r in conn.execute(sa.select(_user.c.unit_id, _user.c.full_name).where(
            _user.c.role == 'unit_leader', _user.c.active.is_(True)).order_by(_user.c.id)):
        leaders.setdefault(r.unit_id, r.full_name or '')
    now = datetime.now(UTC)
    rows = []
    for unit_id, year_id in conn.execute(sa.select(_assessment.c.unit_id, _assessment.c.year_id).distinct()):
        unit = units[unit_id]
        committee = unit.unit_type == "district"  # the two types of the years before this revision
        s = default_signer(names.get((unit_id, year_id), unit.name), committee, places.get(year_id, PROVINCE_PLACE),
                           leaders.get(unit_id, ''))
        rows.append({'unit_id': unit_id, 'year_id': year_id, 'name': s.name[:80], 'position': s.position,
                     'collective': s.collective, 'symbol': s.symbol, 'place': s.place[:60], 'updated_at': now})
    return rows


def downgrade():
    with op.batch_alter_table('unit_signer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_signer_year_id'))
    op.drop_table('unit_signer')
