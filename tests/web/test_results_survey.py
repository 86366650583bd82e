"""Survey scores (điểm điều tra XHH) in the pages: upload → preview with every problem by row → confirm; a bad
file (CSV or XLSX) changes nothing; a re-import replaces the previous one and is audited; the mapping report;
the manual correction form with and without htmx; the template download."""
import io
import re
import unicodedata
from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.results.models import SurveyImport, SurveyScore
from tests.web.results_setup import build_world

ALL_ROWS = [("GA", "3.1", "5,5"), ("GA", "3.2", "3,5"), ("GB", "3.1", "4"), ("GB", "3.2", "2"),
            ("GC", "3.1", "4"), ("GC", "3.2", "3"), ("GD", "3.1", "5"), ("GD", "3.2", "3"),
            ("GE", "3.1", "4"), ("GE", "3.2", "3"), ("H1", "F3", "9"), ("H2", "3.1", "6"), ("H2", "3.2", "4")]


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.fixture
def admin(world, auth):
    return auth.login("qt")


def csv_bytes(rows, sep=";") -> bytes:
    return ("Mã đơn vị;Mã mục;Điểm\n".replace(";", sep)
            + "".join(sep.join(r) + "\n" for r in rows)).encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Mã mục", "Điểm"])
    for unit, item, points in rows:
        sheet.append([unit, item, float(points.replace(",", ".")) if re.fullmatch(r"[0-9,.-]+", points) else points])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, world, data: bytes, name="dieu-tra.csv", **kwargs):
    return client.post(f"/results/{world.year_id}/survey/preview", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", **kwargs)


def token_of(html: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def confirm(client, world, html):
    return client.post(f"/results/{world.year_id}/survey/confirm", data={"token": token_of(html)})


def stored():
    return {(s.unit_id, s.criterion_id): s.points for s in db.session.scalars(select(SurveyScore))}


def test_preview_then_confirm_saves_and_shows_the_mapping_report(admin, world):
    response = upload(admin, world, csv_bytes(ALL_ROWS))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "14 điểm của 7 đơn vị" in html  # H1's F3 row gives 3.1 and 3.2
    assert "chia từ F3" in html and stored() == {}
    saved = confirm(admin, world, html)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/results/{world.year_id}/survey#report")
    points = stored()
    # H1: F3 = 9 over 3.1 (max 6) and 3.2 (max 4): 9 × 6/10 = 5,4 and 9 × 4/10 = 3,6
    assert points[(world.units["H1"], world.crit("3.1", "district").id)] == D("5.4")
    assert points[(world.units["H1"], world.crit("3.2", "district").id)] == D("3.6")
    assert points[(world.units["GA"], world.crit("3.1").id)] == D("5.5") and len(points) == 14
    report = admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu 14 điểm điều tra XHH từ tệp dieu-tra.csv" in report
    mapping = report[report.index('id="mapping-report"'):]
    assert "UBND huyện Một" in mapping and "3.1: <strong>5,4</strong>" in mapping and "dòng 12" in mapping
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey_import"))
    assert audit.new == {"filename": "dieu-tra.csv", "scores": 14, "units": 7} and audit.actor_id == world.user("qt").id


def test_the_same_token_cannot_be_confirmed_twice(admin, world):
    html = upload(admin, world, csv_bytes(ALL_ROWS)).get_data(as_text=True)
    assert confirm(admin, world, html).status_code == 303
    again = confirm(admin, world, html)
    assert again.status_code == 409 and "Hãy tải tệp lên lại" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SurveyImport.id))) == 1


def test_another_admins_token_is_refused(admin, world, auth):
    from tests.factories import make_user
    make_user("admin", username="qt2")
    db.session.commit()
    other = auth.login("qt2")
    html = upload(admin, world, csv_bytes(ALL_ROWS)).get_data(as_text=True)
    assert confirm(other, world, html).status_code == 409 and stored() == {}


BAD_ROWS = [("GA", "3.1", "5,5"), ("GX", "3.1", "4"), ("GB", "3.9", "4"), ("GC", "3.1", "6,5"),
            ("GD", "3.2", "-1"), ("GE", "3.1", "bốn"), ("GA", "3.1", "5"), ("H1", "F3", "11")]
