"""The council's screens: the board (units × fields), the appraisal page of one unit and field with inline
saves (htmx) and plain posts, field done marks, closing round 1 and finalising a unit, and the export of a
unit's item histories. Every view: load (404: another unit's file, or a field the viewer may not open,
looks missing) → authorise (the `can_*` rules) → validate → service → respond."""
from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.appraisal import bp
from portal.appraisal.board import ROW_FILTERS, build, filter_rows
from portal.appraisal.decisions import agree_item
from portal.appraisal.history_xlsx import history_xlsx
from portal.appraisal.pages import field_criteria, field_items
from portal.appraisal.round2 import explained_ids, only_explained
from portal.appraisal.rounds import (
    all_fields_done,
    close_round1,
    field_done,
    finalize,
    save_round_item,
)
from portal.appraisal.views._shared import COUNCIL, appraise_decision, load_file
from portal.assessments.models import Explanation
from portal.assessments.services import set_criteria
from portal.auth.models import User
from portal.comments.counts import counts_by_item
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence.services import evidence_by_item
from portal.extensions import db
from portal.unitfile.domain import field_of
from portal.unitfile.entries import EditConflict
from portal.unitfile.history import histories
from portal.unitfile.item_save import save_item
from portal.unitfile.readers import appraisal_actor, visibility
from portal.units.types import type_codes
from portal.web.filters import format_datetime
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.listing import query_words
from portal.web.permissions import roles
from portal.years import domain as rules
from portal.policy.refusals import phase_label, refusal_message
from portal.policy.roles import Role
from portal.years.services import active_year


def _unit_type(year) -> str | None:
    value = request.args.get("type") or None
    return value if value in type_codes(year) else None


@bp.route("/")
@roles(*COUNCIL)
def council_board(status: int = 200):
    year = active_year()
    if year is None:
        abort(404)
    unit_type = _unit_type(year)
    board = build(year, current_user, unit_type=unit_type, round_no=rules.shown_round(year.phase))
    row_filter = request.values.get("status") if request.values.get("status") in ROW_FILTERS else None
    query = (request.values.get("q") or "").strip()[:100]
    chosen = filter_rows(board.rows, status=row_filter, words=query_words(query))
    page, pages = _board_page(len(chosen))
    rows = chosen[(page - 1) * BOARD_PAGE_SIZE:page * BOARD_PAGE_SIZE]
    return render("appraisal/board.html", targets={"board-table": "board_table"}, status=status, year=year,
                  board=board, rows=rows, page=page, pages=pages, rows_per_page=BOARD_PAGE_SIZE, unit_type=unit_type,
                  round_no=board.round_no, phase_text=phase_label(year.phase), row_filter=row_filter,
                  row_filters=ROW_FILTERS, query=query, shown=len(chosen))


#: Rows of the council board per page. A province's 31 units fit on one page; a national-scale year of
#: 2,000 units is paged, so the page stays light (the counts above the table still cover every unit).
BOARD_PAGE_SIZE = 100


