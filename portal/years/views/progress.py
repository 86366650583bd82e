"""The progress board (admin, /admin/year/progress): filter by unit type, extend or reopen one unit, remind
the laggards, export to XLSX. Row forms swap their own row with htmx and ask the summary to refresh
itself (``HX-Trigger: progress-changed``); without JavaScript every form posts and redirects back."""
from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.assessments.models import Assessment
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.units.types import type_codes
from portal.web.htmx import Refusal, hx_trigger, is_htmx, redirect_after_post, render
from portal.web.listing import query_words
from portal.web.permissions import roles
from portal.years import bp, domain
from portal.policy.actors import actor_for
from portal.policy.refusals import Refused, phase_label, refusal_message
from portal.years.windows import banner_state
from portal.years.forms import DeadlineForm, to_utc
from portal.years.notices import remind_units
from portal.years.progress import build_board, count_headers, count_values, export_xlsx, headers
from portal.years.progress_numbers import PAGE_SIZE, STATUSES, filter_and_page, numbers
from portal.years.services import extend_deadline, reopen_unit
from portal.years.lookup import load_year

TEMPLATE = "years/progress.html"
KINDS = ("extension", "reopen")
#: The regions a GET of the board may refresh alone (the summary asks itself on ``progress-changed``).
BOARD_TARGETS = {"progress-summary": "summary", "progress": "progress"}


def _unit_type(year) -> str | None:
    value = request.values.get("type") or None
    return value if value in type_codes(year) else None


def _form_factory(failed: DeadlineForm | None, failed_key: tuple | None):
    def deadline_form(unit_id: int, kind: str) -> DeadlineForm:
        if failed is not None and failed_key == (unit_id, kind):
            return failed
        return DeadlineForm(formdata=None, prefix=f"u{unit_id}-{kind}")
    return deadline_form


def _context(year, *, unit_type, failed=None, failed_key=None, **extra) -> dict:
    now = utcnow()
    actor = actor_for(current_user, year)
    extend, reopen = (domain.can_extend_deadline(actor, phase=year.phase),
                      domain.can_reopen_unit(actor, phase=year.phase))
    board = build_board(year, now=now, unit_type=unit_type)
    chosen = request.values.get("status") or None
    chosen = chosen if chosen in STATUSES else None
    query = (request.values.get("q") or "").strip()[:100]
    rows, page, pages, shown = filter_and_page(board.rows, status=chosen, page_arg=request.values.get("page", ""),
                                               words=query_words(query))
    return dict(
        year=year, board=board, unit_type=unit_type, rows=rows, page=page, pages=pages, shown=shown, query=query,
        file_status=chosen, statuses=STATUSES, status_labels={
            value: _("Chưa có hồ sơ") if value == "none" else _(domain.UNIT_STATUS_LABELS[domain.UnitStatus(value)])
            for value in STATUSES}, numbers=numbers(year), page_size=PAGE_SIZE, files=_files(year),
        headers=headers(), count_headers=count_headers(), count_values=count_values,
        current_label=phase_label(year.phase), deadline_form=_form_factory(failed, failed_key),
        banner=banner_state(year, None, year.phase, now) if domain.is_working_phase(year.phase) else None,
        can_extend=bool(extend), can_reopen=bool(reopen),
        exceptions_refusal=None if extend else refusal_message(extend, phase=year.phase), **extra)


def _files(year) -> dict[int, int]:
    """unit id → its file of the year (the board links each unit to its file)."""
    from sqlalchemy import select

    return dict(db.session.execute(select(Assessment.unit_id, Assessment.id).where(Assessment.year_id == year.id)).all())


@bp.route("/progress")
@roles("admin")
def progress():
    return _board_page(None)


@bp.route("/<int:year_id>/progress")
@roles("admin")
def year_progress(year_id: int):
    return _board_page(year_id)


def _board_page(year_id):
    year = load_year(year_id)
    return render(TEMPLATE, targets=BOARD_TARGETS, **_context(year, unit_type=_unit_type(year)))


