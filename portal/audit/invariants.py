"""Bất biến dữ liệu — the invariants of the whole database, checked by ``flask check`` and after every test
that used the database (security.md §4.6, after HotCRP's ConfInvariants).

Each check returns human-readable violations (empty list = holds). They read only; nothing is repaired:

* scores: every stored score within [0, the item's maximum]; survey points within [0, max];
* results: each unit's index equals the index formula applied to its stored totals, within [0, 100];
* files: every file row has its blob in the store with the right sha256 (soft-deleted ones too);
* links: score entries, comments and evidence links stay inside their own assessment's criteria set and
  unit (a document of unit B attached to unit A's item would be a leak);
* workflow: no score entry or explanation of a finalised file was changed after it was finalised (no open
  draft left in a finalised file);
* types: every assessment file is of a unit type its year declares and is scored on that type's criteria
  set of the same year;
* audit: the hash chain of the audit log is intact.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, select

from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.audit.services import chain_problems
from portal.comments.models import Comment
from portal.criteria.models import CriteriaSet, Criterion
from portal.evidence.models import EvidenceDocument, ItemEvidence
from portal.evidence.storage import verify_blobs
from portal.extensions import db
from portal.results.models import SurveyScore, UnitResult
from portal.scoring import compute_index
from portal.units.models import UnitType

LIMIT = 20  # violations listed per check (the count is always exact)


def _listed(rows, text) -> list[str]:
    rows = list(rows)
    out = [text(r) for r in rows[:LIMIT]]
    if len(rows) > LIMIT:
        out.append(f"… and {len(rows) - LIMIT} more")
    return out


def scores_in_range() -> list[str]:
    over = db.session.execute(
        select(ScoreEntry.id, ScoreEntry.stage, ScoreEntry.points, Criterion.code, Criterion.max_points)
        .join(Criterion, Criterion.id == ScoreEntry.criterion_id)
        .where(ScoreEntry.points.is_not(None),
               (ScoreEntry.points < 0) | and_(Criterion.max_points.is_not(None),
                                              ScoreEntry.points > Criterion.max_points))).all()
    survey = db.session.execute(
        select(SurveyScore.id, SurveyScore.points, Criterion.code, Criterion.max_points)
        .join(Criterion, Criterion.id == SurveyScore.criterion_id)
        .where((SurveyScore.points < 0) | and_(Criterion.max_points.is_not(None),
                                               SurveyScore.points > Criterion.max_points))).all()
    return (_listed(over, lambda r: f"score_entry {r.id} ({r.stage}, {r.code}): {r.points} outside [0, {r.max_points}]")
            + _listed(survey, lambda r: f"survey_score {r.id} ({r.code}): {r.points} outside [0, {r.max_points}]"))


def results_consistent() -> list[str]:
    bad = []
    for r in db.session.scalars(select(UnitResult).order_by(UnitResult.id)):
        expected = compute_index(r.appraisal_points + r.survey_points, r.bonus, r.deductions, r.applicable_max)
        if r.index != expected:
            bad.append(f"unit_result {r.id} (unit {r.unit_id}): index {r.index} but its totals give {expected}")
        elif r.index is not None and not Decimal(0) <= r.index <= Decimal(100):
            bad.append(f"unit_result {r.id}: index {r.index} outside [0, 100]")
        if min(r.appraisal_points, r.survey_points, r.bonus, r.deductions, r.applicable_max) < 0:
            bad.append(f"unit_result {r.id}: a negative total")
    return bad[:LIMIT]


def blobs_match() -> list[str]:
    return _listed(verify_blobs(), lambda p: f"evidence_file {p[0].id} ({p[0].original_name}): blob {p[1]}")


def links_stay_inside() -> list[str]:
    entry = db.session.execute(
        select(ScoreEntry.id).join(Assessment, Assessment.id == ScoreEntry.assessment_id)
        .join(Criterion, Criterion.id == ScoreEntry.criterion_id)
        .where(Criterion.set_id != Assessment.criteria_set_id)).scalars().all()
    comment = db.session.execute(
        select(Comment.id).join(Assessment, Assessment.id == Comment.assessment_id)
        .join(Criterion, Criterion.id == Comment.criterion_id)
        .where(Criterion.set_id != Assessment.criteria_set_id)).scalars().all()
    parent_alias = Comment.__table__.alias("parent")
    parent = db.session.execute(
        select(Comment.id).join(parent_alias, parent_alias.c.id == Comment.parent_id)
        .where((parent_alias.c.assessment_id != Comment.assessment_id)
               | (parent_alias.c.criterion_id != Comment.criterion_id))).scalars().all()
    evidence = db.session.execute(
        select(ItemEvidence.id).join(Assessment, Assessment.id == ItemEvidence.assessment_id)
        .join(EvidenceDocument, EvidenceDocument.id == ItemEvidence.document_id)
        .where((EvidenceDocument.unit_id != Assessment.unit_id) | (EvidenceDocument.year_id != Assessment.year_id))
    ).scalars().all()
    return (_listed(entry, lambda i: f"score_entry {i}: item of another criteria set")
            + _listed(comment, lambda i: f"comment {i}: item of another criteria set")
            + _listed(parent, lambda i: f"comment {i}: replies to a comment of another item")
            + _listed(evidence, lambda i: f"item_evidence {i}: a document of another unit or year"))


def workflow_consistent() -> list[str]:
    """No score entry or explanation of a finalised file changed after the file was finalised."""
    late = db.session.execute(
        select(ScoreEntry.id, ScoreEntry.assessment_id).join(Assessment, Assessment.id == ScoreEntry.assessment_id)
        .where(Assessment.status == "finalized", Assessment.finalized_at.is_not(None),
               ScoreEntry.updated_at > Assessment.finalized_at)).all()
    late_expl = db.session.execute(
        select(Explanation.id, Explanation.assessment_id)
        .join(Assessment, Assessment.id == Explanation.assessment_id)
        .where(Assessment.status == "finalized", Assessment.finalized_at.is_not(None),
               Explanation.updated_at > Assessment.finalized_at)).all()
    return (_listed(late, lambda r: f"score_entry {r.id}: changed after assessment {r.assessment_id} was finalised")
            + _listed(late_expl, lambda r: f"explanation {r.id}: changed after assessment {r.assessment_id} was finalised"))


def types_consistent() -> list[str]:
    """Every file's type is one its year declares, and its criteria set is that type's set of that year."""
    rows = db.session.execute(
        select(Assessment.id, Assessment.unit_type, CriteriaSet.unit_type.label("set_type"),
               CriteriaSet.year_id.label("set_year"), Assessment.year_id, UnitType.id.label("type_id"))
        .join(CriteriaSet, CriteriaSet.id == Assessment.criteria_set_id)
        .outerjoin(UnitType, and_(UnitType.year_id == Assessment.year_id, UnitType.code == Assessment.unit_type))
        .where((CriteriaSet.unit_type != Assessment.unit_type) | (CriteriaSet.year_id != Assessment.year_id)
               | UnitType.id.is_(None))).all()
    return _listed(rows, lambda r: f"assessment {r.id}: type {r.unit_type!r} of year {r.year_id} (declared: "
                                   f"{r.type_id is not None}) on the {r.set_type!r} set of year {r.set_year}")


def audit_chain() -> list[str]:
    return _listed(chain_problems(), lambda p: f"audit_log {p[0]}: {p[1]} altered after it was written")


CHECKS = {
    "scores": scores_in_range,
    "results": results_consistent,
    "files": blobs_match,
    "links": links_stay_inside,
    "workflow": workflow_consistent,
    "types": types_consistent,
    "audit": audit_chain,
}


def check_all(only=None) -> dict[str, list[str]]:
    """{check name: violations} for every check (or the ones named in ``only``)."""
    return {name: fn() for name, fn in CHECKS.items() if only is None or name in only}
