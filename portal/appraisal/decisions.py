"""Quyết định trên từng mục — every item of a field gets an explicit decision in round 1: a score entered
with its reason, or "Đồng ý với điểm tự chấm". An agreement is stored as the round's ScoreEntry copying
the self-score (inputs, points, N/A) with ``agreed`` set, so the arithmetic of the index is exactly the
same as for any other entry; it is audited like every save (action ``appraise_agree``). A field can be
marked done only when every item has a decision; the remaining ones can be accepted at once, explicitly,
with one audit row per item (action ``appraise_accept_rest``)."""
from sqlalchemy import select

from portal.appraisal.domain import council_scored, undecided
from portal.appraisal.pages import field_criteria
from portal.assessments.domain import ItemInput
from portal.assessments.models import ScoreEntry
from portal.extensions import db
from portal.unitfile.entries import save_entry, stage_entry

def agree_item(assessment, criterion, round_no: int, *, expected_version: int, actor, now,
               action: str = "appraise_agree") -> ScoreEntry:
    """Đồng ý với điểm tự chấm: the round's entry becomes a copy of the unit's self-score (no note needed,
    no explanation asked). An item the unit left blank is agreed as blank: no points, exactly what the
    final score gave it before (the page says so beside the button). Raises EditConflict when someone saved
    the item after the member's page was loaded."""
    own = stage_entry(assessment.id, criterion.id, "self")
    item = (ItemInput(dict(own.inputs or {}), own.points, own.not_applicable, own.na_reason or "", "")
            if own is not None else ItemInput({}, None, False, "", ""))
    extra = {"agreed": True} | ({"explanation_requested": False} if round_no == 1 else {})
    return save_entry(assessment, criterion, f"round{round_no}", item, expected_version=expected_version,
                      actor=actor, now=now, action=action, extra=extra)


def undecided_items(assessment, field_code: str, round_no: int):
    """The items of the field the council scores that have no entry in this round yet, in tree order.
    Round 2 asks a decision only on the items the unit explained (see :mod:`portal.appraisal.round2`)."""
    items = [c for c in field_criteria(assessment, field_code) if council_scored(c.kind, c.method)]
    if round_no == 2:
        from portal.appraisal.round2 import explained_ids
        shown = explained_ids(assessment)
        items = [c for c in items if c.id in shown]
    decided = set(db.session.scalars(select(ScoreEntry.criterion_id).where(
        ScoreEntry.assessment_id == assessment.id, ScoreEntry.stage == f"round{round_no}")))
    by_id = {c.id: c for c in items}
    return [by_id[i] for i in undecided([c.id for c in items], decided)]


def accept_remaining(assessment, field_code: str, round_no: int, *, actor, now) -> list:
    """Đồng ý với điểm tự chấm cho các mục còn lại: one agreement, hence one audit row, per undecided
    item. Returns the items accepted."""
    accepted = undecided_items(assessment, field_code, round_no)
    for criterion in accepted:
        agree_item(assessment, criterion, round_no, expected_version=0, actor=actor, now=now,
                   action="appraise_accept_rest")
    return accepted
