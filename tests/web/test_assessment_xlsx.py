"""Self-assessment in Excel: download the template, fill it, upload, preview, confirm; every error by row,
nothing saved until the confirmation, and a stale template refused."""
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from portal.assessments.models import ScoreEntry
from portal.extensions import db
from tests.web.assess_setup import s, staff  # noqa: F401  (fixtures)


def _template(staff, s):
    response = staff.get(f"/assessment/{s.a_id}/template.xlsx")
    assert response.status_code == 200
    assert "filename=tu-danh-gia-stp-2022.xlsx" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def _fill(wb, values: dict):
    ws = wb["Tự đánh giá"]
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        code = row[0].value
        for column, value in values.get(code, {}).items():
            cell = row[header.index(column)]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"   # typed as text (as Excel does after a leading '), not a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(staff, s, data):
    return staff.post(f"/assessment/{s.a_id}/import", data={"file": (io.BytesIO(data), "diem.xlsx")},
                      content_type="multipart/form-data")


def _points(s, code):
    e = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == s.a_id,
                                                   ScoreEntry.criterion_id == s.crit(code).id))
    return e.points if e else None


def test_template_lists_every_item_the_unit_scores(staff, s):
    ws = _template(staff, s)["Tự đánh giá"]
    codes = [r[0].value for r in ws.iter_rows(min_row=3)]
    assert len(codes) == 48 + 4 and "1.1.1" in codes and "8.1" not in codes and "B1" in codes


def test_round_trip_preview_then_confirm(staff, s):
    data = _fill(_template(staff, s), {
        "1.1.1": {"Mức đạt được / Có-Không / Điểm": "Chậm hạn"},
        "1.1.2": {"Tử số": "9", "Mẫu số": "10"},
        "1.2": {"Mức đạt được / Có-Không / Điểm": "Có", "Thuyết minh": "=HYPERLINK(\"x\")"},
        "1.3.1": {"Không áp dụng": "Có", "Lý do không áp dụng": "Không có đơn vị trực thuộc"},
    })
    preview = _upload(staff, s, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Xem trước 4 mục sẽ được lưu" in html
    assert _points(s, "1.2") is None                       # nothing saved yet
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert staff.post(f"/assessment/{s.a_id}/import/confirm", data={"token": token}).status_code == 303
    assert _points(s, "1.1.1") == Decimal("0.50") and _points(s, "1.1.2") == Decimal("0.50")
    assert _points(s, "1.2") == Decimal("1.00")
    # The exported note that looks like a formula is neutralised, not live.
    ws = _template(staff, s)["Tự đánh giá"]
    note = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "1.2")[10]
    assert note.data_type != "f" and note.value.startswith("'=")


