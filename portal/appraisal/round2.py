"""Round 2 (thẩm định vòng 2) shows only what was explained: the items the unit explained (giải trình) in
words or by adding evidence during the explanation, plus any item already holding a round-2 score. A field with none of them has nothing to re-appraise and
counts as done on its own (no member has to open it to click "done"); the board counts explained items
only."""
from sqlalchemy import select

from portal.assessments.models import Explanation, ScoreEntry
from portal.evidence.models import ItemEvidence
from portal.extensions import db


def explained_ids(assessment) -> set[int]:
    """The items the council re-appraises in round 2 for this unit."""
    explained = set(db.session.scalars(select(Explanation.criterion_id).where(
        Explanation.assessment_id == assessment.id)))
    scored = set(db.session.scalars(select(ScoreEntry.criterion_id).where(
        ScoreEntry.assessment_id == assessment.id, ScoreEntry.stage == "round2")))
    evidence = set(db.session.scalars(select(ItemEvidence.criterion_id).where(
        ItemEvidence.assessment_id == assessment.id, ItemEvidence.stage == "explanation")))
    return explained | scored | evidence


def explained_by_assessment(assessment_ids) -> dict[int, set[int]]:
    """{assessment_id: the item ids of round 2} for many files in three queries (the board)."""
    out: dict[int, set[int]] = {aid: set() for aid in assessment_ids}
    if not out:
        return out
    for aid, cid in db.session.execute(select(Explanation.assessment_id, Explanation.criterion_id).where(
            Explanation.assessment_id.in_(list(out)))):
        out[aid].add(cid)
    for aid, cid in db.session.execute(select(ScoreEntry.assessment_id, ScoreEntry.criterion_id).where(
            ScoreEntry.assessment_id.in_(list(out)), ScoreEntry.stage == "round2")):
        out[aid].add(cid)
    for aid, cid in db.session.execute(select(ItemEvidence.assessment_id, ItemEvidence.criterion_id).where(
            ItemEvidence.assessment_id.in_(list(out)), ItemEvidence.stage == "explanation")):
        out[aid].add(cid)
    return out


def only_explained(items, shown: set[int]) -> list:
    """The appraisal page's nodes reduced to round 2: the leaves in ``shown`` and the headings above them."""
    out, pending = [], []
    for item in items:
        if not item.is_leaf:
            pending = [p for p in pending if p.depth < item.depth] + [item]
        elif item.criterion.id in shown:
            out += pending + [item]
            pending = []
    return out
