"""Evidence on the items of a unit's file (issue 5): one document of the unit's library backs many items,
attached and taken off from the workspace (htmx fragment with the progress line out of band, or a plain
post), the honesty flag "scored without evidence" following; then the permission matrix of the workspace
for view, save, upload, download, attach and submit; and in round 2 the evidence added with an explanation
(tài liệu bổ sung), which the council then sees on its page.

The evidence library itself (content checks, the Vietnamese file name on download, another unit's file id
as 404) is tested with the evidence module: tests/web/test_evidence_files.py and test_evidence_access.py."""
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
from portal.evidence.services import add_files, create_document
from portal.extensions import db
from portal.years.models import PhaseWindow
from tests.evidence_samples import pdf_bytes
from tests.web.assess_setup import build_council, set_status


@pytest.fixture
def w(app, ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return build_council("self_assessment", status="draft")



def _document(w, unit_id=None, *, symbol="15/KH-STP", name="Kế hoạch CCHC 2022.pdf"):
    from werkzeug.datastructures import FileStorage
    staff = w.user("a.staff")
    doc = create_document(unit_id=unit_id or w.unit_a, year_id=w.year_id, symbol=symbol,
                          issued_on=utcnow().date().replace(year=2022), issuer="Sở Tư pháp",
                          summary="Kế hoạch cải cách hành chính năm 2022", actor=staff, now=utcnow())
    add_files(doc, [FileStorage(io.BytesIO(pdf_bytes()), filename=name, content_type="application/pdf")],
              actor=staff, now=utcnow())
    db.session.commit()
    return doc


def _score(client, w, code, data):
    c = w.crit(code)
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == w.a_id,
                                                       ScoreEntry.criterion_id == c.id, ScoreEntry.stage == "self"))
    return client.post(f"/assessment/{w.a_id}/items/{c.id}", data=dict(data, version=entry.version if entry else 0))


def _links():
    return db.session.scalar(select(func.count()).select_from(ItemEvidence))


def test_one_document_backs_two_items_and_the_progress_follows(w, auth):
    staff = auth.sign_in("a.staff")
    assert _score(staff, w, "1.1", {"level": "0"}).status_code == 303
    assert _score(staff, w, "1.2", {"yes": "1"}).status_code == 303
    page = staff.get(f"/assessment/{w.a_id}").get_data(as_text=True)
    assert "2 mục chưa có tài liệu kiểm chứng" in page
    doc = _document(w)
    page = staff.get(f"/assessment/{w.a_id}").get_data(as_text=True)
    assert page.count("Gắn tài liệu từ thư viện") == 5 and "15/KH-STP" not in page   # pickers load on demand
    picker = f"/assessment/{w.a_id}/items/{w.crit('1.1').id}/evidence"
    fragment = staff.get(picker, htmx=True)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.lstrip().startswith(f'<div class="evidence" id="evidence-{w.crit("1.1").id}"')
    assert f'<option value="{doc.id}">15/KH-STP' in html and "<html" not in html
    whole = staff.get(picker).get_data(as_text=True)                           # without JavaScript: a page
    assert "<html" in whole and "Gắn tài liệu kiểm chứng vào mục 1.1" in whole and f'value="{doc.id}"' in whole
    first = staff.post(f"/assessment/{w.a_id}/items/{w.crit('1.1').id}/evidence", data={"document_id": doc.id},
                       htmx=True)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and html.lstrip().startswith("<article")
    assert "Đã gắn tài liệu 15/KH-STP vào mục." in html and "Kế hoạch CCHC 2022.pdf" in html
    assert 'id="summary" hx-swap-oob="true"' in html and "1 mục chưa có tài liệu kiểm chứng" in html
    second = staff.post(f"/assessment/{w.a_id}/items/{w.crit('1.2').id}/evidence", data={"document_id": doc.id})
    assert second.status_code == 303 and second.headers["Location"].endswith(f"#item-{w.crit('1.2').id}")
    assert _links() == 2
    page = staff.get(f"/assessment/{w.a_id}").get_data(as_text=True)
    assert "chưa có tài liệu kiểm chứng" not in page.split('id="summary"')[1].split("</section>")[0]
    assert "Có điểm nhưng chưa có tài liệu kiểm chứng" not in page
    again = staff.post(f"/assessment/{w.a_id}/items/{w.crit('1.1').id}/evidence", data={"document_id": doc.id},
                       htmx=True)
    assert again.status_code == 200 and _links() == 2                      # idempotent
    attach = [r for r in db.session.scalars(select(AuditLog).where(AuditLog.action == "evidence_attach")
                                                         .order_by(AuditLog.id))]
    assert [r.new["criterion"] for r in attach] == ["1.1", "1.2"] and attach[0].actor_id == w.user("a.staff").id
    # the library says which items the document backs
    library = staff.get("/evidence/").get_data(as_text=True)
    assert "1.1" in library and "1.2" in library


