"""The council's side of issue 6 beyond the basic rounds (tests/web/test_appraisal.py): the board with its
counts and unit-type filter, closing round 1 by the chair and at the move to explanation, the lock of
unsubmitted files at the end of self-assessment, the admin's assignment grid and the reassignments of the
conflict rule, the item history with all five values (who and when) on the page and in the XLSX export,
the bonus/deduction items as field ADJ, and every htmx endpoint as a whole page and as a fragment."""
import io
import re
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.appraisal.models import AppraisalOverride, CouncilAssignment, FieldReview
from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import Notification
from tests.factories import make_unit, make_user
from tests.web.assess_setup import build_council, finish_field, set_status

ALL_FIELDS = ("F1", "F2", "F3", "ADJ")


@pytest.fixture
def w(ctx):
    return build_council("review_1", status="submitted")



def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _kinds(user_id):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]


def _item(w, code, field, aid=None):
    return f"/appraisal/{aid or w.a_id}/{field}/items/{w.crit(code).id}"


def _all_done(client, w, round_no_fields=ALL_FIELDS, aid=None):
    for code in round_no_fields:
        assert finish_field(client, aid or w.a_id, code).status_code == 303


# ------------------------------------------------------------------------------------------------- board


def test_board_counts_and_the_members_own_cells(w, auth):
    member = auth.sign_in("member")
    assert member.post(_item(w, "1.2", "F1"), data={"yes": "1", "version": "0", "note": "Đủ"}).status_code == 303
    assert finish_field(member, w.b_id, "F1").status_code == 303
    html = member.get("/appraisal/").get_data(as_text=True)
    rows = re.findall(r'<tr id="board-row-(\d+)">(.*?)</tr>', html, re.S)
    assert {int(aid) for aid, _row in rows} == {w.a_id, w.b_id}   # not unit C, its own agency
    row_a = dict(rows)[str(w.a_id)]
    assert f'/appraisal/{w.a_id}/F1#todo"' in row_a and f'/appraisal/{w.a_id}/ADJ#todo"' in row_a
    assert f'/appraisal/{w.a_id}/F2#todo"' not in row_a and "0/1" not in row_a.split("F1")[0]
    assert "1/2" in row_a and "đang thẩm định" in row_a            # F1 of A: one of two items scored
    assert dict(rows)[str(w.b_id)].count("đã xong") == 1           # F1 of B marked done
    counts = re.search(r'<ul class="counts">(.*?)</ul>', html, re.S).group(1)
    # the member's cells: A/F1 in progress, A/ADJ and B/ADJ not started, B/F1 done
    assert "<strong>2</strong> lĩnh vực chưa thẩm định" in counts
    assert "<strong>1</strong> lĩnh vực đang thẩm định" in counts and "<strong>1</strong> lĩnh vực đã xong" in counts


