"""Giải trình — the unit's use cases of round 2, beside its explanation routes
(:mod:`portal.assessments.explain`): answer one flagged or contested item (agree or disagree, and explain),
and submit the explanations (chốt giải trình). Which items it may explain is the file's own rule
(:func:`portal.unitfile.explanations.explanation_items`), which the council's round 1 counts too."""
from sqlalchemy import select

from portal.assessments.domain import ItemInput, N_
from portal.assessments.models import Assessment, Explanation
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.text import clean_text
from portal.unitfile.entries import EditConflict, ItemInvalid


def save_explanation(assessment: Assessment, criterion: Criterion, *, stance: str, text: str,
                     expected_version: int, actor, now) -> Explanation:
    """The unit's answer on one item: agree or disagree, and its explanation (required when disagreeing)."""
    text = clean_text(text, multiline=True)  # NFC, no control or bidi characters
    errors = {}
    if stance not in ("agree", "disagree"):
        errors["stance"] = N_("Hãy chọn đồng ý hoặc không đồng ý với điểm thẩm định.")
    if stance == "disagree" and not text.strip():
        errors["text"] = N_("Hãy viết nội dung giải trình khi không đồng ý.")
    if errors:
        raise ItemInvalid(ItemInput({}, None, False, "", text, errors))
    row = db.session.scalar(select(Explanation).where(Explanation.assessment_id == assessment.id,
                                                      Explanation.criterion_id == criterion.id))
    if expected_version != (row.version if row else 0):
        raise EditConflict(None, ItemInput({}, None, False, "", text, {}))
    old = {"stance": row.stance, "text": row.text} if row else None
    if row is None:
        row = Explanation(assessment_id=assessment.id, criterion_id=criterion.id, stance=stance)
        db.session.add(row)
    row.stance, row.text, row.updated_by_id, row.updated_at = stance, text.strip(), actor.id, now
    db.session.flush()
    record("explanation", "explanation", row.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old=old, new={"stance": stance, "text": row.text, "criterion": criterion.code})
    return row


def submit_explanations(assessment: Assessment, *, actor, now) -> None:
    """Chốt giải trình: the leader locks the unit's explanations."""
    old = assessment.status
    assessment.status = "explanation_submitted"
    assessment.explanation_submitted_at, assessment.explanation_submitted_by_id = now, actor.id
    record("explanation_submit", "assessment", assessment.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old={"status": old}, new={"status": assessment.status, "at": now})
