"""A hundred communes on an office screen (issue 14): the demo's 2025 (15 departments, 102 communes) in
appraisal round 1, at 1024×768 in Chromium. The council board, the assignments page and the progress board
filter by unit type and by a search typed without diacritics (htmx swaps the table; fewer rows), no column is
cut off (every header cell lies inside the page width) and the header row stays in view while the table
scrolls. Seeded once for the module; screenshots go to test-results/screens/communes-*.png."""
import os
import pathlib

import pytest
from playwright.sync_api import expect

from portal.db import utcnow
from portal.extensions import db
from tests.e2e.browser_helpers import log_in

# No per-test emptying of the tables (keep_tables): the module seeds once and only reads.
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
VIEWPORT = {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def admin_page(app, _server, browser):
    from portal.seed_2025 import seed_demo_years
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        year = seed_demo_years(now=utcnow(), phase="review_1")["year"]
        db.session.commit()
        year_id = year.id
        db.session.remove()
    expect.set_options(timeout=15_000)   # pages of 100 rows of 117 units on a busy 2-core machine
    context = browser.new_context(locale="vi-VN", viewport=VIEWPORT)
    page = context.new_page()
    log_in(page, _server, "admin")
    yield page, _server, year_id
    context.close()
    expect.set_options(timeout=5_000)    # Playwright's default, for the other modules
    with app.app_context():
        _empty_tables()
        db.session.remove()


def _shot(page, name, table=None):
    """A screenshot of the window, scrolled to `table` when given."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    if table:
        page.locator(table).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / f"communes-{name}.png"))


def _cut_columns(page, table: str) -> list[str]:
    """Header cells of `table` that reach past the right edge of the window (cut off at 1024 px)."""
    return page.eval_on_selector_all(
        f"{table} thead th",
        "cells => cells.filter(c => c.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map(c => c.textContent.trim())")


def _header_stays(page, table: str, box: str) -> None:
    """Scroll the table's box: its header row is still at the top of the box."""
    page.eval_on_selector(box, "b => { b.scrollTop = 600; }")
    top = page.eval_on_selector(f"{table} thead th", "c => c.getBoundingClientRect().top")
    box_top = page.eval_on_selector(box, "b => b.getBoundingClientRect().top")
    assert abs(top - box_top) <= 2, (top, box_top)
    page.eval_on_selector(box, "b => { b.scrollTop = 0; }")


def _rows(page, table: str) -> int:
    return page.locator(f"{table} tbody tr").count()


def test_council_board_filters_and_fits(admin_page):
    page, base, _year = admin_page
    page.goto(f"{base}/appraisal/")
    table = "#board-table table.board"
    assert _rows(page, table) == 100                     # page 1 of 117 units
    assert _cut_columns(page, table) == []
    _shot(page, "board", table)
    page.select_option("#board-type", "commune")
    expect(page.locator("#board-table .board-summary")).to_contain_text("102")
    page.fill("#board-q", "binh duc")
    expect(page.locator(f"{table} tbody tr").first).to_contain_text("Phường Bình Đức")
    assert 0 < _rows(page, table) < 10
    assert "q=binh" in page.url                         # the filtered board has its own address
    assert _cut_columns(page, table) == []
    _shot(page, "board-filtered")
    page.fill("#board-q", "")
    expect(page.locator(f"{table} tbody tr")).to_have_count(100)
    _header_stays(page, table, "#board-table .sticky-head")


def test_assignments_page_filters_and_fits(admin_page):
    page, base, _year = admin_page
    page.goto(f"{base}/appraisal/assignments#unit-assignments")
    table = "#unit-assignments table.unit-assignment"
    assert _rows(page, table) == 40
    _shot(page, "assignments", table)
    assert _cut_columns(page, table) == [] and _cut_columns(page, "#assignment-grid table") == []
    expect(page.locator("#unit-assignments .pager")).to_contain_text("của 117")
    page.select_option("#ua-type", "commune")
    expect(page.locator("#unit-assignments .pager")).to_contain_text("của 102")
    page.select_option("#ua-status", "conflict")
    expect(page.locator(f"{table} tbody tr")).to_have_count(1)      # communes: no member's own agency
    expect(page.locator(f"{table} tbody")).to_contain_text("Không có đơn vị nào khớp bộ lọc")
    page.select_option("#ua-status", "")
    page.fill("#ua-q", "BINH DUC")
    expect(page.locator(f"{table} tbody tr").first).to_contain_text("Phường Bình Đức")
    assert 0 < _rows(page, table) < 10
    page.locator(f"{table} tbody tr").first.locator("summary").click()
    _shot(page, "assignments-filtered")
    assert _cut_columns(page, table) == []


def test_progress_board_filters_and_fits(admin_page):
    page, base, year_id = admin_page
    page.goto(f"{base}/admin/year/{year_id}/progress")
    table = "#progress-board"
    assert _rows(page, table) == 100
    _shot(page, "progress", table)
    assert _cut_columns(page, table) == []
    page.select_option("#progress-type", "commune")
    expect(page.locator(".pager")).to_contain_text("của 102")
    before = _rows(page, table)
    page.select_option("#progress-status", "draft")
    expect(page.locator("#progress")).to_contain_text("khớp bộ lọc")   # (a swapped status hands its words to the live region)
    assert _rows(page, table) < before
    page.select_option("#progress-status", "")
    page.fill("#progress-q", "my thoi")
    expect(page.locator(f"{table} tbody tr").first).to_contain_text("Phường Mỹ Thới")
    assert 0 < _rows(page, table) < 10
    _shot(page, "progress-filtered")
    page.fill("#progress-q", "")
    expect(page.locator(f"{table} tbody tr")).to_have_count(100)
    _header_stays(page, table, "#progress .sticky-head")
