"""What the appraisal page of one unit and field shows: every item with its stages, evidence and
explanation, loaded in a constant number of queries."""
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.appraisal.domain import can_see, final_entry, relation
from portal.appraisal.rounds import COUNCIL_METHODS
from portal.appraisal.services import entries_by_stage
from portal.assessments.models import Explanation, ScoreEntry
from portal.criteria.models import Criterion
from portal.extensions import db


@dataclass
class AppraisalItem:
    criterion: Criterion
    depth: int
    stages: dict = field(default_factory=dict)       # stage → ScoreEntry
    explanation: Explanation | None = None
    documents: list = field(default_factory=list)
    entry: ScoreEntry | None = None                  # the entry of the round being edited (for the form)

    @property
    def is_leaf(self) -> bool:
        return self.criterion.kind in ("item", "adjustment")

    @property
    def unit_scored(self) -> bool:
        return self.criterion.method in COUNCIL_METHODS

    @property
    def final(self) -> ScoreEntry | None:
        return final_entry(self.stages.get("round1"), self.stages.get("round2"))


def field_items(assessment, field_code: str, round_no: int, evidence: dict) -> list[AppraisalItem]:
    """The field's nodes in tree order, each leaf with its self, round-1 and round-2 entries."""
    criteria = list(db.session.scalars(select(Criterion).where(
        Criterion.set_id == assessment.criteria_set_id, Criterion.field_code == field_code)
        .order_by(Criterion.position, Criterion.id)))
    stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    explanations = {e.criterion_id: e for e in db.session.scalars(select(Explanation).where(
        Explanation.assessment_id == assessment.id))}
    children: dict = {}
    for crit in criteria:
        children.setdefault(crit.parent_id, []).append(crit)
    ids = {c.id for c in criteria}
    roots = [c for c in criteria if c.parent_id not in ids]
    out: list[AppraisalItem] = []

    def walk(crit, depth):
        item = AppraisalItem(crit, depth, dict(stages.get(crit.id, {})), explanations.get(crit.id),
                             evidence.get(crit.id, []))
        item.entry = item.stages.get(f"round{round_no}")
        out.append(item)
        for child in children.get(crit.id, []):
            walk(child, depth + 1)
    for root in roots:
        walk(root, 0)
    return out


def visibility(user, assessment, field_code, fields, phase) -> dict:
    """What this viewer may see of the field, from the one policy table."""
    rel = relation(role=user.role if user.is_authenticated else "anonymous", actor_unit_id=user.unit_id,
                   unit_id=assessment.unit_id, field_code=field_code, assigned_fields=fields)
    return {obj: can_see(rel, obj, phase) for obj in
            ("self_score", "round1_score", "internal_comment", "explanation", "final_score")} | {"relation": rel}
