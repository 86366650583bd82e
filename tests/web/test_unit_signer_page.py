"""The page of a unit's signer (Người ký văn bản): who may open and save it (the unit's own leader and the
admin; another unit's leader or staff 404, the unit's staff and the council 403, anonymous to the login
page), validation in Vietnamese with the typed values kept, one audit row per change, the links to it,
and the saved signer printed on the unit's self-assessment report."""
import io

import pypdf
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.units.models import UnitSigner
from tests.web.reports_setup import small_year
from tests.web.security_world import page_shape

PASSWORD = "demo-cchc-2022"
DEPUTY = {"name": "Nguyễn Thị Kim Loan", "position": "Phó Giám đốc", "collective": "", "symbol": "BC-STP",
          "place": "An Giang"}


@pytest.fixture
def world(app, ctx):
    return small_year()


def _url(world, code):
    return f"/reports/{world.year_id}/units/{world.units[code]}/signer"


@pytest.mark.parametrize("username, code, status", [
    ("admin", "STP", 200), ("admin", "890", 200),
    ("stp.lanhdao", "STP", 200),
    ("stp.lanhdao", "890", 404), ("890.canbo", "STP", 403), ("890.lanhdao", "STP", 404),
    ("stp.canbo", "STP", 403),
    ("tv.stp", "STP", 403), ("chutich", "STP", 403),
    (None, "STP", 302),
])
def test_who_may_open_and_save_a_units_signer(world, username, code, status, auth):
    client = auth.login(username, PASSWORD)
    assert client.get(_url(world, code)).status_code == status
    saved = client.post(_url(world, code), data=DEPUTY)
    assert saved.status_code == (303 if status == 200 else status)
    db.session.expire_all()
    row = db.session.scalar(select(UnitSigner).where(UnitSigner.unit_id == world.units[code]))
    assert (row is not None and row.name == DEPUTY["name"]) is (status == 200)


def test_another_units_page_looks_like_a_missing_one(world, auth):
    leader = auth.login("890.lanhdao", PASSWORD)
    missing_url = f"/reports/{world.year_id}/units/999999/signer"
    other, missing = leader.get(_url(world, "STP")), leader.get(missing_url)
    assert other.status_code == missing.status_code == 404
    assert page_shape(other, _url(world, "STP")) == page_shape(missing, missing_url)


def test_the_form_starts_from_the_printed_defaults(world, auth):
    page = auth.login("890.lanhdao", PASSWORD).get(_url(world, "890")).get_data(as_text=True)
    assert 'value="Chủ tịch"' in page and 'value="Ủy ban nhân dân"' in page and 'value="BC-UBND"' in page
    assert 'value="Tịnh Biên"' in page
    assert "TM. ỦY BAN NHÂN DÂN" in page and "CHỦ TỊCH" in page


def test_bad_input_is_refused_in_vietnamese_and_kept(world, auth):
    admin = auth.login("admin", PASSWORD)
    response = admin.post(_url(world, "STP"), data=dict(DEPUTY, name="", symbol="BC STP/2023"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Hãy nhập họ và tên người ký" in html
    assert "Ký hiệu chỉ gồm chữ, số và dấu gạch ngang" in html
    assert 'value="BC STP/2023"' in html
    assert db.session.scalar(select(UnitSigner).where(UnitSigner.unit_id == world.units["STP"])) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "unit_signer")) is None


def test_a_saved_deputy_signs_the_self_assessment_report(world, auth):
    leader = auth.login("stp.lanhdao", PASSWORD)
    assert leader.post(_url(world, "STP"), data=DEPUTY).status_code == 303
    page = leader.get(_url(world, "STP")).get_data(as_text=True)
    assert "KT. GIÁM ĐỐC" in page and "PHÓ GIÁM ĐỐC" in page and "/BC-STP" in page
    assert leader.post(_url(world, "STP"), data=DEPUTY).status_code == 303      # unchanged: no second row
    rows = list(db.session.scalars(select(AuditLog).where(AuditLog.action == "unit_signer")))
    assert len(rows) == 1 and rows[0].new["position"] == "Phó Giám đốc" and rows[0].unit_id == world.units["STP"]
    pdf = leader.get(f"/reports/{world.year_id}/units/{world.units['STP']}/self.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert f"KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC {DEPUTY['name']}" in text
    assert "Số: /BC-STP" in text


def test_the_page_is_linked_from_the_workspace_and_the_reports_page(world, auth):
    from portal.assessments.models import Assessment
    assessment_id = db.session.scalar(select(Assessment.id).where(Assessment.unit_id == world.units["STP"]))
    url = _url(world, "STP")
    assert url in auth.login("stp.lanhdao", PASSWORD).get(f"/assessment/{assessment_id}").get_data(as_text=True)
    assert url not in auth.login("stp.canbo", PASSWORD).get(f"/assessment/{assessment_id}").get_data(as_text=True)
    assert url in auth.login("admin", PASSWORD).get(f"/reports/{world.year_id}").get_data(as_text=True)


def test_a_new_year_carries_the_last_signer_forward_until_its_own_is_saved(world, auth):
    from portal.units.models import Unit
    from portal.units.signers import save_signer, signer_of
    from portal.years.models import AssessmentYear
    assert auth.login("admin", PASSWORD).post(_url(world, "STP"), data=DEPUTY).status_code == 303
    next_year = AssessmentYear(year=2023, title="Chỉ số cải cách hành chính năm 2023", phase="setup")
    db.session.add(next_year)
    db.session.flush()
    stp, tinh_bien = db.session.get(Unit, world.units["STP"]), db.session.get(Unit, world.units["890"])
    assert signer_of(stp, next_year).authority_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signer_of(stp, next_year).name == DEPUTY["name"]
    assert signer_of(tinh_bien, next_year).authority_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    save_signer(stp, next_year, dict(DEPUTY, name="Võ Minh Tâm", position="Giám đốc"), actor=None)
    assert signer_of(stp, next_year).authority_lines == ["GIÁM ĐỐC"]
    assert signer_of(stp, world.year()).name == DEPUTY["name"]          # the earlier year keeps its signer
