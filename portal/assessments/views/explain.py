"""Giải trình (round 2, the unit's side): once round 1 is closed for the unit, it sees its round-1 scores,
the comments the council sent it and the items to explain. On each flagged or contested item the unit
agrees or disagrees, explains and adds evidence (tài liệu bổ sung), and replies to the council's comments;
the leader submits. Deadlines and locks as in round 1. Each item is a live region (htmx) and every form
also works by an ordinary post."""
from dataclasses import dataclass, field

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.assessments import bp
from portal.assessments.explanations import save_explanation, submit_explanations
from portal.assessments.models import Explanation
from portal.assessments.services import set_criteria
from portal.assessments.views._shared import load_file
from portal.comments.counts import counts_by_item
from portal.comments.web import build_thread, outline_level, record_visit
from portal.criteria.models import Criterion
from portal.criteria.tree import ordered
from portal.db import utcnow
from portal.evidence.services import evidence_by_item
from portal.extensions import db
from portal.unitfile.entries import entries_by_stage
from portal.unitfile.explanations import explanation_items
from portal.unitfile.history import histories
from portal.unitfile.item_save import save_item
from portal.unitfile.readers import visibility
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.years import domain as rules
from portal.policy.actors import actor_for
from portal.policy.refusals import phase_label
from portal.policy.viewer import Viewer
from portal.years.windows import banner_state, page_refusal, unit_window

PHASE = "explanation"
TEMPLATE = "assessments/explain.html"


@dataclass
class ExplainItem:
    """One item of the page: the stages, the unit's answer, its evidence and the thread."""

    criterion: Criterion
    explainable: bool                       # flagged or contested: the unit may answer and add evidence
    documents: list = field(default_factory=list)   # tài liệu bổ sung (stage "explanation")
    original: list = field(default_factory=list)    # attached at self-assessment
    history: object = None
    thread: object = None
    level: int = 3                          # its heading's level in the criteria outline
    ancestors: list = field(default_factory=list)   # the field and criterion it sits under, top first


def explainable(assessment) -> list[Criterion]:
    """The items the unit may explain: flagged by the council, or appraised differently (contested)."""
    criteria = set_criteria(assessment.criteria_set_id)
    stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    return explanation_items(assessment, criteria, stages)


def _decision(assessment, year, now, *, submit=False):
    window, deadline = unit_window(year, assessment.unit_id, PHASE)
    check = rules.can_submit_explanation if submit else rules.can_explain
    return check(actor_for(current_user, year), unit_id=assessment.unit_id, phase=year.phase,
                 status=assessment.status, window=window, deadline=deadline, now=now), \
        banner_state(year, assessment.unit_id, PHASE, now)


def _items(assessment, year, now, seen) -> list[ExplainItem]:
    """The explainable items, then the other items on which the council sent the unit a comment."""
    criteria = ordered(set_criteria(assessment.criteria_set_id))
    to_explain = {c.id for c in explainable(assessment)}
    counts = counts_by_item(assessment.id, current_user, year.phase)
    chosen = [c for c in criteria if c.id in to_explain or (counts.get(c.id) and counts[c.id].total)]
    added = evidence_by_item(assessment.id, stage="explanation")
    original = evidence_by_item(assessment.id, stage="self")
    history = histories(assessment, chosen, rel=seen["relation"], phase=year.phase)
    by_id = {c.id: c for c in criteria}
    out = []
    for c in chosen:
        ancestors = _ancestors(c, by_id)
        level = outline_level(len(ancestors))
        out.append(ExplainItem(c, c.id in to_explain, added.get(c.id, []), original.get(c.id, []), history.get(c.id),
                               build_thread(assessment, c, current_user, now=now, year=year, level=min(level + 1, 6),
                                            next_url=url_for("assessments.explain", assessment_id=assessment.id)
                                            + f"#item-{c.id}"),
                               level=level, ancestors=ancestors))
    return out


def _ancestors(crit, by_id) -> list[Criterion]:
    """The field and criteria above an item, the field first (the page's outline follows the tree)."""
    chain = []
    parent = by_id.get(crit.parent_id)
    while parent is not None and len(chain) < 6:
        chain.insert(0, parent)
        parent = by_id.get(parent.parent_id)
    return chain


