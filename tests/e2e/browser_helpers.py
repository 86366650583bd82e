"""Helpers of the accessibility, keyboard, no-JavaScript and slow-network browser tests.

These modules seed the demo year once per module (in the phase they need) instead of once per test, to
keep the browser tier fast: each of them replaces tests/conftest.py's per-test table cleaning with
`keep_tables` and calls `seed_year` from a module-scoped fixture. The tests of one module then work on
different units, so their order does not matter.
"""
import json
from pathlib import Path

from portal.db import utcnow
from portal.extensions import db

VENDOR = Path(__file__).parent / "vendor"
PASSWORD = "demo-cchc-2022"


def seed_year(app, phase: str | None = None) -> dict:
    """Empty every table and seed the demo year standing in `phase` (None: self-assessment, empty)."""
    from portal.seed import seed_demo
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        info = seed_demo(now=utcnow(), phase=phase)
        db.session.commit()
        ids = ids_of(info["year"].id)
        db.session.remove()
    return ids


def ids_of(year_id: int) -> dict:
    """{"year": id, "assessments": {unit code: assessment id}, "units": {unit code: unit id}}."""
    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.units.models import Unit
    rows = db.session.execute(select(Unit.code, Unit.id, Assessment.id).join(
        Assessment, Assessment.unit_id == Unit.id).where(Assessment.year_id == year_id)).all()
    return {"year": year_id, "assessments": {code: aid for code, _uid, aid in rows},
            "units": {code: uid for code, uid, _aid in rows}}


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the form (works with and without JavaScript)."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


class PhasePages:
    """The walk of a module that visits many pages: one Playwright page per person (and window size), logged
    in once, on the demo year standing in one phase at a time; asking for another phase re-seeds the year
    and starts the pages anew. `on_new_page(page)` runs on each new page before the login (its result comes
    back with the page); `context_args` go to every browser context. close() when the module is done."""

    def __init__(self, app, base: str, browser, on_new_page=None, **context_args):
        self.app, self.base, self.browser, self.on_new_page = app, base, browser, on_new_page
        self.context_args = {"locale": "vi-VN", **context_args}
        self.phase = self.ids = None
        self.open: dict = {}        # (who, viewport) → (browser context, what on_new_page returned)

    def get(self, phase: str, who: str | None, viewport=(1280, 900)):
        """(page logged in as `who` — anonymous for None —, the year's ids, what on_new_page returned)."""
        if self.phase != phase:
            self.close()
            self.phase, self.ids = phase, seed_year(self.app, phase)
        key = (who, viewport)
        if key not in self.open:
            context = self.browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                               **self.context_args)
            page = context.new_page()
            extra = self.on_new_page(page) if self.on_new_page else None
            if who:
                log_in(page, self.base, who)
            self.open[key] = (context, extra)
        context, extra = self.open[key]
        return context.pages[0], self.ids, extra

    def close(self) -> None:
        for context, _extra in self.open.values():
            context.close()
        self.open = {}


def item(page, code: str):
    """The article of one item of the workspace or an appraisal page, by its code."""
    return page.locator("article.item").filter(has=page.locator(f".item-title .code:text-is('{code}')"))


# ------------------------------------------------------------------------------------------- axe-core


def axe_source() -> str:
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page as it is now; violations of the given impacts, in a readable shape."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through DevTools, not as an inline <script>: the page's CSP stays in force, so a CSP
        # violation of the page itself still shows in the console (see `console_errors`).
        page.evaluate(axe_source())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}));
    }""")
    return [v for v in found if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


UNLABELLED_JS = """() => {
    const out = [];
    for (const el of document.querySelectorAll("input, select, textarea")) {
        const type = (el.getAttribute("type") || "").toLowerCase();
        if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
        const named = (el.labels && el.labels.length > 0) || el.getAttribute("aria-label")
            || el.getAttribute("aria-labelledby") || el.getAttribute("title");
        if (!named) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
}"""


def unlabelled_inputs(page) -> list[str]:
    """Form controls a screen reader cannot name (no <label>, aria-label, aria-labelledby or title)."""
    return page.evaluate(UNLABELLED_JS)


def menu(page, name: str) -> None:
    """Follow a link of the main menu (the home page repeats some of them as tiles)."""
    page.locator("nav.site-nav").get_by_role("link", name=name, exact=True).click()


# ------------------------------------------------------------------------------------ console errors


def watch_console(page) -> list[str]:
    """Collect, from now on, everything the browser reports as an error on this page: console errors
    (CSP violations and failed resource loads are reported there by Chromium), uncaught JavaScript
    exceptions, requests that fail and responses of 400 or more for the page's resources. The returned
    list fills as the page lives; clear it between pages."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = f" ({location['url']}:{location.get('lineNumber')})" if location.get("url") else ""
            errors.append(f"console: {message.text}{where}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"exception: {exc}"))
    page.on("requestfailed", lambda request: errors.append(
        f"failed: {request.method} {request.url} ({request.failure})"))
    page.on("response", on_response)
    return errors
