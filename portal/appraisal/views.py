"""The council's screens: the board (units × fields), the appraisal page of one unit and field with inline
saves (htmx) and plain posts, field done marks, closing round 1 and finalising a unit."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.appraisal import bp
from portal.appraisal.board import board, viewer_fields
from portal.appraisal.pages import field_items, visibility
from portal.appraisal.rounds import close_round1, field_done, finalize, mark_field, save_round_item
from portal.appraisal.services import appraisal_actor
from portal.assessments.models import Assessment
from portal.assessments.services import EditConflict, ItemInvalid
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence.services import evidence_by_item
from portal.extensions import db
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.years import domain as rules
from portal.years.deadlines import refusal_message, unit_window
from portal.years.models import AssessmentYear
from portal.years.services import active_year

COUNCIL = ("council_member", "council_chair", "admin")
ROUND_OF_PHASE = {"review_1": 1, "review_2": 2}


def _round(year) -> int:
    return ROUND_OF_PHASE.get(year.phase, 2 if rules.phase_index(year.phase) > rules.phase_index("review_2") else 1)


def _load(assessment_id: int, field_code: str | None = None):
    """Load a unit's file for the council; a field the viewer may not see is indistinguishable from none."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        abort(404)
    year = db.session.get(AssessmentYear, assessment.year_id)
    fields = viewer_fields(year, current_user)(assessment)
    if field_code is not None:
        field = next((c for c in assessment.criteria_set.criteria if c.kind == "field" and c.code == field_code), None)
        if field is None or not visibility(current_user, assessment, field_code, fields, year.phase)["self_score"]:
            abort(404)
        return assessment, year, field, fields
    return assessment, year, None, fields


@bp.route("/")
@roles(*COUNCIL)
def council_board(status: int = 200):
    year = active_year()
    if year is None:
        abort(404)
    unit_type = request.args.get("type") or None
    round_no = _round(year)
    codes, rows = board(year, current_user, unit_type=unit_type, round_no=round_no)
    return render("appraisal/board.html", block="board_table" if request.headers.get("HX-Target") == "board-table"
                  else None, status=status, year=year, codes=codes, rows=rows, unit_type=unit_type, round_no=round_no)


def _decision(assessment, year, field_code, now):
    round_no = ROUND_OF_PHASE.get(year.phase)
    if round_no is None:
        return rules.refuse("wrong_phase"), None
    window, deadline = unit_window(year, assessment.unit_id, year.phase)
    actor = appraisal_actor(current_user, year, assessment)
    return rules.can_appraise(actor, unit_id=assessment.unit_id, field_code=field_code, round=round_no,
                              phase=year.phase, unit_status=assessment.status, window=window, deadline=deadline,
                              now=now), round_no


def _page(assessment, year, field, fields, now, *, status=200, block=None, **extra):
    decision, round_no = _decision(assessment, year, field.code, now)
    shown_round = round_no or _round(year)
    items = field_items(assessment, field.code, shown_round, evidence_by_item(assessment.id))
    context = dict(assessment=assessment, year=year, field=field, items=items, round_no=shown_round,
                   editable=bool(decision), refusal=None if decision else refusal_message(decision, phase=year.phase),
                   seen=visibility(current_user, assessment, field.code, fields, year.phase),
                   done=field_done(assessment, field.code, shown_round), unit_name=assessment.unit.name_in(year.id),
                   errors={}, typed={}, conflict=None, saved=None, explanation_only=shown_round == 2)
    context.update(extra)
    return render("appraisal/field.html", block=block, status=status, **context)


@bp.route("/<int:assessment_id>/<field_code>")
@roles(*COUNCIL)
def field_page(assessment_id: int, field_code: str):
    assessment, year, field, fields = _load(assessment_id, field_code)
    return _page(assessment, year, field, fields, utcnow())


