"""The appraisal council: the board, round 1 with required notes and explanation requests, closing round 1,
the unit's explanations, round 2 on explained items only, finalising, and who may do it."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.audit.models import AuditLog
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import AssessmentYear, PhaseWindow
from tests.factories import make_user
from tests.web.assess_setup import build, finish_field, set_status


def set_phase(s, phase):
    year = db.session.get(AssessmentYear, s.year_id)
    year.phase = phase
    now = utcnow()
    if year.window(phase) is None and phase in ("review_1", "explanation", "review_2"):
        db.session.add(PhaseWindow(year_id=year.id, phase=phase, opens_at=now - timedelta(days=1),
                                   closes_at=now + timedelta(days=5)))
    db.session.commit()


@pytest.fixture
def s(ctx):
    setup = build()
    member = db.session.scalar(select(User).where(User.username == "member"))
    db.session.add(CouncilAssignment(year_id=setup.year_id, user_id=member.id, field_code="F1"))
    set_status(db.session.get(Assessment, setup.a_id), "submitted")
    db.session.add(ScoreEntry(assessment_id=setup.a_id, criterion_id=setup.crit("1.2").id, stage="self",
                              inputs={"yes": True}, points=Decimal("1")))
    db.session.commit()
    set_phase(setup, "review_1")
    return setup



def item_url(s, code, field="F1", aid=None):
    return f"/appraisal/{aid or s.a_id}/{field}/items/{s.crit(code).id}"


def entry(s, code, stage):
    return db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == s.a_id, ScoreEntry.stage == stage,
                                                      ScoreEntry.criterion_id == s.crit(code).id))


def test_board_shows_assigned_fields_only(s, auth):
    html = auth.sign_in("member").get("/appraisal/").get_data(as_text=True)
    assert "Sở Tư pháp" in html and "Sở Y tế" in html
    assert f'/appraisal/{s.a_id}/F1#todo"' in html and f'/appraisal/{s.a_id}/F2#todo"' not in html
    assert "chưa thẩm định" in html


def test_board_filter_as_fragment(s, auth):
    response = auth.sign_in("chair").get("/appraisal/?type=district", htmx=True, headers={"HX-Target": "board-table"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board-table">') and "Sở Tư pháp" not in html


def test_round1_score_needs_a_note_when_it_differs(s, auth):
    member = auth.sign_in("member")
    refused = member.post(item_url(s, "1.2"), data={"yes": "0", "version": "0"}, htmx=True)
    assert refused.status_code == 422 and "hãy ghi nhận xét" in refused.get_data(as_text=True)
    assert entry(s, "1.2", "round1") is None
    ok = member.post(item_url(s, "1.2"), data={"yes": "0", "note": "Báo cáo quý III nộp trễ", "version": "0",
                                               "explanation_requested": "1"}, htmx=True)
    assert ok.status_code == 200 and ok.get_data(as_text=True).lstrip().startswith("<article")
    r1 = entry(s, "1.2", "round1")
    assert r1.points == Decimal("0.00") and r1.explanation_requested and r1.note == "Báo cáo quý III nộp trễ"
    assert entry(s, "1.2", "self").points == Decimal("1.00")          # nothing overwritten
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "appraise_round1")) is not None


def test_round1_same_score_needs_no_note_and_posts_without_js(s, auth):
    member = auth.sign_in("member")
    response = member.post(item_url(s, "1.2"), data={"yes": "1", "version": "0"})
    assert response.status_code == 303 and entry(s, "1.2", "round1").points == Decimal("1.00")


def test_member_refused_on_unassigned_field_and_nothing_stored(s, auth):
    member = auth.sign_in("member")
    response = member.post(item_url(s, "2.2.1", field="F2"), data={"yes": "1", "version": "0", "note": "x"})
    assert response.status_code == 404 and entry(s, "2.2.1", "round1") is None
    assert member.get(f"/appraisal/{s.a_id}/F2").status_code == 404


def test_member_never_appraises_its_own_agency(s, auth):
    member_user = db.session.scalar(select(User).where(User.username == "member"))
    member_user.unit_id = s.unit_a
    db.session.commit()
    member = auth.sign_in("member")
    response = member.post(item_url(s, "1.2"), data={"yes": "1", "version": "0"})
    assert response.status_code == 404 and entry(s, "1.2", "round1") is None


def test_reassignment_moves_a_field_to_another_member(s, auth):
    other = make_user("council_member", username="member2")
    member = db.session.scalar(select(User).where(User.username == "member"))
    db.session.add(AppraisalOverride(year_id=s.year_id, unit_id=s.unit_a, field_code="F1", user_id=other.id))
    db.session.commit()
    assert auth.sign_in("member").post(item_url(s, "1.2"), data={"yes": "1", "version": "0"}).status_code == 404
    assert auth.sign_in("member2").post(item_url(s, "1.2"), data={"yes": "1", "version": "0"}).status_code == 303
    assert member is not None


def test_unit_and_other_roles_cannot_appraise(s, auth):
    for username in ("a.staff", "a.leader", "b.staff"):
        assert auth.sign_in(username).post(item_url(s, "1.2"), data={"yes": "1", "version": "0"}).status_code == 403
    assert auth.sign_in("admin1").post(item_url(s, "1.2"), data={"yes": "1", "version": "0"}).status_code == 409
    assert entry(s, "1.2", "round1") is None


def _round1_done(auth, s):
    member = auth.sign_in("member")
    member.post(item_url(s, "1.2"), data={"yes": "0", "note": "Thiếu báo cáo quý", "version": "0",
                                          "explanation_requested": "1"})
    finish_field(member, s.a_id, "F1")
    chair = auth.sign_in("chair")
    for code in ("F2", "F3", "F4", "F5", "F6", "F7", "ADJ"):
        finish_field(chair, s.a_id, code)
    return chair


def test_unit_sees_round1_only_after_closing(s, auth):
    chair = _round1_done(auth, s)
    staff = auth.sign_in("a.staff")
    assert staff.get(f"/assessment/{s.a_id}/explain").status_code == 404
    assert chair.post(f"/appraisal/{s.a_id}/close-round-1").status_code == 303
    assert db.session.get(Assessment, s.a_id).status == "review_1_done"
    set_phase(s, "explanation")
    html = staff.get(f"/assessment/{s.a_id}/explain").get_data(as_text=True)
    assert "Thiếu báo cáo quý" in html and "Hội đồng yêu cầu giải trình" in html


def test_close_round1_refused_until_all_fields_done(s, auth):
    chair = auth.sign_in("chair")
    assert chair.post(f"/appraisal/{s.a_id}/close-round-1").status_code == 409
    assert db.session.get(Assessment, s.a_id).status == "submitted"


def test_full_two_rounds(s, auth):
    chair = _round1_done(auth, s)
    chair.post(f"/appraisal/{s.a_id}/close-round-1")
    set_phase(s, "explanation")
    staff = auth.sign_in("a.staff")
    c = s.crit("1.2")
    bad = staff.post(f"/assessment/{s.a_id}/explain/{c.id}", data={"stance": "disagree", "text": "", "version": "0"},
                     htmx=True)
    assert bad.status_code == 422 and "Hãy viết nội dung giải trình" in bad.get_data(as_text=True)
    ok = staff.post(f"/assessment/{s.a_id}/explain/{c.id}", data={
        "stance": "disagree", "text": "Đã bổ sung báo cáo quý III (số 45/BC-STP).", "version": "0"}, htmx=True)
    assert ok.status_code == 200
    leader = auth.sign_in("a.leader")
    assert leader.post(f"/assessment/{s.a_id}/explain/submit", data={"confirm": "1"}).status_code == 303
    assert db.session.get(Assessment, s.a_id).status == "explanation_submitted"
    assert staff.post(f"/assessment/{s.a_id}/explain/{c.id}", data={"stance": "agree", "version": "1"}).status_code == 409

    set_phase(s, "review_2")
    member = auth.sign_in("member")
    not_explained = member.post(item_url(s, "1.1.1"), data={"level": "0", "version": "0"}, htmx=True)
    assert not_explained.status_code == 409 and "giữ nguyên" in not_explained.get_data(as_text=True)
    assert member.post(item_url(s, "1.2"), data={"yes": "1", "note": "Chấp nhận giải trình", "version": "0"},
                       htmx=True).status_code == 200
    assert entry(s, "1.2", "round2").points == Decimal("1.00")
    assert entry(s, "1.2", "round1").points == Decimal("0.00")
    for code in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "ADJ"):
        finish_field(chair, s.a_id, code)
    assert chair.post(f"/appraisal/{s.a_id}/finalize").status_code == 303
    assert db.session.get(Assessment, s.a_id).status == "finalized"
    after = member.post(item_url(s, "1.2"), data={"yes": "0", "note": "x", "version": "1"}, htmx=True)
    assert after.status_code == 409 and entry(s, "1.2", "round2").points == Decimal("1.00")
    page = chair.get(f"/appraisal/{s.a_id}/F1").get_data(as_text=True)
    assert "Đã bổ sung báo cáo quý III" in page and "Chấp nhận giải trình" in page
    from tests.factories import final_entries
    assert final_entries([s.a_id])[s.a_id][c.id].stage == "round2"
    assert db.session.scalar(select(Explanation).where(Explanation.assessment_id == s.a_id)).stance == "disagree"


def test_field_page_as_page_and_item_as_fragment(s, auth):
    member = auth.sign_in("member")
    page = member.get(f"/appraisal/{s.a_id}/F1")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    fragment = member.get(item_url(s, "1.2"), htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith("<article") and "<html" not in fragment
