"""A realistic year for report tests and the report benchmark: the demo year (31 units, 2 criteria sets)
with self, round-1 and round-2 scores, survey scores, evidence links, sent and internal comments and
explanations, filled programmatically with a seeded random generator."""
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.auth.models import User
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence.models import EvidenceDocument, ItemEvidence
from portal.extensions import db
from portal.results.models import SurveyScore
from portal.seed import seed_demo

QUARTER = Decimal("0.25")
INTERNAL_NOTE = "Ý kiến nội bộ: cần đối chiếu thêm số liệu với Văn phòng UBND tỉnh"
SENT_NOTE = "Đề nghị đơn vị bổ sung văn bản chứng minh việc hoàn thành kế hoạch đúng hạn"


def _points(rng: random.Random, maximum: Decimal, low: float = 0.4) -> Decimal:
    quarters = int(maximum / QUARTER)
    return max(0, min(quarters, round(quarters * rng.uniform(low, 1.0)))) * QUARTER


def _score_unit(rng, assessment, leaves, adjustments, author_id, now, doc):
    for crit in leaves:
        if crit.method == "survey":
            db.session.add(SurveyScore(year_id=assessment.year_id, unit_id=assessment.unit_id, criterion_id=crit.id,
                                       points=_points(rng, crit.max_points, 0.6), updated_at=now))
            continue
        na = crit.na_allowed and rng.random() < 0.15
        self_points = None if na else _points(rng, crit.max_points, 0.5)
        note = "Đơn vị đã triển khai đầy đủ; văn bản lưu tại bộ phận một cửa" if rng.random() < 0.5 else ""
        db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage="self", inputs={},
                                  points=self_points, not_applicable=na, note=note, updated_by_id=author_id,
                                  updated_at=now))
        if rng.random() < 0.85:
            db.session.add(ItemEvidence(assessment_id=assessment.id, criterion_id=crit.id, document_id=doc.id))
        if not na and rng.random() < 0.4:
            r1 = _points(rng, self_points or crit.max_points, 0.3) if self_points else Decimal(0)
            flagged = rng.random() < 0.4
            db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage="round1", inputs={},
                                      points=r1, note="Thẩm định lần 1", explanation_requested=flagged,
                                      updated_by_id=author_id, updated_at=now))
            if flagged:
                db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage="round2",
                                          inputs={}, points=self_points, note="Chấp nhận giải trình",
                                          updated_by_id=author_id, updated_at=now))
                db.session.add(Explanation(assessment_id=assessment.id, criterion_id=crit.id, stance="disagree",
                                           text="Đơn vị đã bổ sung Kế hoạch số 12/KH-UBND",
                                           updated_by_id=author_id, updated_at=now))
                db.session.add(Comment(assessment_id=assessment.id, criterion_id=crit.id, author_id=author_id,
                                       body=SENT_NOTE, round=1, visibility="unit", sent_at=now, sent_by_id=author_id,
                                       created_at=now))
                db.session.add(Comment(assessment_id=assessment.id, criterion_id=crit.id, author_id=author_id,
                                       body=INTERNAL_NOTE, round=1, visibility="internal", created_at=now))
    for crit in adjustments:
        count = rng.choice([0, 0, 1, 2])
        db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage="self",
                                  inputs={"count": count}, points=None, updated_by_id=author_id, updated_at=now))


def build_year(phase: str = "synthesis", seed: int = 20221126):
    """Seed the demo year and fill every unit's scores; returns the AssessmentYear."""
    now = utcnow()
    year = seed_demo(now=now)["year"]
    year.phase = phase
    db.session.flush()
    rng = random.Random(seed)
    author_id = db.session.scalar(select(User.id).where(User.username == "tv.snv"))
    criteria = list(db.session.scalars(select(Criterion)))
    parents = {c.parent_id for c in criteria}
    for assessment in db.session.scalars(select(Assessment).where(Assessment.year_id == year.id)).all():
        own = [c for c in criteria if c.set_id == assessment.criteria_set_id]
        leaves = sorted((c for c in own if c.kind == "item" and c.id not in parents), key=lambda c: c.id)
        adjustments = [c for c in own if c.kind == "adjustment"]
        doc = EvidenceDocument(unit_id=assessment.unit_id, year_id=year.id, symbol="01/KH-UBND",
                               issued_on=date(year.year, 1, 15), issuer="UBND", summary="Kế hoạch CCHC năm")
        db.session.add(doc)
        db.session.flush()
        _score_unit(rng, assessment, leaves, adjustments, author_id, now - timedelta(days=1), doc)
        assessment.status = "finalized"
    db.session.commit()
    return year