def _board_page(count: int) -> tuple[int, int]:
    """(page, pages) of the board from ?page=, clamped to the pages there are."""
    pages = max(1, -(-count // BOARD_PAGE_SIZE))
    raw = request.values.get("page", "")
    page = int(raw) if raw.isdigit() else 1
    return min(max(page, 1), pages), pages


def render_field_page(assessment, year, field, fields, now, *, status=200, block=None, **extra):
    decision, round_no = appraise_decision(assessment, year, field.code, now)
    shown_round = rules.shown_round(year.phase)
    seen = visibility(current_user, assessment, field.code, fields, year.phase)
    criteria = field_criteria(assessment, field.code)
    items = field_items(assessment, field.code, shown_round, evidence_by_item(assessment.id, stage="self"),
                        added=evidence_by_item(assessment.id, stage="explanation"),
                        histories=histories(assessment, criteria, rel=seen["relation"], phase=year.phase),
                        comments=counts_by_item(assessment.id, current_user, year.phase))
    every_item = year.phase != "review_2" or request.args.get("all") == "1"
    if not every_item:   # round 2 shows only what the unit explained (the rest keeps its round-1 score)
        focused = {extra["focus"]["criterion_id"]} if extra.get("focus") else set()
        items = only_explained(items, explained_ids(assessment) | focused)
    context = dict(assessment=assessment, year=year, field=field, items=items, round_no=shown_round,
                   every_item=every_item, nothing_explained=not every_item and not any(i.is_leaf for i in items),
                   editable=bool(decision), refusal=None if decision else refusal_message(decision, phase=year.phase),
                   seen=seen, done=field_done(assessment, field.code, shown_round),
                   unit_name=assessment.unit.name_in(year.id), errors={}, typed={}, conflict=None, saved=None,
                   explanation_only=shown_round == 2, done_message=None, done_error=False, undecided=[])
    context["next_field"] = _next_field(assessment, field.code, fields)
    context.update(extra)
    return render("appraisal/field.html", block=block, status=status, **context)


def _next_field(assessment, code: str, fields) -> str | None:
    """The viewer's next field of this unit after ``code`` (one click away at the end of a field)."""
    from portal.appraisal.rounds import council_fields
    mine = [c for c in council_fields(assessment.criteria_set.criteria) if "*" in fields or c in fields]
    return mine[mine.index(code) + 1] if code in mine and mine.index(code) + 1 < len(mine) else None


@bp.route("/<int:assessment_id>/<field_code>")
@roles(*COUNCIL)
def field_page(assessment_id: int, field_code: str):
    assessment, year, field, fields = load_file(assessment_id, field_code)
    # Back from a plain (no-JavaScript) save: the "saved" message shows at the item, where the anchor lands.
    saved = request.args.get("saved", type=int)
    return render_field_page(assessment, year, field, fields, utcnow(), saved=saved)


def _item_criterion(assessment, field_code: str, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.set_id != assessment.criteria_set_id or \
            criterion not in field_criteria(assessment, field_code) or criterion.kind == "field":
        abort(404)
    return criterion


@bp.route("/<int:assessment_id>/<field_code>/items/<int:criterion_id>", methods=["GET", "POST"])
@roles(*COUNCIL)
def item(assessment_id: int, field_code: str, criterion_id: int):
    assessment, year, field, fields = load_file(assessment_id, field_code)
    criterion = _item_criterion(assessment, field_code, criterion_id)
    now = utcnow()
    block = "item_response" if is_htmx() else None
    focus = {"criterion_id": criterion.id}
    if request.method == "GET":
        return render_field_page(assessment, year, field, fields, now, block=block, focus=focus)
    decision, round_no = appraise_decision(assessment, year, field_code, now)
    if not decision:
        refusal = refusal_message(decision, phase=year.phase)
    elif round_no == 2 and not _explained(assessment, criterion):
        refusal = _("Đơn vị không giải trình mục này nên điểm thẩm định vòng 1 được giữ nguyên.")
    else:
        refusal = None
    agree = request.form.get("decision") == "agree"

    def save(expected: int):
        if agree:
            agree_item(assessment, criterion, round_no, expected_version=expected, actor=current_user, now=now)
        else:
            save_round_item(assessment, criterion, round_no, request.form, expected_version=expected,
                            actor=current_user, now=now)

    return save_item(
        criterion.id, refusal=refusal, save=save, keep_typed=not agree,
        respond=lambda **answer: render_field_page(assessment, year, field, fields, now, block=block, focus=focus,
                                                   **answer),
        conflict=lambda err: {"conflict": _conflict(criterion, err)},
        back=url_for("appraisal.field_page", assessment_id=assessment.id, field_code=field_code,
                     saved=criterion.id) + f"#item-{criterion.id}")


def _conflict(criterion, err: EditConflict) -> dict:
    """What the conflict notice says: the colleague who saved, when, and both values (the saved one and
    the one just typed) described in words by the template."""
    from types import SimpleNamespace

    theirs = err.entry
    who = db.session.get(User, theirs.updated_by_id) if theirs is not None and theirs.updated_by_id else None
    item = err.item
    mine = SimpleNamespace(inputs=item.inputs, points=item.points, not_applicable=item.not_applicable,
                           na_reason=item.na_reason)
    return {"criterion_id": criterion.id, "theirs": theirs, "mine": mine,
            "who": who.full_name if who is not None else None, "when": theirs.updated_at if theirs else None}


def _explained(assessment, criterion) -> bool:
    from sqlalchemy import select
    return db.session.scalar(select(Explanation.id).where(Explanation.assessment_id == assessment.id,
                                                          Explanation.criterion_id == criterion.id)) is not None


def _back_to_board():
    target = request.form.get("type")
    page = request.form.get("page", "")
    year = active_year()
    status = request.form.get("status")
    return url_for("appraisal.council_board", type=target if year and target in type_codes(year) else None,
                   status=status if status in ROW_FILTERS else None, q=request.form.get("q") or None,
                   page=int(page) if page.isdigit() and int(page) > 1 else None)


@bp.route("/<int:assessment_id>/close-round-1", methods=["POST"])
@roles("council_chair", "admin")
def close_first_round(assessment_id: int):
    """Kết thúc thẩm định vòng 1 for one unit (the chair's decision, before the phase deadline)."""
    assessment, year, _f, _fields = load_file(assessment_id)
    actor = appraisal_actor(current_user, year, assessment)
    decision = rules.can_close_round1(actor, phase=year.phase,
                                      unit_status=assessment.status,
                                      all_fields_done=all_fields_done(assessment, 1), unit_id=assessment.unit_id)
    if not decision:
        flash(refusal_message(decision, phase=year.phase), "error")
        raise Refusal(answer=lambda: council_board(status=409))
    close_round1(assessment, actor=current_user, now=utcnow(),
                 reason=_("Chủ tịch Hội đồng kết thúc thẩm định vòng 1") if actor.role == Role.COUNCIL_CHAIR
                 else _("Sở Nội vụ kết thúc thẩm định vòng 1"))
    db.session.commit()
    flash(_("Đã kết thúc thẩm định vòng 1 của %(unit)s; đơn vị đã xem được kết quả, ý kiến đã gửi và các mục cần "
            "giải trình.", unit=assessment.unit.name_in(year.id)), "success")
    return redirect_after_post(_back_to_board())


@bp.route("/<int:assessment_id>/finalize", methods=["POST"])
@roles("council_chair", "admin")
def finalize_unit(assessment_id: int):
    assessment, year, _f, _fields = load_file(assessment_id)
    decision = rules.can_finalize_unit(appraisal_actor(current_user, year, assessment), phase=year.phase,
                                       all_fields_done=all_fields_done(assessment, 2), unit_id=assessment.unit_id,
                                       unit_status=assessment.status)
    if not decision:
        flash(refusal_message(decision, phase=year.phase), "error")
        raise Refusal(answer=lambda: council_board(status=409))
    now = utcnow()
    finalize(assessment, actor=current_user, now=now)
    db.session.commit()
    flash(_("Đã hoàn tất thẩm định %(unit)s lúc %(time)s; hồ sơ đã khóa.", unit=assessment.unit.name_in(year.id),
            time=format_datetime(now)), "success")
    return redirect_after_post(_back_to_board())


@bp.route("/<int:assessment_id>/history.xlsx")
@roles(*COUNCIL)
def history_export(assessment_id: int):
    """Lịch sử chấm điểm of every item of the unit (self, round 1, explanation, round 2, final, each with
    who and when, and every change) as XLSX, for the chair, the admin and members on their fields."""
    assessment, year, _f, fields = load_file(assessment_id)
    criteria = [c for c in set_criteria(assessment.criteria_set_id) if c.kind in ("item", "adjustment")]
    rows = []
    by_rel: dict = {}
    for crit in criteria:
        code = field_of(crit.kind, crit.field_code)
        seen = visibility(current_user, assessment, code, fields, year.phase)
        if not seen["self_score"]:
            continue  # a member exports only the fields it appraises
        rel = seen["relation"]
        if rel not in by_rel:
            by_rel[rel] = histories(assessment, criteria, rel=rel, phase=year.phase, all_changes=True)
        rows.append((crit, by_rel[rel][crit.id]))
    if not rows:
        abort(404)
    unit_name = assessment.unit.name_in(year.id)
    data = history_xlsx(_("Lịch sử chấm điểm Chỉ số CCHC năm %(year)s — %(unit)s", year=year.year, unit=unit_name),
                        rows)
    name = f"lich-su-cham-diem-{assessment.unit.code.lower()}-{year.year}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
