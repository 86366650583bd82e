"""The reports page in a real browser: the admin opens "Báo cáo" from the menu, starts the export of all
units and watches the progress bar move by htmx polling until the ZIP is ready, reloads the page in the
middle and finds the same job, downloads a PDF and the ZIP, and opens the form of the names printed on
the reports. Screenshots are kept for review."""
import os
import pathlib
import zipfile

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.e2e.browser_helpers import log_in

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))


@pytest.fixture
def reports_world(app, live_server, monkeypatch):
    """A small appraised year (3 units) with results, run by the in-process export worker."""
    from tests.web.reports_setup import small_year
    monkeypatch.setitem(app.config, "REPORTS_WORKER", "thread")
    with app.app_context():
        world = small_year(codes=("STP", "SLDTBXH", "SYT", "883", "890"))
        db.session.remove()
    yield live_server, world
    from portal.reports.jobs import worker_of
    worker_of(app).join(timeout=120)          # never leave a thread writing into the next test's tables


def test_admin_exports_all_units_with_a_live_progress_bar(browser, reports_world, tmp_path):
    base, _world = reports_world
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, base, "admin")
    page.click("nav >> text=Báo cáo")
    expect(page.locator("h1")).to_contain_text("Báo cáo và tệp xuất — năm 2022")
    expect(page.locator("#report-synthesis")).to_contain_text("Sẵn sàng")
    expect(page.locator("#report-annex")).to_contain_text("Báo cáo này có từ giai đoạn “Phê duyệt”")
    page.screenshot(path=str(SCREENS / "reports-page.png"), full_page=True)

    with page.expect_download() as pdf_download:
        page.locator("#report-synthesis a").click()
    assert pdf_download.value.suggested_filename == "bao-cao-ket-qua-chi-so-cchc-2022.pdf"

    page.evaluate("() => (window.__noReload = 'yes')")
    page.get_by_label("Báo cáo tự đánh giá của từng đơn vị").check()
    page.get_by_role("button", name="Xuất tất cả đơn vị").click()
    job = page.locator("article.export-job").first
    expect(page.locator("#export-panel")).to_contain_text("Đã đưa yêu cầu xuất vào hàng đợi: 5 đơn vị.")
    assert page.evaluate("() => window.__noReload") == "yes"        # swapped by htmx, no reload

    page.reload()                                                     # the job survives a reload
    job = page.locator("article.export-job").first
    expect(job).to_contain_text("Báo cáo tự đánh giá của từng đơn vị")
    page.screenshot(path=str(SCREENS / "reports-export-running.png"), full_page=True)
    page.evaluate("() => (window.__noReload = 'again')")
    expect(job).to_contain_text("Đã xong", timeout=120_000)          # by polling, without a reload
    assert page.evaluate("() => window.__noReload") == "again"
    expect(job.locator("progress")).to_have_attribute("value", "5")
    page.screenshot(path=str(SCREENS / "reports-export-done.png"), full_page=True)

    with page.expect_download() as zip_download:
        job.get_by_role("link", name="Tải tệp ZIP").click()
    target = tmp_path / "export.zip"
    zip_download.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        assert len(archive.namelist()) == 5
        assert "1-cac-so-ban-nganh-tinh/003-tu-danh-gia-2022-so-y-te.pdf" in archive.namelist()

    page.click("text=Sửa thông tin in trên báo cáo")
    expect(page.locator("h1")).to_contain_text("Thông tin in trên báo cáo — năm 2022")
    page.get_by_label("Ký hiệu báo cáo của Sở").fill("BC SNV")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.locator(".error").first).to_contain_text("Ký hiệu chỉ gồm chữ, số và dấu gạch ngang")
    expect(page.get_by_label("Ký hiệu báo cáo của Sở")).to_have_value("BC SNV")
    page.screenshot(path=str(SCREENS / "reports-settings.png"), full_page=True)
    context.close()
