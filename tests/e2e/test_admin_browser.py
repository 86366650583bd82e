"""The admin in a real browser: log in, find units without diacritics, edit one inline; then the same
with JavaScript switched off."""
import os
import pathlib

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import log_in

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))


def _shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_admin_sees_units_in_vietnamese_and_edits_inline(page, demo):
    log_in(page, demo, "admin")
    expect(page.locator(".brand-name")).to_have_text("Cổng Chỉ số cải cách hành chính")
    page.click("text=Đơn vị được đánh giá")
    expect(page.locator("h1")).to_have_text("Đơn vị được đánh giá")
    expect(page.locator("#unit-table")).to_contain_text("UBND thành phố Châu Đốc")
    expect(page.locator("#unit-table")).to_contain_text("31 đơn vị")
    _shot(page, "admin-units")

    page.fill("#unit-q", "chau doc")            # live search, no reload, no diacritics needed
    expect(page.locator("#unit-table tbody tr")).to_have_count(1)
    expect(page.locator("#unit-table")).to_contain_text("UBND thành phố Châu Đốc")

    marker = page.evaluate("() => (window.__noReload = 1)")
    row = page.locator("#unit-table tbody tr").first
    row.get_by_role("link", name="Sửa").click()
    name_input = page.locator("#unit-table input[name=name]")
    expect(name_input).to_have_value("UBND thành phố Châu Đốc")
    name_input.fill("UBND TP. Châu Đốc")
    page.locator("#unit-table button", has_text="Lưu").click()
    expect(page.locator("#unit-table tbody tr").first).to_contain_text("UBND TP. Châu Đốc")
    assert page.evaluate("() => window.__noReload") == marker    # the page was not reloaded


def test_admin_flow_without_javascript(browser, demo):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo, "admin")
    page.goto(demo + "/admin/units/?q=thoai+son")
    expect(page.locator("#unit-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Sửa").click()
    page.locator("#unit-table input[name=name]").fill("UBND huyện Thoại Sơn (sửa)")
    page.locator("#unit-table button", has_text="Lưu").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu đơn vị UBND huyện Thoại Sơn (sửa)")
    page.fill("#new-unit input[name=code]", "SDL")
    page.fill("#new-unit input[name=name]", "Sở Du lịch")
    page.locator("#new-unit button", has_text="Thêm đơn vị").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã thêm đơn vị Sở Du lịch")
    context.close()


def test_unit_staff_has_no_admin_menu(page, demo):
    log_in(page, demo, "883.canbo")
    expect(page.locator(".site-nav")).not_to_contain_text("Tài khoản")
    expect(page.locator("main")).to_contain_text("UBND thành phố Long Xuyên")
    response = page.goto(demo + "/admin/units/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Không có quyền")