@bp.route("/<int:assessment_id>/<field_code>/items/<int:criterion_id>", methods=["GET", "POST"])
@roles(*COUNCIL)
def item(assessment_id: int, field_code: str, criterion_id: int):
    assessment, year, field, fields = _load(assessment_id, field_code)
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.set_id != assessment.criteria_set_id or criterion.field_code != field_code:
        abort(404)
    now = utcnow()
    block = "item_response" if is_htmx() else None
    focus = {"criterion_id": criterion.id}
    if request.method == "GET":
        return _page(assessment, year, field, fields, now, block=block, focus=focus)
    decision, round_no = _decision(assessment, year, field_code, now)
    if not decision:
        db.session.rollback()
        return _page(assessment, year, field, fields, now, status=409, block=block, focus=focus,
                     errors={criterion.id: {"_": refusal_message(decision, phase=year.phase)}},
                     typed={criterion.id: request.form})
    if round_no == 2 and not _explained(assessment, criterion):
        return _page(assessment, year, field, fields, now, status=409, block=block, focus=focus,
                     errors={criterion.id: {"_": _("Đơn vị không giải trình mục này nên điểm thẩm định lần 1 được giữ nguyên.")}},
                     typed={criterion.id: request.form})
    try:
        expected = int(request.form.get("version", "0"))
    except ValueError:
        expected = -1
    try:
        save_round_item(assessment, criterion, round_no, request.form, expected_version=expected,
                        actor=current_user, now=now)
    except ItemInvalid as err:
        db.session.rollback()
        return _page(assessment, year, field, fields, now, status=422, block=block, focus=focus,
                     errors={criterion.id: {k: _(v) for k, v in err.item.errors.items()}},
                     typed={criterion.id: request.form})
    except EditConflict as err:
        db.session.rollback()
        return _page(assessment, year, field, fields, now, status=409, block=block, focus=focus,
                     typed={criterion.id: request.form}, conflict={"criterion_id": criterion.id, "theirs": err.entry})
    db.session.commit()
    if not is_htmx():
        flash(_("Đã lưu điểm thẩm định mục %(code)s.", code=criterion.code), "success")
        return redirect_after_post(url_for("appraisal.field_page", assessment_id=assessment.id,
                                           field_code=field_code) + f"#item-{criterion.id}")
    return _page(assessment, year, field, fields, now, block=block, focus=focus, saved=criterion.id)


def _explained(assessment, criterion) -> bool:
    from portal.assessments.models import Explanation
    from sqlalchemy import select
    return db.session.scalar(select(Explanation.id).where(Explanation.assessment_id == assessment.id,
                                                          Explanation.criterion_id == criterion.id)) is not None


@bp.route("/<int:assessment_id>/<field_code>/done", methods=["POST"])
@roles(*COUNCIL)
def mark_done(assessment_id: int, field_code: str):
    assessment, year, field, fields = _load(assessment_id, field_code)
    now = utcnow()
    decision, round_no = _decision(assessment, year, field_code, now)
    if not decision:
        flash(refusal_message(decision, phase=year.phase), "error")
        return redirect_after_post(url_for("appraisal.field_page", assessment_id=assessment.id, field_code=field_code))
    mark_field(assessment, field_code, round_no, request.form.get("done") == "1", actor=current_user, now=now)
    db.session.commit()
    flash(_("Đã cập nhật trạng thái lĩnh vực %(code)s.", code=field_code), "success")
    return redirect_after_post(url_for("appraisal.field_page", assessment_id=assessment.id, field_code=field_code))


def _all_fields_done(assessment, round_no) -> bool:
    codes = [c.code for c in assessment.criteria_set.criteria if c.kind == "field"]
    return all(field_done(assessment, code, round_no) for code in codes)


@bp.route("/<int:assessment_id>/close-round-1", methods=["POST"])
@roles("council_chair", "admin")
def close_first_round(assessment_id: int):
    assessment, year, _f, _fields = _load(assessment_id)
    ok = (year.phase == "review_1" and assessment.status == "submitted"
          and current_user.unit_id != assessment.unit_id and _all_fields_done(assessment, 1))
    if not ok:
        flash(_("Chỉ kết thúc thẩm định lần 1 khi hồ sơ đã chốt, đang trong thẩm định lần 1 và mọi lĩnh vực đã xong."), "error")
        return council_board(status=409)
    close_round1(assessment, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã kết thúc thẩm định lần 1 của %(unit)s; đơn vị đã xem được kết quả và ý kiến đã gửi.",
            unit=assessment.unit.name_in(year.id)), "success")
    return redirect_after_post(url_for("appraisal.council_board"))


@bp.route("/<int:assessment_id>/finalize", methods=["POST"])
@roles("council_chair", "admin")
def finalize_unit(assessment_id: int):
    assessment, year, _f, _fields = _load(assessment_id)
    decision = rules.can_finalize_unit(appraisal_actor(current_user, year, assessment), phase=year.phase,
                                       all_fields_done=_all_fields_done(assessment, 2), unit_id=assessment.unit_id,
                                       unit_status=assessment.status)
    if not decision:
        flash(refusal_message(decision, phase=year.phase), "error")
        return council_board(status=409)
    finalize(assessment, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã hoàn tất thẩm định %(unit)s; hồ sơ đã khóa.", unit=assessment.unit.name_in(year.id)), "success")
    return redirect_after_post(url_for("appraisal.council_board"))
