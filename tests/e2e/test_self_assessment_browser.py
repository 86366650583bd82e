"""A unit in a real browser: score items of different methods and watch the totals change without a reload;
then the leader submits. Screenshots are kept for review."""
import os
import pathlib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))


def _item(page, code):
    return page.locator("article.item").filter(has=page.locator(f"h4 .code:text-is('{code}')"))


def test_staff_scores_three_methods_and_leader_submits(browser, demo):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, demo, "stp.canbo")
    page.click("nav >> text=Tự đánh giá")
    expect(page.locator("h1")).to_contain_text("Hồ sơ tự đánh giá Chỉ số CCHC năm 2022")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 0/48 mục")
    page.evaluate("() => (window.__noReload = 'yes')")

    item = _item(page, "1.1.1")                       # levels
    item.get_by_label("Chậm hạn").check()
    item.get_by_role("button", name="Lưu").click()
    expect(_item(page, "1.1.1").locator(".saved-note")).to_have_text("Đã lưu")
    expect(page.locator("#field-total-F1")).to_contain_text("0,5 / 10")

    item = _item(page, "1.1.2")                       # percentage bands
    item.get_by_label("Tử số").fill("9")
    item.get_by_label("Mẫu số").fill("10")
    item.get_by_role("button", name="Lưu").click()
    expect(page.locator("#field-total-F1")).to_contain_text("1 / 10")

    item = _item(page, "1.2")                         # yes / no
    item.get_by_label("Có", exact=True).check()
    item.get_by_role("button", name="Lưu").click()
    expect(page.locator("#field-total-F1")).to_contain_text("2 / 10")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 3/48 mục")
    expect(page.locator("#self-total")).to_contain_text("2 /")

    bad = _item(page, "3.1.2")                        # a bad number is refused next to the field
    bad.get_by_label("Tử số").fill("1.000")
    bad.get_by_label("Mẫu số").fill("3")
    bad.get_by_role("button", name="Lưu").click()
    expect(_item(page, "3.1.2").locator(".error").first).to_contain_text("hàng nghìn")
    expect(_item(page, "3.1.2").get_by_label("Tử số")).to_have_value("1.000")
    assert page.evaluate("() => window.__noReload") == "yes"
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "self-assessment.png"), full_page=False)
    context.close()

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, demo, "stp.lanhdao")
    page.click("nav >> text=Tự đánh giá")
    page.click("text=Kiểm tra và chốt điểm tự chấm")
    expect(page.locator("main")).to_contain_text("Còn 45 mục chưa chấm")
    page.get_by_label("Tôi xác nhận").check()
    page.get_by_role("button", name="Chốt điểm tự chấm").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã chốt điểm tự chấm")
    expect(page.locator(".badge-done")).to_contain_text("Đã chốt điểm tự chấm")
    page.screenshot(path=str(SCREENS / "self-assessment-submitted.png"))
    context.close()
