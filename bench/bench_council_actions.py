"""How many actions a council member needs to appraise one whole unit with the keyboard (issue 16).

The demo year stands in appraisal round 1; the chair (who appraises every field) opens the first field of a
district's file and walks every field; for each item either
Enter on "Đồng ý với điểm tự chấm" (the board's link lands on the first undecided item; save-and-next moves the focus to the next undecided item) or, for the
changed items, the number key of the other choice on that same button (it picks the choice and moves the focus
to the reason), the reason typed, Ctrl+Enter; at the
end of a field Enter on "done" and Enter on "next field". The member changes a few yes/no items and agrees
with all the others. Printed: keystrokes, clicks (none: keyboard only) and texts typed (one action each,
whatever their length), per agreed and per changed item. Nothing is asserted.

Run from the repository root:  .venv/bin/python bench/bench_council_actions.py [--changed 6] [--unit CODE]
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "demo-cchc-2022"


def walk_unit(page, base: str, aid: int, fields: list[str], changed: int) -> dict:
    """Appraise every field of one file with the keyboard; returns the counted actions."""
    from playwright.sync_api import expect

    from tests.e2e.council_keys import Counter, agree_by_keyboard, first_undecided_agree, wait_focus
    keys = Counter(page)
    page.goto(f"{base}/appraisal/{aid}/{fields[0]}#todo")          # as the board's cell links it
    counts = {"agreed": 0, "changed": 0, "agreed_actions": 0, "changed_actions": 0, "field_actions": 0}
    for n, field in enumerate(fields):
        expect(page.locator("#field-done")).to_be_visible()
        before = keys.actions
        first = first_undecided_agree(page)
        if keys.focused()["id"] != first:     # the #todo landing puts it there; otherwise Tab to it
            keys.tab_until(lambda f: f["id"] == first, limit=200)
        counts["field_actions"] += keys.actions - before
        for cid, own, yes_no in page.evaluate("""() => Array.from(document.querySelectorAll('article.item.undecided'))
                .map(a => [a.id.replace('item-', ''), (a.querySelector('.self-value') || {innerText: ''}).innerText,
                           !!a.querySelector('input[type=radio][name=yes]')])"""):
            before = keys.actions
            if yes_no and counts["changed"] < changed and "(Có)" in own:
                _change(keys, cid)
                counts["changed"] += 1
                counts["changed_actions"] += keys.actions - before
            else:
                agree_by_keyboard(keys, cid)
                counts["agreed"] += 1
                counts["agreed_actions"] += keys.actions - before
        before = keys.actions
        wait_focus(page, "mark-done")                            # the focus is on "done"
        keys.press("Enter")
        expect(page.locator("#field-done .badge-done")).to_be_visible()
        if n + 1 < len(fields):
            expect(page.locator("#next-field")).to_be_focused()
            keys.press("Enter")
            expect(page.locator(".lead .code")).to_have_text("Cộng/trừ" if fields[n + 1] == "ADJ" else fields[n + 1])
        counts["field_actions"] += keys.actions - before
    return counts | {"keys": keys.keys, "clicks": keys.clicks, "texts": keys.texts, "actions": keys.actions}


def _change(keys, cid: str) -> None:
    """A yes/no item the unit answered "Có": on the agree button, the number key of "Không" (2) picks it and
    moves the focus to the reason; the reason typed; Ctrl+Enter saves."""
    from tests.e2e.council_keys import change_by_keyboard
    change_by_keyboard(keys, cid, "Không", "Chưa có tài liệu kiểm chứng.")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changed", type=int, default=6)
    parser.add_argument("--unit", default=None, help="unit code (default: the first district)")
    args = parser.parse_args(argv)
    from sqlalchemy import select

    from bench.browser import chromium, served, signed_in
    from bench.common import bench_app, machine, quiet_logs
    from portal.appraisal.rounds import council_fields
    from portal.assessments.models import Assessment
    from portal.db import utcnow
    from portal.extensions import db
    from portal.seed import seed_demo
    from portal.units.models import Unit
    quiet_logs()
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-actions-"))
    app = bench_app(f"sqlite:///{workdir / 'bench.sqlite3'}", instance=str(workdir / "instance"))
    with app.app_context():
        db.create_all()
        seed_demo(now=utcnow(), phase="review_1")
        db.session.commit()
        stmt = select(Assessment).join(Unit, Unit.id == Assessment.unit_id)
        stmt = stmt.where(Unit.code == args.unit) if args.unit else stmt.where(Unit.unit_type == "district")
        assessment = db.session.scalars(stmt.order_by(Unit.code)).first()
        criteria = assessment.criteria_set.criteria
        fields = council_fields(criteria)
        from portal.appraisal.domain import council_scored
        items = sum(1 for c in criteria if council_scored(c.kind, c.method))
        aid, unit_name = assessment.id, assessment.unit.name
        db.session.remove()
    with served(app) as base, chromium() as browser, \
            signed_in(browser, base, "chutich", PASSWORD, width=1024, height=768, start=None) as page:
        result = walk_unit(page, base, aid, fields, args.changed)
    per_agreed = result["agreed_actions"] / max(result["agreed"], 1)
    per_changed = result["changed_actions"] / max(result["changed"], 1)
    print(f"Council actions bench — {machine()}, Chromium 1024×768, keyboard only")
    print(f"  {unit_name}: {items} items in {len(fields)} fields, {result['agreed']} agreed, "
          f"{result['changed']} changed")
    print(f"  {result['actions']} actions in all ({result['keys']} keystrokes, {result['clicks']} clicks, "
          f"{result['texts']} texts typed): {per_agreed:.2f} per agreed item (goal ≤ 1), {per_changed:.2f} per "
          f"changed item (goal ≤ 3), {result['field_actions']} to reach the first item, mark done and go on "
          f"over {len(fields)} fields")
    return result | {"items": items, "per_agreed": per_agreed, "per_changed": per_changed}


if __name__ == "__main__":
    main()
