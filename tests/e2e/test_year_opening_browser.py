"""Issue 13 in a real browser: the admin opens 2023 from 2022 (Năm đánh giá → Mở năm mới), sees the copy
(types, roster, proposed deadlines), adds a unit type and switches between the years in the header; 2022
stays readable. Screenshots are kept for review (1024×768, an office screen)."""
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


def test_admin_opens_2023_from_2022_in_the_browser(browser, demo):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, demo, "admin")
    page.click("nav >> text=Năm đánh giá")
    page.get_by_role("link", name="Mở năm mới").click()
    expect(page.get_by_role("heading", name="Mở năm đánh giá mới")).to_be_visible()
    expect(page.get_by_label("Năm đánh giá")).to_have_value("2023")
    page.get_by_label("Sao chép từ năm 2022").check()
    _shot(page, "year-open-form")
    page.get_by_role("button", name="Mở năm đánh giá").click()
    expect(page.locator("#flash")).to_contain_text("Đã mở năm 2023 từ năm 2022")
    expect(page.locator("#flash")).to_contain_text("31 đơn vị")
    expect(page.locator("#windows-proposed")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Chỉ số cải cách hành chính năm 2023")
    _shot(page, "year-opened-2023")

    page.get_by_role("link", name="Loại đơn vị").click()
    expect(page.locator("#type-department")).to_contain_text("Sở, ban, ngành")
    expect(page.locator("#type-district")).to_contain_text("UBND cấp huyện")
    page.get_by_role("button", name="Thêm: UBND cấp xã").click()
    expect(page.locator("#type-commune")).to_contain_text("UBND cấp xã")
    _shot(page, "year-types-2023")

    page.goto(page.url.rsplit("/types", 1)[0] + "/roster")
    expect(page.locator("#roster-department")).to_contain_text("Sở Nội vụ")
    expect(page.locator("#roster-district")).to_contain_text("UBND")
    _shot(page, "year-roster-2023")

    # the header switches between the two years; 2022 is still there, unchanged
    switch = page.locator("#year-switch")
    expect(switch).to_have_value(page.locator("#year-switch option", has_text="2023").get_attribute("value"))
    switch.select_option(label="2022")
    page.get_by_role("button", name="Chuyển năm").click()
    page.click("nav >> text=Năm đánh giá")
    expect(page.locator("h1")).to_have_text("Chỉ số cải cách hành chính năm 2022")
    expect(page.locator("#windows-proposed")).to_have_count(0)
    context.close()
