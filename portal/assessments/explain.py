"""Giải trình (round 2, the unit's side): on each flagged or contested item the unit agrees or disagrees,
explains and adds evidence; the leader submits. Deadlines and locks as in round 1."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.appraisal.pages import visibility
from portal.appraisal.rounds import explanation_items, save_explanation, submit_explanations
from portal.appraisal.services import entries_by_stage
from portal.assessments import bp
from portal.assessments.models import Explanation
from portal.assessments.services import EditConflict, ItemInvalid, set_criteria
from portal.assessments.views import _load
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.years import domain as rules
from portal.years.deadlines import actor_for, banner_state, phase_label, refusal_message, unit_window

PHASE = "explanation"


def _decision(assessment, year, now, *, submit=False):
    window, deadline = unit_window(year, assessment.unit_id, PHASE)
    check = rules.can_submit_explanation if submit else rules.can_explain
    return check(actor_for(current_user, year), unit_id=assessment.unit_id, phase=year.phase,
                 status=assessment.status, window=window, deadline=deadline, now=now), \
        banner_state(year, assessment.unit_id, PHASE, now)


def _context(assessment, year, now, **extra):
    seen = visibility(current_user, assessment, None, frozenset(), year.phase)
    if not seen["round1_score"]:
        abort(404)      # before round 1 is closed a unit sees nothing of the council's work
    criteria = set_criteria(assessment.criteria_set_id)
    stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    items = explanation_items(assessment, criteria, stages)
    explanations = {e.criterion_id: e for e in db.session.scalars(select(Explanation).where(
        Explanation.assessment_id == assessment.id))}
    decision, state = _decision(assessment, year, now)
    can_submit, _s = _decision(assessment, year, now, submit=True)
    return dict(assessment=assessment, year=year, items=items, stages=stages, explanations=explanations,
                editable=bool(decision), refusal=None if decision else refusal_message(decision, phase=PHASE),
                can_submit=bool(can_submit), deadline_state=state, unit_name=assessment.unit.name_in(year.id),
                phase_label=phase_label(PHASE), errors={}, typed={}, saved=None,
                conflict=None, seen=seen) | extra


@bp.route("/<int:assessment_id>/explain")
@authenticated
def explain(assessment_id: int):
    assessment, year = _load(assessment_id)
    if current_user.role not in ("unit_staff", "unit_leader", "admin", "council_chair"):
        abort(404)
    return render("assessments/explain.html", **_context(assessment, year, utcnow()))


@bp.route("/<int:assessment_id>/explain/<int:criterion_id>", methods=["POST"])
@authenticated
def explain_item(assessment_id: int, criterion_id: int):
    assessment, year = _load(assessment_id)
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.set_id != assessment.criteria_set_id:
        abort(404)
    now = utcnow()
    block = "explain_item" if is_htmx() else None
    decision, _state = _decision(assessment, year, now)
    if not decision:
        db.session.rollback()
        return render("assessments/explain.html", block=block, status=409, focus=criterion.id,
                      **_context(assessment, year, now, typed={criterion.id: request.form},
                                 errors={criterion.id: {"_": refusal_message(decision, phase=PHASE)}}))
    ctx_items = _context(assessment, year, now)["items"]
    if criterion not in ctx_items:
        abort(404)
    try:
        expected = int(request.form.get("version", "0"))
    except ValueError:
        expected = -1
    try:
        save_explanation(assessment, criterion, stance=request.form.get("stance", ""),
                         text=request.form.get("text", ""), expected_version=expected, actor=current_user, now=now)
    except ItemInvalid as err:
        db.session.rollback()
        return render("assessments/explain.html", block=block, status=422, focus=criterion.id,
                      **_context(assessment, year, now, typed={criterion.id: request.form},
                                 errors={criterion.id: {k: _(v) for k, v in err.item.errors.items()}}))
    except EditConflict:
        db.session.rollback()
        return render("assessments/explain.html", block=block, status=409, focus=criterion.id,
                      **_context(assessment, year, now, typed={criterion.id: request.form},
                                 errors={criterion.id: {"_": _("Giải trình này vừa được người khác lưu. Hãy tải lại trang để xem bản mới nhất; nội dung bạn nhập vẫn còn trong ô.")}}))
    db.session.commit()
    if not is_htmx():
        flash(_("Đã lưu giải trình mục %(code)s.", code=criterion.code), "success")
        return redirect_after_post(url_for("assessments.explain", assessment_id=assessment.id) + f"#item-{criterion.id}")
    return render("assessments/explain.html", block=block, focus=criterion.id,
                  **_context(assessment, year, now, saved=criterion.id))


@bp.route("/<int:assessment_id>/explain/submit", methods=["POST"])
@authenticated
def explain_submit(assessment_id: int):
    assessment, year = _load(assessment_id)
    now = utcnow()
    decision, _state = _decision(assessment, year, now, submit=True)
    if not decision:
        db.session.rollback()
        flash(refusal_message(decision, phase=PHASE), "error")
        return render("assessments/explain.html", status=409, **_context(assessment, year, now))
    if request.form.get("confirm") != "1":
        flash(_("Hãy đánh dấu ô xác nhận trước khi chốt giải trình."), "error")
        return render("assessments/explain.html", status=422, **_context(assessment, year, now))
    submit_explanations(assessment, actor=current_user, now=now)
    db.session.commit()
    flash(_("Đã chốt giải trình. Hội đồng sẽ thẩm định lần 2 các mục đã giải trình."), "success")
    return redirect_after_post(url_for("assessments.explain", assessment_id=assessment.id))
