"""Who reaches the evidence library over HTTP: another unit's document and file ids are 404 on every GET
and every POST route (indistinguishable from missing ids), anonymous users go to the login page, the
council waits for review round 1, the admin reads but never writes."""
import re

import pytest
from sqlalchemy import func, select

from portal.appraisal.models import CouncilAssignment
from portal.audit.models import AuditLog
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
from portal.extensions import db
from tests.evidence_samples import pdf_bytes
from tests.evidence_world import set_phase, upload, world  # noqa: F401  (fixture)


def _evidence_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("evidence."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, ids: dict) -> str:
    return rule.build({arg: ids[arg] for arg in rule.arguments})[1]


def _with_a_file(world):
    document = world.document()
    assert upload(world.client("staff A"), document.id, [("a.pdf", pdf_bytes())]).status_code == 303
    return document, db.session.scalar(select(EvidenceFile))


def _fingerprint():
    return (db.session.scalar(select(func.count()).select_from(AuditLog)),
            [(d.id, d.summary, d.deleted_at) for d in db.session.scalars(select(EvidenceDocument))],
            [(f.id, f.deleted_at) for f in db.session.scalars(select(EvidenceFile))])


def test_another_units_ids_are_404_on_every_route(world):
    document, row = _with_a_file(world)
    before = _fingerprint()
    intruder = world.client("staff B")
    ids = {"document_id": document.id, "file_id": row.id, "unit_id": world.unit_a.id}
    missing = {"document_id": 999_999, "file_id": 999_999, "unit_id": 999_999}
    probes = 0
    for rule, method in _evidence_rules(world.app):
        if not rule.arguments:
            continue
        for htmx in (False, True):
            response = intruder.open(_url(rule, ids), method=method, htmx=htmx,
                                     data={"summary": "Hack", "edit-summary": "Hack"})
            absent = intruder.open(_url(rule, missing), method=method, htmx=htmx, data={"summary": "Hack"})
            assert response.status_code == absent.status_code == 404, (rule.rule, method)
            probes += 1
    assert probes >= 20
    db.session.expire_all()
    assert _fingerprint() == before


def test_404_pages_look_the_same_for_foreign_and_missing_ids(world):
    document, row = _with_a_file(world)
    intruder = world.client("staff B")
    foreign = intruder.get(f"/evidence/files/{row.id}/download")
    missing = intruder.get("/evidence/files/999999/download")
    # The pages echo the requested URL (the language switch returns to it); apart from that, the request id
    # and the CSRF token (signed with the current second, so two requests may straddle a tick), a foreign id
    # and a missing one must give the very same page.
    def strip(response, file_id):
        html = response.get_data(as_text=True).split("Mã yêu cầu")[0].replace(f"/files/{file_id}/", "/files/N/")
        return re.sub(r'("csrf_token" value="|"X-CSRFToken": ")[^"]+"', r'\1TOKEN"', html)
    assert foreign.status_code == missing.status_code == 404
    assert strip(foreign, row.id) == strip(missing, 999999)


@pytest.mark.parametrize("htmx", [False, True])
def test_anonymous_goes_to_login_everywhere(world, htmx):
    document, row = _with_a_file(world)
    anonymous = world.client("anonymous")
    ids = {"document_id": document.id, "file_id": row.id, "unit_id": world.unit_a.id}
    for rule, method in _evidence_rules(world.app):
        response = anonymous.open(_url(rule, ids), method=method, htmx=htmx)
        if htmx:
            assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login"), rule.rule
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login"), rule.rule


def _backs(world, document, assessment, code="1.2"):
    db.session.add(ItemEvidence(assessment_id=assessment.id, criterion_id=world.items[code].id,
                                document_id=document.id, stage="self"))
    db.session.commit()


def test_council_before_review_1_cannot_download_then_can(world):
    document, row = _with_a_file(world)
    _backs(world, document, world.assessment_a)
    db.session.add(CouncilAssignment(year_id=world.year.id, user_id=world.users["member"].id, field_code="F1"))
    db.session.commit()
    for who in ("member", "chair"):
        client = world.client(who)
        assert client.get(f"/evidence/files/{row.id}/download").status_code == 404
        assert client.get(f"/evidence/documents/{document.id}").status_code == 404
        assert client.get(f"/evidence/units/{world.unit_a.id}").status_code == 403
    set_phase(world.year, "review_1", status="submitted")
    for who in ("member", "chair"):
        client = world.client(who)
        response = client.get(f"/evidence/files/{row.id}/download")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert client.post(f"/evidence/documents/{document.id}/delete").status_code in (403, 404)
    page = world.client("chair").get(f"/evidence/units/{world.unit_a.id}").get_data(as_text=True)
    assert "a.pdf" in page and "Chỉ xem:" in page and "Tải lên" not in page


