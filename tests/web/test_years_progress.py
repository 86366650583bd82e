"""The progress board: statuses and overdue units for a fixture, counts per unit type, the type filter,
per-unit extension and reopening (audited, told to the unit), reminders, the XLSX export equal to the screen,
and the hourly deadline notices (``flask notify-deadlines``)."""
import io
import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import Notification
from portal.units.models import Unit
from portal.years.models import UnitDeadline
from portal.spreadsheet import cell_value
from tests.web.years_setup import admin, world  # noqa: F401  (fixtures)


def _close_self_assessment(world, ago=timedelta(hours=1)):
    window = world.year().window("self_assessment")
    window.closes_at = utcnow().replace(microsecond=0) - ago
    db.session.commit()


def _table(html: str) -> tuple[list[str], list[list[str]]]:
    """Header and body texts of the board, without the action column."""
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id("progress-board")
    text = lambda el: " ".join(el.text_content().split())  # noqa: E731
    head = [text(th) for th in table.xpath("./thead/tr/th")][:-1]
    rows = [[text(td) for td in tr.xpath("./td|./th")][:-1] for tr in table.xpath("./tbody/tr")]
    # the numbers columns (scored, evidence missing) are tested in tests/web/test_years_progress_numbers.py
    numbers = [i for i, h in enumerate(head) if h in ("Đã chấm", "Thiếu tài liệu kiểm chứng")]
    drop = lambda cells: [c for i, c in enumerate(cells) if i not in numbers or len(cells) == 1]  # noqa: E731
    return drop(head), [drop(row) for row in rows]


def _rows_by_code(html):
    return {row[0]: row for row in _table(html)[1]}


