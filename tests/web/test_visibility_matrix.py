"""The visibility matrix of issue 6, through the real pages and the comment endpoints, against the one policy
table (portal.unitfile.domain.POLICY):

    relation (own unit, other unit, assigned member, unassigned member — also the member of the unit's own
    agency —, chair, admin, anonymous)
  × object (self-score, round-1 score, internal comment, sent comment, explanation, final score)
  × moment (the nine phases, with review round 1 split into "still open" and "closed for this unit").

A distinctive marker is written into each object of unit A's item 1.2. Every GET route that can show a
unit's file is opened by every account in every moment, as a whole page and (for htmx regions) as a
fragment; the markers found are compared with `can_see`. A marker a reader may not see never appears
anywhere (no leak, for everyone); a reader with access to the file's items finds every marker the policy
allows (nothing hidden by mistake). Another unit, an unassigned member and the public never reach the item
level of a file: their only visible object is the published final score, which the results pages show.
A last test walks the URL map: every GET route of these modules is either probed here or listed as one
that shows no unit's file, with the reason.
"""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.unitfile.domain import MOMENTS, OBJECTS, POLICY, RELATIONS, can_see
from portal.assessments.models import Explanation, ScoreEntry
from portal.comments.models import Comment
from portal.db import utcnow
from portal.extensions import db
from tests.web.assess_setup import COUNCIL_ROLES, build_council, set_status

MARKERS = {"self_score": "MK-TUCHAM-71", "round1_score": "MK-LAN1-72", "internal_comment": "MK-NOIBO-73",
           "sent_comment": "MK-DAGUI-74", "explanation": "MK-GIAITRINH-75", "final_score": "MK-LAN2-76"}
ROLES = ("a.staff", "b.staff", "member", "member2", "member.stp", "chair", "admin1", None)
#: The phase of the year and the status of unit A's file at each moment (what a real year would have).
STATE = {
    "setup": ("setup", "draft"), "self_assessment": ("self_assessment", "draft"),
    "review_1": ("review_1", "submitted"), "review_1_closed": ("review_1", "review_1_done"),
    "explanation": ("explanation", "review_1_done"), "review_2": ("review_2", "explanation_submitted"),
    "synthesis": ("synthesis", "finalized"), "approval": ("approval", "finalized"),
    "published": ("published", "finalized"), "archived": ("archived", "finalized"),
}
#: Relations that reach the items of unit A's file on these pages (the others only see published totals).
ITEM_READERS = {"own_unit", "assigned_member", "chair", "admin"}

# endpoint → (path template, how: "page", "fragment" or "both") — the GET routes that can show a unit's
# file. An item's GET without htmx renders exactly the workspace or the field page (same view, same
# context), which are probed as pages; the item itself is probed as the htmx fragment it is.
PAGES = {
    "assessments.workspace": ("/assessment/{a}", "page"),
    "assessments.item": ("/assessment/{a}/items/{c}", "fragment"),
    "assessments.item_history": ("/assessment/{a}/items/{c}/history", "page"),
    "assessments.submit": ("/assessment/{a}/submit", "page"),
    "assessments.explain": ("/assessment/{a}/explain", "page"),
    "assessments.xlsx_template": ("/assessment/{a}/template.xlsx", "page"),
    "appraisal.council_board": ("/appraisal/", "page"),
    "appraisal.field_page": ("/appraisal/{a}/F1", "page"),
    "appraisal.item": ("/appraisal/{a}/F1/items/{c}", "fragment"),
    "appraisal.history_export": ("/appraisal/{a}/history.xlsx", "page"),
    "comments.thread": ("/comments/{a}/{c}/", "both"),
    "comments.preview": ("/comments/{a}/{c}/{internal}/send", "page"),
}
HOW = {"page": (False,), "fragment": (True,), "both": (False, True)}
# GET routes of these modules that show no unit's file, and why (checked against the URL map below).
NO_UNIT_FILE = {
    "home.index": "the reader's own work: phase, deadline, links and counts, never a score or a comment",
    "notifications.inbox": "the reader's own notifications; their texts name items, never a comment's body",
    "assessments.mine": "redirects a unit account to its own file; lists the files (no scores) for admin/chair",
    "assessments.evidence_picker": "the unit's own evidence library to attach from, while it may edit; no score",
    "appraisal.assignments": "admin only: who appraises which field, no score or comment",
    "years.year_page": "admin only: phases and deadlines", "years.year_detail": "admin only: the same, any year",
    "years.progress": "admin only: statuses per unit, no score",
    "years.year_progress": "admin only: the same, any year", "years.progress_xlsx": "admin only: the same as XLSX",
}
MODULES = ("assessments", "appraisal", "comments", "home", "notifications", "years")


def _text(response) -> str:
    """What a response shows: the HTML, or every cell of an XLSX workbook."""
    if response.status_code != 200:
        return response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    return response.get_data(as_text=True)