@pytest.mark.parametrize("htmx", [False, True])
def test_take_a_document_off_an_item(w, htmx, auth):
    staff = auth.sign_in("a.staff")
    doc = _document(w)
    c = w.crit("1.2")
    staff.post(f"/assessment/{w.a_id}/items/{c.id}/evidence", data={"document_id": doc.id})
    response = staff.post(f"/assessment/{w.a_id}/items/{c.id}/evidence/{doc.id}/detach", htmx=htmx)
    assert response.status_code == (200 if htmx else 303) and _links() == 0
    if htmx:
        assert "Đã bỏ tài liệu 15/KH-STP khỏi mục." in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "evidence_detach")) is not None
    assert db.session.get(EvidenceDocument, doc.id).deleted_at is None      # the document stays in the library


def test_another_units_document_or_item_is_not_found_and_nothing_is_linked(w, auth):
    staff = auth.sign_in("a.staff")
    foreign = _document(w, unit_id=w.unit_b, symbol="9/BC-SYT")
    c = w.crit("1.2")
    assert staff.post(f"/assessment/{w.a_id}/items/{c.id}/evidence", data={"document_id": foreign.id}).status_code == 404
    assert staff.post(f"/assessment/{w.b_id}/items/{c.id}/evidence", data={"document_id": foreign.id}).status_code == 404
    assert staff.post(f"/assessment/{w.a_id}/items/999999/evidence", data={"document_id": foreign.id}).status_code == 404
    empty = staff.post(f"/assessment/{w.a_id}/items/{c.id}/evidence", data={"document_id": ""}, htmx=True)
    assert empty.status_code == 422 and "Hãy chọn một tài liệu trong thư viện" in empty.get_data(as_text=True)
    assert _links() == 0


def test_attach_after_the_deadline_is_refused_with_the_closing_time(w, auth):
    doc = _document(w)
    window = db.session.scalar(select(PhaseWindow).where(PhaseWindow.year_id == w.year_id,
                                                         PhaseWindow.phase == "self_assessment"))
    window.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = auth.sign_in("a.staff").post(f"/assessment/{w.a_id}/items/{w.crit('1.2').id}/evidence",
                                              data={"document_id": doc.id}, htmx=True)
    assert response.status_code == 409 and "Đã hết hạn tự đánh giá lúc" in response.get_data(as_text=True)
    picker = auth.sign_in("a.staff").get(f"/assessment/{w.a_id}/items/{w.crit('1.2').id}/evidence")
    assert picker.status_code == 409 and "Đã hết hạn tự đánh giá lúc" in picker.get_data(as_text=True)
    assert "15/KH-STP" not in picker.get_data(as_text=True)
    assert _links() == 0


# ----------------------------------------------------------------------------------- permission matrix

