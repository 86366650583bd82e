"""The screenshots of the user guide (Hướng dẫn sử dụng, /huong-dan/): the real pages of the portal on the
demo data that `make run` seeds (the published year 2022 and the year 2025 standing in each phase), taken
by Chromium at 1024×768 in Vietnamese and in English and written as WebP to static/guide/<lang>/<name>.webp.

`make guide` runs it; the guide then never shows an old screen. Each shot names the phase the year stands
in, who is logged in, the page, and what is done on it first (a click, a scroll). The guide's text refers to
the shots by name (portal/guide/content.py); a test checks that every name it uses is a shot here and that
its two images exist.

Run from the repository root:  .venv/bin/python bench/guide_screens.py [--only NAME ...] [--out DIR]
A throwaway SQLite database in a temporary folder is seeded once per phase; nothing else is touched.
"""
import argparse
import io
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "static" / "guide"
VIEWPORT = {"width": 1024, "height": 768}
LANGS = ("vi", "en")
PASSWORD = "demo-cchc-2022"
WEBP_QUALITY = 72


@dataclass(frozen=True)
class Shot:
    name: str
    phase: str                      # the phase the year 2025 stands in (portal.demo_fill.STAGES)
    who: str | None                 # a demo account, None for a visitor
    path: str                       # with {year}, {year2022}, {STP} (a file's id), {u_STP} (a unit's id)
    before: Callable | None = None  # page → None: what is done before the picture
    at: str | None = None           # a selector scrolled to the top of the window


def _item(page, code: str):
    return page.locator("article.item").filter(has=page.locator(f"h4 .code:text-is('{code}')"))


def _save_yes(code: str):
    def step(page):
        box = _item(page, code)
        box.locator("input[type=radio]").first.check()
        box.locator("button[type=submit].primary").first.click()
        _item(page, code).locator(".saved-note").first.wait_for()
        page.wait_for_load_state()
        _item(page, code).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.evaluate("() => window.scrollBy(0, -150)")
    return step


def _open_details(selector: str):
    def step(page):
        page.locator(selector).first.evaluate("d => { d.open = true; d.scrollIntoView(); }")
        page.evaluate("() => window.scrollBy(0, -120)")     # below the sticky summary
    return step


def _agree_first(page):
    """Agree with the first item: the page moves on to the next item without a decision; show the end of the
    agreed item above it."""
    page.locator("article.item button.agree").first.click()
    page.locator("article.item.just-saved").first.wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('button.agree')")
    page.evaluate("() => window.scrollBy(0, -330)")


def _done_too_early(page):
    page.locator("#field-done button[type=submit]").first.click()
    page.locator("#accept-rest").wait_for()
    page.locator("#field-done").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.evaluate("() => window.scrollBy(0, -10)")


def _comment_thread(page):
    """Open the thread of an item in place, write a comment (kept inside the council) and show it; each
    language writes on its own item."""
    english = page.evaluate("() => document.documentElement.lang") == "en"
    text = ("Please attach the Department of Justice's appraisal record of the returned draft." if english
            else "Đề nghị đơn vị bổ sung biên bản thẩm định của Sở Tư pháp đối với dự thảo bị trả lại.")
    box = _item(page, "2.2.1" if english else "2.1.2")
    box.locator(".thread-collapsed a").first.click()
    thread = box.locator("section.thread")
    thread.locator("form.comment-form textarea").first.wait_for()
    thread.locator("form.comment-form textarea").first.fill(text)
    thread.locator("form.comment-form button[type=submit]").first.click()
    box.locator("section.thread ol.comments", has_text=text).first.wait_for()
    box.locator("section.thread").first.evaluate("e => e.scrollIntoView({block: 'center'})")


def _switch_to_2022(page):
    page.locator("#year-switch").select_option(label="2022")
    page.locator("form.year-switch button[type=submit]").click()
    page.wait_for_load_state()


def _to_2022_results(page):
    _switch_to_2022(page)
    page.goto("/results/mine")          # the context's base_url is the portal's


