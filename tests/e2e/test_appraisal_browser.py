"""Issue 6 in a real browser, both rounds: a council member appraises an item of Sở Y tế differently from its
self-score and writes a comment, which the unit does not see until the member previews and sends it; round 1
closes when the secretariat moves the year to explanation; the unit explains with new evidence and replies;
the leader submits; the member re-appraises in round 2; the chair finalises the unit; the item's history
shows all five values (self-score, round 1, explanation, round 2, final), each with who and when.
Screenshots are kept for review."""
import os
import pathlib
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from portal.db import utcnow
from tests.e2e.browser_helpers import log_in
from tests.evidence_samples import pdf_bytes

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "2.2.1"          # "Ban hành kế hoạch rà soát" (yes/no), field F2, appraised by Sở Tư pháp's member
COMMENT = "Kế hoạch rà soát ban hành ngày 20/3, chậm so với yêu cầu; đề nghị đơn vị giải trình."
FILE_NAME = "Kế hoạch rà soát VBQPPL 2022 (bản gốc).pdf"


@pytest.fixture
def review(app, live_server):
    """The demo year standing in appraisal round 1: every unit has submitted its self-assessment."""
    from portal.extensions import db
    from portal.seed import seed_demo
    with app.app_context():
        seed_demo(now=utcnow(), phase="review_1")
        db.session.commit()
        db.session.remove()
    return live_server


def _ids(app):
    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.extensions import db
    from portal.units.models import Unit
    with app.app_context():
        aid = db.session.scalar(select(Assessment.id).join(Unit, Unit.id == Assessment.unit_id)
                                .where(Unit.code == "SYT"))
        db.session.remove()
    return aid


def _shot(page, name, full=False):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)


def _item(page, code=CODE):
    return page.locator("article.item").filter(has=page.locator(f".item-title .code:text-is('{code}')"))


def _context(browser):
    return browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})


def _open_phase_now(admin, base, phase):
    """The secretariat brings a phase's opening forward to now (the demo plan opens it days later)."""
    admin.goto(base + "/admin/year/")
    opens = (utcnow() - timedelta(minutes=1)).astimezone(VN)
    admin.locator(f"input[name='{phase}-opens_at']").fill(opens.strftime("%d/%m/%Y %H:%M"))
    admin.get_by_role("button", name="Lưu thời hạn").click()
    expect(admin.locator("#year-plan")).to_contain_text("Đã lưu thời hạn")


def _move_to(admin, base, label):
    admin.goto(base + "/admin/year/")
    admin.get_by_role("button", name=f"Chuyển sang: {label}").click()
    expect(admin.locator("#year-plan")).to_contain_text(f"Đã chuyển đợt đánh giá sang giai đoạn {label}")


