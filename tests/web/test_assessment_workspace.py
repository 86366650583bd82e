"""The self-assessment workspace: each method's input, the page and its fragments, totals out of band,
stale edits, the lock at submission, deadlines, and who may do what."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import PhaseWindow, UnitDeadline
from tests.web.assess_setup import s, staff  # noqa: F401  (fixtures)


def url(s, code=None, aid=None):
    aid = aid or s.a_id
    if code is None:
        return f"/assessment/{aid}"
    return f"/assessment/{aid}/items/{s.crit(code).id}"


def entry(s, code, aid=None):
    return db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == (aid or s.a_id),
                                                      ScoreEntry.criterion_id == s.crit(code).id))


def test_workspace_shows_the_whole_tree_in_vietnamese(staff, s):
    html = staff.get(url(s)).get_data(as_text=True)
    assert "Hồ sơ tự đánh giá Chỉ số CCHC năm 2022" in html and "Sở Tư pháp" in html
    assert html.count('class="item') >= 56
    assert "Công tác chỉ đạo, điều hành CCHC" in html and "Cải cách thủ tục hành chính" in html
    assert "Đã chấm 0/" in html and "Hạn chót" in html and "còn " in html


def test_unit_staff_lands_on_its_own_file(staff, s):
    response = staff.get("/assessment/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/assessment/{s.a_id}")


@pytest.mark.parametrize("code, form, points", [
    ("1.1.1", {"level": "1"}, "0.50"),                                  # levels
    ("1.1.2", {"numerator": "8", "denominator": "10"}, "0.50"),         # percentage band 80 %
    ("1.1.2", {"numerator": "10", "denominator": "10"}, "1.00"),        # 100 %
    ("1.1.2", {"numerator": "7,99", "denominator": "10"}, "0.00"),      # just below the band
    ("3.1.2", {"numerator": "1", "denominator": "3"}, "0.50"),          # ratio 1.5 × 1/3
    ("1.2", {"yes": "1"}, "1.00"),                                      # yes/no
    ("1.2", {"yes": "0"}, "0.00"),
    ("B1", {"count": "3"}, "2.00"),                                     # bonus capped at 2
    ("D1", {"count": "1"}, "0.50"),                                     # deduction magnitude
])
def test_each_method_saves_its_points(staff, s, code, form, points):
    response = staff.post(url(s, code), data=form | {"version": "0"}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert entry(s, code).points == Decimal(points)


def test_na_needs_a_reason_and_leaves_the_max(staff, s):
    bad = staff.post(url(s, "1.3.1"), data={"not_applicable": "1", "na_reason": "", "version": "0"}, htmx=True)
    assert bad.status_code == 422 and "Hãy ghi lý do không áp dụng" in bad.get_data(as_text=True)
    ok = staff.post(url(s, "1.3.1"), data={"not_applicable": "1", "na_reason": "Không có đơn vị trực thuộc",
                                           "version": "0"}, htmx=True)
    assert ok.status_code == 200
    e = entry(s, "1.3.1")
    assert e.not_applicable and e.points is None and e.na_reason == "Không có đơn vị trực thuộc"


def test_na_refused_where_not_allowed(staff, s):
    response = staff.post(url(s, "1.2"), data={"not_applicable": "1", "na_reason": "x", "version": "0"}, htmx=True)
    assert response.status_code == 422 and entry(s, "1.2") is None


def test_number_method_accepts_comma_and_point(app, ctx, staff, s):
    crit = s.crit("1.5")
    crit.method, crit.config = "number", {"step": "0.25"}
    db.session.commit()
    for typed, expected in (("0,5", "0.50"), (" 0.75 ", "0.75"), ("1,5", "1.50")):
        version = entry(s, "1.5").version if entry(s, "1.5") else 0
        response = staff.post(url(s, "1.5"), data={"value": typed, "version": str(version)}, htmx=True)
        assert response.status_code == 200
        assert entry(s, "1.5").points == Decimal(expected)


@pytest.mark.parametrize("typed, message", [
    ("1.000", "phân cách hàng nghìn"),
    ("NaN", ""),
    ("１０", ""),
    ("1,6", ""),          # above the max 1.5
    ("0,3", ""),          # off the 0,25 step
    ("1e3", ""),
    ("", "Chưa nhập"),
])
def test_bad_numbers_are_refused_next_to_the_field_and_typed_value_stays(app, ctx, staff, s, typed, message):
    crit = s.crit("1.5")
    crit.method, crit.config = "number", {"step": "0.25"}
    db.session.commit()
    response = staff.post(url(s, "1.5"), data={"value": typed, "version": "0"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'value="{typed}"' in html
    assert 'class="error"' in html and message in html
    assert entry(s, "1.5") is None


def test_percentage_refuses_zero_denominator(staff, s):
    response = staff.post(url(s, "1.1.2"), data={"numerator": "1", "denominator": "0", "version": "0"}, htmx=True)
    assert response.status_code == 422 and entry(s, "1.1.2") is None


def test_fragment_carries_totals_out_of_band(staff, s):
    response = staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True)
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith("<article")
    assert re.search(r'id="field-total-F1" hx-swap-oob="true">1 / 10', html)
    assert 'id="summary"' in html and 'hx-swap-oob="true"' in html
    assert "Đã chấm 1/48 mục" in html and "1 mục chưa có tài liệu kiểm chứng" in html


def test_whole_page_post_without_js_redirects_back_to_the_item(staff, s):
    response = staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/assessment/{s.a_id}#item-{s.crit('1.2').id}")
    page = staff.get(url(s)).get_data(as_text=True)
    assert "Đã lưu mục 1.2" in page


def test_invalid_post_without_js_renders_the_page_with_the_error(staff, s):
    response = staff.post(url(s, "1.1.2"), data={"numerator": "abc", "denominator": "10", "version": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and 'value="abc"' in html


def test_get_item_as_fragment_and_as_page(staff, s):
    fragment = staff.get(url(s, "1.2"), htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith("<article")
    assert "<html" in staff.get(url(s, "1.2")).get_data(as_text=True)


def test_stale_edit_is_a_conflict_showing_both_values(s, staff, auth):
    other = auth.sign_in("a.leader")
    assert staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True).status_code == 200
    stale = other.post(url(s, "1.2"), data={"yes": "0", "note": "ý kiến của tôi", "version": "0"}, htmx=True)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "vừa được người khác lưu" in html and "Giá trị đã lưu: 1 điểm" in html
    assert "ý kiến của tôi" in html and 'name="version" value="1"' in html
    assert entry(s, "1.2").points == Decimal("1.00")
    chosen = other.post(url(s, "1.2"), data={"yes": "0", "version": "1"}, htmx=True)
    assert chosen.status_code == 200 and entry(s, "1.2").points == Decimal("0.00")


def test_every_change_is_audited_with_old_and_new(staff, s):
    staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True)
    staff.post(url(s, "1.2"), data={"yes": "0", "version": "1"}, htmx=True)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "self_score").order_by(AuditLog.id)).all()
    assert len(rows) == 2
    assert rows[0].old is None and rows[0].new["points"] == "1.00"
    assert rows[1].old["points"] == "1.00" and rows[1].new["points"] == "0.00"
    assert rows[1].unit_id == s.unit_a and rows[1].new["criterion"] == "1.2"


def test_mass_assignment_is_ignored(staff, s):
    staff.post(url(s, "1.2"), data={"yes": "1", "version": "0", "points": "99", "stage": "round2",
                                    "assessment_id": str(s.b_id), "status": "finalized"}, htmx=True)
    e = entry(s, "1.2")
    assert e.points == Decimal("1.00") and e.stage == "self" and e.assessment_id == s.a_id
    assert db.session.get(Assessment, s.a_id).status == "draft"


def test_leader_submits_and_the_file_locks(s, staff, auth):
    leader = auth.sign_in("a.leader")
    summary = leader.get(f"/assessment/{s.a_id}/submit").get_data(as_text=True)
    assert "Kiểm tra trước khi chốt" in summary and "Còn 48 mục chưa chấm" in summary
    assert leader.post(f"/assessment/{s.a_id}/submit", data={}).status_code == 422
    assert leader.post(f"/assessment/{s.a_id}/submit", data={"confirm": "1"}).status_code == 303
    a = db.session.get(Assessment, s.a_id)
    assert a.status == "submitted" and a.self_submitted_at is not None
    refused = staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True)
    assert refused.status_code == 409 and "đã được chốt" in refused.get_data(as_text=True)
    assert entry(s, "1.2") is None


def test_staff_cannot_submit(staff, s):
    assert staff.post(f"/assessment/{s.a_id}/submit", data={"confirm": "1"}).status_code == 409
    assert db.session.get(Assessment, s.a_id).status == "draft"


def test_admin_reopening_lets_the_unit_edit_again(app, s, staff):
    a = db.session.get(Assessment, s.a_id)
    a.status = "submitted"
    db.session.add(UnitDeadline(year_id=s.year_id, unit_id=s.unit_a, phase="self_assessment", reopened=True,
                                reason="Bổ sung tài liệu"))
    db.session.commit()
    assert staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True).status_code == 200


def _close_window(s, seconds_ago: int, grace: int = 0):
    window = db.session.scalar(select(PhaseWindow).where(PhaseWindow.year_id == s.year_id))
    window.closes_at = utcnow().replace(microsecond=0) - timedelta(seconds=seconds_ago)
    window.grace_seconds = grace
    db.session.commit()
    return window.closes_at


def test_save_after_the_deadline_is_refused_with_the_closing_time_and_keeps_the_value(staff, s):
    closed = _close_window(s, 5)
    response = staff.post(url(s, "1.1.2"), data={"numerator": "9", "denominator": "10", "version": "0"}, htmx=True)
    html = response.get_data(as_text=True)
    local = (closed + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    assert response.status_code == 409 and local in html and "hết hạn" in html
    assert 'value="9"' in html and entry(s, "1.1.2") is None
    page = staff.get(url(s)).get_data(as_text=True)
    assert "Trang chỉ xem" in page and "disabled" in page


def test_grace_period_accepts_a_save_in_flight(staff, s):
    _close_window(s, 5, grace=60)
    assert staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True).status_code == 200


def test_extension_for_one_unit_only(s, staff, auth):
    _close_window(s, 5)
    db.session.add(UnitDeadline(year_id=s.year_id, unit_id=s.unit_a, phase="self_assessment",
                                extended_until=utcnow() + timedelta(days=2), reason="Ốm đau"))
    db.session.commit()
    assert staff.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=True).status_code == 200
    other = auth.sign_in("b.staff")
    refused = other.post(url(s, "1.2", aid=s.b_id), data={"yes": "1", "version": "0"}, htmx=True)
    assert refused.status_code == 409 and entry(s, "1.2", aid=s.b_id) is None
    assert "gia hạn đến" in staff.get(url(s)).get_data(as_text=True)


# Permission matrix of this page: role × (view, save, submit) in the self-assessment phase.
EXPECTED = {
    "a.staff":  (200, 200, 409),
    "a.leader": (200, 200, 303),
    "b.staff":  (404, 404, 404),
    "b.leader": (404, 404, 404),
    "member":   (404, 404, 404),
    "chair":    (200, 409, 409),
    "admin1":   (200, 409, 409),
    None:       (302, 302, 302),
}


@pytest.mark.parametrize("username", list(EXPECTED), ids=lambda u: u or "anonymous")
def test_permission_matrix(app, s, username, auth):
    client = app.test_client()
    if username:
        auth.sign_in(username, client=client)
    codes = (client.get(url(s)).status_code,
             client.post(url(s, "1.2"), data={"yes": "1", "version": "0"}, htmx=False).status_code,
             client.post(f"/assessment/{s.a_id}/submit", data={"confirm": "1"}).status_code)
    save_ok = codes[1] in (200, 303)
    expected = EXPECTED[username]
    assert (codes[0], 200 if save_ok else codes[1], codes[2]) == expected
    if not save_ok:
        assert entry(s, "1.2") is None


def test_typed_text_is_stored_nfc_without_control_characters(staff, s):
    import unicodedata
    nfd = unicodedata.normalize("NFD", "Báo cáo quý IV của Sở Tư pháp")
    assert nfd != unicodedata.normalize("NFC", nfd)
    response = staff.post(url(s, "1.2"), data={"yes": "1", "version": "0", "note": nfd + "\u202e\x07 "})
    assert response.status_code == 303
    assert entry(s, "1.2").note == "Báo cáo quý IV của Sở Tư pháp"
    na = staff.post(url(s, "1.3.1"), data={"not_applicable": "1", "na_reason": unicodedata.normalize(
        "NFD", "Không có  đơn vị trực thuộc"), "version": "0"})
    assert na.status_code == 303 and entry(s, "1.3.1").na_reason == "Không có đơn vị trực thuộc"
