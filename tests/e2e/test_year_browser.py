"""Issue 4 in a real browser: the admin closes the self-assessment and gives one unit an extension; that unit
can still save, another unit's save is refused with the closing time and its typed value stays in the form.
Deadlines are typed as dd/mm/yyyy HH:MM in 24-hour Vietnam time. Screenshots are kept for review."""
import os
import pathlib
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from portal.db import utcnow
from tests.e2e.browser_helpers import log_in

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _shot(page, name, full=True):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)


def _item(page, code):
    return page.locator("article.item").filter(has=page.locator(f".item-title .code:text-is('{code}')"))


def _unit_id(app, code):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.units.models import Unit
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == code))
        db.session.remove()
    return unit_id


def test_admin_extends_one_units_deadline_and_only_that_unit_can_still_save(browser, demo, app):
    other = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})
    late = other.new_page()
    log_in(late, demo, "syt.canbo")                       # Sở Y tế: gets no extension
    late.click("nav >> text=Tự đánh giá")
    expect(late.locator(".deadline")).to_contain_text("Hạn chót:")
    typed = _item(late, "1.2")
    typed.get_by_label(re.compile(r"– Có$")).check()
    typed.get_by_label("Thuyết minh của đơn vị").fill("Đã gửi đủ 4 báo cáo quý đúng hạn.")

    admin_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                        viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    log_in(admin, demo, "admin")
    admin.click("nav >> text=Năm đánh giá")
    closed_at = (utcnow() - timedelta(minutes=2)).astimezone(VN).replace(second=0)
    closes = admin.locator("input[name='self_assessment-closes_at']")
    expect(closes).to_have_value(re.compile(r"^\d\d/\d\d/\d{4} 17:00$"))   # 24-hour Vietnam time, day first
    closes.fill(closed_at.strftime("%d/%m/%Y %H:%M"))
    admin.get_by_role("button", name="Lưu thời hạn").click()
    expect(admin.locator("#year-plan")).to_contain_text("Đã lưu thời hạn của 1 giai đoạn.")
    expect(admin.locator("#year-plan .deadline")).to_contain_text("Đã hết hạn lúc")
    _shot(admin, "year-deadlines")

    admin.click("nav >> text=Tiến độ")
    row = admin.locator(f"#progress-unit-{_unit_id(app, 'STP')}")
    expect(row).to_contain_text("Quá hạn")
    row.locator("summary", has_text="Gia hạn").click()
    form = row.locator("form", has=admin.get_by_role("button", name="Gia hạn", exact=True))
    until = (utcnow() + timedelta(days=1)).astimezone(VN).replace(hour=17, minute=0)
    form.locator("input[name$=until]").fill(until.strftime("%d/%m/%Y %H:%M"))
    form.locator("textarea[name$=reason]").fill("Mất điện kéo dài tại trụ sở đơn vị ngày cuối hạn.")
    marker = admin.evaluate("() => (window.__noReload = 'y')")
    form.get_by_role("button", name="Gia hạn", exact=True).click()
    row = admin.locator(f"#progress-unit-{_unit_id(app, 'STP')}")
    expect(row).to_contain_text("Đã gia hạn cho Sở Tư pháp")
    expect(row).to_contain_text(f"Gia hạn đến {until.strftime('%d/%m/%Y')} 17:00")
    assert admin.evaluate("() => window.__noReload") == marker            # the row was swapped in place
    _shot(admin, "progress-extension")
    admin_context.close()

    # Sở Y tế's save arrives after the deadline: refused with the closing time; what was typed stays.
    typed.get_by_role("button", name="Lưu").click()
    refused = _item(late, "1.2")
    expect(refused.locator(".flash-error")).to_contain_text(
        f"Đã hết hạn tự đánh giá lúc {closed_at.strftime('%d/%m/%Y %H:%M')}:00")
    expect(refused.get_by_label(re.compile(r"– Có$"))).to_be_checked()
    expect(refused.get_by_label("Thuyết minh của đơn vị")).to_have_value("Đã gửi đủ 4 báo cáo quý đúng hạn.")
    _shot(late, "save-after-deadline", full=False)
    late.reload()
    expect(late.locator(".deadline")).to_contain_text("trang chỉ xem")
    expect(_item(late, "1.2").get_by_label(re.compile(r"– Có$"))).to_be_disabled()
    other.close()

    # Sở Tư pháp has its own deadline and its reason, and can still save.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, demo, "stp.canbo")
    page.click("nav >> text=Tự đánh giá")
    banner = page.locator(".deadline")
    expect(banner).to_contain_text(f"Đơn vị được gia hạn đến {until.strftime('%d/%m/%Y')} 17:00")
    expect(banner).to_contain_text("Lý do: Mất điện kéo dài tại trụ sở đơn vị ngày cuối hạn.")
    expect(banner).to_contain_text("còn ")
    item = _item(page, "1.2")
    item.get_by_label(re.compile(r"– Có$")).check()
    item.get_by_role("button", name="Lưu").click()
    expect(_item(page, "1.2").locator(".saved-note")).to_have_text("Đã lưu")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 1/")
    _shot(page, "extended-unit-saves", full=False)
    context.close()
