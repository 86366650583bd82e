"""What the appraisal page of one unit and field shows: every item with its stages, the unit's explanation
and evidence (with its files, to open inline or download), its history and its comment count, loaded in a
constant number of queries whatever the number of items. What the reader may see of the field is
:func:`portal.unitfile.readers.visibility`."""
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.appraisal.domain import council_scored
from portal.assessments.models import Explanation, ScoreEntry
from portal.criteria.models import Criterion
from portal.criteria.nodes import children_of, walk
from portal.criteria.tree import ordered
from portal.extensions import db
from portal.unitfile.domain import ADJUSTMENTS, final_entry
from portal.unitfile.entries import entries_by_stage
from portal.unitfile.explanations import explanations_of
from portal.years.domain import N_

ADJUSTMENTS_TITLE = N_("Điểm cộng, điểm trừ")


@dataclass
class AppraisalItem:
    criterion: Criterion
    depth: int
    stages: dict = field(default_factory=dict)       # stage → ScoreEntry
    explanation: Explanation | None = None
    documents: list = field(default_factory=list)    # attached at self-assessment
    added: list = field(default_factory=list)        # added with the explanation (tài liệu bổ sung)
    entry: ScoreEntry | None = None                  # the entry of the round being edited (for the form)
    history: object = None                           # portal.unitfile.history.ItemHistory
    comments: object = None                          # portal.comments.counts.ItemCount

    @property
    def is_leaf(self) -> bool:
        return self.criterion.kind in ("item", "adjustment")

    @property
    def unit_scored(self) -> bool:
        return council_scored(self.criterion.kind, self.criterion.method)

    @property
    def final(self) -> ScoreEntry | None:
        return final_entry(self.stages.get("round1"), self.stages.get("round2"))


def field_criteria(assessment, field_code: str) -> list[Criterion]:
    """The criteria of one appraisal field (or of ADJ, the bonus and deduction items), in tree order."""
    stmt = select(Criterion).where(Criterion.set_id == assessment.criteria_set_id)
    if field_code == ADJUSTMENTS:
        stmt = stmt.where(Criterion.kind == "adjustment")
    else:
        stmt = stmt.where(Criterion.field_code == field_code)
    rows = list(db.session.scalars(stmt))
    in_order = ordered(rows)          # position is among siblings: 2.1.1, 2.1.2 before 2.2.1
    placed = {id(row) for row in in_order}
    return in_order + [row for row in rows if id(row) not in placed]


def field_node(assessment, field_code: str):
    """The field's own criterion (its title and max), or a stand-in for ADJ; None for an unknown code."""
    if field_code == ADJUSTMENTS:
        if not field_criteria(assessment, ADJUSTMENTS):
            return None
        return Criterion(code=ADJUSTMENTS, title=ADJUSTMENTS_TITLE, kind="field", max_points=None)
    return next((c for c in assessment.criteria_set.criteria if c.kind == "field" and c.code == field_code), None)


def field_items(assessment, field_code: str, round_no: int, evidence: dict, *, added: dict | None = None,
                histories: dict | None = None, comments: dict | None = None) -> list[AppraisalItem]:
    """The field's nodes in tree order, each leaf with its self, round-1 and round-2 entries."""
    criteria = field_criteria(assessment, field_code)
    stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    explanations = explanations_of(assessment.id)
    children = children_of(criteria, order=None)
    ids = {c.id for c in criteria}
    roots = [c for c in criteria if c.parent_id not in ids and c.kind != "field"]
    roots = [child for c in criteria if c.kind == "field" for child in children.get(c.id, [])] or roots
    out: list[AppraisalItem] = []
    for crit, depth in walk(roots, children):
        item = AppraisalItem(crit, depth, dict(stages.get(crit.id, {})), explanations.get(crit.id),
                             evidence.get(crit.id, []), (added or {}).get(crit.id, []))
        item.entry = item.stages.get(f"round{round_no}")
        item.history = (histories or {}).get(crit.id)
        item.comments = (comments or {}).get(crit.id)
        out.append(item)
    return out

