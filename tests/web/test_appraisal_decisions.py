"""Every item gets an explicit decision (issue 16): "Đồng ý với điểm tự chấm" stores a round entry copying
the self-score (flagged ``agreed``, audited), a field cannot be marked done while items have no decision —
the done step lists them and offers the explicit "accept the self-score for the N remaining items", which
writes one audit row per item — and the board counts decided items per unit and field."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.appraisal.models import FieldReview
from portal.assessments.models import ScoreEntry
from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from tests.web.assess_setup import build_council


@pytest.fixture
def w(ctx):
    world = build_council("review_1", status="submitted")
    now = utcnow()
    db.session.add(ScoreEntry(assessment_id=world.a_id, criterion_id=world.crit("1.1").id, stage="self",
                              inputs={"level": 1}, points=Decimal("1"), updated_at=now))
    db.session.add(ScoreEntry(assessment_id=world.a_id, criterion_id=world.crit("1.2").id, stage="self",
                              inputs={"yes": True}, points=Decimal("2"), updated_at=now))
    db.session.commit()
    return world


def _url(w, code, field="F1"):
    return f"/appraisal/{w.a_id}/{field}/items/{w.crit(code).id}"


def _entry(w, code, stage="round1"):
    db.session.expire_all()
    return db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == w.a_id, ScoreEntry.stage == stage,
                                                      ScoreEntry.criterion_id == w.crit(code).id))


def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _done_rows():
    return db.session.scalar(select(func.count()).select_from(FieldReview))


@pytest.mark.parametrize("htmx", [False, True])
def test_agreeing_copies_the_self_score_and_is_audited(w, htmx, auth):
    member = auth.sign_in("member")
    page = member.get(f"/appraisal/{w.a_id}/F1").get_data(as_text=True)
    assert page.count('name="decision" value="agree"') == 2 and page.count("Chưa có quyết định") == 2
    response = member.post(_url(w, "1.1"), data={"decision": "agree", "version": "0"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    if htmx:
        html = response.get_data(as_text=True)
        assert html.lstrip().startswith('<article class="item just-saved"') and "Đã đồng ý với điểm tự chấm" in html
    entry = _entry(w, "1.1")
    assert entry.agreed and entry.points == Decimal("1.00") and entry.inputs == {"level": 1}
    assert entry.note == "" and not entry.explanation_requested
    (audit,) = _audit("appraise_agree")
    assert audit.new["agreed"] is True and audit.new["criterion"] == "1.1" and audit.old is None


def test_a_score_entered_is_not_an_agreement_and_needs_its_reason(w, auth):
    member = auth.sign_in("member")
    refused = member.post(_url(w, "1.2"), data={"decision": "score", "yes": "0", "version": "0"}, htmx=True)
    assert refused.status_code == 422 and "hãy ghi nhận xét" in refused.get_data(as_text=True)
    assert member.post(_url(w, "1.2"), data={"decision": "score", "yes": "0", "version": "0",
                                             "note": "Thiếu báo cáo quý"}).status_code == 303
    entry = _entry(w, "1.2")
    assert not entry.agreed and entry.points == Decimal("0.00")
    # changing one's mind: agreeing afterwards replaces the score, with the version the page was loaded with
    assert member.post(_url(w, "1.2"), data={"decision": "agree", "version": "1"}).status_code == 303
    entry = _entry(w, "1.2")
    assert entry.agreed and entry.points == Decimal("2.00") and entry.note == ""


def test_agreeing_on_a_stale_page_is_a_conflict_naming_who_when_and_both_values(w, auth):
    member, chair = auth.sign_in("member"), auth.sign_in("chair")
    assert chair.post(_url(w, "1.2"), data={"yes": "0", "version": "0", "note": "Chưa đạt"}).status_code == 303
    response = member.post(_url(w, "1.2"), data={"decision": "agree", "version": "0"}, htmx=True)
    text = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    assert response.status_code == 409 and not _entry(w, "1.2").agreed
    # who and when, and both values in words (the yes/no label, not just the points)
    assert re.search(r"Nguyễn Văn Thành đã lưu mục này lúc \d\d/\d\d/\d{4} \d\d:\d\d", text)
    assert re.search(r"Giá trị đã lưu:\s*0\s*\(Không\)", text)
    assert re.search(r"Giá trị bạn vừa nhập:\s*2\s*\(Có\)", text)


@pytest.mark.parametrize("htmx", [False, True])
def test_done_with_undecided_items_is_refused_and_lists_them(w, htmx, auth):
    member = auth.sign_in("member")
    assert member.post(_url(w, "1.1"), data={"decision": "agree", "version": "0"}).status_code == 303
    response = member.post(f"/appraisal/{w.a_id}/F1/done", data={"done": "1"}, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and _done_rows() == 0
    assert "còn 1 mục chưa có quyết định" in html
    listed = re.search(r'<ul class="undecided-list">(.*?)</ul>', html, re.S).group(1)
    assert "1.2" in listed and "1.1" not in listed and "tự chấm:" in listed
    assert "Đồng ý với điểm tự chấm cho 1 mục còn lại và đánh dấu xong" in html
    assert _entry(w, "1.2") is None                     # nothing kept the self-score silently


@pytest.mark.parametrize("htmx", [False, True])
def test_accepting_the_rest_writes_one_audit_row_per_item_then_marks_done(w, htmx, auth):
    member = auth.sign_in("member")
    response = member.post(f"/appraisal/{w.a_id}/F1/accept-rest", data={"count": "2"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    if htmx:
        assert "Đã đồng ý với điểm tự chấm cho 2 mục còn lại" in response.get_data(as_text=True)
    rows = _audit("appraise_accept_rest")
    assert sorted(r.new["criterion"] for r in rows) == ["1.1", "1.2"]
    assert all(r.new["agreed"] is True and r.old is None for r in rows)
    assert _entry(w, "1.1").points == Decimal("1.00") and _entry(w, "1.2").points == Decimal("2.00")
    assert _done_rows() == 1 and len(_audit("field_done")) == 1


def test_accepting_a_different_count_than_the_member_saw_accepts_nothing(w, auth):
    member = auth.sign_in("member")
    response = member.post(f"/appraisal/{w.a_id}/F1/accept-rest", data={"count": "1"})
    assert response.status_code == 409 and "còn 2 mục" in response.get_data(as_text=True)
    assert _entry(w, "1.1") is None and _done_rows() == 0 and not _audit("appraise_accept_rest")


def test_accepting_the_rest_keeps_the_arithmetic_of_the_self_scores(w, auth):
    """The final score of an item agreed with is the self-score, exactly as an untouched item was before."""
    from tests.factories import final_entries
    before = {cid: e.points for cid, e in final_entries([w.a_id])[w.a_id].items()}
    assert auth.sign_in("member").post(f"/appraisal/{w.a_id}/F1/accept-rest", data={"count": "2"}).status_code == 303
    db.session.expire_all()
    after = final_entries([w.a_id])[w.a_id]
    assert {cid: e.points for cid, e in after.items()} == before
    assert all(e.stage == "round1" for e in after.values())


def test_the_board_counts_decided_items(w, auth):
    member = auth.sign_in("member")
    assert member.post(_url(w, "1.1"), data={"decision": "agree", "version": "0"}).status_code == 303
    html = member.get("/appraisal/").get_data(as_text=True)
    row = re.search(rf'<tr id="board-row-{w.a_id}">(.*?)</tr>', html, re.S).group(1)
    assert "1/2" in row and "đã quyết định" in html


def test_a_plain_save_lands_at_the_item_with_its_message_there(w, auth):
    """Without JavaScript the redirect names the item: the anchor lands on it and "saved" is shown in it,
    not at the top of the page."""
    member = auth.sign_in("member")
    response = member.post(_url(w, "1.1"), data={"decision": "agree", "version": "0"})
    cid = w.crit("1.1").id
    assert response.status_code == 303 and response.headers["Location"].endswith(f"?saved={cid}#item-{cid}")
    html = member.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    article = re.search(rf'<article class="item[^"]*" id="item-{cid}".*?</article>', html, re.S).group(0)
    assert "Đã ghi: đồng ý với điểm tự chấm mục 1.1." in article and 'class="flash flash-success"' not in html


def test_undecided_items_are_listed_in_the_tree_s_order(app, w):
    """``position`` orders siblings only: a group's sub-items (1.3.1, 1.3.2) come after 1.2, not interleaved
    with the other position-0 and position-1 items (the order the done step lists them in)."""
    from portal.appraisal.decisions import undecided_items
    from portal.criteria.models import Criterion
    one = w.crit("1.1")
    group = Criterion(set_id=w.set_id, parent_id=one.parent_id, code="1.3", title="Nhóm 1.3", kind="group",
                      field_code="F1", position=2, max_points=Decimal("2"))
    db.session.add(group)
    db.session.flush()
    for position, code in ((1, "1.3.2"), (0, "1.3.1")):
        db.session.add(Criterion(set_id=w.set_id, parent_id=group.id, code=code, title=f"Mục {code}", kind=one.kind,
                                 method=one.method, config=one.config, field_code="F1", position=position,
                                 max_points=Decimal("1")))
    db.session.commit()
    codes = [c.code for c in undecided_items(w.assessment(), "F1", 1)]
    assert codes == ["1.1", "1.2", "1.3.1", "1.3.2"]