def test_board_filter_by_unit_type_as_page_and_fragment(w, auth):
    from portal.assessments.models import Assessment as A
    from portal.criteria.models import CriteriaSet
    from portal.criteria.services import create_set_from_spec, set_rows
    from portal.criteria.tree import rows_to_spec
    from portal.years.models import AssessmentYear
    department_set = db.session.get(CriteriaSet, w.set_id)
    district_set = create_set_from_spec(db.session.get(AssessmentYear, w.year_id), "district",
                                        rows_to_spec(department_set, set_rows(department_set)))
    district = make_unit("UBND huyện Châu Phú", code="889", unit_type="district")
    db.session.add(A(year_id=w.year_id, unit_id=district.id, criteria_set_id=district_set.id, status="submitted",
                     self_submitted_at=utcnow()))
    db.session.commit()
    chair = auth.sign_in("chair")
    page = chair.get("/appraisal/?type=district").get_data(as_text=True)
    assert "<html" in page and "UBND huyện Châu Phú" in page and "Sở Tư pháp" not in page
    assert "<strong>1</strong> đơn vị" in page
    fragment = chair.get("/appraisal/?type=department", htmx=True, headers={"HX-Target": "board-table"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board-table">') and "<html" not in html
    assert "Sở Tư pháp" in html and "UBND huyện Châu Phú" not in html and "<strong>3</strong> đơn vị" in html
    assert "HX-Request" in fragment.headers["Vary"]
    assert "Sở Tư pháp" in chair.get("/appraisal/?type=nonsense").get_data(as_text=True)  # unknown type: all


@pytest.mark.parametrize("htmx", [False, True])
def test_a_long_board_is_paged_and_the_counts_cover_every_unit(w, monkeypatch, htmx, auth):
    import portal.appraisal.views.appraise as views
    monkeypatch.setattr(views, "BOARD_PAGE_SIZE", 2)             # the chair's three units on two pages
    chair = auth.sign_in("chair")
    headers = {"HX-Target": "board-table"} if htmx else {}
    ids = []
    for page in (1, 2):
        html = chair.get(f"/appraisal/?page={page}", htmx=htmx, headers=headers).get_data(as_text=True)
        assert ("<html" in html) is not htmx
        ids += re.findall(r'<tr id="board-row-(\d+)">', html)
        assert "<strong>3</strong> đơn vị" in html                    # the summary counts every unit
        assert f"Trang {page}/2" in html and 'aria-current="page"><strong>%d</strong>' % page in html
    assert len(ids) == 3 and len(set(ids)) == 3
    first = chair.get("/appraisal/").get_data(as_text=True)
    assert first.count('<tr id="board-row-') == 2 and 'href="/appraisal/?page=2"' in first
    for wrong in ("9", "0", "x", "-1"):                           # out of range or not a number: clamped
        html = chair.get(f"/appraisal/?page={wrong}").get_data(as_text=True)
        assert html.count('<tr id="board-row-') in (1, 2)
    monkeypatch.setattr(views, "BOARD_PAGE_SIZE", 100)
    assert 'class="pager"' not in chair.get("/appraisal/").get_data(as_text=True)   # one page: no pager


def test_board_unread_badge_counts_what_the_member_may_open(w, auth):
    from portal.comments.models import Comment
    db.session.add(Comment(assessment_id=w.a_id, criterion_id=w.crit("1.2").id, author_id=w.user("chair").id,
                           body="Đề nghị xem lại", visibility="internal", created_at=utcnow()))
    db.session.add(Comment(assessment_id=w.a_id, criterion_id=w.crit("2.1").id, author_id=w.user("chair").id,
                           body="Lĩnh vực F2", visibility="internal", created_at=utcnow()))
    db.session.commit()
    html = auth.sign_in("member").get("/appraisal/").get_data(as_text=True)
    assert html.count("1 ý kiến mới") == 1   # F1 only: the F2 comment is not the member's to read


# -------------------------------------------------------------------------------------------- round one


def test_chair_closes_round_one_once_every_field_is_done(w, auth):
    chair = auth.sign_in("chair")
    member = auth.sign_in("member")
    member.post(_item(w, "1.2", "F1"), data={"yes": "0", "version": "0", "note": "Chưa có báo cáo quý IV",
                                             "explanation_requested": "1"})
    refused = chair.post(f"/appraisal/{w.a_id}/close-round-1")
    assert refused.status_code == 409 and "Còn lĩnh vực chưa thẩm định xong" in refused.get_data(as_text=True)
    assert w.assessment().status == "submitted" and _audit("round1_close") == []
    _all_done(chair, w)
    staff = auth.sign_in("a.staff")
    assert staff.get(f"/assessment/{w.a_id}/explain").status_code == 404      # nothing before the close
    assert chair.post(f"/appraisal/{w.a_id}/close-round-1").status_code == 303
    db.session.expire_all()
    assert w.assessment().status == "review_1_done"
    (row,) = _audit("round1_close")
    assert row.actor_id == w.user("chair").id and row.reason == "Chủ tịch Hội đồng kết thúc thẩm định vòng 1"
    assert row.new["items_to_explain"] == 1
    assert "explanation_requested" in _kinds(w.user("a.staff").id)
    page = staff.get(f"/assessment/{w.a_id}/explain").get_data(as_text=True)   # still review round 1
    assert "Chưa có báo cáo quý IV" in page and "Yêu cầu giải trình" in page
    assert "Giai đoạn giải trình chưa mở" in page or "giai đoạn giải trình chưa mở" in page
    twice = chair.post(f"/appraisal/{w.a_id}/close-round-1")
    assert twice.status_code == 409 and "đã kết thúc" in twice.get_data(as_text=True)
    assert len(_audit("round1_close")) == 1


def test_moving_to_explanation_closes_round_one_for_every_unit_left(w, auth):
    chair, admin = auth.sign_in("chair"), auth.sign_in("admin1")
    _all_done(chair, w)
    chair.post(f"/appraisal/{w.a_id}/close-round-1")
    year_page = admin.get(f"/admin/year/{w.year_id}").get_data(as_text=True)
    assert "2 hồ sơ chưa được Chủ tịch Hội đồng kết thúc vòng 1 sẽ được kết thúc ngay" in year_page
    response = admin.post(f"/admin/year/{w.year_id}/phase", data={"target": "explanation"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="year-plan"')
    assert "Đã kết thúc thẩm định vòng 1 của 2 đơn vị" in html
    db.session.expire_all()
    assert {a.status for a in db.session.scalars(select(Assessment))} == {"review_1_done"}
    rows = _audit("round1_close")
    assert len(rows) == 3 and {r.reason for r in rows[1:]} == {
        "Kết thúc thẩm định vòng 1 khi chuyển sang giai đoạn giải trình"}
    assert {r.actor_id for r in rows[1:]} == {w.user("admin1").id}
    assert "round1_closed" in _kinds(w.user("b.staff").id)      # nothing to explain: told of the results
    assert auth.sign_in("b.staff").get(f"/assessment/{w.b_id}/explain").status_code == 200


def test_moving_to_review_one_locks_the_files_not_submitted(ctx, auth):
    w = build_council("self_assessment", status="draft")
    set_status(w.assessment(w.b_id), "submitted")
    w.assessment(w.b_id).self_submitted_by_id = w.user("b.leader").id
    db.session.commit()
    admin = auth.sign_in("admin1")
    assert "2 hồ sơ chưa chốt sẽ được khóa tự động" in admin.get(f"/admin/year/{w.year_id}").get_data(as_text=True)
    response = admin.post(f"/admin/year/{w.year_id}/phase", data={"target": "review_1"})
    assert response.status_code == 303
    db.session.expire_all()
    a = w.assessment()
    assert a.status == "submitted" and a.self_submitted_at is not None and a.self_submitted_by_id is None
    locks = _audit("self_submit")
    assert len(locks) == 2 and all(r.new["automatic"] for r in locks) and locks[0].reason.startswith("Tự động chốt")
    assert "self_locked" in _kinds(w.user("a.staff").id) and "self_locked" not in _kinds(w.user("b.staff").id)
    board = admin.get(f"/admin/year/{w.year_id}/progress").get_data(as_text=True)
    assert "Khóa tự động" in board
    staff = auth.sign_in("a.staff").get(f"/assessment/{w.a_id}").get_data(as_text=True)
    assert "Giai đoạn tự đánh giá đã kết thúc" in staff or "giai đoạn tự đánh giá đã kết thúc" in staff


# ----------------------------------------------------------------------------------------- assignments


def test_assignment_grid_is_the_admins_and_is_audited(w, auth):
    for username in ("chair", "member", "a.staff"):
        assert auth.sign_in(username).get("/appraisal/assignments").status_code == 403
    admin = auth.sign_in("admin1")
    page = admin.get("/appraisal/assignments").get_data(as_text=True)
    member = w.user("member")
    assert f'name="a-{member.id}-F1"' in page and re.search(
        rf'name="a-{member.id}-F1"[^>]*>.*?<option value="all" selected>', page, re.S)
    data = {f"a-{member.id}-F1": "all", f"a-{member.id}-F2": "district", f"a-{member.id}-ADJ": ""}
    response = admin.post("/appraisal/assignments", data=data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="assignment-grid"')
    assert "Đã lưu phân công của 1 thành viên." in html
    rows = {(r.field_code, r.unit_type) for r in db.session.scalars(select(CouncilAssignment).where(
        CouncilAssignment.user_id == member.id))}
    assert rows == {("F1", None), ("F2", "district")}
    (audit,) = _audit("council_assign")
    assert audit.old == {"F2": "", "ADJ": "all"} and audit.new == {"F2": "district", "ADJ": ""}
    # district only: a department's F2 is still not the member's
    assert auth.sign_in("member").get(f"/appraisal/{w.a_id}/F2").status_code == 404
    bad = admin.post("/appraisal/assignments", data={f"a-{member.id}-F1": "sometimes"})
    assert bad.status_code == 422 and "Hãy chọn một trong các mức phân công" in bad.get_data(as_text=True)
    same = admin.post("/appraisal/assignments", data=data)
    assert same.status_code == 303 and len(_audit("council_assign")) == 1   # unchanged: nothing written


def test_conflicts_are_listed_and_reassigned_to_another_member(w, auth):
    admin = auth.sign_in("admin1")
    page = admin.get("/appraisal/assignments").get_data(as_text=True)
    conflicts = page[page.index('id="reassignments"'):]
    assert "Lê Thị Cùng Cơ Quan thuộc chính đơn vị này" not in conflicts   # `member` also has A/F1: no conflict
    own = w.user("member.stp")
    db.session.execute(CouncilAssignment.__table__.delete().where(
        CouncilAssignment.user_id == w.user("member").id, CouncilAssignment.field_code == "F1"))
    db.session.commit()
    page = admin.get("/appraisal/assignments").get_data(as_text=True)
    conflicts = page[page.index('id="reassignments"'):]
    assert "Lê Thị Cùng Cơ Quan thuộc chính đơn vị này" in conflicts and "Sở Tư pháp" in conflicts
    refused = admin.post("/appraisal/reassign", data={"unit_id": w.unit_a, "field_code": "F1", "user_id": own.id},
                         htmx=True)
    assert refused.status_code == 422 and "thuộc chính đơn vị này nên không thẩm định được" in \
        refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AppraisalOverride)) == 0
    member2 = w.user("member2")
    done = admin.post("/appraisal/reassign", data={"unit_id": w.unit_a, "field_code": "F1", "user_id": member2.id},
                      htmx=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and html.lstrip().startswith('<section id="reassignments"')
    assert "Đã giao lĩnh vực F1 của Sở Tư pháp cho Trần Văn Chưa Phân Công." in html
    assert "Lê Thị Cùng Cơ Quan thuộc chính đơn vị này" not in html
    (audit,) = _audit("appraisal_reassign")
    assert audit.unit_id == w.unit_a and audit.new == {"field": "F1", "user_id": member2.id}
    member2_client = auth.sign_in("member2")
    assert member2_client.post(_item(w, "1.2", "F1"), data={"yes": "1", "version": "0",
                                                           "note": "Đủ"}).status_code == 303
    assert member2_client.get(f"/appraisal/{w.b_id}/F1").status_code == 404   # only unit A's F1 moved
    override = db.session.scalar(select(AppraisalOverride))
    removed = admin.post(f"/appraisal/reassign/{override.id}/delete")
    assert removed.status_code == 303 and _audit("appraisal_reassign_remove")
    assert db.session.scalar(select(func.count()).select_from(AppraisalOverride)) == 0


def test_reassign_without_a_choice_and_as_a_page(w, auth):
    admin = auth.sign_in("admin1")
    empty = admin.post("/appraisal/reassign", data={"unit_id": "", "field_code": "F1"})
    assert empty.status_code == 422 and "<html" in empty.get_data(as_text=True)
    assert "Hãy chọn đơn vị, lĩnh vực và thành viên" in empty.get_data(as_text=True)
    ok = admin.post("/appraisal/reassign", data={"unit_id": w.unit_b, "field_code": "F2",
                                                 "user_id": w.user("member").id})
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/appraisal/assignments#reassignments")


def test_the_demo_mapping_puts_the_admin_in_front_of_the_conflicts(app, ctx):
    """The default mapping of the brief assigns Sở Nội vụ's member F1/F4/F5 while Sở Nội vụ is assessed."""
    from portal.appraisal.council import conflicts
    from portal.seed import seed_demo
    from portal.years.services import active_year
    seed_demo(now=utcnow())
    db.session.commit()
    found = {(c.unit.code, c.field_code, tuple(u.username for u in c.conflicted)) for c in conflicts(active_year())}
    assert {("SNV", "F1", ("tv.snv",)), ("SNV", "F4", ("tv.snv",)), ("SNV", "F5", ("tv.snv",)),
            ("STP", "F2", ("tv.stp",)), ("VPUB", "F3", ("tv.vpub",)), ("STC", "F6", ("tv.stc",)),
            ("STTTT", "F7", ("tv.stttt",))} <= found
    assert ("SNV", "ADJ", ()) in found      # no member for bonus/deduction, and the chair is of Sở Nội vụ
    assert not any(code == "SYT" for code, _f, _u in found)


# --------------------------------------------------------------------------------------------- history


def _two_rounds(auth, w):
    """Self-score by the unit, round 1 by the member, explanation by the unit, round 2, then finalised."""
    staff, leader, member, chair = (auth.sign_in(u) for u in ("a.staff", "a.leader", "member", "chair"))
    c = w.crit("1.2")
    w.year().phase, w.assessment().status = "self_assessment", "draft"
    w.assessment().self_submitted_at = None
    db.session.commit()
    assert staff.post(f"/assessment/{w.a_id}/items/{c.id}", data={"yes": "1", "version": "0",
                                                                "note": "Báo cáo đủ 4 quý"}).status_code == 303
    assert leader.post(f"/assessment/{w.a_id}/submit", data={"confirm": "1"}).status_code == 303
    w.year().phase = "review_1"
    db.session.commit()
    assert member.post(_item(w, "1.2", "F1"), data={"yes": "0", "version": "0", "note": "Thiếu báo cáo quý IV",
                                                    "explanation_requested": "1"}).status_code == 303
    _all_done(chair, w)
    assert chair.post(f"/appraisal/{w.a_id}/close-round-1").status_code == 303
    w.year().phase = "explanation"
    db.session.commit()
    assert staff.post(f"/assessment/{w.a_id}/explain/{c.id}", data={
        "stance": "disagree", "text": "Đã bổ sung báo cáo quý IV số 12/BC-STP", "version": "0"}).status_code == 303
    assert leader.post(f"/assessment/{w.a_id}/explain/submit", data={"confirm": "1"}).status_code == 303
    w.year().phase = "review_2"
    db.session.commit()
    assert member.post(_item(w, "1.2", "F1"), data={"yes": "1", "version": "0",
                                                    "note": "Chấp nhận giải trình"}).status_code == 303
    for code in ALL_FIELDS:
        finish_field(chair, w.a_id, code)
    assert chair.post(f"/appraisal/{w.a_id}/finalize").status_code == 303
    return c


def test_item_history_shows_all_five_values_with_who_and_when(w, auth):
    c = _two_rounds(auth, w)
    chair = auth.sign_in("chair")
    html = chair.get(_item(w, "1.2", "F1"), htmx=True).get_data(as_text=True)
    table = re.search(r'<table class="stages history".*?</table>', html, re.S).group(0)
    heads = re.findall(r'<th scope="col">(.*?)</th>', table)
    assert heads == ["Tự chấm", "Thẩm định vòng 1", "Giải trình", "Thẩm định vòng 2", "Kết quả cuối cùng"]
    cells = re.findall(r'<td class="step-(\w+)">(.*?)</td>', table, re.S)
    values = dict(cells)
    assert "Báo cáo đủ 4 quý" in values["self"] and "Người dùng" in values["self"]     # who: the unit's staff
    assert "Thiếu báo cáo quý IV" in values["round1"] and "Nguyễn Văn Thẩm Định" in values["round1"]
    assert "Không đồng ý" in values["explanation"] and "12/BC-STP" in values["explanation"]
    assert "Chấp nhận giải trình" in values["round2"] and "Nguyễn Văn Thẩm Định" in values["round2"]
    assert "<strong>2</strong>" in values["final"] and "theo vòng 2" in values["final"]
    assert all("<time datetime=" in cell for _key, cell in cells)                     # and when, each
    changes = re.search(r'<details class="changes">.*?</details>', html, re.S).group(0)
    assert "Các lần thay đổi (4)" in changes and "→" in changes
    # the unit, before publication: its own steps and round 1, never round 2 or the final score
    w.year().phase = "synthesis"
    db.session.commit()
    unit_view = auth.sign_in("a.staff").get(f"/assessment/{w.a_id}/items/{c.id}", htmx=True).get_data(as_text=True)
    assert "Thiếu báo cáo quý IV" in unit_view and "Chấp nhận giải trình" not in unit_view
    assert "Nguyễn Văn Thẩm Định" not in unit_view and "Hội đồng thẩm định" in unit_view   # no member's name
    w.year().phase = "published"
    db.session.commit()
    unit_view = auth.sign_in("a.staff").get(f"/assessment/{w.a_id}/items/{c.id}", htmx=True).get_data(as_text=True)
    assert "Chấp nhận giải trình" in unit_view and "Kết quả cuối cùng" in unit_view


def test_history_exports_to_xlsx_with_the_five_steps(w, auth):
    _two_rounds(auth, w)
    response = auth.sign_in("chair").get(f"/appraisal/{w.a_id}/history.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="lich-su-cham-diem-stp-2022.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Lịch sử chấm điểm Chỉ số CCHC năm 2022 — Sở Tư pháp"
    assert list(rows[1][:5]) == ["Mã", "Nội dung", "Tự chấm", "Người thực hiện", "Thời điểm"]
    row = next(r for r in rows if r[0] == "1.2")
    assert row[2] == 2 and row[5] == 0 and row[8] == "Không đồng ý" and row[11] == 2 and row[14] == 2
    assert row[6] == "Nguyễn Văn Thẩm Định" and isinstance(row[7], datetime)
    sheet = book.worksheets[0]
    cell = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "1.2")
    assert cell[2].number_format == "0.00" and cell[7].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.auto_filter.ref.startswith("A2:") and book.worksheets[1].auto_filter.ref.startswith("A1:")
    assert "Thiếu báo cáo quý IV" in row[17] and "12/BC-STP" in row[17]
    changes = list(book.worksheets[1].iter_rows(values_only=True))
    assert [c[1] for c in changes if c[0] == "1.2"] == ["Tự chấm", "Thẩm định vòng 1", "Giải trình", "Thẩm định vòng 2"]
    # a member exports only its fields; the unit never reaches the council's export
    member_book = load_workbook(io.BytesIO(auth.sign_in("member").get(f"/appraisal/{w.a_id}/history.xlsx").data))
    codes = {r[0] for r in member_book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert codes == {"1.1", "1.2", "B1"}
    assert auth.sign_in("a.staff").get(f"/appraisal/{w.a_id}/history.xlsx").status_code == 403


def test_finalising_locks_the_file(w, auth):
    _two_rounds(auth, w)
    db.session.expire_all()
    a = w.assessment()
    assert a.status == "finalized" and a.finalized_by_id == w.user("chair").id
    member = auth.sign_in("member")
    after = member.post(_item(w, "1.2", "F1"), data={"yes": "0", "version": "1", "note": "Sửa lại"}, htmx=True)
    assert after.status_code == 409 and "Hồ sơ đã thẩm định xong" in after.get_data(as_text=True)
    assert db.session.scalar(select(ScoreEntry.points).where(ScoreEntry.assessment_id == w.a_id,
                                                             ScoreEntry.stage == "round2")) == Decimal("2.00")


# ------------------------------------------------------------------------------- bonus and field marks


def test_bonus_items_are_appraised_as_field_adj(w, auth):
    b1 = w.crit("B1")
    db.session.add(ScoreEntry(assessment_id=w.a_id, criterion_id=b1.id, stage="self", inputs={"count": 1},
                              points=Decimal("1"), updated_at=utcnow()))
    db.session.commit()
    member = auth.sign_in("member")
    page = member.get(f"/appraisal/{w.a_id}/ADJ").get_data(as_text=True)
    assert "Điểm cộng, điểm trừ" in page and "Mô hình CCHC được công nhận" in page
    refused = member.post(f"/appraisal/{w.a_id}/ADJ/items/{b1.id}", data={"count": "0", "version": "0"}, htmx=True)
    assert refused.status_code == 422 and "hãy ghi nhận xét" in refused.get_data(as_text=True)
    ok = member.post(f"/appraisal/{w.a_id}/ADJ/items/{b1.id}",
                     data={"count": "0", "version": "0", "note": "Chưa có quyết định công nhận"}, htmx=True)
    assert ok.status_code == 200 and ok.get_data(as_text=True).lstrip().startswith("<article")
    assert auth.sign_in("member2").get(f"/appraisal/{w.a_id}/ADJ").status_code == 404
    assert member.get(f"/appraisal/{w.a_id}/F1/items/{b1.id}").status_code == 404   # not an item of F1


@pytest.mark.parametrize("htmx", [False, True])
def test_mark_a_field_done_as_page_and_fragment(w, htmx, auth):
    member = auth.sign_in("member")
    for code in ("1.1", "1.2"):   # every item gets its decision first (tests/web/test_appraisal_decisions.py)
        assert member.post(_item(w, code, "F1"), data={"decision": "agree", "version": "0"}).status_code == 303
    response = member.post(f"/appraisal/{w.a_id}/F1/done", data={"done": "1"}, htmx=htmx)
    if htmx:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and html.lstrip().startswith('<section class="card field-done"')
        assert "Đã đánh dấu lĩnh vực F1 thẩm định xong." in html and "Mở lại lĩnh vực" in html
    else:
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(FieldReview)) == 1
    (audit,) = _audit("field_done")
    assert audit.new == {"field": "F1", "round": 1}
    reopened = member.post(f"/appraisal/{w.a_id}/F1/done", data={"done": "0"}, htmx=htmx)
    assert reopened.status_code in (200, 303) and _audit("field_reopen")
    assert db.session.scalar(select(func.count()).select_from(FieldReview)) == 0


def test_mark_done_after_the_deadline_is_refused_with_the_reason(ctx, auth):
    w = build_council("review_1", status="submitted", window_open=False)
    member = auth.sign_in("member")
    for htmx in (False, True):
        response = member.post(f"/appraisal/{w.a_id}/F1/done", data={"done": "1"}, htmx=htmx)
        assert response.status_code == 409 and "Đã hết hạn thẩm định vòng 1" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FieldReview)) == 0


def test_only_the_chair_or_admin_closes_or_finalises(w, auth):
    for username in ("member", "a.leader", "b.staff"):
        client = auth.sign_in(username)
        assert client.post(f"/appraisal/{w.a_id}/close-round-1").status_code == 403
        assert client.post(f"/appraisal/{w.a_id}/finalize").status_code == 403
    assert w.assessment().status == "submitted"
    make_user("council_member", username="extra")


def test_remove_a_reassignment_as_fragment(w, auth):
    admin = auth.sign_in("admin1")
    admin.post("/appraisal/reassign", data={"unit_id": w.unit_b, "field_code": "F2", "user_id": w.user("member").id})
    override_id = db.session.scalar(select(AppraisalOverride.id))
    response = admin.post(f"/appraisal/reassign/{override_id}/delete", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="reassignments"')
    assert "Đã bỏ phân công lại" in html and "Chưa giao lại lĩnh vực nào." in html
    assert admin.post(f"/appraisal/reassign/{override_id}/delete").status_code == 404


def test_each_role_finds_its_work_on_the_home_page(w, auth):
    unit = auth.sign_in("a.staff").get("/").get_data(as_text=True)
    assert "Hội đồng thẩm định đang thẩm định vòng 1" in unit and "Hồ sơ tự đánh giá" in unit
    assert "Kết quả thẩm định vòng 1 và giải trình" not in unit
    member = auth.sign_in("member").get("/").get_data(as_text=True)
    assert "Bảng theo dõi thẩm định vòng 1" in member and "2 đơn vị · 4 lĩnh vực chưa thẩm định" in member
    admin = auth.sign_in("admin1").get("/").get_data(as_text=True)
    assert "Phân công Hội đồng" in admin and "Tiến độ các đơn vị" in admin
    set_status(w.assessment(), "review_1_done")
    db.session.commit()
    unit = auth.sign_in("a.staff").get("/").get_data(as_text=True)
    assert "Kết quả thẩm định vòng 1 và giải trình" in unit and "đang thẩm định vòng 1" not in unit


@pytest.mark.parametrize("lang, value, expected", [("vi", "1.25", "1,25 điểm"), ("en", "1.25", "1.25 points"),
                                                   ("en", "1", "1 point")])
def test_history_writes_decimals_the_way_of_the_interface_language(app, lang, value, expected):
    from flask import session
    from flask_babel import refresh

    from portal.unitfile.history import describe_change
    from portal.web.filters import forget_request_i18n
    with app.test_request_context("/"):
        session["lang"] = lang
        refresh()
        forget_request_i18n()
        assert describe_change({"points": value}) == expected
        forget_request_i18n()