def _context(assessment, year, now, **extra):
    seen = visibility(current_user, assessment, None, frozenset(), year.phase)
    if not seen["round1_score"]:
        abort(404)      # before round 1 is closed for it, a unit sees nothing of the council's work
    items = _items(assessment, year, now, seen)
    explanations = {e.criterion_id: e for e in db.session.scalars(select(Explanation).where(
        Explanation.assessment_id == assessment.id))}
    decision, state = _decision(assessment, year, now)
    can_submit, _s = _decision(assessment, year, now, submit=True)
    return dict(assessment=assessment, year=year, items=items, explanations=explanations,
                to_explain=[i for i in items if i.explainable], others=[i for i in items if not i.explainable],
                editable=bool(decision), refusal=None if decision else page_refusal(decision, phase=PHASE, year=year),
                can_submit=bool(can_submit), deadline_state=state, unit_name=assessment.unit.name_in(year.id),
                phase_label=phase_label(PHASE),
                errors={}, typed={}, saved=None, notice=None, conflict=None, seen=seen, focus=None) | extra


def _view_allowed():
    viewer = Viewer(actor_for(current_user))
    if not (viewer.is_unit or viewer.oversees):
        abort(404)


@bp.route("/<int:assessment_id>/explain")
@authenticated
def explain(assessment_id: int):
    assessment, year = load_file(assessment_id)
    _view_allowed()
    now = utcnow()
    context = _context(assessment, year, now)
    response = render(TEMPLATE, **context)
    for item in context["items"]:  # the unit has now been shown these comments ("seen by the unit at …")
        record_visit(assessment, item.criterion, current_user, item.thread, now=now)
    return response


def explain_item_response(assessment, year, criterion, now, *, status=200, error=None, notice=None, **extra):
    """One item of the page (htmx) or the whole page, after a change of its evidence or explanation."""
    context = _context(assessment, year, now, focus=criterion.id, **extra)
    if error:
        context["errors"] = {criterion.id: {"evidence": error}}
    if notice:
        context.update(saved=criterion.id, notice=notice)
    return render(TEMPLATE, block="explain_item" if is_htmx() else None, status=status, **context)


@bp.route("/<int:assessment_id>/explain/<int:criterion_id>", methods=["POST"])
@authenticated
def explain_item(assessment_id: int, criterion_id: int):
    assessment, year = load_file(assessment_id)
    _view_allowed()
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.set_id != assessment.criteria_set_id:
        abort(404)
    now = utcnow()
    decision, _state = _decision(assessment, year, now)

    def save(expected: int):
        if criterion not in explainable(assessment):
            abort(404)
        save_explanation(assessment, criterion, stance=request.form.get("stance", ""),
                         text=request.form.get("text", ""), expected_version=expected, actor=current_user, now=now)

    return save_item(
        criterion.id, refusal=None if decision else page_refusal(decision, phase=PHASE, year=year), save=save,
        respond=lambda **answer: explain_item_response(assessment, year, criterion, now, **answer),
        conflict=lambda _err: {"conflict": {"criterion_id": criterion.id}, "errors": {criterion.id: {"_": _(
            "Giải trình này vừa được người khác lưu. Nội dung đã lưu hiện ở phần lịch sử; nội dung bạn nhập vẫn "
            "còn trong ô, bấm lưu lại nếu muốn giữ.")}}},
        notice=_("Đã lưu giải trình mục %(code)s.", code=criterion.code),
        back=url_for("assessments.explain", assessment_id=assessment.id) + f"#item-{criterion.id}")


@bp.route("/<int:assessment_id>/explain/submit", methods=["POST"])
@authenticated
def explain_submit(assessment_id: int):
    assessment, year = load_file(assessment_id)
    _view_allowed()
    now = utcnow()
    decision, _state = _decision(assessment, year, now, submit=True)
    if not decision:
        flash(page_refusal(decision, phase=PHASE, year=year), "error")
        raise Refusal(answer=lambda: render(TEMPLATE, status=409, **_context(assessment, year, now)))
    if request.form.get("confirm") != "1":
        flash(_("Hãy đánh dấu ô xác nhận trước khi chốt giải trình."), "error")
        return render(TEMPLATE, status=422, **_context(assessment, year, now))
    submit_explanations(assessment, actor=current_user, now=now)
    db.session.commit()
    flash(_("Đã chốt giải trình. Hội đồng sẽ thẩm định vòng 2 các mục đã giải trình."), "success")
    return redirect_after_post(url_for("assessments.explain", assessment_id=assessment.id))