SHOTS = [
    # ---- self-assessment: the units, and the admin setting up and following the year
    Shot("login", "self_assessment", None, "/login"),
    Shot("staff-home", "self_assessment", "stp.canbo", "/"),
    Shot("staff-library", "self_assessment", "stp.canbo", "/evidence/"),
    Shot("staff-workspace", "self_assessment", "stp.canbo", "/assessment/{STP}"),
    Shot("staff-item", "self_assessment", "stp.canbo", "/assessment/{STP}", before=_save_yes("1.2")),
    Shot("staff-import", "self_assessment", "stp.canbo", "/assessment/{STP}",
         before=_open_details("details.xlsx-import")),
    Shot("staff-submit", "self_assessment", "stp.canbo", "/assessment/{STP}/submit"),
    Shot("leader-submit", "self_assessment", "stp.lanhdao", "/assessment/{STP}/submit"),
    Shot("leader-signer", "self_assessment", "stp.lanhdao", "/reports/{year}/units/{u_STP}/signer"),
    Shot("admin-new-year", "self_assessment", "admin", "/admin/year/new"),
    Shot("admin-types", "self_assessment", "admin", "/admin/year/{year}/types"),
    Shot("admin-roster", "self_assessment", "admin", "/admin/year/{year}/roster"),
    Shot("admin-criteria", "self_assessment", "admin", "/admin/criteria/"),
    Shot("admin-users", "self_assessment", "admin", "/admin/users/"),
    Shot("admin-year", "self_assessment", "admin", "/admin/year/"),
    Shot("admin-progress", "self_assessment", "admin", "/admin/year/progress"),
    Shot("admin-assignments", "self_assessment", "admin", "/appraisal/assignments"),
    # ---- round 1: the council
    Shot("member-board", "review_1", "tv.stp", "/appraisal/"),
    Shot("member-field", "review_1", "tv.stp", "/appraisal/{SYT}/F2", before=_agree_first),
    Shot("member-comments", "review_1", "tv.stp", "/appraisal/{SYT}/F2", before=_comment_thread),
    Shot("member-done", "review_1", "tv.stp", "/appraisal/{SCT}/F2", before=_done_too_early),
    Shot("chair-board", "review_1", "chutich", "/appraisal/"),
    # ---- explanation: the units answer
    Shot("unit-explain", "explanation", "syt.canbo", "/assessment/{SYT}/explain"),
    Shot("leader-explain", "explanation", "syt.lanhdao", "/assessment/{SYT}/explain",
         at="form[action$='/explain/submit']"),
    # ---- round 2
    Shot("member-round2", "review_2", "tv.stp", "/appraisal/{SYT}/F2"),
    Shot("chair-round2", "review_2", "chutich", "/appraisal/"),
    # ---- synthesis: survey, results, approval, reports; the published year 2022
    Shot("admin-survey", "synthesis", "admin", "/results/{year}/survey"),
    Shot("admin-results", "synthesis", "admin", "/results/{year}"),
    Shot("admin-approve", "synthesis", "admin", "/results/{year2022}", at="#approval-panel"),
    Shot("chair-heatmap", "synthesis", "chutich", "/results/{year}/heatmap"),
    Shot("admin-reports", "synthesis", "admin", "/reports/"),
    Shot("admin-correction", "synthesis", "admin", "/results/{year2022}", at="#correction-panel"),
    Shot("unit-results", "synthesis", "stp.canbo", "/", before=_to_2022_results),
    Shot("public-year", "synthesis", None, "/cong-bo/2022"),
]
NAMES = {shot.name for shot in SHOTS}
PHASES = ("self_assessment", "review_1", "explanation", "review_2", "synthesis")


def webp(png: bytes) -> bytes:
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def seed(app, phase: str) -> dict:
    """Empty the database, seed the demo years with 2025 in `phase`; the ids the shots' paths use."""
    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.db import utcnow
    from portal.extensions import db
    from portal.seed_2025 import seed_demo_years
    from portal.units.models import Unit
    from portal.years.models import AssessmentYear
    with app.app_context():
        db.drop_all()
        db.create_all()
        info = seed_demo_years(now=utcnow(), phase=phase)
        db.session.commit()
        year_id, history_id = info["year"].id, info["history"].id
        ids = {"year": year_id, "year2022": history_id}
        for code, unit_id, aid in db.session.execute(select(Unit.code, Unit.id, Assessment.id).join(
                Assessment, Assessment.unit_id == Unit.id).where(Assessment.year_id == year_id)):
            ids[code] = aid
            ids[f"u_{code}"] = unit_id
        assert db.session.get(AssessmentYear, year_id).phase == phase
        db.session.remove()
    return ids


def log_in(page, base: str, who: str, lang: str) -> None:
    page.goto(base + "/login")
    if who:
        page.fill("#username", who)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(base + "/")
    if lang == "en":
        page.locator(".header-tools button[lang=en]").click()
        page.wait_for_load_state()


def take(browser, base: str, shots: list[Shot], ids: dict, out: Path) -> list[Path]:
    """Every shot of one phase, in both languages; one logged-in context per person and language."""
    written = []
    for lang in LANGS:
        contexts = {}
        try:
            for shot in shots:
                if shot.who not in contexts:
                    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                                  viewport=VIEWPORT, base_url=base)
                    log_in(context.new_page(), base, shot.who, lang)
                    contexts[shot.who] = context
                page = contexts[shot.who].pages[0]
                response = page.goto(base + shot.path.format(**ids))
                if response.status != 200:
                    raise RuntimeError(f"{shot.name}: {shot.path} answered HTTP {response.status}")
                if shot.before:
                    shot.before(page)
                if shot.at:
                    page.locator(shot.at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
                page.evaluate("() => document.activeElement && document.activeElement.blur()")
                target = out / lang / f"{shot.name}.webp"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(webp(page.screenshot(animations="disabled", caret="hide")))
                written.append(target)
        finally:
            for context in contexts.values():
                context.close()
    return written


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="shot names (default: every shot)")
    parser.add_argument("--out", default=str(OUT), help="folder of the images (default static/guide)")
    args = parser.parse_args(argv)
    wanted = [s for s in SHOTS if args.only is None or s.name in args.only]
    unknown = set(args.only or ()) - NAMES
    if unknown:
        parser.error(f"no such shot: {', '.join(sorted(unknown))}")

    from bench.browser import chromium, served
    from bench.common import bench_app, quiet_logs
    quiet_logs()
    import logging
    logging.getLogger("portal").setLevel(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="cchc-guide-"))
    app = bench_app(f"sqlite:///{workdir / 'guide.sqlite3'}", instance=str(workdir / "instance"))
    out = Path(args.out)
    started, written = time.perf_counter(), []
    try:
        with served(app) as base, chromium("--hide-scrollbars") as browser:
            for phase in PHASES:
                shots = [s for s in wanted if s.phase == phase]
                if shots:
                    written += take(browser, base, shots, seed(app, phase), out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    size = sum(p.stat().st_size for p in written)
    took = time.perf_counter() - started
    print(f"{len(written)} screenshots ({size / 1024:.0f} KB) in {out} in {took:.0f} s")
    return written


if __name__ == "__main__":
    main()