def test_a_member_opens_only_the_evidence_of_the_items_it_appraises(world):
    """Never a whole library, never a document backing no item of its fields, never its own agency's
    (tv.stc belongs to unit B), and a field the admin reassigned for one unit moves its evidence with it."""
    from portal.appraisal.models import AppraisalOverride
    document, row = _with_a_file(world)
    _backs(world, document, world.assessment_a)                            # backs 1.2 (F1) of unit A
    loose = world.document(summary="Không gắn tiêu chí nào")
    assert upload(world.client("staff A"), loose.id, [("loose.pdf", pdf_bytes("l"))]).status_code == 303
    own = world.document(unit=world.unit_b, summary="Của cơ quan mình")
    db.session.add(CouncilAssignment(year_id=world.year.id, user_id=world.users["member"].id, field_code="F1"))
    db.session.commit()
    _backs(world, own, world.assessment_b)
    assert upload(world.client("staff B"), own.id, [("own.pdf", pdf_bytes("o"))]).status_code == 303
    set_phase(world.year, "review_2", status="explanation_submitted")
    files = {name: db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.original_name == name))
             for name in ("a.pdf", "loose.pdf", "own.pdf")}
    member = world.client("member")
    got = {name: member.get(f"/evidence/files/{fid}/download").status_code for name, fid in files.items()}
    assert got == {"a.pdf": 200, "loose.pdf": 404, "own.pdf": 404}
    for unit in (world.unit_a, world.unit_b):
        refused = member.get(f"/evidence/units/{unit.id}")
        assert refused.status_code == 403 and "ngay tại các tiêu chí" in refused.get_data(as_text=True)
    assert "ngay tại các tiêu chí" in member.get("/evidence/").get_data(as_text=True)
    db.session.add(AppraisalOverride(year_id=world.year.id, unit_id=world.unit_a.id, field_code="F1",
                                     user_id=world.users["chair"].id))
    db.session.commit()
    assert member.get(f"/evidence/files/{files['a.pdf']}/download").status_code == 404   # reassigned away
    chair = world.client("chair")
    assert [chair.get(f"/evidence/files/{fid}/download").status_code for fid in files.values()] == [200, 200, 200]


def test_admin_reads_everything_and_writes_nothing(world):
    document, row = _with_a_file(world)
    before = _fingerprint()
    admin = world.client("admin")
    assert admin.get(f"/evidence/files/{row.id}/download").status_code == 200
    assert admin.get(f"/evidence/files/{row.id}/view").status_code == 200
    for url in (f"/evidence/units/{world.unit_a.id}/documents", f"/evidence/documents/{document.id}/edit",
                f"/evidence/documents/{document.id}/delete", f"/evidence/files/{row.id}/delete"):
        response = admin.post(url, data={"summary": "x"})
        assert response.status_code == 403 and "không có quyền" in response.get_data(as_text=True), url
    assert upload(admin, document.id, [("b.pdf", pdf_bytes())]).status_code == 403
    db.session.expire_all()
    assert _fingerprint() == before


def test_unit_may_keep_adding_evidence_while_explaining(world):
    document, row = _with_a_file(world)
    set_phase(world.year, "explanation", status="review_1_done")
    client = world.client("staff A")
    assert upload(client, document.id, [("bổ sung.pdf", pdf_bytes("b"))]).status_code == 303
    set_phase(world.year, "review_2")
    page = client.get("/evidence/").get_data(as_text=True)
    assert "bổ sung.pdf" in page and "Chỉ xem:" in page and "Thẩm định vòng 2" in page
    assert upload(client, document.id, [("muộn.pdf", pdf_bytes("c"))]).status_code == 403
    assert client.get(f"/evidence/files/{row.id}/download").status_code == 200


def test_the_other_unit_has_its_own_library(world):
    _with_a_file(world)
    page = world.client("staff B").get("/evidence/").get_data(as_text=True)
    assert "Sở Tài chính" in page and "a.pdf" not in page and "Chưa có tài liệu kiểm chứng" in page
    assert world.client("staff B").get(f"/evidence/units/{world.unit_a.id}").status_code == 404
