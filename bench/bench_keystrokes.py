"""Keystrokes from the top of a unit's workspace to the bonus item and to the first unscored item, in
Chromium, on the 2022 demo year (a department's workspace: 9 fields, 48 scored items, 4 bonus/deduction items).

A person with a keyboard only: the page has just loaded (nothing focused); they press Tab until a link that
leads to the goal has the focus (the skip links "Đến điểm cộng, điểm trừ" / "Đến mục chưa chấm đầu tiên"),
press Enter to follow it, then Tab until the first input of the goal item has the focus. Every key counts.
The same walk with Tab alone (no link followed) is printed beside it: what the page costs without the skip
links. Goal: ≤ 10 keystrokes each. `keystrokes` is shared with tests/e2e/test_wcag_browser.py, which asserts
the goal on the fresh demo year.

Run from the repository root:  .venv/bin/python bench/bench_keystrokes.py   (also part of `make bench`)
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL = 10
LIMIT = 800   # Tab presses before giving up (the workspace has about 400 stops)

_FOCUS = """() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    const item = a.closest("article.item");
    return {tag: a.tagName.toLowerCase(), type: (a.getAttribute("type") || "").toLowerCase(),
            href: a.getAttribute("href") || "", item: item ? item.id : null};
}"""


def goals(page) -> dict:
    """{"bonus": item id of the first bonus item, "unscored": item id of the first unscored item}."""
    return page.evaluate("""() => {
        const bonus = document.querySelector("#field-adjustments article.item");
        const skip = document.getElementById("skip-unscored");
        return {bonus: bonus ? bonus.id : null,
                unscored: skip && skip.getAttribute("href").startsWith("#item-") ? skip.getAttribute("href").slice(1) : null};
    }""")


def keystrokes(page, url: str, item_id: str, *, follow_links: bool = True) -> int:
    """Keys pressed from the top of `url` until an input, select or textarea of `#item_id` has the focus."""
    page.goto(url)
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }")
    pressed, followed = 0, False
    while pressed < LIMIT:
        page.keyboard.press("Tab")
        pressed += 1
        at = page.evaluate(_FOCUS)
        if not at:
            continue
        if at["item"] == item_id and at["tag"] in ("input", "select", "textarea"):
            return pressed
        if follow_links and not followed and at["tag"] == "a" and at["href"] == f"#{item_id}":
            page.keyboard.press("Enter")
            pressed += 1
            followed = True
    return pressed


def measure(browser, base: str, username: str, password: str) -> dict:
    from bench.browser import signed_in
    with signed_in(browser, base, username, password) as page:
        url = page.url
        out = {}
        for name, item_id in goals(page).items():
            out[name] = keystrokes(page, url, item_id)
            out[name + "_tab_only"] = keystrokes(page, url, item_id, follow_links=False)
        return out


def main(argv=None) -> dict:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same walk (it takes about 20 s either way)")
    parser.parse_args(argv)
    from bench.browser import chromium, served
    from bench.common import bench_app, quiet_logs
    from portal.db import utcnow
    from portal.extensions import db
    from portal.seed import seed_demo
    quiet_logs()
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-keys-"))
    app = bench_app(f"sqlite:///{workdir / 'keys.db'}", instance=str(workdir / "instance"))
    with app.app_context():
        db.create_all()
        seed_demo(now=utcnow())
        db.session.commit()
    try:
        with served(app) as base, chromium() as browser:
            result = measure(browser, base, "stp.canbo", "demo-cchc-2022")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("Keystrokes from the top of the workspace (demo year 2022, stp.canbo, Chromium 1280×900), goal ≤ "
          f"{GOAL} each:")
    for name, label in (("bonus", "to the bonus item"), ("unscored", "to the first unscored item")):
        verdict = "ok" if result[name] <= GOAL else "OVER GOAL"
        print(f"  {label}: {result[name]} keystrokes ({verdict}); by Tab alone {result[name + '_tab_only']}")
    return result


if __name__ == "__main__":
    main()
