"""Issue 16 at 1024×768: the chair's appraisal board shows every column inside the window (none hidden,
none cut, no sideways scrolling). Screenshots are kept for review."""
import os
import pathlib

import pytest

from tests.e2e.browser_helpers import log_in, seed_year

pytestmark = pytest.mark.e2e
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
SMALL = {"width": 1024, "height": 768}


@pytest.fixture(autouse=True)
def _clean_db():
    """Replaces tests/conftest.py's per-test cleaning: the module seeds the demo year once."""
    yield


@pytest.fixture(scope="module")
def world(app, _server):
    return seed_year(app, "review_1")


def _boxes_outside(page, table: str) -> list:
    """The header cells of `table` that do not fit, whole, inside the window's width."""
    return page.evaluate("""sel => { const out = []; const width = document.documentElement.clientWidth;
        document.querySelectorAll(sel + ' thead th').forEach(th => { const r = th.getBoundingClientRect();
            if (r.width < 8 || r.left < 0 || r.right > width + 0.5) out.push([th.innerText, r.left, r.right]); });
        return out; }""", table)


def test_the_chairs_board_shows_every_column_at_1024(browser, world, _server):
    context = browser.new_context(locale="vi-VN", viewport=SMALL)
    page = context.new_page()
    log_in(page, _server, "chutich")
    page.goto(_server + "/appraisal/")
    headers = page.locator("table.board thead th").all_inner_texts()
    assert headers[:2] == ["Đơn vị", "Hồ sơ"] and headers[-1] == "Thao tác" and "F7" in headers, headers
    assert _boxes_outside(page, "table.board") == []
    scroll = page.evaluate("""() => { const s = document.querySelector('table.board').closest('.table-scroll');
        return [s.scrollWidth, s.clientWidth, document.documentElement.scrollWidth,
                document.documentElement.clientWidth]; }""")
    assert scroll[0] <= scroll[1] and scroll[2] <= scroll[3], scroll
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "council-board-chair-1024.png"))
    context.close()
