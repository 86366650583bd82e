"""The keyboard alone: a unit's staff logs in, opens the workspace, scores and saves items using only Tab,
the arrow keys, typing and Enter — no mouse, no click() — and every focused control shows its focus."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import PASSWORD, item, seed_year

# No per-test emptying of the tables (keep_tables): the module seeds the demo year once.
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]
MAX_TABS = 150


@pytest.fixture(scope="module")
def world(app, _server):
    return seed_year(app)


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const article = el && el.closest("article.item");
        const style = el ? getComputedStyle(el) : null;
        return {tag: el ? el.tagName.toLowerCase() : "", id: el ? el.id : "", name: el ? el.name || "" : "",
                type: el ? el.type || "" : "", text: el ? (el.innerText || el.value || "").trim() : "",
                item: article ? article.querySelector(".item-title .code").textContent.trim() : null,
                outline: style ? style.outlineStyle + " " + style.outlineWidth : "",
                shadow: style ? style.boxShadow : ""};
    }""")


def tab_to(page, matches, what: str, *, backwards: bool = False) -> dict:
    """Press Tab until the focused element satisfies `matches`; fails after MAX_TABS presses."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = _focused(page)
        if matches(focused):
            assert focused["outline"].split()[0] != "none" or focused["shadow"] != "none", \
                f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"{what} cannot be reached with Tab ({MAX_TABS} presses)")


def test_staff_scores_and_saves_items_with_the_keyboard_alone(browser, world, _server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(_server + "/login")
    tab_to(page, lambda f: f["id"] == "username", "the username field")
    page.keyboard.type("stp.canbo")
    tab_to(page, lambda f: f["id"] == "password", "the password field")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(_server + "/")

    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Tự đánh giá", "the Tự đánh giá menu link")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Hồ sơ tự đánh giá")

    # 1.1.1 (levels): reach its radio group, choose the second level with the arrow key, save with Enter.
    tab_to(page, lambda f: f["item"] == "1.1.1" and f["name"] == "level", "the levels of item 1.1.1")
    page.keyboard.press("ArrowDown")
    expect(item(page, "1.1.1").get_by_label("Chậm hạn")).to_be_checked()
    tab_to(page, lambda f: f["item"] == "1.1.1" and f["tag"] == "button" and f["text"].startswith("Lưu"),
           "the Lưu button of item 1.1.1")
    page.keyboard.press("Enter")
    expect(item(page, "1.1.1").locator(".saved-note")).to_have_text("Đã lưu")
    expect(page.locator("#field-total-F1")).to_contain_text("0,5 / 10")

    # 1.1.2 (percentage): the focus stayed on 1.1.1's Lưu button through the htmx swap (its id lets htmx
    # restore it), so Tab walks on into the next item; type numerator and denominator, Enter submits.
    tab_to(page, lambda f: f["item"] == "1.1.2" and f["name"] == "numerator", "the numerator of item 1.1.2")
    page.keyboard.type("9")
    tab_to(page, lambda f: f["item"] == "1.1.2" and f["name"] == "denominator", "the denominator of 1.1.2")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    expect(item(page, "1.1.2").locator(".saved-note")).to_have_text("Đã lưu")
    expect(page.locator("#field-total-F1")).to_contain_text("1 / 10")
    expect(page.locator("#summary")).to_contain_text("Đã chấm 2/48 mục")
    context.close()


def test_focus_stays_on_the_saved_item_after_an_htmx_save(browser, world, _server):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(_server + "/login")
    page.fill("#username", "snv.canbo")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(_server + "/")
    page.goto(_server + f"/assessment/{world['assessments']['SNV']}")
    item(page, "1.2").get_by_label(re.compile(r"– Có$")).focus()
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["item"] == "1.2" and f["tag"] == "button", "the Lưu button of item 1.2")
    page.keyboard.press("Enter")
    expect(item(page, "1.2").locator(".saved-note")).to_have_text("Đã lưu")
    focused = _focused(page)
    context.close()
    assert focused["item"] == "1.2", f"focus after the save: {focused}"
