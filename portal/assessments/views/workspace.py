"""The self-assessment workspace: one page with the whole criteria tree; each item saves inline with htmx
(item widget + field total, summary and progress out of band) and by ordinary form posts without JS."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from portal.assessments import bp
from portal.assessments.widget_texts import item_statics  # also registers item_texts, a template global
from portal.assessments.entry_rows import stages_of
from portal.assessments.models import Assessment
from portal.assessments.views._shared import PHASE, edit_decision, load_file, refusal_text
from portal.assessments.services import load_workspace, save_self_item, submit_self
from portal.auth.models import User
from portal.comments.counts import counts_by_item
from portal.criteria.models import Criterion
from portal.criteria.snapshot import set_tree
from portal.db import utcnow
from portal.evidence.display import documents_by_item
from portal.extensions import db
from portal.policy.viewer import Viewer
from portal.unitfile.domain import field_of
from portal.unitfile.history import histories
from portal.unitfile.item_save import save_item
from portal.unitfile.readers import viewer_fields, visibility
from portal.units.models import Unit
from portal.units.types import sort_key
from portal.web.filters import format_datetime
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.years import domain as rules
from portal.policy.actors import actor_for
from portal.policy.refusals import phase_label
from portal.years.models import AssessmentYear
from portal.years.services import active_year

#: The workspace draws an item's table of steps only from two visible steps on (templates/assessments/_macros.html)
WORKSPACE_HISTORY_STEPS = 2


def _leaders(assessment) -> list[str]:
    """The names of the unit's active leaders: the only accounts that submit (chốt) the unit's file."""
    return list(db.session.scalars(_LEADERS, {"unit": assessment.unit_id}))


_LEADERS = select(User.full_name).where(User.unit_id == bindparam("unit"), User.role == "unit_leader",
                                        User.active.is_(True)).order_by(User.full_name)


def _tree(assessment):
    """The file's criteria tree (portal.criteria.snapshot), read once per request: a save looks its item up
    in it, then draws the fragment from it. Nothing in these requests edits the set."""
    trees = g.setdefault("workspace_trees", {})
    if assessment.criteria_set_id not in trees:
        trees[assessment.criteria_set_id] = set_tree(assessment.criteria_set_id)
    return trees[assessment.criteria_set_id]


def _page_context(assessment, year, now, *, only=None, **extra):
    """Everything the workspace template needs. `only` (a criterion): an htmx answer that renders that one
    item (with the totals out of band), so the other items' council stages, comment counts and histories
    are not read (their evidence is: the summary counts the items without any)."""
    item_id = None if only is None else only.id
    stages = stages_of(assessment.id, only=item_id)      # display rows: the page only shows them
    workspace = load_workspace(assessment, year, documents_by_item(assessment.id, stage="self"),
                               entries={cid: st["self"] for cid, st in stages.items() if "self" in st},
                               tree=_tree(assessment))
    decision, deadline_state = edit_decision(assessment, year, now)
    can_submit, _state = edit_decision(assessment, year, now, submit=True)
    seen = visibility(current_user, assessment, None, frozenset(), year.phase)
    leaves = [only] if only is not None else [v.criterion for v in workspace.leaves()]
    return dict(ws=workspace, assessment=assessment, year=year, editable=bool(decision),
                statics=item_statics(_tree(assessment)),
                leaders=_leaders(assessment) if only is None else [],     # the fragment does not show them
                refusal=None if decision else refusal_text(decision, year),
                can_submit=bool(can_submit), deadline_state=deadline_state,
                phase_label=phase_label(PHASE), seen=seen,
                histories=histories(assessment, leaves, rel=seen["relation"], phase=year.phase, stages=stages,
                                    min_steps=WORKSPACE_HISTORY_STEPS),
                comments=counts_by_item(assessment.id, current_user, year.phase, only=item_id),
                unit_name=assessment.unit.name_in(year.id), errors={}, typed={}, conflict=None, notice=None,
                **extra)


@bp.route("/")
@authenticated
def mine():
    """Unit accounts go straight to their unit's file; the admin and the council chair get the list."""
    year = active_year()
    if year is None:
        abort(404)
    viewer = Viewer(actor_for(current_user))
    if viewer.is_unit:
        assessment = db.session.scalar(select(Assessment).where(Assessment.year_id == year.id,
                                                                Assessment.unit_id == current_user.unit_id))
        if assessment is None:
            abort(404)
        return redirect(url_for("assessments.workspace", assessment_id=assessment.id))
    if not viewer.oversees:
        abort(403)
    assessments = db.session.scalars(select(Assessment).where(Assessment.year_id == year.id).options(
        selectinload(Assessment.unit).selectinload(Unit.names))).all()
    by_type = sort_key(year)
    assessments.sort(key=lambda a: (by_type(a.unit_type), a.unit.name_key))
    return render("assessments/list.html", assessments=assessments, year=year)


