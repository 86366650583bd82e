"""Accessibility of the main pages of each role, checked by axe-core (vendored, tests only) in Chromium:
no serious or critical violation, every form control has a name a screen reader can read out, and the
browser console stays clean (no CSP violation, failed resource load or JavaScript exception; the pages
run under the portal's real CSP).

The demo year is seeded once per phase the pages need (self-assessment, round-1 appraisal, explanation,
synthesis); each role keeps one logged-in browser context while the phase lasts.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_helpers import (
    PhasePages,
    axe_violations,
    describe_violations,
    item,
    unlabelled_inputs,
    watch_console,
)

# No per-test emptying of the tables (keep_tables): this module seeds once per phase (see `pages`).
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]

# (phase to seed, who — None for anonymous, the page: a path with {ids} fields, or a callable step)
PAGES = [
    ("self_assessment", None, "/login"),
    ("self_assessment", None, "/cong-bo/"),
    ("self_assessment", None, "/huong-dan/"),
    ("self_assessment", "stp.canbo", "/"),
    ("self_assessment", "stp.canbo", "/assessment/{STP}"),
    ("self_assessment", "stp.canbo", "/evidence/"),
    ("self_assessment", "stp.canbo", "/notifications/"),
    ("self_assessment", "stp.canbo", "an item saved by htmx (STP 1.2)"),
    ("self_assessment", "stp.lanhdao", "/assessment/{STP}/submit"),
    ("self_assessment", "stp.lanhdao", "/huong-dan/lanh-dao-don-vi"),
    ("self_assessment", "admin", "/"),
    ("self_assessment", "admin", "/admin/units/"),
    ("self_assessment", "admin", "the units searched as one types"),
    ("self_assessment", "admin", "/admin/users/"),
    ("self_assessment", "admin", "/admin/year/"),
    ("self_assessment", "admin", "/admin/year/progress"),
    ("self_assessment", "admin", "/admin/criteria/"),
    ("review_1", "tv.stp", "/appraisal/"),
    ("review_1", "tv.stp", "/appraisal/{SYT}/F2"),
    ("review_1", "tv.stp", "comment thread of 2.1.1 (SYT)"),
    ("review_1", "tv.stp", "agreement with 2.1.2 saved by htmx (SYT)"),
    ("review_1", "chutich", "/appraisal/"),
    ("review_1", "chutich", "/assessment/"),
    ("explanation", "syt.canbo", "/assessment/{SYT}/explain"),
    ("synthesis", "admin", "/results/{year}"),
    ("synthesis", "admin", "/results/{year}/heatmap"),
    ("synthesis", "admin", "/reports/"),
    ("synthesis", "chutich", "/results/{year}"),
]


@pytest.fixture(scope="module")
def pages(app, _server, browser):
    """page_for(phase, who) → (a Playwright page logged in as `who` on the demo year in `phase`, the year's
    ids, the page's console errors since this call)."""
    walk = PhasePages(app, _server, browser, on_new_page=watch_console)

    def page_for(phase, who):
        page, ids, errors = walk.get(phase, who)
        errors.clear()
        return page, ids, errors

    yield page_for
    walk.close()


def _open(page, base, ids, target):
    if target.startswith("/"):
        fields = {"year": ids["year"], **ids["assessments"]}
        response = page.goto(base + target.format(**fields))
        assert response.status == 200, f"{target}: HTTP {response.status}"
        return
    STEPS[target](page, base, ids)


# Steps that swap part of a page with htmx, as a person would (the console check covers the swaps too).
def _comment_thread(page, base, ids):
    page.goto(base + f"/appraisal/{ids['assessments']['SYT']}/F2")
    item(page, "2.1.1").get_by_role("link", name="Ý kiến").click()
    page.wait_for_load_state()


def _save_item(page, base, ids):
    page.goto(base + f"/assessment/{ids['assessments']['STP']}")
    page.evaluate("() => (window.__sameDocument = true)")
    box = item(page, "1.2")
    box.get_by_label(re.compile(r"– Có$")).check()
    box.get_by_role("button", name="Lưu").click()
    expect(item(page, "1.2").locator(".saved-note")).to_have_text("Đã lưu")
    assert page.evaluate("() => window.__sameDocument === true")


def _search_units(page, base, ids):
    page.goto(base + "/admin/units/")
    page.fill("#unit-q", "chau doc")
    expect(page.locator("main table tbody tr").first).to_contain_text("Châu Đốc")


def _agree(page, base, ids):
    page.goto(base + f"/appraisal/{ids['assessments']['SYT']}/F2")
    page.evaluate("() => (window.__sameDocument = true)")
    item(page, "2.1.2").locator("button.agree").click()
    expect(item(page, "2.1.2")).not_to_have_class(re.compile(r"\bundecided\b"))
    assert page.evaluate("() => window.__sameDocument === true")


STEPS = {
    "comment thread of 2.1.1 (SYT)": _comment_thread,
    "an item saved by htmx (STP 1.2)": _save_item,
    "the units searched as one types": _search_units,
    "agreement with 2.1.2 saved by htmx (SYT)": _agree,
}


@pytest.mark.parametrize("phase, who, target", PAGES,
                         ids=[f"{p}-{w or 'anonymous'}-{t}" for p, w, t in PAGES])
def test_page_has_no_serious_accessibility_violation(pages, _server, phase, who, target):
    page, ids, console = pages(phase, who)
    _open(page, _server, ids, target)
    violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    assert violations == [], f"{target} as {who or 'anonymous'}:\n{describe_violations(violations)}"
    assert unlabelled_inputs(page) == [], f"{target}: form controls without a label"
    assert console == [], f"{target} as {who or 'anonymous'}: console errors\n" + "\n".join(console)


def test_axe_does_find_a_violation_when_there_is_one(pages, _server):
    """The check above can fail: an input without a label and an image without text are reported."""
    page, _ids, _console = pages("synthesis", None)
    page.goto(_server + "/login")
    page.evaluate("""() => {
        const bad = document.createElement("div");
        bad.innerHTML = '<input id="x-unlabelled" type="text"><img src="/static/nothing.png">';
        document.querySelector("main").appendChild(bad);
    }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"label", "image-alt"} <= found
    assert any("x-unlabelled" in html for html in unlabelled_inputs(page))


def test_console_check_does_find_errors_when_there_are_some(pages, _server):
    """The console check above can fail: an inline style (refused by the CSP), a missing file and an
    uncaught exception are all reported."""
    page, _ids, console = pages("synthesis", None)
    page.goto(_server + "/login")
    with page.expect_event("pageerror"), page.expect_response(lambda r: r.url.endswith("/nothing.png")):
        page.evaluate("""() => {
            const bad = document.createElement("div");
            bad.innerHTML = '<p style="color: red">x</p><img alt="" src="/static/nothing.png">';
            document.querySelector("main").appendChild(bad);
            setTimeout(() => { throw new Error("thrown on purpose"); }, 0);
        }""")
    text = "\n".join(console)
    assert "Content Security Policy" in text
    assert "nothing.png" in text
    assert "thrown on purpose" in text
