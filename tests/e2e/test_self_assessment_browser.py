"""Issue 5 in a real browser, as unit staff: score three items of different methods (a level, a percentage
from numerator and denominator, yes/no) and watch the field total, the self-score and the progress line
change without a reload; a bad number is refused next to the field with the typed value kept; upload an
evidence document (with its metadata and a file, the upload progress bar shown) and attach it to two items;
then the leader submits after the completeness summary. Screenshots are kept for review."""
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import log_in
from tests.evidence_samples import pdf_bytes

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
FILE_NAME = "Kế hoạch CCHC năm 2022 (bản ký).pdf"


def _item(page, code):
    return page.locator("article.item").filter(has=page.locator(f".item-title .code:text-is('{code}')"))


def _shot(page, name, full=False):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)


def test_staff_scores_three_methods_attaches_evidence_and_leader_submits(browser, demo):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, demo, "stp.canbo")

    # The evidence library: one document with its metadata and a file (the upload shows its progress bar).
    page.click("nav >> text=Tài liệu kiểm chứng")
    form = page.locator("#new-document form")
    form.get_by_label("Số, ký hiệu").fill("45/KH-STP")
    form.get_by_label("Ngày ban hành").fill("15/01/2022")
    form.get_by_label("Cơ quan ban hành").fill("Sở Tư pháp")
    form.get_by_label("Trích yếu").fill("Kế hoạch cải cách hành chính năm 2022 của Sở Tư pháp")
    form.locator("input[type=file]").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes("Ke hoach CCHC 2022")})
    expect(form.locator("progress.upload-progress")).to_have_count(1)
    form.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator("#document-list")).to_contain_text("45/KH-STP")
    expect(page.locator("#document-list")).to_contain_text(FILE_NAME)
    _shot(page, "evidence-library")

    page.click("nav >> text=Tự đánh giá")
    expect(page.locator("h1")).to_contain_text("Hồ sơ tự đánh giá Chỉ số CCHC năm 2022")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 0/48 mục")
    page.evaluate("() => (window.__noReload = 'yes')")

    item = _item(page, "1.1.1")                       # levels
    item.get_by_label("Chậm hạn").check()
    item.get_by_role("button", name="Lưu").click()
    expect(_item(page, "1.1.1").locator(".saved-note")).to_have_text("Đã lưu")
    expect(page.locator("#field-total-F1")).to_contain_text("0,5 / 10")
    expect(page.locator("#summary")).to_contain_text("1 mục chưa có tài liệu kiểm chứng")

    item = _item(page, "1.1.2")                       # percentage bands from numerator / denominator
    item.get_by_label("Tử số").fill("9")
    item.get_by_label("Mẫu số").fill("10")
    item.get_by_role("button", name="Lưu").click()
    expect(page.locator("#field-total-F1")).to_contain_text("1 / 10")

    item = _item(page, "1.2")                         # yes / no
    item.get_by_label(re.compile(r"– Có$")).check()
    item.get_by_label("Thuyết minh của đơn vị").fill("Báo cáo quý, 6 tháng và năm gửi đúng hạn.")
    item.get_by_role("button", name="Lưu").click()
    expect(page.locator("#field-total-F1")).to_contain_text("2 / 10")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 3/48 mục")
    expect(page.locator("#summary")).to_contain_text("3 mục chưa có tài liệu kiểm chứng")
    expect(page.locator("#self-total")).to_contain_text("2 /")

    bad = _item(page, "3.1.2")                        # a bad number is refused next to the field
    bad.get_by_label("Tử số").fill("1.000")
    bad.get_by_label("Mẫu số").fill("3")
    bad.get_by_role("button", name="Lưu").click()
    expect(_item(page, "3.1.2").locator(".error").first).to_contain_text("hàng nghìn")
    expect(_item(page, "3.1.2").get_by_label("Tử số")).to_have_value("1.000")

    # One document backs two items: attach it to 1.1.1 and 1.2 from each item's picker.
    for code in ("1.1.1", "1.2"):
        item = _item(page, code)
        item.get_by_role("link", name=f"Gắn tài liệu từ thư viện vào mục {code}").click()   # loads the picker
        picker = item.get_by_label("Tài liệu trong thư viện")
        picker.select_option(label=picker.locator("option", has_text="45/KH-STP").inner_text())
        item.get_by_role("button", name="Gắn vào mục").click()
        expect(_item(page, code).locator(".evidence")).to_contain_text("45/KH-STP")
        expect(_item(page, code).locator(".evidence")).to_contain_text(FILE_NAME)
    expect(page.locator("#summary")).to_contain_text("1 mục chưa có tài liệu kiểm chứng")   # only 1.1.2 left
    expect(_item(page, "1.2").locator(".flags")).to_have_count(0)
    expect(_item(page, "1.1.2").locator(".flags")).to_contain_text("Có điểm nhưng chưa có tài liệu kiểm chứng")
    assert page.evaluate("() => window.__noReload") == "yes"     # every change above without a reload
    _item(page, "1.2").scroll_into_view_if_needed()
    _shot(page, "self-assessment")
    page.locator("#summary").scroll_into_view_if_needed()
    _shot(page, "self-assessment-summary")
    context.close()

    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, demo, "stp.lanhdao")
    page.click("nav >> text=Tự đánh giá")
    page.click("text=Kiểm tra và chốt điểm tự chấm")
    expect(page.locator("main")).to_contain_text("Còn 45 mục chưa chấm")
    _shot(page, "self-assessment-submit-summary", full=True)
    page.get_by_label("Tôi xác nhận").check()
    page.get_by_role("button", name="Chốt điểm tự chấm").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã chốt điểm tự chấm")
    expect(page.locator(".badge-done")).to_contain_text("Đã chốt điểm tự chấm")
    expect(_item(page, "1.2").get_by_label(re.compile(r"– Có$"))).to_be_disabled()
    _shot(page, "self-assessment-submitted")
    context.close()
