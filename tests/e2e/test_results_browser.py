"""Results in a real browser: the admin imports survey scores (upload, preview, confirm), computes, moves the
year to approval; the chair records the decision; the admin publishes; an anonymous visitor opens the public
page and finds the top ranks and the charts. Screenshots go to test-results/screens/results-*.png."""
import os
import pathlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from portal.db import utcnow
from portal.extensions import db
from tests.e2e.browser_helpers import log_in

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))


def _shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"results-{name}.png"), full_page=True)


@pytest.fixture
def synthesis(app, live_server, tmp_path):
    """The demo year in synthesis with every unit appraised, its survey scores and results removed, and a
    survey file for every unit and survey item (deterministic points) written to tmp_path."""
    from portal.results.models import SurveyImport, SurveyScore, UnitResult
    from portal.results.surveys import survey_criteria, year_units
    from portal.seed import seed_demo
    with app.app_context():
        year = seed_demo(now=utcnow(), phase="synthesis")["year"]
        for model in (UnitResult, SurveyScore, SurveyImport):
            db.session.execute(delete(model))
        lines = ["Mã đơn vị;Mã mục;Điểm"]
        items = survey_criteria(year)
        for n, unit in enumerate(year_units(year)):
            for crit in items[unit.unit_type]:
                share = Decimal(60 + (n * 7 + len(crit.code) * 3) % 40) / 100  # 60 … 99 % of the maximum
                points = (crit.max_points * share).quantize(Decimal("0.01"))
                lines.append(f"{unit.code};{crit.code};{str(points).replace('.', ',')}")
        db.session.commit()
        year_id = year.id
        db.session.remove()
    path = tmp_path / "dieu-tra-xhh-2022.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return live_server, year_id, path, len(lines) - 1


