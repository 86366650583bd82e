"""A member posting a score or a comment to a field not assigned to it, or to its own agency's unit, is refused
and nothing is stored (issue 6) — for every write of the appraisal and comment modules, in both rounds, with
the assigned member's same request accepted as the control (so the test can fail)."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.appraisal.models import FieldReview
from portal.assessments.models import Explanation, ScoreEntry
from portal.comments.models import Comment
from portal.db import utcnow
from portal.extensions import db
from tests.web.assess_setup import build_council, set_status


def _state():
    """Everything a refused write could have touched."""
    return (
        db.session.scalar(select(func.count()).select_from(ScoreEntry).where(ScoreEntry.stage != "self")),
        db.session.scalar(select(func.count()).select_from(FieldReview)),
        db.session.scalar(select(func.count()).select_from(Comment)),
        tuple(db.session.execute(select(Comment.id, Comment.visibility, Comment.resolved_at)
                                 .order_by(Comment.id)).all()),
    )


@pytest.fixture(params=[1, 2], ids=["round1", "round2"])
def w(request, ctx):
    round_no = request.param
    phase, status = ("review_1", "submitted") if round_no == 1 else ("review_2", "explanation_submitted")
    world = build_council(phase, status=status)
    world.round = round_no
    now = utcnow()
    for code in ("1.2", "2.1", "3.1"):  # the unit's own scores, and (round 2) an explanation on each item
        crit = world.crit(code)
        for aid in (world.a_id, world.c_id):
            db.session.add(ScoreEntry(assessment_id=aid, criterion_id=crit.id, stage="self", inputs={},
                                      points=Decimal("1"), note="", updated_at=now))
            if round_no == 2:
                db.session.add(ScoreEntry(assessment_id=aid, criterion_id=crit.id, stage="round1", inputs={},
                                          points=Decimal("0"), note="Thiếu tài liệu", updated_at=now))
                db.session.add(Explanation(assessment_id=aid, criterion_id=crit.id, stance="disagree",
                                           text="Đã bổ sung", updated_at=now))
    db.session.commit()
    return world


SCORES = {"1.2": {"yes": "1"}, "2.1": {"numerator": "1", "denominator": "2"},
          "3.1": {"numerator": "9", "denominator": "10"}}
FIELD = {"1.2": "F1", "2.1": "F2", "3.1": "F3"}


def _writes(w, client, aid, code):
    """Every write a council member could try on one item of one file: (name, response)."""
    crit = w.crit(code)
    field = FIELD[code]
    base = f"/appraisal/{aid}/{field}"
    stage = f"round{w.round}"

    def data():
        entry = db.session.scalar(select(ScoreEntry).where(
            ScoreEntry.assessment_id == aid, ScoreEntry.criterion_id == crit.id, ScoreEntry.stage == stage))
        db.session.expire_all()
        return dict(SCORES[code], version=str(entry.version if entry else 0), note="Ý kiến của thành viên",
                    explanation_requested="1")
    yield "score", client.post(f"{base}/items/{crit.id}", data=data())
    yield "score-htmx", client.post(f"{base}/items/{crit.id}", data=data(), htmx=True)
    if w.round == 1:   # the other items of the field get their decision: the explicit accept of the rest
        yield "accept-rest", client.post(f"{base}/accept-rest", data={"count": "1"})
    yield "field-done", client.post(f"{base}/done", data={"done": "1"})
    thread = f"/comments/{aid}/{crit.id}/"
    yield "comment", client.post(thread, data={"body": "Ý kiến không được phép"})
    yield "comment-htmx", client.post(thread, data={"body": "Ý kiến không được phép"}, htmx=True)
    existing = Comment(assessment_id=aid, criterion_id=crit.id, author_id=w.user("chair").id, body="Gốc",
                       visibility="internal", round=w.round, created_at=utcnow())
    db.session.add(existing)
    db.session.commit()
    before = _state()
    for name, response in (
            ("reply", client.post(f"{thread}{existing.id}/reply", data={"body": "Trả lời"})),
            ("preview", client.get(f"{thread}{existing.id}/send")),
            ("send", client.post(f"{thread}{existing.id}/send")),
            ("resolve", client.post(f"{thread}{existing.id}/resolve"))):
        db.session.expire_all()
        yield name, response, before


CASES = [
    # (who, which file, which item): F2 is nobody's field; F3 is member2's; member.stp belongs to unit A;
    # `member` appraises F1 but its own agency is unit C.
    ("member", "a", "2.1"), ("member", "a", "3.1"), ("member2", "a", "1.2"), ("member2", "a", "2.1"),
    ("member.stp", "a", "1.2"), ("member", "c", "1.2"),
]


def _all_refused(w, client, aid, code):
    """Every write is answered 403/404/409 and leaves the data exactly as it was."""
    start = _state()
    for result in _writes(w, client, aid, code):
        name, response = result[0], result[1]
        before = result[2] if len(result) == 3 else start   # the thread's own seed comment is not the member's
        db.session.expire_all()
        assert response.status_code in (403, 404, 409), (name, response.status_code)
        assert _state() == before, name
        # never shown as a comment; a writer refused for the moment gets its own text back to copy
        html = re.sub(r'<div class="field typed-kept">.*?</div>', "", response.get_data(as_text=True), flags=re.S)
        assert "Ý kiến không được phép" not in html


@pytest.mark.parametrize("username, file, code", CASES)
def test_refused_and_nothing_stored(w, username, file, code, auth):
    _all_refused(w, auth.sign_in(username), w.a_id if file == "a" else w.c_id, code)


def test_the_assigned_member_is_accepted_for_the_same_writes(w, auth):
    """The control: the same requests by the member on its own field of another unit all succeed."""
    client = auth.sign_in("member")
    start = _state()
    results = {}
    for result in _writes(w, client, w.a_id, "1.2"):
        results[result[0]] = result[1].status_code
    assert all(code in (200, 303) for code in results.values()), results
    db.session.expire_all()
    assert _state() != start


def test_own_agency_is_refused_even_with_an_assignment_for_every_field(w, auth):
    from portal.appraisal.models import CouncilAssignment
    own = w.user("member.stp")
    db.session.add(CouncilAssignment(year_id=w.year_id, user_id=own.id, field_code="F2"))
    db.session.commit()
    client = auth.sign_in("member.stp")
    _all_refused(w, client, w.a_id, "2.1")
    board = client.get("/appraisal/").get_data(as_text=True)
    assert f'id="board-row-{w.a_id}"' not in board and f'id="board-row-{w.b_id}"' in board  # not its agency


def test_the_chair_never_appraises_its_own_agency(w, auth):
    client = auth.sign_in("chair")
    _all_refused(w, client, w.c_id, "1.2")
    page = client.get(f"/appraisal/{w.c_id}/F1")
    assert page.status_code == 200 and "Bạn không thẩm định hồ sơ của chính cơ quan mình" in page.get_data(as_text=True)


def test_a_finalized_file_takes_no_more_writes(w, auth):
    set_status(w.assessment(), "finalized")
    db.session.commit()
    _all_refused(w, auth.sign_in("member"), w.a_id, "1.2")
