"""Giải trình — the unit's explanations on its file: which items it may explain (flagged by the council in
round 1, or appraised differently from the self-score) and the explanations it wrote. The unit's explanation
page and the council's round 1 (the count it tells the unit) and round 2 (the answers it re-appraises) read
them here; the unit's use cases that write them sit beside its routes
(:mod:`portal.assessments.explanations`)."""
from sqlalchemy import select

from portal.assessments.models import Assessment, Explanation
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.unitfile.domain import differs


def explanations_of(assessment_id: int) -> dict[int, Explanation]:
    """{criterion_id: Explanation} of one file, in one query."""
    return {e.criterion_id: e for e in db.session.scalars(select(Explanation).where(
        Explanation.assessment_id == assessment_id))}


def explanation_items(assessment: Assessment, criteria, stages) -> list[Criterion]:
    """Items on which the unit may explain in round 2: flagged by the council, or appraised differently
    from the self-score (contested). ``stages``: {criterion_id: {stage: ScoreEntry}} of the file."""
    out = []
    for crit in criteria:
        item = stages.get(crit.id, {})
        r1, own = item.get("round1"), item.get("self")
        if r1 is None:
            continue
        if r1.explanation_requested or differs(own.points if own else None, bool(own and own.not_applicable),
                                               r1.points, r1.not_applicable):
            out.append(crit)
    return out
