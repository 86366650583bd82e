"""Admin screens for units: list with search, create, inline edit, (de)activate. Every action is a real
form post; htmx upgrades the list to live search and row-by-row editing."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.units import bp
from portal.units.forms import UnitForm
from portal.units.models import Unit
from portal.units.services import UnitError, create_unit, search_units, set_unit_active, update_unit
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.years.services import active_year


def _unit_error_text(code: str) -> str:
    return {
        "duplicate_code": _("Mã này đã được dùng cho đơn vị khác. Hãy chọn mã khác."),
        "duplicate_name": _("Đã có đơn vị trùng tên (không phân biệt dấu, hoa thường). Hãy kiểm tra danh sách."),
        "lookalike": _("Tên có ký tự trông giống chữ Đ nhưng không phải (Ð). Hãy gõ lại bằng bộ gõ tiếng Việt."),
    }[code]


def _list_page(*, form=None, edit_id=None, status=200, block=None):
    q = request.args.get("q", "")
    unit_type = request.args.get("type") or None
    units = search_units(q, unit_type)
    return render("units/list.html", block=block, status=status, units=units, q=q, unit_type=unit_type,
                  form=form or UnitForm(formdata=None), edit_id=edit_id, new_form=UnitForm(formdata=None))


def _load(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.route("/")
@roles("admin")
def list_units():
    return _list_page(block="unit_table" if request.headers.get("HX-Target") == "unit-table" else None)


@bp.route("/new", methods=["POST"])
@roles("admin")
def create():
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = create_unit(code=form.code.data, name=form.name.data, unit_type=form.unit_type.data,
                               actor=current_user, year=active_year())
        except UnitError as err:
            getattr(form, err.field).errors.append(_unit_error_text(err.code))
        else:
            db.session.commit()
            flash(_("Đã thêm đơn vị %(name)s.", name=unit.name), "success")
            return redirect_after_post(url_for("units.list_units"))
    db.session.rollback()
    return render("units/list.html", status=422, units=search_units(), q="", unit_type=None,
                  form=UnitForm(formdata=None), edit_id=None, new_form=form,
                  block="new_unit" if is_htmx() else None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@roles("admin")
def edit(unit_id: int):
    unit = _load(unit_id)
    if request.method == "GET":
        form = UnitForm(obj=unit, formdata=None)
        return _row_or_page(unit, form=form, edit_id=unit.id)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            update_unit(unit, code=form.code.data, name=form.name.data, unit_type=form.unit_type.data,
                        actor=current_user, year=active_year())
        except UnitError as err:
            getattr(form, err.field).errors.append(_unit_error_text(err.code))
        else:
            db.session.commit()
            if is_htmx():
                return _row_or_page(unit, form=UnitForm(formdata=None), edit_id=None, saved=True)
            flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
            return redirect_after_post(url_for("units.list_units"))
    db.session.rollback()
    unit = _load(unit_id)
    return _row_or_page(unit, form=form, edit_id=unit.id, status=422)


@bp.route("/<int:unit_id>/row")
@roles("admin")
def row(unit_id: int):
    """The row in display mode (the Cancel of inline editing)."""
    unit = _load(unit_id)
    return _row_or_page(unit, form=UnitForm(formdata=None), edit_id=None)


@bp.route("/<int:unit_id>/active", methods=["POST"])
@roles("admin")
def toggle_active(unit_id: int):
    unit = _load(unit_id)
    set_unit_active(unit, request.form.get("active") == "1", actor=current_user)
    db.session.commit()
    if not is_htmx():
        flash(_("Đã cập nhật trạng thái của %(name)s.", name=unit.name), "success")
        return redirect_after_post(url_for("units.list_units"))
    return _row_or_page(unit, form=UnitForm(formdata=None), edit_id=None, saved=True)


def _row_or_page(unit, *, form, edit_id, status=200, saved=False):
    if is_htmx():
        return render("units/list.html", block="unit_row", status=status, unit=unit, form=form,
                      edit_id=edit_id, saved=saved)
    return _list_page(form=form, edit_id=edit_id, status=status)