# The workspace in self-assessment for each kind of account: (view, save, upload, download, attach, submit).
# 200/303 mean done; anything else is refused and, for the writes, nothing is stored.
EXPECTED = {
    "a.staff":    ("ok", "ok", "ok", "ok", "ok", "refused"),      # staff prepare; only the leader submits
    "a.leader":   ("ok", "ok", "ok", "ok", "ok", "ok"),
    "b.staff":    ("404", "404", "404", "404", "404", "404"),     # another unit's file looks missing
    "member":     ("404", "404", "refused", "404", "404", "404"),  # the council waits for review round 1
    # the chair reads the file; the evidence files open to the council from review round 1 on
    "chair":      ("ok", "refused", "refused", "404", "refused", "refused"),
    "admin1":     ("ok", "refused", "refused", "ok", "refused", "refused"),
    None:         ("login", "login", "login", "login", "login", "login"),
}


def _kind(response) -> str:
    if response.status_code in (200, 303):
        return "ok"
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    return "404" if response.status_code == 404 else "refused"


@pytest.mark.parametrize("username", list(EXPECTED), ids=lambda u: u or "anonymous")
def test_permission_matrix_of_the_workspace(w, username, auth):
    doc = _document(w)
    file_id = db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.document_id == doc.id))
    client = auth.sign_in(username)
    c = w.crit("1.2")
    before = (db.session.scalar(select(func.count()).select_from(EvidenceDocument)), _links())
    results = (
        client.get(f"/assessment/{w.a_id}"),
        client.post(f"/assessment/{w.a_id}/items/{c.id}", data={"yes": "1", "version": "0"}),
        client.post(f"/evidence/units/{w.unit_a}/documents", content_type="multipart/form-data",
                    data={"symbol": "20/BC-STP", "issued_on": "10/10/2022", "issuer": "Sở Tư pháp",
                          "summary": "Báo cáo", "files": [(io.BytesIO(pdf_bytes()), "Báo cáo.pdf")]}),
        client.get(f"/evidence/files/{file_id}/download"),
        client.post(f"/assessment/{w.a_id}/items/{c.id}/evidence", data={"document_id": doc.id}),
        client.post(f"/assessment/{w.a_id}/submit", data={"confirm": "1"}),
    )
    kinds = tuple(_kind(r) for r in results)
    expected = EXPECTED[username]
    # a download answers a login page or 404 the same way: what matters is that no file is served
    assert kinds == expected, dict(zip(("view", "save", "upload", "download", "attach", "submit"), kinds))
    db.session.expire_all()
    stored = db.session.scalar(select(ScoreEntry.id).where(ScoreEntry.assessment_id == w.a_id))
    assert (stored is not None) is (expected[1] == "ok")
    after = (db.session.scalar(select(func.count()).select_from(EvidenceDocument)), _links())
    assert after == (before[0] + (expected[2] == "ok"), before[1] + (expected[4] == "ok"))
    assert (w.assessment().status == "submitted") is (expected[5] == "ok")
    if expected[3] == "ok":
        assert results[3].headers["Content-Disposition"].startswith("attachment")


# ------------------------------------------------------------------------------ round 2: added evidence


def _closed_round_one(w):
    c = w.crit("1.2")
    set_status(w.assessment(), "review_1_done")
    w.year().phase = "explanation"
    now = utcnow()
    db.session.add_all([
        ScoreEntry(assessment_id=w.a_id, criterion_id=c.id, stage="self", inputs={"yes": True},
                   points=Decimal("2"), updated_at=now),
        ScoreEntry(assessment_id=w.a_id, criterion_id=c.id, stage="round1", inputs={"yes": False},
                   points=Decimal("0"), note="Thiếu báo cáo quý IV", explanation_requested=True,
                   updated_by_id=w.user("member").id, updated_at=now),
    ])
    db.session.commit()
    return c


