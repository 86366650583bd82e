"""The demo filler (flask seed-demo --phase …): a whole appraised year, every stage a separate record,
points as the scoring engine computes them, results for all 31 units."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from portal.results.models import SurveyScore, UnitResult
from portal.scoring import compute_points
from portal.seed import seed_demo
from portal.years.models import AssessmentYear


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_fill_through_synthesis_gives_a_ranked_year(ctx):
    seed_demo(now=utcnow(), phase="synthesis")
    db.session.commit()
    year = db.session.scalar(select(AssessmentYear))
    assert year.phase == "synthesis"
    assert _count(Assessment, Assessment.status != "finalized") == 0
    assert _count(UnitResult) == 31 and _count(UnitResult, UnitResult.rank == 1) >= 2   # one per unit type
    for stage in ("self", "round1"):
        assert _count(ScoreEntry, ScoreEntry.stage == stage) > 31 * 40
    assert 0 < _count(ScoreEntry, ScoreEntry.stage == "round2") <= _count(Explanation, Explanation.stance == "disagree")
    assert _count(Comment, Comment.sent_at.isnot(None)) > 0 and _count(SurveyScore) == 31 * 8
    crits = {c.id: c for c in db.session.scalars(select(Criterion))}
    for entry in db.session.scalars(select(ScoreEntry).where(ScoreEntry.not_applicable.is_(False))):
        c = crits[entry.criterion_id]
        assert entry.points == compute_points(c.method, c.config, c.max_points, entry.inputs).quantize(Decimal("0.01"))
    for row in db.session.scalars(select(SurveyScore)):
        assert 0 <= row.points <= crits[row.criterion_id].max_points


@pytest.mark.parametrize("phase", ["self_assessment", "review_1", "explanation", "review_2"])
def test_the_year_stands_in_the_requested_phase_with_earlier_work_done(ctx, phase):
    seed_demo(now=utcnow(), phase=phase)
    db.session.commit()
    year = db.session.scalar(select(AssessmentYear))
    assert year.phase == phase
    window = year.window(phase)
    assert window.opens_at <= utcnow() < window.closes_at        # the demo stands in an open phase
    expected = {"self_assessment": "draft", "review_1": "submitted", "explanation": "review_1_done",
                "review_2": "explanation_submitted"}[phase]
    assert {a.status for a in db.session.scalars(select(Assessment))} == {expected}
    assert _count(UnitResult) == 0


def test_no_member_appraises_its_own_agency_in_the_filled_year(ctx):
    from portal.appraisal.models import AppraisalOverride, FieldReview
    from portal.auth.models import User
    seed_demo(now=utcnow(), phase="synthesis")
    db.session.commit()
    agency = {u.id: u.unit_id for u in db.session.scalars(select(User).where(User.unit_id.isnot(None)))}
    units = {a.id: a.unit_id for a in db.session.scalars(select(Assessment))}
    appraised = db.session.execute(select(ScoreEntry.assessment_id, ScoreEntry.updated_by_id)
                                   .where(ScoreEntry.stage.in_(("round1", "round2")))).all()
    reviews = db.session.execute(select(FieldReview.assessment_id, FieldReview.done_by_id)).all()
    assert appraised and reviews
    assert [row for row in appraised + reviews if agency.get(row[1]) == units[row[0]]] == []
    # the conflicts were resolved the way the admin does it: reassignments of the unit's fields
    assert _count(AppraisalOverride) >= 5
    chair = db.session.scalar(select(User).where(User.role == "council_chair"))
    own = db.session.scalar(select(Assessment).where(Assessment.unit_id == chair.unit_id))
    assert own.finalized_by_id != chair.id          # the chair's own agency is finalised by the admin
    assert {a.finalized_by_id for a in db.session.scalars(select(Assessment)) if a.id != own.id} == {chair.id}


def test_demo_evidence_documents_carry_real_pdfs_naming_their_unit(ctx):
    """Every evidence document of the review phases has a small real PDF (issue 16): it parses, its text
    names the unit, its number and the items it backs, and it passes the upload checks (sniff + PDF scan)."""
    import io

    from pypdf import PdfReader

    from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
    from portal.evidence.sniff import detect
    from portal.evidence.storage import blob_path
    seed_demo(now=utcnow(), phase="review_1")
    db.session.commit()
    docs = list(db.session.scalars(select(EvidenceDocument)))
    files = {f.document_id: f for f in db.session.scalars(select(EvidenceFile))}
    assert docs and set(files) == {d.id for d in docs}
    linked = db.session.scalars(select(ItemEvidence.document_id)).first()
    doc = db.session.get(EvidenceDocument, linked)
    row = files[doc.id]
    path = blob_path(row.sha256)
    data = path.read_bytes()
    assert row.content_type == "application/pdf" and row.size == len(data) < 40_000
    assert data.startswith(b"%PDF-") and row.original_name.endswith(".pdf")
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert doc.issuer and doc.issuer.upper() in text and doc.issuer in text
    assert f"Số: {doc.symbol}" in text and "Các mục được kiểm chứng:" in text
    codes = db.session.scalars(select(Criterion.code)
                               .join(ItemEvidence, ItemEvidence.criterion_id == Criterion.id)
                               .where(ItemEvidence.document_id == doc.id)).all()
    assert codes and all(code in text for code in codes)
    assert detect(str(path), row.original_name).mime == "application/pdf"    # the upload checks accept it
