"""Use cases of the two appraisal rounds.

Round 1: members score every item of their fields (same inputs as the unit), a note is required where the
score differs from the self-score, and may ask for an explanation; each member marks a field done. The chair
closes round 1 for a unit: the unit then sees its round-1 scores, the comments sent to it and the flagged
items. Round 2: the unit agrees or disagrees on flagged or contested items, explains and adds evidence, the
leader submits (the unit's use cases, :mod:`portal.assessments.explanations`); members re-appraise explained
items; the chair finalises the unit. Nothing is overwritten: each stage is its own row and every change is
audited (:func:`portal.unitfile.entries.save_entry`)."""
from datetime import datetime

from sqlalchemy import select

from portal.appraisal.domain import council_scored
from portal.appraisal.models import FieldReview
from portal.appraisal.round2 import explained_ids
from portal.assessments.domain import N_, read_item_form
from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.notifications.services import notify, portal_language, unit_user_ids
from portal.local_time import format_local
from portal.unitfile.domain import ADJUSTMENTS, differs, field_of
from portal.unitfile.entries import ItemInvalid, entries_by_stage, save_entry, stage_entry
from portal.unitfile.explanations import explanation_items
from portal.years.windows import phase_window
from portal.years.models import AssessmentYear


def save_round_item(assessment: Assessment, criterion: Criterion, round_no: int, form, *, expected_version: int,
                    actor, now: datetime) -> ScoreEntry:
    """Save an appraised score of round 1 or 2. A note (nhận xét) is required when it differs from the
    unit's self-score; round 1 may ask the unit for an explanation (yêu cầu giải trình)."""
    item = read_item_form(criterion.method, criterion.max_points, criterion.config or {}, form,
                          na_allowed=criterion.na_allowed)
    own = stage_entry(assessment.id, criterion.id, "self")
    if not item.errors and differs(own.points if own else None, bool(own and own.not_applicable),
                                   item.points, item.not_applicable) and not item.note:
        item.errors["note"] = N_("Điểm thẩm định khác điểm tự chấm: hãy ghi nhận xét nêu lý do.")
    if item.errors:
        raise ItemInvalid(item)
    extra = {"explanation_requested": form.get("explanation_requested") in ("1", "on")} if round_no == 1 else {}
    return save_entry(assessment, criterion, f"round{round_no}", item, expected_version=expected_version,
                      actor=actor, now=now, action=f"appraise_round{round_no}", extra=extra)


def field_done(assessment: Assessment, field_code: str, round_no: int) -> FieldReview | None:
    return db.session.scalar(select(FieldReview).where(
        FieldReview.assessment_id == assessment.id, FieldReview.field_code == field_code,
        FieldReview.round == round_no))


def mark_field(assessment: Assessment, field_code: str, round_no: int, done: bool, *, actor, now) -> None:
    """A member marks (or unmarks) one field of a unit as appraised in a round."""
    row = field_done(assessment, field_code, round_no)
    if done and row is None:
        db.session.add(FieldReview(assessment_id=assessment.id, field_code=field_code, round=round_no,
                                   done_at=now, done_by_id=actor.id))
    elif not done and row is not None:
        db.session.delete(row)
    else:
        return
    record("field_done" if done else "field_reopen", "assessment", assessment.id, actor=actor,
           unit_id=assessment.unit_id, year_id=assessment.year_id, new={"field": field_code, "round": round_no})


def council_fields(criteria) -> list[str]:
    """The fields of a criteria set the council marks done, in tree order: every field with at least one
    item it scores (a survey-only field such as F8/F9 has nothing to appraise), then ADJ when the set has
    bonus or deduction items."""
    codes = {field_of(c.kind, c.field_code) for c in criteria if council_scored(c.kind, c.method)}
    ordered = [c.code for c in sorted(criteria, key=lambda c: (c.position, c.id))
               if c.kind == "field" and c.code in codes]
    return ordered + ([ADJUSTMENTS] if ADJUSTMENTS in codes else [])