BAD_MESSAGES = [
    "Dòng 3: Không có đơn vị mã “GX” trong năm đánh giá. Hãy sửa mã đơn vị theo tệp mẫu.",
    "Dòng 4: “3.9” không phải mã mục điều tra XHH (ví dụ 8.1) hay mã lĩnh vực (ví dụ F8) của Sở, ban, ngành. "
    "Hãy sửa mã mục.",
    "Dòng 5: Điểm 6,5 của mục 3.1 phải từ 0 đến 6. Hãy nhập lại.",
    "Dòng 6: Điểm -1 của mục 3.2 phải từ 0 đến 4. Hãy nhập lại.",
    "Dòng 7: “bốn” không phải là số. Hãy nhập số dạng 4,5 hoặc 4.5.",
    "Dòng 8: Đơn vị GA đã có điểm mục 3.1 ở dòng 2. Hãy giữ lại một dòng.",
    "Dòng 9: Điểm 11 của mục F3 phải từ 0 đến 10. Hãy nhập lại.",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_file_changes_nothing_and_lists_every_problem_with_its_row(admin, world, kind):
    first = upload(admin, world, csv_bytes(ALL_ROWS)).get_data(as_text=True)
    confirm(admin, world, first)
    before, imports_before = stored(), db.session.scalar(select(func.count(SurveyImport.id)))
    data = csv_bytes(BAD_ROWS) if kind == "csv" else xlsx_bytes(BAD_ROWS)
    response = upload(admin, world, data, name=f"sai.{kind}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tệp có 7 lỗi" in html
    assert "Chưa có gì được lưu: điểm điều tra hiện có vẫn giữ nguyên." in html
    errors = html[html.index('id="survey-errors"'):html.index("</section>", html.index('id="survey-errors"'))]
    listed = [re.sub(r"\s+", " ", m) for m in re.findall(r"<li>(.*?)</li>", errors, re.S)]
    assert [unescape(text) for text in listed] == BAD_MESSAGES
    assert "Xác nhận lưu" not in html and 'name="token"' not in html
    assert stored() == before and db.session.scalar(select(func.count(SurveyImport.id))) == imports_before


def unescape(text: str) -> str:
    import html
    return html.unescape(text)


def test_missing_units_are_listed_before_saving_and_saving_needs_a_confirmation(admin, world):
    response = upload(admin, world, csv_bytes(ALL_ROWS[:4]))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Xác nhận lưu" in html
    for code, name in (("GC", "Sở Gam-ma"), ("H2", "UBND huyện Hai")):
        assert (f"Đơn vị {code} ({name}) không có dòng nào: sẽ tính như đơn vị không có điều tra XHH theo thiết "
                "lập của năm.") in html
    assert stored() == {}


@pytest.mark.parametrize("data, name, message", [
    (unicodedata.normalize("NFD", "Mã đơn vị,Mã mục,Điểm\nGA,3.1,5\n").encode("utf-16"), "utf16.csv",
     "Tệp CSV không ở bảng mã UTF-8. Hãy lưu lại bằng “CSV UTF-8” rồi tải lên lại."),
    ("Mã đơn vị,Mã mục,Điểm\nGA,3.1,5\nGA,3.2,Đạt\n".encode("cp1258", errors="replace"), "ansi.csv",
     "Tệp CSV không ở bảng mã UTF-8. Hãy lưu lại bằng “CSV UTF-8” rồi tải lên lại."),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "ket-qua.csv", "Tệp này không phải bảng tính CSV hay Excel (.xlsx)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "anh.xlsx", "Tệp này không phải bảng tính CSV hay Excel (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "cu.xls", "Tệp Excel 97–2003 (.xls) chưa đọc được."),
    (b"", "rong.csv", "Tệp không có dòng dữ liệu nào."),
    ("Mã đơn vị,Mã mục,Điểm\nGA,3.1,5,5\n".encode(), "phay.csv", "Dòng 2: Dòng có nhiều ô hơn 3 cột của bảng"),
])
def test_unreadable_files_are_refused_in_words_and_change_nothing(admin, world, data, name, message):
    response = upload(admin, world, data, name=name)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and message in html
    assert stored() == {} and db.session.scalar(select(func.count(SurveyImport.id))) == 0


def test_reimport_replaces_the_previous_one_keeps_it_in_history_and_is_audited(admin, world):
    confirm(admin, world, upload(admin, world, csv_bytes(ALL_ROWS), name="lan-1.csv").get_data(as_text=True))
    first = db.session.scalar(select(SurveyImport))
    second_rows = [("GA", "3.1", "6"), ("GA", "3.2", "4")]
    confirm(admin, world, upload(admin, world, csv_bytes(second_rows), name="lan-2.csv").get_data(as_text=True))
    assert stored() == {(world.units["GA"], world.crit("3.1").id): D("6"),
                        (world.units["GA"], world.crit("3.2").id): D("4")}  # nothing left of the first file
    db.session.refresh(first)
    assert first.superseded_at is not None
    audits = list(db.session.scalars(select(AuditLog).where(AuditLog.action == "survey_import").order_by(AuditLog.id)))
    assert len(audits) == 2 and audits[1].old == {"imports": [first.id], "scores": 14}
    page = admin.get(f"/results/{world.year_id}/survey").get_data(as_text=True)
    assert "lan-1.csv" in page and "lan-2.csv" in page and "Các lần nhập" in page


def test_upload_outside_synthesis_is_refused(admin, world):
    world.set_phase("review_2")
    response = upload(admin, world, csv_bytes(ALL_ROWS))
    assert response.status_code == 403 and stored() == {}
    page = admin.get(f"/results/{world.year_id}/survey").get_data(as_text=True)
    assert "chỉ nhập được ở giai đoạn Tổng hợp kết quả" in page and 'enctype="multipart/form-data"' not in page


def test_template_lists_every_unit_with_its_survey_items(admin, world):
    response = admin.get(f"/results/{world.year_id}/survey/template.xlsx")
    assert response.status_code == 200 and "mau-dieu-tra-xhh-2022.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Mã đơn vị", "Tên đơn vị", "Mã mục", "Nội dung", "Điểm tối đa", "Điểm", "Loại đơn vị")
    assert len(rows) == 1 + 7 * 2 and rows[1][:3] == ("GA", "Sở Alpha", "3.1") and rows[1][4] == 6
    assert rows[1][6]                                     # the unit's type, for the header's filter


def unit_url(world, code="GA"):
    return f"/results/{world.year_id}/survey/units/{world.units[code]}"


def test_manual_correction_without_javascript(admin, world):
    c31, c32 = world.crit("3.1").id, world.crit("3.2").id
    page = admin.get(unit_url(world)).get_data(as_text=True)
    assert f'name="item-{c31}"' in page and "Đánh giá của lãnh đạo, CBCC" in page
    saved = admin.post(unit_url(world), data={f"item-{c31}": "5,25", f"item-{c32}": ""})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/results/{world.year_id}/survey")
    assert stored() == {(world.units["GA"], c31): D("5.25")}
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey_score_edit"))
    assert audit.old == {"3.1": None} and audit.new == {"3.1": "5.25"} and audit.unit_id == world.units["GA"]
    assert 'value="5,25"' in admin.get(unit_url(world)).get_data(as_text=True)


def test_manual_correction_keeps_what_was_typed_when_it_is_wrong(admin, world):
    c31, c32 = world.crit("3.1").id, world.crit("3.2").id
    refused = admin.post(unit_url(world), data={f"item-{c31}": "7", f"item-{c32}": "ba"})
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and 'value="7"' in html and 'value="ba"' in html
    assert "Điểm 7 của mục 3.1 phải từ 0 đến 6. Hãy nhập lại." in html
    assert "“ba” không phải là số." in html and stored() == {}


def test_manual_correction_with_htmx_returns_the_form_region(admin, world):
    c31, c32 = world.crit("3.1").id, world.crit("3.2").id
    whole = admin.get(unit_url(world))
    fragment = admin.get(unit_url(world), htmx=True)
    assert "<html" in whole.get_data(as_text=True) and "HX-Request" in whole.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="survey-unit-form"')
    saved = admin.post(unit_url(world), data={f"item-{c31}": "6", f"item-{c32}": "3.5"}, htmx=True)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and body.lstrip().startswith('<section id="survey-unit-form"')
    assert "Đã lưu điểm điều tra của Sở Alpha" in body and 'value="3,5"' in body
    refused = admin.post(unit_url(world), data={f"item-{c31}": "-2", f"item-{c32}": "3.5"}, htmx=True)
    assert refused.status_code == 422 and refused.get_data(as_text=True).lstrip().startswith("<section")
    assert stored()[(world.units["GA"], c31)] == D("6")


def test_upload_without_a_file_asks_for_one(admin, world):
    response = admin.post(f"/results/{world.year_id}/survey/preview", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Hãy chọn tệp CSV hoặc Excel (.xlsx) có điểm điều tra để nhập." in response.get_data(as_text=True)


def test_manual_form_of_a_unit_not_in_the_year_is_not_found(admin, world):
    from tests.factories import make_unit
    stranger = make_unit("Sở Ngoài Năm", code="SNN")
    db.session.commit()
    assert admin.get(f"/results/{world.year_id}/survey/units/{stranger.id}").status_code == 404
