"""Revision signers_01 on existing data: a database holding the demo year before the revision gets one
signer row per assessed unit, equal to what the documents printed until then (so nothing printed changes
where nobody sets a signer)."""
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal.assessments.models import Assessment
from portal.db import utcnow
from portal.extensions import db
from portal.units.domain import default_signer
from portal.units.models import Unit, UnitSigner
from portal.units.signers import leader_name
from tests.web.test_migrations import migrated_app  # noqa: F401  (the empty-database fixture)

BEFORE = "9461eccfa123"


def test_existing_units_get_the_signer_their_documents_printed(migrated_app):  # noqa: F811
    from portal.seed import seed_demo
    with migrated_app.app_context():
        upgrade(revision=BEFORE)
        seed_demo(now=utcnow())
        db.session.commit()
        upgrade()
        rows = {row.unit_id: row for row in db.session.scalars(select(UnitSigner))}
        assert len(rows) == db.session.scalar(select(func.count()).select_from(Assessment)) == 31
        by_code = {u.code: u for u in db.session.scalars(select(Unit))}
        tinh_bien, labour = rows[by_code["890"].id], rows[by_code["SLDTBXH"].id]
        assert (tinh_bien.position, tinh_bien.collective, tinh_bien.symbol, tinh_bien.place) == \
            ("Chủ tịch", "Ủy ban nhân dân", "BC-UBND", "Tịnh Biên")
        assert tinh_bien.name == leader_name(by_code["890"].id) != ""
        assert (labour.position, labour.collective, labour.symbol, labour.place) == ("Giám đốc", "", "BC", "An Giang")
        for unit_id, row in rows.items():
            unit = db.session.get(Unit, unit_id)
            expected = default_signer(unit.name_in(row.year_id), unit.unit_type, "An Giang", leader_name(unit_id))
            assert (row.name, row.position, row.collective, row.symbol, row.place) == \
                (expected.name, expected.position, expected.collective, expected.symbol, expected.place)
        db.session.remove()
