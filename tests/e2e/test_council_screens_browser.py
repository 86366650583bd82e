"""Issue 16 at 1024×768: the chair's appraisal board shows every column inside the window (none hidden,
none cut, no sideways scrolling). Screenshots are kept for review."""
import os
import pathlib

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import log_in, seed_year

# No per-test emptying of the tables (keep_tables): the module seeds the demo year once.
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]
SCREENS = pathlib.Path(os.environ.get("E2E_SCREENS", "test-results/screens"))
SMALL = {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def world(app, _server):
    return seed_year(app, "review_1")


def _boxes_outside(page, table: str) -> list:
    """The header cells of `table` that do not fit, whole, inside the window's width."""
    return page.evaluate("""sel => { const out = []; const width = document.documentElement.clientWidth;
        document.querySelectorAll(sel + ' thead th').forEach(th => { const r = th.getBoundingClientRect();
            if (r.width < 8 || r.left < 0 || r.right > width + 0.5)
                out.push([th.innerText, r.left, r.right]); });
        return out; }""", table)


def test_the_chairs_board_shows_every_column_at_1024(browser, world, _server):
    context = browser.new_context(locale="vi-VN", viewport=SMALL)
    page = context.new_page()
    log_in(page, _server, "chutich")
    page.goto(_server + "/appraisal/")
    headers = page.locator("table.board thead th").all_inner_texts()
    assert headers[:2] == ["Đơn vị", "Hồ sơ"] and headers[-1] == "Thao tác" and "F7" in headers, headers
    assert _boxes_outside(page, "table.board") == []
    scroll = page.evaluate("""() => {
        const s = document.querySelector('table.board').closest('.table-scroll');
        return [s.scrollWidth, s.clientWidth, document.documentElement.scrollWidth,
                document.documentElement.clientWidth]; }""")
    assert scroll[0] <= scroll[1] and scroll[2] <= scroll[3], scroll
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "council-board-chair-1024.png"))
    context.close()


def test_the_heat_map_filters_searches_and_keeps_its_headers_at_1024(browser, app, _server):
    """The heat map of a filled year: a value in every cell, the legend in the cells' colours, a filter by
    unit type and a search typed without diacritics that swap the table in place, and a header row that
    stays in view while the table scrolls."""
    ids = seed_year(app, "synthesis")
    context = browser.new_context(locale="vi-VN", viewport=SMALL)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, _server, "chutich")
    page.goto(f"{_server}/results/{ids['year']}/heatmap")
    cells = page.locator("table.heatmap td.heat")
    assert cells.count() >= 31 * 8
    texts = page.evaluate("""() => Array.from(document.querySelectorAll('table.heatmap td.heat'))
        .map(td => td.childNodes[0] ? (td.childNodes[0].textContent || '').trim() : '')""")
    assert all(t and (t == "—" or t[0].isdigit()) for t in texts), texts[:20]
    legend = page.locator("ul.heat-legend .swatch.heat")
    assert legend.count() == 6
    colours = page.evaluate("""() => { const c = el => getComputedStyle(el).backgroundColor;
        const legend = {}; document.querySelectorAll('ul.heat-legend .swatch.heat[class*=band-]').forEach(s =>
            legend[[...s.classList].find(k => k.startsWith('band-'))] = c(s));
        return Array.from(document.querySelectorAll('table.heatmap td.heat[class*=band-]')).map(td =>
            [legend[[...td.classList].find(k => k.startsWith('band-'))], c(td)]); }""")
    assert colours and all(a == b for a, b in colours)             # the legend shows the cells' own colours
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "heatmap-1024.png"))

    box = page.locator(".heat-scroll").first
    box.evaluate("e => e.scrollTop = 300")
    head, frame = box.locator("thead th").first.bounding_box(), box.bounding_box()
    assert abs(head["y"] - frame["y"]) <= 2, (head, frame)          # the header row stays at the top

    page.select_option("select[name=loai]", "district")
    expect(page.locator("table.heatmap")).to_have_count(1)
    expect(page.locator("#heatmap-district")).to_be_visible()
    page.locator("input[name=q]").press_sequentially("long xuyen")
    expect(page.locator("table.heatmap tbody tr")).to_have_count(1)
    expect(page.locator("table.heatmap tbody th")).to_contain_text("Long Xuyên")
    assert "loai=district" in page.url and "q=long%20xuyen" in page.url   # the filtered view's own address
    page.screenshot(path=str(SCREENS / "heatmap-filtered-1024.png"))
    context.close()
    assert errors == []
