"""The main flow of each role with JavaScript switched off (java_script_enabled=False): only real links
and form posts, redirect after post, messages shown on the next page.

unit staff scores items · unit leader submits · council member appraises an item and comments to the unit ·
council chair marks a unit's fields done and closes its round 1 · admin extends a deadline and moves the
phase on · admin computes the results. The demo year is seeded once per phase; each test uses its own unit.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import item, log_in, menu, seed_year

# No per-test emptying of the tables (keep_tables): this module seeds once per phase (see `year`).
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]


@pytest.fixture(scope="module")
def year(app, _server):
    """year(phase) → ids of the demo year standing in `phase`; reseeded only when the phase changes."""
    state = {"phase": "unset", "ids": None}

    def get(phase):
        if state["phase"] != phase:
            state.update(phase=phase, ids=seed_year(app, phase))
        return state["ids"]
    return get


@pytest.fixture
def nojs(browser, _server):
    """open(username) → a page without JavaScript, logged in as `username`."""
    contexts = []

    def open_as(username):
        context = browser.new_context(java_script_enabled=False, locale="vi-VN",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        log_in(page, _server, username)
        return page
    yield open_as
    for context in contexts:
        context.close()


def _no_script_ran(page):
    # Playwright's own evaluation still works, but none of the page's scripts ran: htmx never loaded.
    assert page.evaluate("() => typeof window.htmx") == "undefined"


# -------------------------------------------------------------------------------- self-assessment


def test_staff_scores_items_without_javascript(year, nojs, _server):
    ids = year("self_assessment")
    page = nojs("stp.canbo")
    menu(page, "Tự đánh giá")
    expect(page.locator("h1")).to_contain_text("Hồ sơ tự đánh giá")
    item(page, "1.1.1").get_by_label("Chậm hạn").check()
    item(page, "1.1.1").get_by_role("button", name=re.compile("^Lưu")).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu mục 1.1.1")
    assert re.search(rf"/assessment/{ids['assessments']['STP']}#item-\d+$", page.url), page.url
    expect(page.locator("#field-total-F1")).to_contain_text("0,5 / 10")

    box = item(page, "1.1.2")
    box.get_by_label("Tử số").fill("9")
    box.get_by_label("Mẫu số").fill("10")
    box.get_by_role("button", name=re.compile("^Lưu")).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu mục 1.1.2")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 2/48 mục")

    bad = item(page, "3.1.2")                       # a refused number comes back with the typed value
    bad.get_by_label("Tử số").fill("abc")
    bad.get_by_label("Mẫu số").fill("3")
    bad.get_by_role("button", name=re.compile("^Lưu")).click()
    expect(item(page, "3.1.2").locator(".error").first).to_be_visible()
    expect(item(page, "3.1.2").get_by_label("Tử số")).to_have_value("abc")
    _no_script_ran(page)


def test_leader_submits_without_javascript(year, nojs):
    year("self_assessment")
    page = nojs("syt.lanhdao")
    menu(page, "Tự đánh giá")
    page.get_by_role("link", name="Kiểm tra và chốt điểm tự chấm").click()
    expect(page.locator("main")).to_contain_text("mục chưa chấm")
    page.get_by_role("button", name="Chốt điểm tự chấm").click()          # without the confirmation first
    expect(page.locator(".flash-error")).to_contain_text("xác nhận")
    page.get_by_label("Tôi xác nhận").check()
    page.get_by_role("button", name="Chốt điểm tự chấm").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã chốt điểm tự chấm")
    expect(page.locator(".badge-done")).to_contain_text("Đã chốt điểm tự chấm")
    _no_script_ran(page)


# ---------------------------------------------------------------------------------- round 1


def test_member_appraises_an_item_and_comments_without_javascript(year, nojs, _server):
    ids = year("review_1")
    page = nojs("tv.stp")                                    # Sở Tư pháp appraises field F2
    menu(page, "Thẩm định")
    page.locator(f"#board-row-{ids['assessments']['SYT']} a", has_text="F2").click()
    expect(page.locator("h1")).to_contain_text("Sở Y tế")
    box = item(page, "2.2.1")                                # yes/no item: appraise it "Không"
    expect(box.locator(".key-hint")).to_be_hidden()          # the number keys need the script: not offered
    box.get_by_label(re.compile(r"– Không$")).check()
    box.get_by_label("Nhận xét thẩm định").fill("Chưa có kế hoạch rà soát ban hành trong năm.")
    box.get_by_label("Yêu cầu đơn vị giải trình").check()
    box.get_by_role("button", name=re.compile("^Lưu điểm thẩm định")).click()
    expect(item(page, "2.2.1").locator(".saved-note")).to_have_text("Đã lưu")     # at the item, not at the top
    expect(item(page, "2.2.1").get_by_label(re.compile(r"– Không$"))).to_be_checked()

    item(page, "2.2.1").get_by_role("link", name=re.compile("^Ý kiến")).click()
    expect(page.locator("main")).to_contain_text("Ý kiến về mục 2.2.1")
    page.get_by_label("Ý kiến mới của Hội đồng").fill("Đề nghị đơn vị bổ sung kế hoạch rà soát năm 2022.")
    page.get_by_role("button", name="Lưu ý kiến").click()
    expect(page.locator("main")).to_contain_text("Đề nghị đơn vị bổ sung kế hoạch rà soát năm 2022.")
    page.get_by_role("link", name=re.compile("Xem trước")).first.click()
    expect(page.locator("main")).to_contain_text("đơn vị sẽ thấy đúng như sau")
    page.get_by_role("button", name="Gửi cho đơn vị").click()
    expect(page.locator("main")).to_contain_text("Đề nghị đơn vị bổ sung kế hoạch rà soát năm 2022.")
    expect(page.get_by_role("button", name="Gửi cho đơn vị")).to_have_count(0)
    _no_script_ran(page)


def test_chair_closes_round_one_of_a_unit_without_javascript(year, nojs, _server):
    ids = year("review_1")
    page = nojs("chutich")
    menu(page, "Thẩm định")
    row = f"#board-row-{ids['assessments']['SCT']}"
    fields = page.locator(f"{row} td.num a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(fields) >= 7          # F1–F7 at least (survey fields have nothing to appraise)
    for href in fields:
        page.goto(_server + href)
        page.get_by_role("button", name="Đánh dấu đã thẩm định xong lĩnh vực").click()
        # items without a decision are listed; the chair accepts their self-scores explicitly
        expect(page.locator("#field-done")).to_contain_text("chưa có quyết định thẩm định")
        page.get_by_role("button", name=re.compile("^Đồng ý với điểm tự chấm cho")).click()
        expect(page.locator(".flash-success")).to_contain_text("thẩm định xong")
    page.goto(_server + "/appraisal/")
    page.locator(row).get_by_role("button", name=re.compile("^Kết thúc vòng 1")).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã kết thúc thẩm định vòng 1 của Sở Công Thương")
    expect(page.locator(row)).to_contain_text("Đã kết thúc thẩm định vòng 1")
    _no_script_ran(page)


def test_admin_extends_a_deadline_and_moves_the_phase_without_javascript(year, nojs, _server):
    ids = year("review_1")
    page = nojs("admin")
    menu(page, "Tiến độ")
    unit_row = page.locator(f"#progress-unit-{ids['units']['883']}")
    unit_row.locator("summary", has_text="Gia hạn").click()              # <details> opens without JS
    form = unit_row.locator("form", has=page.get_by_role("button", name="Gia hạn", exact=True))
    form.locator("input[name$=until]").fill("31/12/2030 17:00")
    form.locator("textarea[name$=reason]").fill("Đơn vị đề nghị gia hạn do thay đổi nhân sự phụ trách.")
    form.get_by_role("button", name="Gia hạn", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã gia hạn cho UBND thành phố Long Xuyên")

    menu(page, "Năm đánh giá")
    open_now = page.locator("#forward-entry input[value=open_now]")  # the window opens later: open it now
    if open_now.count():
        open_now.check()
    page.get_by_role("button", name=re.compile("^Chuyển sang")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Giải trình")


# -------------------------------------------------------------------------------- synthesis


def test_admin_computes_the_results_without_javascript(year, nojs):
    year("synthesis")
    page = nojs("admin")
    menu(page, "Kết quả")
    page.get_by_role("button", name=re.compile("Tính (lại )?kết quả")).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã tính kết quả cho 31 đơn vị")
    expect(page.locator("main")).to_contain_text("Sở Nội vụ")