@bp.route("/<int:assessment_id>")
@authenticated
def workspace(assessment_id: int):
    assessment, year = load_file(assessment_id)
    return render("assessments/workspace.html", **_page_context(assessment, year, utcnow()))


@bp.route("/<int:assessment_id>/items/<int:criterion_id>", methods=["GET", "POST"])
@authenticated
def item(assessment_id: int, criterion_id: int):
    assessment, year = load_file(assessment_id)
    criterion = _tree(assessment).by_id.get(criterion_id)    # the set's kept row (read-only)
    if criterion is None:
        abort(404)
    now = utcnow()
    if request.method == "GET":
        return item_response(assessment, year, criterion, now)
    decision, _state = edit_decision(assessment, year, now)
    return save_item(
        criterion.id, refusal=None if decision else refusal_text(decision, year),
        save=lambda expected: save_self_item(assessment, criterion, request.form, expected_version=expected,
                                             actor=current_user, now=now),
        respond=lambda **answer: item_response(assessment, year, criterion, now, **answer),
        notice=_("Đã lưu mục %(code)s.", code=criterion.code),
        back=url_for("assessments.workspace", assessment_id=assessment.id) + f"#item-{criterion.id}")


def item_response(assessment, year, criterion, now, *, status=200, errors=None, typed=None, conflict=None,
                   saved=None, notice=None):
    context = _page_context(assessment, year, now, only=criterion if is_htmx() else None)
    context.update(errors=errors or {}, typed=typed or {}, conflict=conflict, saved=saved, notice=notice)
    if is_htmx():
        context["view"] = context["ws"].items[criterion.id]
        return render("assessments/workspace.html", block="item_response", status=status, page_context=False,
                      **context)
    return render("assessments/workspace.html", status=status, **context)


@bp.route("/<int:assessment_id>/items/<int:criterion_id>/history")
@authenticated
def item_history(assessment_id: int, criterion_id: int):
    """Lịch sử của một mục — every change of one item, as its reader may see them (an item's widget lists
    the latest few only). For the unit, the chair, the admin, and the members who appraise its field."""
    assessment = db.session.get(Assessment, assessment_id)
    criterion = db.session.get(Criterion, criterion_id)
    if assessment is None or criterion is None or criterion.set_id != assessment.criteria_set_id \
            or criterion.kind not in ("item", "adjustment"):
        abort(404)
    year = db.session.get(AssessmentYear, assessment.year_id)
    actor = actor_for(current_user, year)
    if not rules.can_view_assessment(actor, unit_id=assessment.unit_id, phase=year.phase) \
            and not Viewer(actor).sees_assigned_fields_only:
        abort(404)
    fields = viewer_fields(year, current_user)(assessment)
    seen = visibility(current_user, assessment, field_of(criterion.kind, criterion.field_code), fields, year.phase)
    if not seen["self_score"]:
        abort(404)
    history = histories(assessment, [criterion], rel=seen["relation"], phase=year.phase,
                        all_changes=True).get(criterion.id)
    return render("assessments/item_history.html", assessment=assessment, year=year, criterion=criterion,
                  history=history, unit_name=assessment.unit.name_in(year.id))


@bp.route("/<int:assessment_id>/submit", methods=["GET", "POST"])
@authenticated
def submit(assessment_id: int):
    assessment, year = load_file(assessment_id)
    now = utcnow()
    decision, _state = edit_decision(assessment, year, now, submit=True)
    context = _page_context(assessment, year, now)
    if request.method == "POST":
        if not decision:
            flash(refusal_text(decision, year), "error")
            raise Refusal(answer=lambda: render("assessments/submit.html", status=409, **context))
        if request.form.get("confirm") != "1":
            flash(_("Hãy đánh dấu ô xác nhận trước khi chốt điểm."), "error")
            return render("assessments/submit.html", status=422, **context)
        submit_self(assessment, actor=current_user, now=now)
        db.session.commit()
        flash(_("Đã chốt điểm tự chấm lúc %(time)s. Hồ sơ đã được khóa.", time=format_datetime(now)), "success")
        return redirect_after_post(url_for("assessments.workspace", assessment_id=assessment.id))
    if not decision and not Viewer(actor_for(current_user)).is_unit:
        abort(403)
    # The unit's staff see the check too, with who submits instead of a bare refusal.
    return render("assessments/submit.html", **context)