def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _told(world, kind):
    names = {v: k for k, v in world.users.items()}
    return sorted(names[n.user_id] for n in db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_statuses_of_each_unit(admin, world):
    rows = _rows_by_code(admin.get("/admin/year/progress").get_data(as_text=True))
    assert set(rows) == {"STP", "SYT", "STC", "883"}  # the inactive unit without a file is not listed
    submitted = (world.now - timedelta(days=1) + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    assert rows["STP"][3:] == ["Đã chốt điểm tự chấm", f"Đã chốt {submitted}", "Chưa mở", "Chưa mở", "Chưa mở", ""]
    assert rows["SYT"][1:8] == ["Sở Y tế", "Sở, ban, ngành", "Đang tự chấm", "Chưa chốt", "Chưa mở", "Chưa mở",
                                "Chưa mở"]
    assert rows["883"][2] == "UBND cấp huyện"


def test_overdue_units_and_counts_per_type(admin, world):
    _close_self_assessment(world)
    html = admin.get("/admin/year/progress").get_data(as_text=True)
    rows = _rows_by_code(html)
    assert [rows[c][4] for c in ("STP", "SYT", "STC", "883")][1:] == ["Quá hạn"] * 3
    assert rows["STP"][4].startswith("Đã chốt")
    summary = lxml.html.fromstring(html).get_element_by_id("progress-summary")
    counts = [[" ".join(c.text_content().split()) for c in tr] for tr in summary.xpath(".//tbody/tr")]
    assert counts == [["Sở, ban, ngành", "3", "1", "0", "2", "0"], ["UBND cấp huyện", "1", "0", "0", "1", "0"]]
    text = " ".join(summary.text_content().split())
    assert "Quá hạn (3): Sở Tài chính; Sở Y tế; UBND thành phố Long Xuyên" in text
    assert "Nhắc nhở 3 đơn vị chưa chốt" in text


def test_an_extended_unit_is_not_overdue(admin, world):
    _close_self_assessment(world)
    db.session.add(UnitDeadline(year_id=world.year_id, unit_id=world.units["SYT"], phase="self_assessment",
                                extended_until=utcnow() + timedelta(days=2), reason="Sự cố"))
    db.session.commit()
    rows = _rows_by_code(admin.get("/admin/year/progress").get_data(as_text=True))
    assert rows["SYT"][4] == "Chưa chốt" and rows["SYT"][8].startswith("Gia hạn đến ")
    assert rows["STC"][4] == "Quá hạn"


def test_later_phases(admin, world):
    year = world.year()
    year.phase = "explanation"
    world.assessment("STP").status = "explanation_submitted"
    world.assessment("STP").explanation_submitted_at = utcnow()
    syt = world.assessment("SYT")
    syt.status, syt.self_submitted_at = "review_1_done", utcnow()  # locked at the end of self-assessment
    db.session.commit()
    rows = _rows_by_code(admin.get("/admin/year/progress").get_data(as_text=True))
    assert rows["STP"][4:8][1:3] == ["Đã thẩm định", rows["STP"][6]] and rows["STP"][6].startswith("Đã chốt")
    assert rows["SYT"][4].startswith("Khóa tự động ")  # a submission time, but no leader submitted it
    assert rows["SYT"][5:8] == ["Đã thẩm định", "Chưa chốt", "Chưa mở"]
    assert rows["STC"][4:8] == ["Không chốt", "Chưa thẩm định xong", "Chờ thẩm định vòng 1", "Chưa mở"]


def test_filter_by_unit_type_as_page_and_fragment(admin, world):
    rows = _rows_by_code(admin.get("/admin/year/progress?type=district").get_data(as_text=True))
    assert set(rows) == {"883"}
    response = admin.get(f"/admin/year/{world.year_id}/progress?type=department", htmx=True,
                         headers={"HX-Target": "progress"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="progress">') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert set(_rows_by_code(html)) == {"STP", "SYT", "STC"}
    summary = admin.get(f"/admin/year/{world.year_id}/progress", htmx=True, headers={"HX-Target": "progress-summary"})
    assert summary.get_data(as_text=True).lstrip().startswith('<section id="progress-summary"')


def _deadline_data(unit_id, kind, until="05/04/2030 17:00", reason="Mất điện kéo dài"):
    return {f"u{unit_id}-{kind}-until": until, f"u{unit_id}-{kind}-reason": reason}


def test_extension_without_js(admin, world):
    unit = world.units["SYT"]
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/extension", data=_deadline_data(unit, "extension"))
    assert response.status_code == 303 and "/progress" in response.headers["Location"]
    row = db.session.scalar(select(UnitDeadline))
    assert row.unit_id == unit and row.phase == "self_assessment" and not row.reopened
    assert row.extended_until == datetime(2030, 4, 5, 10, 0, tzinfo=UTC) and row.reason == "Mất điện kéo dài"
    (audit,) = _audit("deadline_extend")
    assert audit.actor_id == world.users["quantri"] and audit.unit_id == unit and audit.reason == "Mất điện kéo dài"
    assert audit.old is None and audit.new["extended_until"] == "2030-04-05T10:00:00+00:00"
    assert _told(world, "deadline_extended") == ["syt.canbo", "syt.lanhdao"]
    message = db.session.scalar(select(Notification.message))
    assert message == ("Đơn vị được gia hạn tự đánh giá đến 05/04/2030 17:00. "
                       "Lý do: Mất điện kéo dài")
    page = admin.get("/admin/year/progress").get_data(as_text=True)
    assert "Đã gia hạn cho Sở Y tế." in page and _rows_by_code(page)["SYT"][8] == "Gia hạn đến 05/04/2030 17:00 — Mất điện kéo dài"


def test_extension_as_htmx_returns_the_row_and_refreshes_the_summary(admin, world):
    unit = world.units["SYT"]
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/extension", htmx=True,
                          data=_deadline_data(unit, "extension"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="progress-unit-{unit}"')
    assert "Gia hạn đến 05/04/2030 17:00" in html and "Đã gia hạn cho Sở Y tế." in html
    assert response.headers["HX-Trigger"] == "progress-changed"


@pytest.mark.parametrize("htmx", [False, True])
def test_extension_needs_a_reason_and_a_future_time(admin, world, htmx):
    unit = world.units["SYT"]
    url = f"/admin/year/{world.year_id}/units/{unit}/extension"
    response = admin.post(url, data=_deadline_data(unit, "extension", reason=" "), htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Hãy nêu lý do; đơn vị sẽ thấy lý do này." in html
    assert ("<html" in html) is (not htmx) and "<details open>" in html
    past = admin.post(url, data=_deadline_data(unit, "extension", until="01/01/2020 08:00"), htmx=htmx)
    assert past.status_code == 422 and "Hạn mới phải sau thời điểm hiện tại." in past.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(UnitDeadline)) == 0 and _audit("deadline_extend") == []


def test_no_extension_outside_a_working_phase(admin, world):
    world.year().phase = "synthesis"
    db.session.commit()
    unit = world.units["SYT"]
    page = admin.get("/admin/year/progress").get_data(as_text=True)
    assert f"u{unit}-extension-until" not in page
    assert "Thao tác này không thực hiện được khi đợt đánh giá đang ở giai đoạn tổng hợp kết quả." in page
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/extension", data=_deadline_data(unit, "extension"))
    assert response.status_code == 422 and db.session.scalar(select(func.count()).select_from(UnitDeadline)) == 0


def test_reopen_sets_the_file_back_to_draft(admin, world):
    unit = world.units["STP"]
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/reopen",
                          data=_deadline_data(unit, "reopen", reason="Bổ sung tài liệu kiểm chứng"))
    assert response.status_code == 303
    db.session.expire_all()
    assert world.assessment("STP").status == "draft"
    row = db.session.scalar(select(UnitDeadline))
    assert row.reopened and row.extended_until == datetime(2030, 4, 5, 10, 0, tzinfo=UTC)
    (audit,) = _audit("unit_reopen")
    assert audit.old["status"] == "submitted" and audit.new["status"] == "draft" and audit.new["reopened"] is True
    assert audit.reason == "Bổ sung tài liệu kiểm chứng" and audit.actor_id == world.users["quantri"]
    assert _told(world, "unit_reopened") == ["stp.canbo", "stp.lanhdao"]
    assert "hạn mới: 05/04/2030 17:00. Lý do: Bổ sung tài liệu kiểm chứng" in db.session.scalar(
        select(Notification.message))


def test_reopen_as_htmx(admin, world):
    unit = world.units["STP"]
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/reopen", htmx=True,
                          data=_deadline_data(unit, "reopen"))
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="progress-unit-{unit}"') and "Mở lại đến 05/04/2030 17:00 — Mất điện kéo dài" in html
    assert "Đang tự chấm" in html and "Đã mở lại hồ sơ của Sở Tư pháp." in html


@pytest.mark.parametrize("status, expected", [("explanation_submitted", "review_1_done"),
                                              ("review_1_done", "review_1_done"), ("submitted", "submitted")])
def test_reopen_in_explanation_goes_back_to_review_1_done_only_from_later(admin, world, status, expected):
    world.year().phase = "explanation"
    world.assessment("STP").status = status
    db.session.commit()
    unit = world.units["STP"]
    assert admin.post(f"/admin/year/{world.year_id}/units/{unit}/reopen",
                      data=_deadline_data(unit, "reopen")).status_code == 303
    db.session.expire_all()
    assert world.assessment("STP").status == expected


def test_a_finalized_file_is_not_reopened(admin, world):
    world.year().phase = "review_2"
    world.assessment("STP").status, world.assessment("STP").finalized_at = "finalized", utcnow()
    db.session.commit()
    unit = world.units["STP"]
    response = admin.post(f"/admin/year/{world.year_id}/units/{unit}/reopen", data=_deadline_data(unit, "reopen"))
    assert response.status_code == 422 and "Hồ sơ đã thẩm định xong" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.assessment("STP").status == "finalized" and _audit("unit_reopen") == []


@pytest.mark.parametrize("htmx", [False, True])
def test_remind_the_laggards(admin, world, htmx):
    response = admin.post(f"/admin/year/{world.year_id}/remind", htmx=htmx)
    html = response.get_data(as_text=True)
    if htmx:
        assert html.lstrip().startswith('<section id="progress-summary"') and "Đã nhắc 3 đơn vị (6 tài khoản)." in html
    else:
        assert response.status_code == 303
        assert "Đã nhắc 3 đơn vị (6 tài khoản)." in admin.get("/admin/year/progress").get_data(as_text=True)
    assert _told(world, "reminder") == sorted(["syt.canbo", "syt.lanhdao", "stc.canbo", "stc.lanhdao",
                                                "883.canbo", "883.lanhdao"])
    (audit,) = _audit("progress_remind")
    assert audit.actor_id == world.users["quantri"] and audit.new["accounts"] == 6
    assert sorted(audit.new["unit_ids"]) == sorted(world.units[c] for c in ("SYT", "STC", "883"))
    assert "Nhắc nhở: đơn vị chưa chốt tự đánh giá. Hạn chót:" in db.session.scalar(
        select(Notification.message))


def test_remind_follows_the_filter_and_the_phase(admin, world):
    admin.post(f"/admin/year/{world.year_id}/remind?type=district")
    assert _told(world, "reminder") == ["883.canbo", "883.lanhdao"]
    world.year().phase = "review_1"
    db.session.commit()
    response = admin.post(f"/admin/year/{world.year_id}/remind", htmx=True)
    assert "Không có đơn vị nào cần nhắc trong giai đoạn này." in response.get_data(as_text=True)
    assert len(_audit("progress_remind")) == 1


def test_xlsx_has_the_same_values_as_the_screen(admin, world):
    _close_self_assessment(world)
    db.session.add(UnitDeadline(year_id=world.year_id, unit_id=world.units["SYT"], phase="self_assessment",
                                extended_until=utcnow() + timedelta(days=2), reason="Sự cố"))
    db.session.commit()
    head, rows = _table(admin.get("/admin/year/progress").get_data(as_text=True))
    response = admin.get(f"/admin/year/{world.year_id}/progress.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="tien-do-2022.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    values = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == head and values[1:] == rows
    assert head[:4] == ["Mã", "Đơn vị", "Loại", "Trạng thái hồ sơ"] and head[4] == "Tự đánh giá"
    counts = list(book.worksheets[1].iter_rows(values_only=True))
    assert counts[0][0] == "Loại đơn vị" and counts[1] == ("Sở, ban, ngành", 3, 1, 1, 1, 0)
    last = get_column_letter(len(head))
    assert sheet.auto_filter.ref == f"A1:{last}{len(rows) + 1}" and book.worksheets[1].auto_filter.ref.startswith("A1:F")


def test_xlsx_neutralises_formulas(admin, world):
    unit = db.session.get(Unit, world.units["SYT"])
    unit.name = '=HYPERLINK("http://example.com","x")'
    db.session.commit()
    book = load_workbook(io.BytesIO(admin.get(f"/admin/year/{world.year_id}/progress.xlsx?type=department").data))
    names = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://example.com\",\"x\")" in names
    assert all(cell.data_type == "s" for row in book.worksheets[0].iter_rows(min_row=2) for cell in row
               if cell.value is not None)
    assert [cell_value(v) for v in ("+1", "-2", "@x", "ok", 3)] == ["'+1", "'-2", "'@x", "ok", 3]


# ---------------------------------------------------------------------------------- notify-deadlines


def test_notify_deadlines_is_idempotent(app, world):
    window = world.year().window("self_assessment")
    window.closes_at = utcnow().replace(microsecond=0) + timedelta(hours=10)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notify-deadlines"])
    assert first.exit_code == 0, first.output
    db.session.expire_all()
    assert _told(world, "phase_opening") == sorted(["stp.canbo", "stp.lanhdao", "syt.canbo", "syt.lanhdao",
                                                    "stc.canbo", "stc.lanhdao", "883.canbo", "883.lanhdao"])
    assert _told(world, "phase_closing") == sorted(["syt.canbo", "syt.lanhdao", "stc.canbo", "stc.lanhdao",
                                                    "883.canbo", "883.lanhdao"])
    closing = db.session.scalar(select(Notification.message).where(Notification.kind == "phase_closing"))
    assert re.search(r"sẽ hết hạn lúc \d\d/\d\d/\d{4} \d\d:\d\d \(còn (9|10) giờ", closing)
    window = world.year().window("self_assessment")
    assert window.opened_notice_sent_at is not None and window.closing_notice_sent_at is not None
    before = db.session.scalar(select(func.count()).select_from(Notification))
    second = runner.invoke(args=["notify-deadlines"])
    assert second.exit_code == 0 and "0 notification(s)" in second.output
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before


def test_no_closing_notice_more_than_a_day_ahead(app, world):
    world.year().window("self_assessment").opened_notice_sent_at = utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify-deadlines"])
    assert "0 notification(s)" in result.output
