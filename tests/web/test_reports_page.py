"""The admin's form for the names printed on the reports: validation in Vietnamese with the typed values
kept, saved with an audit row, printed in the next PDF; the admin's only. (What each role is offered on
the reports page, the menu entry and the unit's links are checked in test_reports_access.py.)"""
import io

import pypdf
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.reports import documents
from portal.results.document import results_document
from tests.web.reports_setup import small_year

PASSWORD = "demo-cchc-2022"
VALID = {"parent_agency": "UBND TỈNH AN GIANG", "agency": "SỞ NỘI VỤ", "council": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH",
         "place": "An Giang", "number_suffix": "BC-SNV", "council_number_suffix": "BC-HĐTĐ", "council_notice_suffix": "TB-HĐTĐ",
         "signer_authority": "KT. GIÁM ĐỐC", "signer_title": "PHÓ GIÁM ĐỐC", "signer_name": "Lê Thị Hồng Nhung",
         "council_signer_title": "CHỦ TỊCH", "council_signer_name": "Phạm Văn Đức"}


@pytest.fixture
def world(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_WORKER", "external")
    return small_year()


def test_settings_form_refuses_bad_input_in_vietnamese_and_keeps_it(world, auth):
    admin = auth.login("admin", PASSWORD)
    bad = dict(VALID, agency="", number_suffix="BC SNV/2023", signer_name="Lê Thị Hồng Nhung")
    response = admin.post(f"/reports/{world.year_id}/settings", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Hãy nhập cơ quan ban hành, ví dụ SỞ NỘI VỤ." in html
    assert "Ký hiệu chỉ gồm chữ, số và dấu gạch ngang" in html
    assert 'value="BC SNV/2023"' in html and 'value="Lê Thị Hồng Nhung"' in html
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "report_settings")) is None


def test_settings_are_saved_audited_and_printed(world, auth):
    admin = auth.login("admin", PASSWORD)
    response = admin.post(f"/reports/{world.year_id}/settings", data=VALID)
    assert response.status_code == 303
    db.session.expire_all()
    year = world.year()
    assert year.report_settings["signer_name"] == "Lê Thị Hồng Nhung"
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "report_settings"))
    assert row.new["signer_authority"] == "KT. GIÁM ĐỐC" and row.old["signer_name"] == "Nguyễn Văn Thành"
    assert admin.post(f"/reports/{world.year_id}/settings", data=VALID).status_code == 303   # no change, no row
    assert db.session.query(AuditLog).filter_by(action="report_settings").count() == 1
    pdf = admin.get(f"/reports/{world.year_id}/council.pdf").data
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Phạm Văn Đức" in text and "/BC-HĐTĐ" in text
    report = documents.synthesis_report(year, results_document(year), today=documents.local_today(utcnow()))
    last = " ".join(pypdf.PdfReader(io.BytesIO(report.pdf)).pages[-1].extract_text().split())
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in last and "Lê Thị Hồng Nhung" in last


def test_settings_are_the_admins(world, auth):
    chair = auth.login("chutich", PASSWORD)
    assert chair.get(f"/reports/{world.year_id}/settings").status_code == 403
    assert chair.post(f"/reports/{world.year_id}/settings", data=VALID).status_code == 403