@bp.route("/<int:year_id>/progress.xlsx")
@roles("admin")
def progress_xlsx(year_id: int):
    year = load_year(year_id)
    unit_type = _unit_type(year)
    data = export_xlsx(build_board(year, now=utcnow(), unit_type=unit_type))
    name = f"tien-do-{year.year}{'-' + unit_type if unit_type else ''}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _back_url(year) -> str:
    return url_for("years.year_progress", year_id=year.id, type=_unit_type(year))


def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


def _row_response(year, unit, *, status=200, failed=None, kind=None, message=None):
    """The unit's row for htmx (and a refresh of the summary), the whole board otherwise."""
    context = _context(year, unit_type=_unit_type(year), failed=failed, failed_key=(unit.id, kind),
                       row_message=message, row_message_unit=unit.id,
                       open_unit=unit.id if failed is not None else None)
    if not is_htmx():
        return render(TEMPLATE, status=status, **context)
    row = next((r for r in context["board"].rows if r.unit.id == unit.id), None)
    if row is None:  # filtered out of the board (another unit type): refresh the whole board
        return render(TEMPLATE, block="progress", status=status, **context)
    response = render(TEMPLATE, block="unit_row", status=status, row=row, **context)
    return hx_trigger(response, "progress-changed") if status == 200 else response


def _change_unit(year_id: int, unit_id: int, kind: str):
    year, unit = load_year(year_id), _unit_or_404(unit_id)
    form = DeadlineForm(prefix=f"u{unit.id}-{kind}")
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _row_response(year, unit, status=422, failed=form, kind=kind))
    now, until = utcnow(), to_utc(form.until.data)
    if until is None or until <= now:
        form.until.errors = [_("Hạn mới phải sau thời điểm hiện tại.")]
        return _row_response(year, unit, status=422, failed=form, kind=kind)
    service = extend_deadline if kind == "extension" else reopen_unit
    try:
        service(year, unit, until=until, reason=form.reason.data, user=current_user, now=now)
    except Refused as refusal:
        if refusal.code == "shorter_than_common":
            form.until.errors = [refusal.message]
        else:
            form.reason.errors = [refusal.message]
        raise Refusal(answer=lambda: _row_response(load_year(year_id), _unit_or_404(unit_id), status=422,
                                                   failed=form, kind=kind))
    db.session.commit()
    message = (_("Đã gia hạn cho %(unit)s.", unit=unit.name_in(year.id)) if kind == "extension"
               else _("Đã mở lại hồ sơ của %(unit)s.", unit=unit.name_in(year.id)))
    if is_htmx():
        return _row_response(year, unit, message=message)
    flash(message, "success")
    return redirect_after_post(_back_url(year))


@bp.route("/<int:year_id>/units/<int:unit_id>/extension", methods=["POST"])
@roles("admin")
def extend_unit(year_id: int, unit_id: int):
    return _change_unit(year_id, unit_id, "extension")


@bp.route("/<int:year_id>/units/<int:unit_id>/reopen", methods=["POST"])
@roles("admin")
def reopen(year_id: int, unit_id: int):
    return _change_unit(year_id, unit_id, "reopen")


@bp.route("/<int:year_id>/remind", methods=["POST"])
@roles("admin")
def remind(year_id: int):
    year = load_year(year_id)
    board = build_board(year, now=utcnow(), unit_type=_unit_type(year))
    if not board.can_remind:
        message, category = _("Không có đơn vị nào cần nhắc trong giai đoạn này."), "info"
    else:
        units = [r.unit.id for r in board.laggards]
        accounts = remind_units(year, units, user=current_user, now=utcnow())
        db.session.commit()
        message, category = ngettext("Đã nhắc %(units)d đơn vị (%(accounts)d tài khoản).",
                                     "Đã nhắc %(units)d đơn vị (%(accounts)d tài khoản).", len(units),
                                     units=len(units), accounts=accounts), "success"
    if is_htmx():
        return render(TEMPLATE, block="summary", **_context(year, unit_type=_unit_type(year),
                                                              remind_message=message))
    flash(message, category)
    return redirect_after_post(_back_url(year))