def test_import_compute_approve_publish_and_read_the_public_page(browser, app, synthesis):
    base, year_id, survey_file, rows = synthesis
    admin = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    log_in(admin, base, "admin")

    admin.goto(f"{base}/results/{year_id}/survey")
    expect(admin.locator("h1")).to_have_text("Điểm điều tra xã hội học năm 2022")
    admin.set_input_files("input[type=file]", str(survey_file))
    admin.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(admin.locator("h1")).to_contain_text("Kiểm tra tệp dieu-tra-xhh-2022.csv")
    expect(admin.locator("main")).to_contain_text(f"{rows} điểm của 31 đơn vị")
    _shot(admin, "survey-preview")
    admin.get_by_role("button", name="Xác nhận lưu").click()
    expect(admin.locator(".flash-success")).to_contain_text(f"Đã lưu {rows} điểm điều tra XHH")
    expect(admin.locator("#mapping-report")).to_contain_text("UBND thành phố Long Xuyên")
    _shot(admin, "survey-report")

    admin.goto(f"{base}/results/{year_id}")
    admin.get_by_role("button", name="Tính kết quả").click()      # htmx: the ranking region is swapped
    expect(admin.locator("#results-panel .flash-success")).to_contain_text("Đã tính kết quả cho 31 đơn vị.")
    expect(admin.locator("#ranking-department tbody tr")).to_have_count(20)
    expect(admin.locator("#ranking-district tbody tr")).to_have_count(11)
    _shot(admin, "overview-computed")

    with app.app_context():
        from portal.results.models import UnitResult
        from portal.units.models import Unit
        top = {kind: [name for name, in db.session.execute(
            select(Unit.code).join(UnitResult, UnitResult.unit_id == Unit.id)
            .where(Unit.unit_type == kind, UnitResult.rank == 1).order_by(Unit.code))] for kind in
            ("department", "district")}
        best = {kind: db.session.scalar(select(UnitResult).join(Unit, Unit.id == UnitResult.unit_id).where(
            Unit.unit_type == kind, UnitResult.rank == 1).order_by(Unit.code).limit(1)) for kind in top}
        best_index = {kind: format(row.index, ".2f").replace(".", ",") for kind, row in best.items()}
        best_name = {kind: db.session.get(Unit, row.unit_id).name_in(year_id) for kind, row in best.items()}
        db.session.remove()

    admin.goto(f"{base}/admin/year/{year_id}")
    admin.get_by_role("button", name="Chuyển sang: Phê duyệt").click()
    expect(admin.locator("#year-plan")).to_contain_text("Đã chuyển đợt đánh giá sang giai đoạn Phê duyệt")

    chair = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    log_in(chair, base, "chutich")
    chair.goto(f"{base}/results/{year_id}")
    chair.fill("#decision_number", "456/QĐ-UBND")
    chair.fill("#decision_date", "31/13/2023")                      # a wrong date first: the form says so
    chair.get_by_role("button", name="Ghi nhận phê duyệt").click()
    expect(chair.locator("#approval-panel .error")).to_contain_text("ngày/tháng/năm")
    expect(chair.locator("#decision_number")).to_have_value("456/QĐ-UBND")   # typed input is kept
    chair.fill("#decision_date", "28/03/2023")
    chair.get_by_role("button", name="Ghi nhận phê duyệt").click()
    expect(chair.locator(".flash-success")).to_contain_text("Đã ghi nhận Quyết định 456/QĐ-UBND")
    _shot(chair, "approved")

    admin.goto(f"{base}/results/{year_id}")
    admin.get_by_role("button", name="Công bố kết quả").click()
    expect(admin.locator(".flash-success")).to_contain_text("Đã công bố kết quả")

    visitor = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/login")
    visitor.click("#public-results-link")
    expect(visitor.locator("h1")).to_have_text("Kết quả Chỉ số cải cách hành chính đã công bố")
    visitor.get_by_role("link", name=re.compile("Năm 2022")).click()
    expect(visitor.locator("h1")).to_have_text("Kết quả Chỉ số cải cách hành chính năm 2022")
    expect(visitor.locator(".decision")).to_contain_text("Quyết định số 456/QĐ-UBND ngày 28/03/2023")
    for kind in ("department", "district"):
        first = visitor.locator(f"#ranking-{kind} tbody tr").first
        expect(first.locator("td.rank")).to_contain_text("1")
        expect(first).to_contain_text(best_name[kind])
        expect(first).to_contain_text(best_index[kind])
        expect(first).to_contain_text("Đề nghị khen thưởng")
    chart = visitor.locator("#type-department svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Chỉ số CCHC theo đơn vị — Sở, ban, ngành")
    expect(chart.locator("text.chart-value").first).to_have_text(best_index["department"])
    box = chart.locator("rect.chart-bar").first.bounding_box()
    assert box is not None and box["width"] > 100  # a real bar, drawn by the server, no script involved
    _shot(visitor, "public-year")
    visitor.locator("#ranking-department tbody tr").first.get_by_role("link").click()
    expect(visitor.locator("h1")).to_contain_text(best_name["department"])
    expect(visitor.locator("svg.chart")).to_be_visible()
    expect(visitor.locator("main")).not_to_contain_text("Chênh lệch tự chấm")
    _shot(visitor, "public-unit")
    assert top["department"] and top["district"]


def test_public_page_works_without_javascript(browser, app, synthesis):
    base, year_id, survey_file, _rows = synthesis
    from datetime import date

    from portal.auth.models import User
    from portal.results.approval import approve, publish
    from portal.results.services import compute_results
    from portal.results.surveys import check_file, save_import
    from portal.years.models import AssessmentYear
    with app.app_context():
        year = db.session.get(AssessmentYear, year_id)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        checked = check_file(year, survey_file.read_bytes())
        save_import(year, checked, filename=survey_file.name, user=admin, now=utcnow())
        compute_results(year, user=admin, now=utcnow())
        year.phase = "approval"
        approve(year, decision_number="456/QĐ-UBND", decision_date=date(2023, 3, 28), user=admin, now=utcnow())
        publish(year, user=admin, now=utcnow())
        db.session.commit()
        db.session.remove()
    context = browser.new_context(java_script_enabled=False, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/cong-bo/2022")
    expect(page.locator("#ranking-department tbody tr")).to_have_count(20)
    expect(page.locator("#type-district svg.chart rect.chart-bar")).to_have_count(11)
    page.locator("#heatmap-district tbody tr").first.get_by_role("link").click()
    expect(page.locator("svg.chart text.chart-label")).to_have_count(9)   # nine fields
    _shot(page, "public-unit-no-js")
    context.close()