def test_bad_rows_are_all_listed_and_nothing_is_saved(staff, s):
    data = _fill(_template(staff, s), {
        "1.1.1": {"Mức đạt được / Có-Không / Điểm": "Không biết"},
        "1.1.2": {"Tử số": "1.000", "Mẫu số": "10"},
        "1.2": {"Mức đạt được / Có-Không / Điểm": "Có"},
        "1.3.1": {"Không áp dụng": "Có", "Lý do không áp dụng": ""},
    })
    response = _upload(staff, s, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tệp có 3 lỗi" in html
    for code in ("1.1.1", "1.1.2", "1.3.1"):
        assert f"<td>{code}</td>" in html
    assert 'name="token"' not in html and _points(s, "1.2") is None


def test_not_an_excel_file(staff, s):
    response = _upload(staff, s, b"%PDF-1.4 not a workbook")
    assert response.status_code == 422 and "không phải bảng tính Excel" in response.get_data(as_text=True)


def test_stale_template_is_refused_at_confirmation(staff, s, auth):
    data = _fill(_template(staff, s), {"1.2": {"Mức đạt được / Có-Không / Điểm": "Có"}})
    html = _upload(staff, s, data).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    other = auth.sign_in("a.leader")
    other.post(f"/assessment/{s.a_id}/items/{s.crit('1.2').id}", data={"yes": "0", "version": "0"})
    response = staff.post(f"/assessment/{s.a_id}/import/confirm", data={"token": token})
    assert response.status_code == 409 and "tải mẫu mới" in response.get_data(as_text=True)
    assert _points(s, "1.2") == Decimal("0.00")


def test_another_unit_cannot_use_the_token_or_download(staff, s, auth):
    data = _fill(_template(staff, s), {"1.2": {"Mức đạt được / Có-Không / Điểm": "Có"}})
    token = re.search(r'name="token" value="([^"]+)"', _upload(staff, s, data).get_data(as_text=True)).group(1)
    other = auth.sign_in("b.staff")
    assert other.get(f"/assessment/{s.a_id}/template.xlsx").status_code == 404
    assert other.post(f"/assessment/{s.b_id}/import/confirm", data={"token": token}).status_code == 303
    assert _points(s, "1.2") is None


def test_template_scores_are_numbers_with_two_decimals_and_read_back(app, staff, s):
    crit = s.crit("1.5")
    crit.method, crit.config = "number", {}
    db.session.commit()
    data = _fill(_template(staff, s), {"1.5": {"Mức đạt được / Có-Không / Điểm": "1,25"},
                                       "1.2": {"Mức đạt được / Có-Không / Điểm": "Có"}})
    html = _upload(staff, s, data).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert staff.post(f"/assessment/{s.a_id}/import/confirm", data={"token": token}).status_code == 303
    book = _template(staff, s)
    ws = book["Tự đánh giá"]
    header = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "1.5")
    value, maximum, points = (row[header.index(name)] for name in (
        "Mức đạt được / Có-Không / Điểm", "Điểm tối đa", "Điểm (tự tính)"))
    assert (value.value, maximum.value, points.value) == (1.25, 1.5, 1.25)
    assert value.data_type == maximum.data_type == points.data_type == "n"
    assert value.number_format == maximum.number_format == points.number_format == "0.00"
    assert ws.auto_filter.ref.startswith("A2:M")
    # the number read back from its own numeric cell goes through the same checks and keeps its value
    # (read from its number cell, 1.25 equals the saved score: counted as unchanged, nothing to save again)
    again = _upload(staff, s, _fill(book, {})).get_data(as_text=True)
    assert "lỗi" not in again
    assert "2 mục trong tệp giống điểm đang lưu nên không thay đổi" in again and "không có gì để lưu" in again


def test_preview_with_errors_never_says_it_will_save(staff, s):
    """Issue 16: with errors in the file, the rows read are shown as not saved, not as "sẽ được lưu"."""
    data = _fill(_template(staff, s), {"1.1.1": {"Mức đạt được / Có-Không / Điểm": "Không biết"},
                                       "1.2": {"Mức đạt được / Có-Không / Điểm": "Có"}})
    html = _upload(staff, s, data).get_data(as_text=True)
    assert "sẽ được lưu" not in html
    assert "1 mục đọc được, nhưng chưa lưu mục nào vì tệp có lỗi" in html and 'name="token"' not in html


def test_unchanged_rows_are_counted_apart_and_not_saved_again(staff, s):
    """Issue 16: rows equal to the saved self-score are counted apart; only the changed rows are saved."""
    first = _fill(_template(staff, s), {"1.2": {"Mức đạt được / Có-Không / Điểm": "Có"}})
    html = _upload(staff, s, first).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert staff.post(f"/assessment/{s.a_id}/import/confirm", data={"token": token}).status_code == 303
    again = _upload(staff, s, _fill(_template(staff, s), {"1.1.2": {"Tử số": "9", "Mẫu số": "10"}}))
    html = again.get_data(as_text=True)
    assert "Xem trước 1 mục sẽ được lưu" in html and "1 mục trong tệp giống điểm đang lưu nên không thay đổi" in html
    same = _upload(staff, s, _fill(_template(staff, s), {})).get_data(as_text=True)
    assert "không có gì để lưu" in same and 'name="token"' not in same and "sẽ được lưu" not in same