def test_both_rounds_from_comment_to_final_score(browser, review, app):
    base, aid = review, _ids(app)
    member_ctx, unit_ctx, admin_ctx = _context(browser), _context(browser), _context(browser)
    member, unit, admin = member_ctx.new_page(), unit_ctx.new_page(), admin_ctx.new_page()
    log_in(member, base, "tv.stp")
    log_in(unit, base, "syt.canbo")
    log_in(admin, base, "admin")

    # ---- round 1: the member appraises differently from the self-score and writes a comment
    member.click("nav >> text=Thẩm định")
    expect(member.locator("h1")).to_contain_text("Bảng theo dõi thẩm định vòng 1")
    member.locator(f"#board-row-{aid}").get_by_role("link", name=re.compile("F2")).click()
    expect(member.locator("h1")).to_contain_text("Thẩm định vòng 1: Sở Y tế")
    item = _item(member)
    self_cell = item.locator("td.step-self").inner_text()
    other = "Không" if "(Có)" in self_cell else "Có"
    member.evaluate("() => (window.__noReload = 'r1')")
    item.get_by_label(re.compile("– " + re.escape(other) + "$")).check()
    item.get_by_label("Nhận xét thẩm định (bắt buộc khi khác điểm tự chấm)").fill(
        "Kế hoạch rà soát ban hành chậm so với thời hạn.")
    item.get_by_label("Yêu cầu đơn vị giải trình, bổ sung tài liệu").check()
    item.get_by_role("button", name=f"Lưu điểm thẩm định {CODE}").click()
    expect(_item(member).locator(".saved-note")).to_have_text("Đã lưu")
    expect(_item(member).locator("td.step-round1")).to_contain_text("Lê Quốc Dũng")
    _item(member).locator(".thread-collapsed a").click()
    thread = _item(member).locator("section.thread")
    thread.get_by_label("Ý kiến mới của Hội đồng").fill(COMMENT)
    thread.get_by_role("button", name="Lưu ý kiến").click()
    expect(_item(member).locator("section.thread")).to_contain_text("Nội bộ hội đồng")
    assert member.evaluate("() => window.__noReload") == "r1"

    # the unit does not see an internal comment
    unit.goto(f"{base}/assessment/{aid}")
    expect(_item(unit)).not_to_contain_text(COMMENT)
    expect(_item(unit).locator(".thread-collapsed")).to_have_count(0)

    # preview exactly what the unit will read, then send
    _item(member).locator("section.thread").get_by_role("link", name="Xem trước và gửi cho đơn vị").click()
    preview = _item(member).locator(".send-preview")
    expect(preview).to_contain_text("Xem trước: đơn vị sẽ thấy đúng như sau")
    expect(preview).to_contain_text("Hội đồng thẩm định")
    expect(preview).not_to_contain_text("Lê Quốc Dũng")
    _shot(member, "appraisal-send-preview")
    preview.get_by_role("button", name="Gửi cho đơn vị").click()
    expect(_item(member).locator("section.thread")).to_contain_text("Đã gửi đơn vị lúc")
    expect(_item(member).locator("section.thread")).to_contain_text("Đơn vị chưa xem")

    # now the unit sees it, from the council, without the member's name
    unit.goto(f"{base}/assessment/{aid}")
    badge = _item(unit).locator(".thread-collapsed")
    expect(badge).to_contain_text("1 chưa đọc")
    badge.locator("a").click()
    expect(_item(unit).locator("section.thread")).to_contain_text(COMMENT)
    expect(_item(unit).locator("section.thread")).to_contain_text("Hội đồng thẩm định")
    expect(_item(unit).locator("section.thread")).not_to_contain_text("Lê Quốc Dũng")
    expect(_item(unit)).not_to_contain_text("Kế hoạch rà soát ban hành chậm")   # the round-1 score: not yet
    _shot(unit, "unit-sees-sent-comment")
    member.reload()
    _item(member).locator(".thread-collapsed a").click()
    expect(_item(member).locator("section.thread")).to_contain_text("Đơn vị đã xem lúc")

    # ---- round 1 closes at its deadline: the secretariat moves the year to explanation
    _open_phase_now(admin, base, "explanation")
    admin.goto(base + "/admin/year/")
    expect(admin.locator("#phase-effect")).to_contain_text("31 hồ sơ chưa được Chủ tịch Hội đồng kết thúc vòng 1")
    _move_to(admin, base, "Giải trình")
    expect(admin.locator("#year-plan")).to_contain_text("Đã kết thúc thẩm định vòng 1 của 31 đơn vị")

    # ---- round 2, the unit: new evidence, an explanation, a reply; the leader submits
    unit.click("nav >> text=Tài liệu kiểm chứng")
    form = unit.locator("#new-document form")
    if not form.is_visible():
        unit.locator("#new-document summary").click()
    form.get_by_label("Số, ký hiệu").fill("18/KH-SYT")
    form.get_by_label("Ngày ban hành").fill("10/03/2022")
    form.get_by_label("Cơ quan ban hành").fill("Sở Y tế")
    form.get_by_label("Trích yếu").fill("Kế hoạch rà soát, hệ thống hóa văn bản quy phạm pháp luật năm 2022")
    form.locator("input[type=file]").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes("Ke hoach ra soat 2022")})
    form.get_by_role("button", name="Thêm tài liệu").click()
    expect(unit.locator("#document-list")).to_contain_text("18/KH-SYT")
    unit.goto(f"{base}/assessment/{aid}")
    unit.get_by_role("link", name="Kết quả thẩm định vòng 1 và giải trình").click()
    expect(unit.locator("h1")).to_contain_text("Kết quả thẩm định vòng 1 và giải trình")
    item = _item(unit)
    expect(item.locator("td.step-round1")).to_contain_text("Kế hoạch rà soát ban hành chậm so với thời hạn.")
    expect(item.locator("td.step-round1")).to_contain_text("Yêu cầu giải trình")
    expect(item.locator("td.step-round1")).to_contain_text("Hội đồng thẩm định")
    expect(item.locator("section.thread")).to_contain_text(COMMENT)
    item.get_by_role("link", name=f"Gắn tài liệu từ thư viện vào mục {CODE}").click()     # loads the picker
    picker = item.get_by_label("Tài liệu trong thư viện")
    picker.select_option(label=picker.locator("option", has_text="18/KH-SYT").inner_text())
    item.get_by_role("button", name="Gắn vào mục").click()
    expect(_item(unit).locator(".evidence")).to_contain_text(FILE_NAME)
    item = _item(unit)
    item.get_by_label("Không đồng ý, giải trình").check()
    item.get_by_label("Nội dung giải trình").fill("Kế hoạch số 18/KH-SYT ban hành ngày 10/03/2022, đúng hạn; "
                                                  "đơn vị gửi kèm bản gốc.")
    item.get_by_role("button", name=f"Lưu giải trình {CODE}").click()
    expect(_item(unit).locator(".saved-note")).to_have_text("Đã lưu")
    item = _item(unit)
    item.locator("details.reply summary").first.click()
    item.get_by_label("Trả lời của đơn vị").first.fill("Đơn vị đã bổ sung kế hoạch bản gốc.")
    item.get_by_role("button", name="Gửi trả lời").first.click()
    expect(_item(unit).locator("section.thread")).to_contain_text("Đơn vị đã bổ sung kế hoạch bản gốc.")
    _item(unit).scroll_into_view_if_needed()
    _shot(unit, "unit-explains", full=True)
    unit_ctx.close()

    leader_ctx = _context(browser)
    leader = leader_ctx.new_page()
    log_in(leader, base, "syt.lanhdao")
    leader.goto(f"{base}/assessment/{aid}/explain")
    leader.get_by_label("Tôi xác nhận nội dung giải trình").check()
    leader.get_by_role("button", name="Chốt giải trình").click()
    expect(leader.locator(".flash-success")).to_contain_text("Đã chốt giải trình")
    leader_ctx.close()

    # ---- round 2, the council: the member re-appraises the explained item
    _open_phase_now(admin, base, "review_2")
    _move_to(admin, base, "Thẩm định vòng 2")
    member.goto(f"{base}/appraisal/{aid}/F2")
    expect(member.locator("h1")).to_contain_text("Thẩm định vòng 2: Sở Y tế")
    item = _item(member)
    expect(item.locator("td.step-explanation")).to_contain_text("Không đồng ý")
    expect(item).to_contain_text(FILE_NAME)                                  # the added evidence, to open
    expect(item.get_by_role("link", name=f"Xem {FILE_NAME}")).to_have_count(1)
    item.get_by_label(re.compile("– " + re.escape(self_cell_choice(self_cell)) + "$")).check()
    item.get_by_label("Nhận xét thẩm định (bắt buộc khi khác điểm tự chấm)").fill(
        "Chấp nhận giải trình: kế hoạch ban hành đúng hạn.")
    item.get_by_role("button", name=f"Lưu điểm thẩm định {CODE}").click()
    expect(_item(member).locator(".saved-note")).to_have_text("Đã lưu")
    member.get_by_role("button", name="Đánh dấu đã thẩm định xong lĩnh vực").click()
    expect(member.locator("#field-done")).to_contain_text("Đã đánh dấu lĩnh vực F2 thẩm định xong.")
    member_ctx.close()

    # ---- the chair marks the other fields done and finalises the unit
    chair_ctx = _context(browser)
    chair = chair_ctx.new_page()
    log_in(chair, base, "chutich")
    for code in ("F1", "F3", "F4", "F5", "F6", "F7", "ADJ"):
        # nothing explained in these fields: round 2 counts them done by themselves, nothing to click
        chair.goto(f"{base}/appraisal/{aid}/{code}")
        expect(chair.locator("#field-done")).to_contain_text("tự động được tính là đã thẩm định xong vòng 2")
    chair.goto(f"{base}/appraisal/?type=department")
    chair.locator(f"#board-row-{aid}").get_by_role("button", name=re.compile("^Hoàn tất thẩm định")).click()
    expect(chair.locator(".flash-success")).to_contain_text("Đã hoàn tất thẩm định Sở Y tế")
    expect(chair.locator(f"#board-row-{aid}")).to_contain_text("Đã khóa")

    # ---- the item's history: all five values, each with who and when
    chair.goto(f"{base}/appraisal/{aid}/F2")
    history = _item(chair).locator("table.history")
    expect(history.locator("th")).to_have_text(
        ["Tự chấm", "Thẩm định vòng 1", "Giải trình", "Thẩm định vòng 2", "Kết quả cuối cùng"])
    expect(history.locator("td.step-self")).to_contain_text("Cán bộ Sở Y tế")
    expect(history.locator("td.step-round1")).to_contain_text("Lê Quốc Dũng")
    expect(history.locator("td.step-explanation")).to_contain_text("Cán bộ Sở Y tế")
    expect(history.locator("td.step-round2")).to_contain_text("Chấp nhận giải trình")
    expect(history.locator("td.step-final")).to_contain_text("theo vòng 2")
    for step in ("self", "round1", "explanation", "round2", "final"):
        expect(history.locator(f"td.step-{step} time")).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    _item(chair).scroll_into_view_if_needed()
    _shot(chair, "item-history")
    chair_ctx.close()
    admin_ctx.close()


