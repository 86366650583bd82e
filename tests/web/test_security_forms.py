"""Mass assignment (security.md §3.4): 30 extra form fields — unit, status, final score, version, totals,
roles, authors, hashes … — sent with the portal's main forms change nothing.

Each form is posted twice, in two identical fresh worlds: once as the page sends it, once with the 30
injected fields added. The two databases afterwards must be identical (times, hashes and request ids aside),
and must differ from the database before the post (so the form did save: the comparison can fail).
"""
import pytest
from sqlalchemy import DateTime, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.evidence.models import EvidenceDocument
from portal.extensions import db
from portal.auth.models import User
from portal.years.models import AssessmentYear
from tests.web.assess_setup import build, set_status

INJECTED = {
    "unit_id": "2", "year_id": "7", "assessment_id": "2", "criterion_id": "3", "status": "finalized",
    "points": "99", "final_score": "99", "total": "999", "index": "100", "rank": "1", "band": "xuat_sac",
    "version": "77", "stage": "round2", "role": "admin", "active": "0", "is_admin": "1", "user_id": "1",
    "author_id": "1", "created_by_id": "1", "updated_by_id": "1", "deleted_at": "2020-01-01",
    "finalized_at": "2020-01-01", "sha256": "0" * 64, "size": "1", "content_type": "text/html",
    "visibility": "unit", "sent_at": "2020-01-01", "from_unit": "1", "password_hash": "x", "totp_secret": "A" * 32,
    "must_change_password": "0", "phase": "published", "max_points": "100",
}
VOLATILE = {"hash", "prev_hash", "request_id", "ip", "password_hash"}


def _dump() -> dict:
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name == "login_session":
            continue
        columns = [c for c in table.columns if c.name not in VOLATILE and not _is_time(c)]
        order = list(table.primary_key.columns) or columns
        out[table.name] = [tuple(r) for r in db.session.execute(select(*columns).order_by(*order))]
    return out


def _is_time(column) -> bool:
    kind = getattr(column.type, "impl", column.type)
    return isinstance(kind, DateTime)


def _self_score(s):
    c = s.crit("1.2")
    return "a.staff", f"/assessment/{s.a_id}/items/{c.id}", {"yes": "1", "note": "Có văn bản", "version": "0"}


def _evidence_create(s):
    return "a.staff", f"/evidence/units/{s.unit_a}/documents", {
        "symbol": "12/KH-STP", "issued_on": "15/03/2022", "issuer": "Sở Tư pháp", "summary": "Kế hoạch CCHC 2022"}


def _evidence_edit(s):
    doc = EvidenceDocument(unit_id=s.unit_a, year_id=s.year_id, symbol="1/KH", issuer="Sở Tư pháp", summary="Cũ")
    db.session.add(doc)
    db.session.commit()
    return "a.staff", f"/evidence/documents/{doc.id}/edit", {
        "edit-symbol": "2/KH-STP", "edit-issued_on": "16/03/2022", "edit-issuer": "Sở Tư pháp",
        "edit-summary": "Kế hoạch đã sửa"}


def _appraise(s):
    _review(s)
    c = s.crit("1.2")
    return "member", f"/appraisal/{s.a_id}/F1/items/{c.id}", {
        "yes": "0", "note": "Chưa có văn bản", "explanation_requested": "1", "version": "0"}


def _comment(s):
    _review(s)
    c = s.crit("1.2")
    return "member", f"/comments/{s.a_id}/{c.id}/", {"body": "Đề nghị bổ sung văn bản"}


def _explanation(s):
    from datetime import timedelta
    from decimal import Decimal

    from portal.assessments.models import ScoreEntry
    from portal.db import utcnow
    from portal.years.models import PhaseWindow
    now = utcnow()
    year = db.session.get(AssessmentYear, s.year_id)
    year.phase = "explanation"
    db.session.add(PhaseWindow(year_id=s.year_id, phase="explanation", opens_at=now - timedelta(days=1),
                               closes_at=now + timedelta(days=5)))
    set_status(db.session.get(Assessment, s.a_id), "review_1_done")
    c = s.crit("1.2")
    db.session.add_all([
        ScoreEntry(assessment_id=s.a_id, criterion_id=c.id, stage="self", inputs={"yes": True}, points=Decimal("1")),
        ScoreEntry(assessment_id=s.a_id, criterion_id=c.id, stage="round1", inputs={"yes": False},
                   points=Decimal("0"), note="Thiếu văn bản", explanation_requested=True)])
    db.session.commit()
    return "a.staff", f"/assessment/{s.a_id}/explain/{c.id}", {
        "stance": "disagree", "text": "Đơn vị đã ban hành đúng hạn, gửi kèm văn bản.", "version": "0"}


def _user_edit(s):
    user = db.session.scalar(select(User).where(User.username == "b.staff"))
    return "admin1", f"/admin/users/{user.id}/edit", {
        "username": "b.staff", "full_name": "Nguyễn Thị Bích", "email": "bich@example.vn", "position": "Chuyên viên",
        "role": "unit_staff", "unit_id": str(s.unit_b)}


def _unit_edit(s):
    return "admin1", f"/admin/units/{s.unit_b}/edit", {"code": "SYT", "name": "Sở Y tế tỉnh An Giang",
                                                      "unit_type": "department"}


def _review(s):
    year = db.session.get(AssessmentYear, s.year_id)
    year.phase = "review_1"
    set_status(db.session.get(Assessment, s.a_id), "submitted")
    member = db.session.scalar(select(User).where(User.username == "member"))
    db.session.add(CouncilAssignment(year_id=s.year_id, user_id=member.id, field_code="F1"))
    db.session.commit()


FORMS = {"self-score": _self_score, "new evidence document": _evidence_create, "edit evidence document": _evidence_edit,
         "round-1 appraisal": _appraise, "council comment": _comment, "explanation": _explanation, "edit account": _user_edit,
         "edit unit": _unit_edit}


def _run(auth, form, extra) -> tuple[dict, dict, int]:
    from tests import factories
    from tests.conftest import _empty_tables
    _empty_tables()
    factories._counter["n"] = 0          # the same names in both worlds
    s = build()
    who, url, data = FORMS[form](s)
    before = _dump()
    client = auth.login(who)
    db.session.remove()
    response = client.post(url, data={**data, **{k: v for k, v in extra.items() if k not in data}})
    db.session.remove()
    return before, _dump(), response.status_code


@pytest.mark.parametrize("form", list(FORMS))
def test_thirty_injected_fields_change_no_column(ctx, form, auth):
    before, plain, status = _run(auth, form, {})
    assert status in (200, 201, 303), (status, form)
    assert plain != before                                   # the form did save something
    _before, injected, status_injected = _run(auth, form, INJECTED)
    assert status_injected == status
    changed = sorted(t for t in plain if plain[t] != injected[t])
    print(f"\n[security] mass assignment, {form}: {len(INJECTED)} injected fields changed {len(changed)} table(s)")
    assert changed == []


def test_the_injection_list_is_thirty_or_more():
    assert len(INJECTED) >= 30