def test_explanation_adds_evidence_only_on_items_to_explain(w, auth):
    c = _closed_round_one(w)
    doc = _document(w, symbol="12/BC-STP", name="Báo cáo quý IV.pdf")
    staff = auth.sign_in("a.staff")
    page = staff.get(f"/assessment/{w.a_id}/explain").get_data(as_text=True)
    assert "Tài liệu bổ sung khi giải trình" in page and "Gắn tài liệu từ thư viện" in page
    picker = staff.get(f"/assessment/{w.a_id}/items/{c.id}/evidence", htmx=True).get_data(as_text=True)
    assert f'<option value="{doc.id}">12/BC-STP' in picker and "Tài liệu bổ sung khi giải trình" in picker
    response = staff.post(f"/assessment/{w.a_id}/items/{c.id}/evidence", data={"document_id": doc.id}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<article") and "Báo cáo quý IV.pdf" in html
    link = db.session.scalar(select(ItemEvidence))
    assert link.stage == "explanation" and link.criterion_id == c.id
    other = w.crit("1.1")   # not flagged, not contested
    assert staff.post(f"/assessment/{w.a_id}/items/{other.id}/evidence", data={"document_id": doc.id}).status_code == 404
    assert _links() == 1
    # the council sees it on its page, with the file to open or download
    set_status(w.assessment(), "explanation_submitted")
    w.year().phase = "review_2"
    db.session.commit()
    council = auth.sign_in("member").get(f"/appraisal/{w.a_id}/F1").get_data(as_text=True)
    block = council.split("Tài liệu bổ sung khi giải trình")[1][:1500]
    assert "12/BC-STP" in block and "Báo cáo quý IV.pdf" in block and "/evidence/files/" in block


def test_the_unit_reads_and_answers_the_sent_comment_on_its_explanation_page(w, auth):
    from portal.comments.models import Comment
    c = _closed_round_one(w)
    sent = Comment(assessment_id=w.a_id, criterion_id=c.id, author_id=w.user("member").id,
                   body="Đề nghị bổ sung báo cáo quý IV", visibility="unit", sent_at=utcnow(),
                   sent_by_id=w.user("member").id, created_at=utcnow())
    internal = Comment(assessment_id=w.a_id, criterion_id=c.id, author_id=w.user("member").id,
                       body="Ghi chú nội bộ của Hội đồng", visibility="internal", created_at=utcnow())
    db.session.add_all([sent, internal])
    db.session.commit()
    staff = auth.sign_in("a.staff")
    page = staff.get(f"/assessment/{w.a_id}/explain").get_data(as_text=True)
    assert "Đề nghị bổ sung báo cáo quý IV" in page and "Ghi chú nội bộ" not in page
    assert "Nguyễn Văn Thẩm Định" not in page and "Hội đồng thẩm định" in page
    db.session.expire_all()
    assert db.session.get(Comment, sent.id).seen_by_unit_at is not None     # "seen by the unit at …"
    assert db.session.get(Comment, internal.id).seen_by_unit_at is None
    reply = staff.post(f"/comments/{w.a_id}/{c.id}/{sent.id}/reply", data={"body": "Đơn vị đã bổ sung"}, htmx=True)
    assert reply.status_code == 200 and "Đơn vị đã bổ sung" in reply.get_data(as_text=True)
    council = auth.sign_in("member").get(f"/comments/{w.a_id}/{c.id}/").get_data(as_text=True)
    assert "Đơn vị đã bổ sung" in council and re.search(r"Đơn vị đã xem lúc \d\d/\d\d/\d{4}", council)


@pytest.mark.parametrize("htmx", [False, True])
def test_explanation_item_as_page_and_fragment(w, htmx, auth):
    c = _closed_round_one(w)
    staff = auth.sign_in("a.staff")
    bad = staff.post(f"/assessment/{w.a_id}/explain/{c.id}", data={"stance": "disagree", "text": " ", "version": "0"},
                     htmx=htmx)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Hãy viết nội dung giải trình khi không đồng ý." in html
    assert html.lstrip().startswith("<article") if htmx else "<html" in html
    ok = staff.post(f"/assessment/{w.a_id}/explain/{c.id}", data={"stance": "agree", "text": "", "version": "0"},
                    htmx=htmx)
    assert ok.status_code == (200 if htmx else 303)
    assert db.session.scalar(select(Assessment.status).where(Assessment.id == w.a_id)) == "review_1_done"