def self_cell_choice(self_cell: str) -> str:
    """Round 2 accepts the explanation: back to the unit's own answer."""
    return "Có" if "(Có)" in self_cell else "Không"


def test_council_pages_have_no_serious_accessibility_violation(browser, review, app):
    """axe-core on the pages of this issue that the general accessibility test does not open: the admin's
    assignment grid and reassignments, and an appraisal item with its comment thread and send preview."""
    from tests.e2e.browser_helpers import axe_violations, describe_violations, unlabelled_inputs
    base, aid = review, _ids(app)
    context = browser.new_context(locale="vi-VN", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "admin")
    page.goto(base + "/appraisal/assignments")
    found = axe_violations(page)
    assert found == [], describe_violations(found)
    assert unlabelled_inputs(page) == []
    context.close()
    context = browser.new_context(locale="vi-VN", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "tv.stp")
    page.goto(f"{base}/appraisal/{aid}/F2")
    _item(page).locator(".thread-collapsed a").click()
    thread = _item(page).locator("section.thread")
    thread.get_by_label("Ý kiến mới của Hội đồng").fill("Đề nghị bổ sung kế hoạch rà soát.")
    thread.get_by_role("button", name="Lưu ý kiến").click()
    _item(page).locator("section.thread").get_by_role("link", name="Xem trước và gửi cho đơn vị").click()
    expect(_item(page).locator(".send-preview")).to_be_visible()
    found = axe_violations(page)
    assert found == [], describe_violations(found)
    assert unlabelled_inputs(page) == []
    context.close()
