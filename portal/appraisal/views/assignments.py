"""Phân công Hội đồng (admin, /appraisal/assignments): the grid of members × fields, the units whose field
must go to someone else (the conflict rule), and the reassignments. Forms post without JavaScript and
redirect back; htmx swaps the grid or the reassignment list in place."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.appraisal import bp
from portal.appraisal.council import (
    AssignmentError,
    conflicts,
    grid,
    members,
    reassign,
    reassignments,
    remove_reassignment,
    save_grid,
    year_fields,
)
from portal.appraisal.domain import assign_choices
from portal.assessments.models import Assessment
from portal.text import fold_key
from portal.appraisal.models import AppraisalOverride
from portal.appraisal.unit_assignments import PAGE_SIZE, STATUSES, filter_rows, unit_rows
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.units.types import type_codes, year_types
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.listing import page_of, query_words
from portal.web.permissions import roles
from portal.policy.refusals import Refused
from portal.years.services import active_year

TEMPLATE = "appraisal/assignments.html"


def _year():
    year = active_year()
    if year is None:
        abort(404)
    return year


def _error_text(code: str) -> str:
    return {
        "not_member": _("Chỉ phân công được cho tài khoản thành viên Hội đồng đang hoạt động."),
        "unknown_field": _("Lĩnh vực này không có trong bộ tiêu chí của năm đánh giá."),
        "bad_value": _("Hãy chọn một trong các mức phân công của danh sách."),
        "not_assessed": _("Đơn vị này không có hồ sơ đánh giá trong năm."),
    }.get(code, _("Không lưu được phân công; hãy tải lại trang rồi thử lại."))


def _units(year) -> list[tuple[Unit, str]]:
    units = db.session.scalars(select(Unit).join(Assessment, Assessment.unit_id == Unit.id)
                               .where(Assessment.year_id == year.id).options(selectinload(Unit.names)))
    return sorted(((u, u.name_in(year.id)) for u in units), key=lambda p: fold_key(p[1]))


def _filters(year) -> dict:
    """The per-unit table's filters from the query string (or the posted form): type, status, search."""
    unit_type = request.values.get("type") or None
    status = request.values.get("status") or None
    return {"type": unit_type if unit_type in type_codes(year) else None,
            "status": status if status in STATUSES else None,
            "q": (request.values.get("q") or "").strip()[:100]}


def _filter_args(filters: dict, **more) -> dict:
    return {k: v for k, v in {**filters, **more}.items() if v}


def _unit_page(year, filters: dict):
    rows = filter_rows(unit_rows(year), unit_type=filters["type"], status=filters["status"],
                       words=query_words(filters["q"]))
    page = page_of(rows, request.values.get("page"), PAGE_SIZE)
    page.links = [(n, url_for("appraisal.assignments", **_filter_args(filters, page=n if n > 1 else None))
                   + "#unit-assignments") for n in range(1, page.pages + 1)]
    return page


def _context(year, **extra) -> dict:
    filters = _filters(year)
    context = dict(year=year, members=members(), fields=year_fields(year), grid=grid(year), units=_units(year),
                   conflicts=conflicts(year), reassignments=reassignments(year), choices=assign_choices(type_codes(year)), types=year_types(year),
                   grid_message=None, grid_error=None, reassign_message=None, reassign_error=None, typed=None,
                   filters=filters, unit_page=_unit_page(year, filters), statuses=STATUSES,
                   back=_filter_args(filters, page=request.values.get("page") if request.values.get("page", "").isdigit() else None))
    context.update(extra)
    return context


@bp.route("/assignments")
@roles("admin")
def assignments():
    year = _year()
    return render(TEMPLATE, targets={"unit-assignments": "unit_assignments"}, **_context(year))


def _back_url(anchor: str) -> str:
    """The assignments page with the per-unit table's filters and page kept (the row forms post them)."""
    year = _year()
    filters = _filters(year)
    page = request.values.get("page", "")
    return url_for("appraisal.assignments", **_filter_args(filters, page=page if page.isdigit() else None)) + anchor


@bp.route("/assignments", methods=["POST"])
@roles("admin")
def save_assignments():
    year = _year()
    values = {}
    for member in members():
        for code, _title in year_fields(year):
            key = f"a-{member.id}-{code}"
            if key in request.form:
                values[(member.id, code)] = request.form.get(key, "")
    block = "assignment_grid" if is_htmx() else None
    try:
        changed = save_grid(year, values, user=current_user, now=utcnow())
    except (AssignmentError, Refused) as err:
        message = err.message if isinstance(err, Refused) else _error_text(err.code)
        raise Refusal(answer=lambda: render(TEMPLATE, block=block, status=422,
                                            **_context(year, grid_error=message, typed=values)))
    db.session.commit()
    message = (ngettext("Đã lưu phân công của %(n)d thành viên.", "Đã lưu phân công của %(n)d thành viên.", changed,
                        n=changed) if changed else _("Phân công không thay đổi."))
    if is_htmx():
        return render(TEMPLATE, block=block, **_context(year, grid_message=message))
    flash(message, "success")
    return redirect_after_post(url_for("appraisal.assignments"))


def _int(name: str) -> int | None:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        return None


@bp.route("/reassign", methods=["POST"])
@roles("admin")
def reassign_field():
    """Give one unit's field to another member (from the conflict list or the free form)."""
    year = _year()
    block = "reassign_list" if is_htmx() else None
    unit = db.session.get(Unit, _int("unit_id") or 0)
    member = db.session.get(User, _int("user_id") or 0)
    code = request.form.get("field_code", "")
    if unit is None or member is None or not code:
        raise Refusal(answer=lambda: render(TEMPLATE, block=block, status=422, **_context(
            year, reassign_error=_("Hãy chọn đơn vị, lĩnh vực và thành viên nhận phân công."))))
    try:
        reassign(year, unit, code, member, user=current_user, now=utcnow())
    except (AssignmentError, Refused) as err:
        message = (_("%(member)s thuộc chính đơn vị này nên không thẩm định được; hãy chọn thành viên khác.",
                     member=member.full_name) if isinstance(err, Refused) else _error_text(err.code))
        raise Refusal(answer=lambda: render(TEMPLATE, block=block, status=422,
                                            **_context(year, reassign_error=message)))
    db.session.commit()
    message = _("Đã giao lĩnh vực %(field)s của %(unit)s cho %(member)s.", field=code, unit=unit.name_in(year.id),
                member=member.full_name)
    if is_htmx():
        return render(TEMPLATE, block=block, **_context(year, reassign_message=message))
    flash(message, "success")
    return redirect_after_post(_back_url("#unit-assignments" if request.form.get("from") == "units"
                                         else "#reassignments"))


@bp.route("/reassign/<int:override_id>/delete", methods=["POST"])
@roles("admin")
def remove_reassign(override_id: int):
    year = _year()
    row = db.session.get(AppraisalOverride, override_id)
    if row is None or row.year_id != year.id:
        abort(404)
    remove_reassignment(year, row, user=current_user, now=utcnow())
    db.session.commit()
    message = _("Đã bỏ phân công lại; lĩnh vực trở về theo bảng phân công.")
    if is_htmx():
        return render(TEMPLATE, block="reassign_list", **_context(year, reassign_message=message))
    flash(message, "success")
    return redirect_after_post(_back_url("#reassignments"))
