"""Admin screens for units: list with search, create, inline edit, (de)activate. Every action is a real
form post; htmx upgrades the list to live search and row-by-row editing."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.setup.roster import add_to_year, years_of_unit
from portal.units import bp
from portal.db import utcnow
from portal.units.forms import NewUnitForm, UnitForm, with_type_choices
from portal.units.models import Unit
from portal.units.services import UnitError, create_unit, search_units, set_unit_active, update_unit
from portal.units.types import type_choices, year_types
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.refusals import Refused
from portal.years.services import active_year


def _history(unit_ids):
    return years_of_unit(unit_ids)


def _new_form():
    """The new-unit form; "take part in the current year" is ticked while the year is in setup (after
    setup, a unit joining needs a reason, so the admin ticks it on purpose)."""
    year = active_year()
    return _form(NewUnitForm, formdata=None, join_year=year is not None and year.phase == "setup")


def _form(cls, unit=None, **kwargs):
    return with_type_choices(cls(**kwargs), type_choices(active_year()), unit.unit_type if unit is not None else None)


def _unit_error_text(code: str) -> str:
    return {
        "duplicate_code": _("Mã này đã được dùng cho đơn vị khác. Hãy chọn mã khác."),
        "duplicate_name": _("Đã có đơn vị trùng tên (không phân biệt dấu, hoa thường). Hãy kiểm tra danh sách."),
        "lookalike": _("Tên có ký tự trông giống chữ Đ nhưng không phải (Ð). Hãy gõ lại bằng bộ gõ tiếng Việt."),
    }[code]


#: The search box swaps the table; any other htmx target gets the whole page.
LIST_TARGETS = {"unit-table": "unit_table"}


def _list_page(*, form=None, edit_id=None, status=200, targets=None, new_form=None):
    q = request.args.get("q", "")
    unit_type = request.args.get("type") or None
    units = search_units(q, unit_type)
    return render("units/list.html", targets=targets, status=status, units=units, q=q, unit_type=unit_type,
                  form=form or _form(UnitForm, formdata=None), edit_id=edit_id,
                  new_form=new_form or _new_form(), history=_history(u.id for u in units),
                  types=year_types(active_year()))


def _load(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.route("/")
@roles("admin")
def list_units():
    return _list_page(targets=LIST_TARGETS)


@bp.route("/new", methods=["POST"])
@roles("admin")
def create():
    form = _form(NewUnitForm)
    year = active_year()
    if form.validate_on_submit():
        try:
            unit = create_unit(code=form.code.data, name=form.name.data, unit_type=form.unit_type.data,
                               actor=current_user, year=None)
            if form.join_year.data and year is not None:
                add_to_year(year, unit, form.unit_type.data, reason=form.reason.data, user=current_user,
                            now=utcnow())
        except UnitError as err:
            getattr(form, err.field).errors.append(_unit_error_text(err.code))
        except Refused as refusal:
            form.join_year.errors = [refusal.message]
        else:
            db.session.commit()
            if form.join_year.data and year is not None:
                flash(_("Đã thêm đơn vị %(name)s và tạo hồ sơ năm %(year)s.", name=unit.name, year=year.year),
                      "success")
            else:
                flash(_("Đã thêm đơn vị %(name)s.", name=unit.name), "success")
            return redirect_after_post(url_for("units.list_units"))
    raise Refusal(answer=lambda: _not_created(form, year))


def _not_created(form, year):
    """The new-unit form again (htmx) or the list, with what was typed and why it was not saved (422)."""
    if is_htmx():
        return render("units/list.html", status=422, block="new_unit", new_form=form, current_year=year)
    return _list_page(status=422, new_form=form)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@roles("admin")
def edit(unit_id: int):
    unit = _load(unit_id)
    if request.method == "GET":
        form = _form(UnitForm, unit, obj=unit, formdata=None)
        return _row_or_page(unit, form=form, edit_id=unit.id)
    form = _form(UnitForm, unit)
    if form.validate_on_submit():
        try:
            update_unit(unit, code=form.code.data, name=form.name.data, unit_type=form.unit_type.data,
                        actor=current_user, year=active_year())
        except UnitError as err:
            getattr(form, err.field).errors.append(_unit_error_text(err.code))
        else:
            db.session.commit()
            if is_htmx():
                return _row_or_page(unit, form=_form(UnitForm, unit, formdata=None), edit_id=None, saved=True)
            flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
            return redirect_after_post(url_for("units.list_units"))
    raise Refusal(answer=lambda: _row_or_page(_load(unit_id), form=form, edit_id=unit_id, status=422))


@bp.route("/<int:unit_id>/row")
@roles("admin")
def row(unit_id: int):
    """The row in display mode (the Cancel of inline editing)."""
    unit = _load(unit_id)
    return _row_or_page(unit, form=_form(UnitForm, unit, formdata=None), edit_id=None)


@bp.route("/<int:unit_id>/active", methods=["POST"])
@roles("admin")
def toggle_active(unit_id: int):
    unit = _load(unit_id)
    set_unit_active(unit, request.form.get("active") == "1", actor=current_user)
    db.session.commit()
    if not is_htmx():
        flash(_("Đã cập nhật trạng thái của %(name)s.", name=unit.name), "success")
        return redirect_after_post(url_for("units.list_units"))
    return _row_or_page(unit, form=_form(UnitForm, unit, formdata=None), edit_id=None, saved=True)


def _row_or_page(unit, *, form, edit_id, status=200, saved=False):
    if is_htmx():
        return render("units/list.html", block="unit_row", status=status, unit=unit, form=form,
                      edit_id=edit_id, saved=saved, history=_history([unit.id]))
    return _list_page(form=form, edit_id=edit_id, status=status)