def _seed(w):
    """The six objects of item 1.2 of unit A, each carrying its marker."""
    now = utcnow().replace(microsecond=0)
    c = w.crit("1.2")
    member, staff = w.user("member"), w.user("a.staff")
    db.session.add_all([
        ScoreEntry(assessment_id=w.a_id, criterion_id=c.id, stage="self", inputs={"yes": True},
                   points=Decimal("2"), note=MARKERS["self_score"], updated_by_id=staff.id, updated_at=now),
        ScoreEntry(assessment_id=w.a_id, criterion_id=c.id, stage="round1", inputs={"yes": False},
                   points=Decimal("0"), note=MARKERS["round1_score"], explanation_requested=True,
                   updated_by_id=member.id, updated_at=now),
        ScoreEntry(assessment_id=w.a_id, criterion_id=c.id, stage="round2", inputs={"yes": True},
                   points=Decimal("2"), note=MARKERS["final_score"], updated_by_id=member.id, updated_at=now),
        Explanation(assessment_id=w.a_id, criterion_id=c.id, stance="disagree", text=MARKERS["explanation"],
                    updated_by_id=staff.id, updated_at=now),
    ])
    internal = Comment(assessment_id=w.a_id, criterion_id=c.id, author_id=member.id,
                       body=MARKERS["internal_comment"], visibility="internal", created_at=now)
    sent = Comment(assessment_id=w.a_id, criterion_id=c.id, author_id=member.id, body=MARKERS["sent_comment"],
                   visibility="unit", sent_at=now, sent_by_id=member.id, created_at=now - timedelta(minutes=1))
    db.session.add_all([internal, sent])
    db.session.commit()
    return c.id, internal.id


@pytest.fixture(scope="module")
def seen(app, auth):
    """Seed once for the module; {(role, moment): (everything the role could open, {endpoint: statuses})}."""
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        w = build_council("setup", status="draft")
        item_id, internal_id = _seed(w)
        clients = {}
        for role in ROLES:
            clients[role] = auth.sign_in(role)              # anonymous for None
        out = {}
        for moment in MOMENTS:
            phase, status = STATE[moment]
            w.year().phase = phase
            set_status(w.assessment(), status)
            db.session.commit()
            for role, client in clients.items():
                texts, codes = [], {}
                for endpoint, (path, how) in PAGES.items():
                    url = path.format(a=w.a_id, c=item_id, internal=internal_id)
                    for htmx in HOW[how]:
                        response = client.get(url, htmx=htmx)
                        texts.append(_text(response))
                        codes[(endpoint, htmx)] = response.status_code
                out[(role, moment)] = ("\n".join(texts), codes)
        db.session.remove()
    return out


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_pages_show_exactly_what_the_policy_allows(seen, role):
    """Every object × moment for one account (one test per account keeps the matrix cheap to run)."""
    rel = COUNCIL_ROLES[role]
    wrong = []
    for moment in MOMENTS:
        phase, status = STATE[moment]
        for obj in OBJECTS:
            allowed = can_see(rel, obj, phase, sent=True, unit_status=status)
            shown = MARKERS[obj] in seen[(role, moment)][0]
            if not allowed and shown:
                wrong.append(f"{obj} leaks at {moment}")
            elif allowed and rel in ITEM_READERS and not shown:
                wrong.append(f"{obj} hidden at {moment} although the policy allows it")
            elif allowed and rel not in ITEM_READERS and (
                    shown or obj != "final_score" or moment not in ("published", "archived")):
                # another unit, an unassigned member, the public: only the published final score, which
                # the results pages show — never the items of the file
                wrong.append(f"{obj} at {moment}: outside the file, only the published final score is visible")
    assert wrong == [], f"{role} ({rel}): " + "; ".join(wrong)


def test_the_unit_sees_round_one_from_the_moment_it_is_closed_for_it(seen):
    for moment in MOMENTS:
        text = seen[("a.staff", moment)][0]
        assert (MARKERS["round1_score"] in text) is (MOMENTS.index(moment) >= MOMENTS.index("review_1_closed"))
        assert MARKERS["internal_comment"] not in text   # never, whatever the moment
        assert MARKERS["sent_comment"] in text           # once sent, always


def test_those_outside_the_file_never_reach_its_pages(seen):
    for role in ("b.staff", "member2", "member.stp", None):
        for moment in MOMENTS:
            codes = seen[(role, moment)][1]
            for (endpoint, _htmx), code in codes.items():
                # member2 appraises F3 of unit A: its history export of F3 is its own work (F1 is not in it)
                exported = endpoint == "appraisal.history_export" and role != "member2"
                if endpoint.startswith(("assessments.", "comments.")) or exported or endpoint in (
                        "appraisal.field_page", "appraisal.item"):
                    assert code in (302, 401, 403, 404), (role, moment, endpoint, code)


def test_fragments_are_fragments(seen):
    codes = seen[("member", "review_1")][1]
    assert codes[("appraisal.item", True)] == 200 and codes[("comments.thread", True)] == 200


def test_the_policy_table_is_complete_and_fails_closed():
    assert set(POLICY) == set(RELATIONS)
    assert all(set(POLICY[r]) == set(OBJECTS) for r in RELATIONS)
    assert all(cells <= set(MOMENTS) for r in RELATIONS for cells in POLICY[r].values())
    assert can_see("nobody", "self_score", "review_1") is False
    assert can_see("admin", "nothing", "review_1") is False
    assert can_see("admin", "self_score", "no_such_phase") is False
    assert can_see("own_unit", "sent_comment", "review_1", sent=False) is False
    # Written out, so that a change of the table that would leak is noticed here too:
    for moment in MOMENTS:
        for rel in ("other_unit", "unassigned_member", "anonymous"):
            assert [o for o in OBJECTS if can_see(rel, o, moment, sent=True)] == (
                ["final_score"] if moment in ("published", "archived") else [])
        assert not can_see("own_unit", "internal_comment", moment)
        assert can_see("own_unit", "final_score", moment) is (moment in ("published", "archived"))


def test_every_get_route_of_these_modules_is_in_the_matrix(app):
    routes = {r.endpoint for r in app.url_map.iter_rules()
              if r.endpoint.split(".")[0] in MODULES and "GET" in r.methods}
    assert routes == set(PAGES) | set(NO_UNIT_FILE), sorted(routes ^ (set(PAGES) | set(NO_UNIT_FILE)))
