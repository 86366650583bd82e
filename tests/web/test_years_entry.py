"""Phase moves that don't lock people out: moving into a phase whose window has not opened (or has
closed) asks on the confirmation step whether to open it now / set a new closing time; the phase table
never shows "Đang diễn ra" beside "chưa mở"; an extension or reopening earlier than the common deadline
is refused with a clear message."""
import re
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import UnitDeadline
from tests.web.years_setup import admin, world  # noqa: F401  (fixtures)


def move(admin, world, **data):
    return admin.post(f"/admin/year/{world.year_id}/phase", data=data)


def current_row(html: str) -> str:
    row = lxml.html.fromstring(html).xpath('//tr[@aria-current="step"]')[0]
    return " ".join(row.text_content().split())


def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_the_forward_form_asks_before_entering_a_phase_not_open_yet(admin, world):
    page = admin.get("/admin/year/").get_data(as_text=True)
    form = page[page.index("Chuyển sang giai đoạn tiếp theo"):page.index("Chuyển sang: Thẩm định vòng 1")]
    assert 'id="forward-entry"' in form and "Thẩm định vòng 1 chưa mở" in form
    assert 'value="open_now"' in form and 'value="keep"' in form


@pytest.mark.parametrize("htmx", [False, True])
def test_a_move_before_the_window_asks_and_then_opens_it(admin, world, htmx):
    before = world.year().window("review_1").opens_at
    asked = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "review_1"}, htmx=htmx)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "Hãy chọn mở ngay hoặc giữ giờ mở" in html
    assert ("<html" in html) is (not htmx)
    db.session.expire_all()
    assert world.year().phase == "self_assessment" and _audit("year_phase_change") == []
    moved = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "review_1", "window_choice": "open_now"},
                       htmx=htmx)
    assert moved.status_code == (200 if htmx else 303)
    db.session.expire_all()
    year = world.year()
    opened = year.window("review_1").opens_at
    assert year.phase == "review_1" and opened < before and abs((opened - utcnow()).total_seconds()) < 60
    (window_row,) = _audit("phase_window_update")
    assert window_row.new["phase"] == "review_1" and window_row.actor_id == world.users["quantri"]
    page = admin.get("/admin/year/").get_data(as_text=True)
    assert "Giai đoạn mở từ bây giờ." in (moved.get_data(as_text=True) if htmx else page)
    row = current_row(page)
    assert "Đang diễn ra" in row and "chưa mở" not in row and re.search(r"còn \d", row)


def test_keeping_the_opening_time_is_an_explicit_choice_and_the_table_says_not_open(admin, world):
    assert move(admin, world, target="review_1", window_choice="keep").status_code == 303
    row = current_row(admin.get("/admin/year/").get_data(as_text=True))
    assert "Thẩm định vòng 1" in row and "chưa mở" in row and "Đang diễn ra" not in row
    assert _audit("phase_window_update") == []


def test_moving_back_into_a_closed_phase_asks_for_a_new_closing_time(admin, world):
    world.year().phase = "review_1"
    world.year().window("self_assessment").closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    reason = "Nhiều đơn vị gặp sự cố phần mềm"
    asked = move(admin, world, target="self_assessment", reason=reason)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and 'id="back-entry"' in html and "Hãy đặt hạn chót mới" in html
    assert reason in html  # what was typed stays
    missing = move(admin, world, target="self_assessment", reason=reason, window_choice="new_close")
    assert missing.status_code == 422 and "Hãy nhập hạn chót mới" in missing.get_data(as_text=True)
    bad = move(admin, world, target="self_assessment", reason=reason, window_choice="new_close", new_close="31/02")
    assert bad.status_code == 422 and 'value="31/02"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert world.year().phase == "review_1"
    moved = move(admin, world, target="self_assessment", reason=reason, window_choice="new_close",
                 new_close="05/04/2030 17:00")
    assert moved.status_code == 303
    db.session.expire_all()
    window = world.year().window("self_assessment")
    assert world.year().phase == "self_assessment" and window.closes_at.year == 2030
    page = admin.get("/admin/year/").get_data(as_text=True)
    assert "Hạn chót mới: 05/04/2030 17:00." in page and "Đang diễn ra" in current_row(page)


def test_a_move_refused_for_another_reason_says_that_reason_first(admin, world):
    world.year().phase = "review_1"
    world.year().window("self_assessment").closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    refused = move(admin, world, target="self_assessment", reason=" ")
    assert refused.status_code == 422 and "Vui lòng nêu lý do" in refused.get_data(as_text=True)


def _deadline(unit_id, kind, until):
    return {f"u{unit_id}-{kind}-until": until, f"u{unit_id}-{kind}-reason": "Mất điện kéo dài"}


@pytest.mark.parametrize("kind", ["extension", "reopen"])
def test_an_extension_earlier_than_the_common_deadline_is_refused(admin, world, kind):
    unit = world.units["STP"]
    common = world.year().window("self_assessment").closes_at  # now + 10 days
    earlier = (common + timedelta(hours=7) - timedelta(days=2)).strftime("%d/%m/%Y %H:%M")  # local time
    refused = admin.post(f"/admin/year/{world.year_id}/units/{unit}/{kind}", data=_deadline(unit, kind, earlier))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "phải sau hạn chót chung của giai đoạn" in html and "không rút ngắn" in html
    assert db.session.scalar(select(func.count()).select_from(UnitDeadline)) == 0
    later = (common + timedelta(hours=7) + timedelta(days=2)).strftime("%d/%m/%Y %H:%M")
    assert admin.post(f"/admin/year/{world.year_id}/units/{unit}/{kind}",
                      data=_deadline(unit, kind, later)).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(UnitDeadline)) == 1