def all_fields_done(assessment: Assessment, round_no: int) -> bool:
    """Every field the council appraises for this unit is marked done in this round; in round 2 only the
    fields holding an item the unit explained count (the others are done by themselves)."""
    done = set(db.session.scalars(select(FieldReview.field_code).where(
        FieldReview.assessment_id == assessment.id, FieldReview.round == round_no)))
    criteria = assessment.criteria_set.criteria
    fields = council_fields(criteria)
    if round_no == 2:
        shown = explained_ids(assessment)
        with_work = {field_of(c.kind, c.field_code) for c in criteria
                     if c.id in shown and council_scored(c.kind, c.method)}
        fields = [code for code in fields if code in with_work]
    return all(code in done for code in fields)


def _explain_link(assessment) -> str:
    from flask import has_request_context, url_for
    if has_request_context():
        return url_for("assessments.explain", assessment_id=assessment.id)
    return f"/assessment/{assessment.id}/explain"


def _tell_unit_round1(assessment: Assessment, to_explain: int, *, now) -> None:
    """The unit's staff and leader learn that round 1 is over, and how many items ask for an answer."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    year = db.session.get(AssessmentYear, assessment.year_id)
    close = phase_window(year, "explanation").closes_at
    with portal_language():
        text = _("Hội đồng thẩm định đã kết thúc thẩm định vòng 1 hồ sơ của đơn vị.")
        if to_explain:
            text += " " + ngettext(
                "Có %(n)d mục Hội đồng yêu cầu giải trình hoặc chấm khác điểm tự chấm; đơn vị xem kết quả, ý "
                "kiến đã gửi và giải trình trong giai đoạn giải trình.",
                "Có %(n)d mục Hội đồng yêu cầu giải trình hoặc chấm khác điểm tự chấm; đơn vị xem kết quả, ý "
                "kiến đã gửi và giải trình trong giai đoạn giải trình.", to_explain, n=to_explain)
            if close is not None:
                text += " " + _("Hạn chót giải trình: %(time)s.", time=format_local(close, seconds=False))
            kind = "explanation_requested"
        else:
            text += " " + _("Không có mục nào cần giải trình; đơn vị xem kết quả thẩm định vòng 1 trên cổng.")
            kind = "round1_closed"
    notify(unit_user_ids([assessment.unit_id]), kind, text, _explain_link(assessment), now=now)


def close_round1(assessment: Assessment, *, actor, now, reason: str | None = None) -> int:
    """Kết thúc thẩm định vòng 1 for a unit: the unit now sees its round-1 scores, the comments sent to it
    and the items to explain, and is told so. ``reason`` says how it closed (the chair's decision, or the
    move of the year to explanation). Returns the number of items the unit may explain."""
    old = assessment.status
    assessment.status = "review_1_done"
    criteria = assessment.criteria_set.criteria
    stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    to_explain = len(explanation_items(assessment, criteria, stages))
    record("round1_close", "assessment", assessment.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old={"status": old},
           new={"status": "review_1_done", "at": now, "items_to_explain": to_explain}, reason=reason)
    _tell_unit_round1(assessment, to_explain, now=now)
    return to_explain


#: Why round 1 closed for a unit when the year moved on (the audit row's reason).
PHASE_CHANGE_REASON = "Kết thúc thẩm định vòng 1 khi chuyển sang giai đoạn giải trình"


def units_to_close(year) -> list[Assessment]:
    """Files whose round 1 is still open (not yet closed by the chair): they close when the year moves on."""
    return list(db.session.scalars(select(Assessment).where(
        Assessment.year_id == year.id, Assessment.status == "submitted").order_by(Assessment.id)))


def close_round1_for_year(year, *, actor, now) -> int:
    """Round 1 closes at the deadline for everyone: when the admin moves the year from review round 1 to
    explanation, every file whose round 1 the chair had not closed yet is closed now (audited per unit,
    each unit told). Returns the number of files closed."""
    files = units_to_close(year)
    for assessment in files:
        close_round1(assessment, actor=actor, now=now, reason=PHASE_CHANGE_REASON)
    db.session.flush()
    return len(files)


def finalize(assessment: Assessment, *, actor, now) -> None:
    """Đã thẩm định xong: the chair locks the unit once all its fields are done in round 2."""
    old = assessment.status
    assessment.status = "finalized"
    assessment.finalized_at, assessment.finalized_by_id = now, actor.id
    record("finalize", "assessment", assessment.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old={"status": old}, new={"status": "finalized", "at": now})
