"""Import and export of criteria sets: YAML and XLSX downloads, a preview that lists every problem with its
line/row and item code before anything is stored, confirmation through a server-side token, round trips
that change nothing, district files inheriting from the department set, and copy from last year."""
import io
import pathlib
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.auth.models import User
from portal.criteria.services import set_for
from portal.criteria.uploads import load_upload, save_upload
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import AssessmentYear
from tests.factories import add_types, make_user
from tests.auth_actions import DEMO_PASSWORD
from tests.web.criteria_helpers import dept, meta_snapshot, node, seed, snapshot

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "criteria"
SEED = ROOT / "portal" / "seed_data" / "criteria"
CONFIRM = '<button type="submit" class="primary">Xác nhận nhập</button>'
ITEMS = 84  # the demo department set: 9 fields, 15 groups, 56 scored items, 4 adjustments


@pytest.fixture
def admin(ctx, client, auth):
    seed("setup")
    return auth.login("admin", DEMO_PASSWORD, client=client)


def _upload(client, content: bytes, unit_type: str = "department", name: str = "bo-tieu-chi.yaml"):
    return client.post("/admin/criteria/import", data={"unit_type": unit_type, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _token(html: str) -> str:
    marker = 'name="token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def _export(client, cset, fmt: str):
    response = client.get(f"/admin/criteria/{cset.id}/export/{fmt}")
    assert response.status_code == 200
    return response


# --------------------------------------------------------------------------------------------- export


def test_export_yaml_and_xlsx_with_readable_names(admin):
    cset = dept()
    response = _export(admin, cset, "yaml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="bo-tieu-chi-so-ban-nganh-2022.yaml"'
    text = response.get_data(as_text=True)
    assert "set: DEPT-2022-demo" in text and "code: 1.1.1" in text and "lv: [[Đúng hạn, 1], [Chậm hạn, 0.5]" in text
    response = _export(admin, cset, "xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].endswith('bo-tieu-chi-so-ban-nganh-2022.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data))["Tiêu chí"]
    assert [c.value for c in sheet[1]][:4] == ["Mã", "Mã cha", "Loại", "Nội dung"]
    district = set_for(cset.year_id, "district")
    assert _export(admin, district, "yaml").headers["Content-Disposition"].endswith(
        'bo-tieu-chi-ubnd-cap-huyen-2022.yaml"')
    assert admin.get(f"/admin/criteria/{cset.id}/export/pdf").status_code == 404


# ---------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_round_trip_export_then_import_gives_identical_rows(admin, fmt):
    cset = dept()
    before, meta_before = snapshot(cset), meta_snapshot(cset)
    content = _export(admin, cset, fmt).data
    preview = _upload(admin, content, name=f"x.{fmt}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and CONFIRM in html and f"Tệp hợp lệ: {ITEMS} mục" in html
    assert snapshot(cset) == before  # nothing stored by the preview
    response = admin.post("/admin/criteria/import/confirm", data={"token": _token(html)})
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/criteria/{cset.id}"
    assert snapshot(cset) == before and meta_snapshot(cset) == meta_before
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "criteria_set_import"))
    assert audit.old["items"] == audit.new["items"] == ITEMS and "code: 1.1.1" in audit.old["yaml"]
    # the token is spent
    again = admin.post("/admin/criteria/import/confirm", data={"token": _token(html)})
    assert again.status_code == 409 and "Hãy tải tệp lên lại" in again.get_data(as_text=True)


def test_district_file_inherits_from_the_department_set(admin):
    district = set_for(dept().year_id, "district")
    before = snapshot(district)
    html = _upload(admin, (SEED / "dist-2022-demo.yaml").read_bytes(), "district").get_data(as_text=True)
    assert "Tệp hợp lệ" in html and "Sắp xếp đơn vị hành chính cấp xã" in html
    assert admin.post("/admin/criteria/import/confirm", data={"token": _token(html)}).status_code == 303
    assert snapshot(district) == before


def test_import_creates_a_missing_set(admin):
    district = set_for(dept().year_id, "district")
    db.session.execute(AssessmentYear.__table__.update().values(phase="setup"))
    db.session.execute(Assessment.__table__.delete().where(Assessment.criteria_set_id == district.id))
    db.session.delete(district)  # the demo assessments pointed at it: removed first
    db.session.commit()
    content = _export(admin, dept(), "yaml").get_data(as_text=True).replace("so_ban_nganh", "ubnd_cap_huyen")
    html = _upload(admin, content.encode(), "district").get_data(as_text=True)
    assert "Xác nhận sẽ tạo bộ tiêu chí mới cho năm 2022" in html
    assert admin.post("/admin/criteria/import/confirm", data={"token": _token(html)}).status_code == 303
    created = set_for(dept().year_id, "district")
    assert [row[1:] for row in snapshot(created)] == [row[1:] for row in snapshot(dept())]


# ------------------------------------------------------------------------------------- malformed files


def _assert_nothing_changed(before, cset):
    assert snapshot(cset) == before[0] and meta_snapshot(cset) == before[1]
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "criteria_set_import")) == 0


def test_malformed_yaml_lists_every_error_and_changes_nothing(admin):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    response = _upload(admin, (DATA / "bad-content.yaml").read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Có 5 lỗi — chưa nhập được" in html and CONFIRM not in html
    for line, code, words in ((8, "1.1", "thiếu nội dung"), (9, "1.2", "phương pháp chấm “level” không có"),
                              (10, "1.3", "0,125 có quá 2 chữ số thập phân"), (11, "1.4", "từ cao xuống thấp"),
                              (13, "1.5", "bị trùng")):
        assert f"Dòng {line}, mã {code}: " in html and words in html
    _assert_nothing_changed(before, cset)


def test_yaml_syntax_error_names_its_line(admin):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    html = _upload(admin, (DATA / "bad-syntax.yaml").read_bytes()).get_data(as_text=True)
    assert "Dòng 6: tệp YAML sai cú pháp" in html
    _assert_nothing_changed(before, cset)


def test_a_file_that_is_neither_yaml_nor_xlsx(admin):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    response = _upload(admin, (DATA / "not-an-xlsx.xlsx").read_bytes(), name="bang.xlsx")
    assert response.status_code == 422 and "chưa nhập được" in response.get_data(as_text=True)
    response = _upload(admin, b"PK\x03\x04 not really a zip", name="bang.xlsx")
    assert response.status_code == 422 and "không phải là bảng tính Excel" in response.get_data(as_text=True)
    _assert_nothing_changed(before, cset)


def test_malformed_xlsx_lists_every_error_with_row_and_code(admin):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    workbook = load_workbook(io.BytesIO(_export(admin, cset, "xlsx").data))
    sheet = workbook["Tiêu chí"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    rows["1.1.1"][4].value = "1.000"
    rows["1.2"][5].value = "Chọn điểm"
    rows["1.3.1"][6].value = "≥50%=1; ≥80%=0"
    out = io.BytesIO()
    workbook.save(out)
    response = _upload(admin, out.getvalue(), name="bo.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Có 3 lỗi" in html
    for code, words in (("1.1.1", "là số nghìn hay số thập phân"), ("1.2", "“Chọn điểm” ở cột “Phương pháp”"),
                        ("1.3.1", "từ cao xuống thấp")):
        assert f"Trang “Tiêu chí”, hàng {rows[code][0].row}, mã {code}: " in html and words in html
    _assert_nothing_changed(before, cset)


def test_a_readable_file_whose_tree_does_not_add_up(admin):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    text = _export(admin, cset, "yaml").get_data(as_text=True)
    broken = text.replace("    title: Báo cáo CCHC định kỳ đầy đủ, đúng hạn\n    max: 1\n",
                          "    title: Báo cáo CCHC định kỳ đầy đủ, đúng hạn\n    max: 2\n")
    assert broken != text
    line = broken.splitlines().index("- code: F1") + 1
    html = _upload(admin, broken.encode()).get_data(as_text=True)
    assert f"Dòng {line}, mã F1: Tổng điểm tối đa các mục con của F1 là 11, phải bằng 10" in html
    assert CONFIRM not in html and f"Các mục sẽ được lưu ({ITEMS})" in html  # the items are still listed
    _assert_nothing_changed(before, cset)


def test_a_file_for_the_other_unit_type(admin):
    html = _upload(admin, (SEED / "dept-2022-demo.yaml").read_bytes(), "district").get_data(as_text=True)
    assert "Tệp là bộ tiêu chí cho “Sở, ban, ngành” nhưng đang nhập cho “UBND cấp huyện”" in html
    assert CONFIRM not in html


def test_no_file_chosen(admin):
    response = admin.post("/admin/criteria/import", data={"unit_type": "department"},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "Hãy chọn tệp YAML hoặc Excel" in response.get_data(as_text=True)


# ------------------------------------------------------------------------------ confirmation and token


def test_tokens_are_checked_and_expire(admin, app):
    cset = dept()
    before = snapshot(cset), meta_snapshot(cset)
    content = _export(admin, cset, "yaml").data
    user = db.session.scalar(select(User).where(User.username == "admin"))
    with app.app_context():
        old = save_upload(current_app.instance_path, content, filename="x.yaml", unit_type="department",
                          year_id=cset.year_id, user_id=user.id, now=utcnow() - timedelta(hours=2))
        other = save_upload(current_app.instance_path, content, filename="x.yaml", unit_type="department",
                            year_id=cset.year_id, user_id=user.id + 999, now=utcnow())
    for token in (old, other, "../../secret_key", "x" * 40):
        response = admin.post("/admin/criteria/import/confirm", data={"token": token})
        assert response.status_code == 409, token
    with app.app_context():
        assert load_upload(current_app.instance_path, old, now=utcnow()) is None  # expired and removed
    _assert_nothing_changed(before, cset)


def test_confirm_refused_when_units_have_scores(admin):
    cset = dept()
    item = node("1.2")
    assessment = db.session.scalar(select(Assessment).where(Assessment.criteria_set_id == cset.id))
    db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=item.id, stage="self",
                              inputs={"yes": True}, points=Decimal("1")))
    db.session.commit()
    before = snapshot(cset), meta_snapshot(cset)
    html = _upload(admin, _export(admin, cset, "yaml").data).get_data(as_text=True)
    assert "đã có điểm chấm" in html and CONFIRM not in html
    _assert_nothing_changed(before, cset)


def test_confirm_refused_when_the_set_is_locked(admin):
    cset = dept()
    html = _upload(admin, _export(admin, cset, "yaml").data).get_data(as_text=True)
    token = _token(html)
    db.session.get(AssessmentYear, cset.year_id).phase = "self_assessment"  # self-assessment opened meanwhile
    db.session.commit()
    response = admin.post("/admin/criteria/import/confirm", data={"token": token})
    assert response.status_code == 409 and "đã bắt đầu tự chấm điểm" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "criteria_set_import")) == 0


# -------------------------------------------------------------------------------- copy from last year


def _new_year(admin):
    year = AssessmentYear(year=2023, title="Chỉ số cải cách hành chính năm 2023", phase="setup", settings={})
    db.session.add(year)
    db.session.flush()
    add_types(year)
    db.session.commit()
    return year


def test_copy_from_last_year_gives_an_identical_tree(admin):
    old = dept()
    year = _new_year(admin)
    index = admin.get("/admin/criteria/").get_data(as_text=True)
    assert "năm 2023" in index and index.count("Sao chép từ năm trước (2022)") == 2
    response = admin.post("/admin/criteria/copy", data={"unit_type": "department"})
    assert response.status_code == 303
    copy = set_for(year.id, "department")
    assert copy.id != old.id and copy.code == "DEPT-2023-demo"
    assert snapshot(copy) == snapshot(old)
    assert (copy.total, copy.appraisal_points, copy.survey_points, copy.bonus_cap, copy.deduction_cap) == \
        (old.total, old.appraisal_points, old.survey_points, old.bonus_cap, old.deduction_cap)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "criteria_set_copy"))
    assert audit.old["set_id"] == old.id and audit.new["items"] == ITEMS
    assert "Đã sao chép bộ tiêu chí Sở, ban, ngành năm 2022 sang năm 2023" in admin.get(
        response.headers["Location"]).get_data(as_text=True)
    again = admin.post("/admin/criteria/copy", data={"unit_type": "department"})
    assert again.status_code == 409 and "đã có bộ tiêu chí" in again.get_data(as_text=True)


def test_copy_needs_a_set_last_year(admin):
    _new_year(admin)
    y2024 = AssessmentYear(year=2024, title="2024", phase="setup", settings={})
    db.session.add(y2024)
    db.session.flush()
    add_types(y2024)
    db.session.commit()
    response = admin.post("/admin/criteria/copy", data={"unit_type": "district"})
    assert response.status_code == 409 and "Năm trước không có bộ tiêu chí" in response.get_data(as_text=True)


def test_import_and_export_are_admin_only(ctx, auth):
    seed("setup")
    cset = dept()
    make_user("unit_staff", username="canbo")
    db.session.commit()
    client = auth.login("canbo")
    assert client.get(f"/admin/criteria/{cset.id}/export/yaml").status_code == 403
    response = client.post("/admin/criteria/import", data={"unit_type": "department", "file": (
        io.BytesIO((SEED / "dept-2022-demo.yaml").read_bytes()), "x.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 403
