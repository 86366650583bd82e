"""Mở năm, loại đơn vị, đơn vị tham gia (admin) — opening a year, the year's unit types and its roster.

Every action is a real form post (redirect after post; the CSRF token is checked for every post by
Flask-WTF's CSRFProtect); a refusal of the rules comes back as the page with the message, and nothing is
written.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.criteria.models import CriteriaSet
from portal.db import utcnow
from portal.extensions import db
from portal.seed_data.unit_types import PRESETS
from portal.setup import bp
from portal.setup.forms import OpenYearForm, RosterAddForm, RosterRemoveForm, UnitTypeForm
from portal.setup.opening import open_year
from portal.setup.roster import add_to_year, remove_from_year, year_roster, years_of_unit
from portal.units.models import Unit, UnitType
from portal.units.types import (
    UnitTypeError,
    create_type,
    delete_type,
    move_type,
    unit_type_label,
    update_type,
    year_types,
)
from portal.web.htmx import Refusal, redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.refusals import Refused
from portal.years.models import AssessmentYear
from portal.years.services import all_years
from portal.years.lookup import load_year


def _type_error_text(code: str) -> str:
    return {
        "duplicate_code": _("Năm này đã có loại đơn vị với mã này. Hãy chọn mã khác."),
        "whole_number": _("Hãy nhập một số nguyên từ 0 đến 999."),
        "in_use": _("Loại đơn vị đang có đơn vị hoặc bộ tiêu chí trong năm nên không xóa được."),
    }[code]


# --------------------------------------------------------------------------------------------- open


def _source_choices() -> list[tuple[str, str]]:
    return [("", _("Năm trống (tự khai báo loại đơn vị, bộ tiêu chí, đơn vị)"))] + [
        (str(y.id), _("Sao chép từ năm %(year)s", year=y.year)) for y in all_years()]


@bp.route("/new", methods=["GET", "POST"])
@roles("admin")
def open_new_year():
    form = OpenYearForm()
    form.source.choices = _source_choices()
    if request.method == "GET":
        latest = all_years()
        form = OpenYearForm(formdata=None, year=(latest[0].year + 1) if latest else utcnow().year,
                            source=str(latest[0].id) if latest else "")
        form.source.choices = _source_choices()
        return render("setup/new.html", form=form)
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: render("setup/new.html", form=form, status=422))
    source = db.session.get(AssessmentYear, int(form.source.data)) if form.source.data else None
    try:
        opened = open_year(form.year.data, form.title.data, source=source, user=current_user, now=utcnow())
    except Refused as refusal:
        form.year.errors = [refusal.message]
        raise Refusal(answer=lambda: render("setup/new.html", form=form, status=409))
    db.session.commit()
    if source is None:
        flash(_("Đã mở năm %(year)s (năm trống). Hãy khai báo loại đơn vị, bộ tiêu chí rồi đơn vị tham gia.",
                year=opened.year.year), "success")
    else:
        c = opened.copied
        flash(_("Đã mở năm %(year)s từ năm %(src)s: %(types)d loại đơn vị, %(sets)d bộ tiêu chí, %(units)d đơn vị, "
                "%(council)d phân công Hội đồng. Thời hạn các giai đoạn được đề xuất lùi một năm: hãy kiểm tra "
                "và lưu để xác nhận.", year=opened.year.year, src=source.year, types=c["types"], sets=c["sets"],
                units=c["units"], council=c["council"]), "success")
    return redirect_after_post(url_for("years.year_detail", year_id=opened.year.id))


# --------------------------------------------------------------------------------------------- types


def _types_page(year, *, form=None, edit_id=None, edit_form=None, status=200, error=None):
    kinds = year_types(year)
    used = _types_in_use(year)
    return render("setup/types.html", status=status, year=year, types=kinds, used=used,
                  form=form or UnitTypeForm(formdata=None, prefix="new"), edit_id=edit_id, edit_form=edit_form,
                  presets={code: p for code, p in PRESETS.items() if code not in {t.code for t in kinds}},
                  error=error)


def _types_in_use(year) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in db.session.scalars(select(Assessment.unit_type).where(Assessment.year_id == year.id)):
        counts[kind] = counts.get(kind, 0) + 1
    for kind in db.session.scalars(select(CriteriaSet.unit_type).where(CriteriaSet.year_id == year.id)):
        counts.setdefault(kind, 0)
    return counts


def _load_type(year, type_id: int) -> UnitType:
    row = db.session.get(UnitType, type_id)
    if row is None or row.year_id != year.id:
        abort(404)
    return row


@bp.route("/<int:year_id>/types", methods=["GET", "POST"])
@roles("admin")
def unit_types(year_id: int):
    year = load_year(year_id)
    if request.method == "GET":
        return _types_page(year)
    preset = request.form.get("preset")
    if preset:
        if preset not in PRESETS:
            abort(400)
        values = dict(PRESETS[preset], code=preset)
        form = UnitTypeForm(formdata=None, prefix="new")
    else:
        form = UnitTypeForm(prefix="new")
        if not form.validate_on_submit():
            raise Refusal(answer=lambda: _types_page(year, form=form, status=422))
        values = form.values()
    try:
        row = create_type(year, values, actor=current_user)
    except UnitTypeError as err:
        error = _type_error_text(err.code)
        if preset:
            raise Refusal(answer=lambda: _types_page(year, status=409, error=error))
        getattr(form, err.field).errors.append(error)
        raise Refusal(answer=lambda: _types_page(year, form=form, status=409))
    db.session.commit()
    flash(_("Đã thêm loại đơn vị %(name)s.", name=row.name), "success")
    return redirect_after_post(url_for("setup.unit_types", year_id=year.id))


@bp.route("/<int:year_id>/types/<int:type_id>", methods=["GET", "POST"])
@roles("admin")
def edit_unit_type(year_id: int, type_id: int):
    year = load_year(year_id)
    row = _load_type(year, type_id)
    if request.method == "GET":
        return _types_page(year, edit_id=row.id, edit_form=UnitTypeForm(formdata=None, obj=row, prefix="t"))
    form = UnitTypeForm(prefix="t")
    form.code.data = row.code  # the code stays: files and sets refer to it
    row_id = row.id
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _types_page(year, edit_id=row_id, edit_form=form, status=422))
    try:
        update_type(row, form.values(), actor=current_user)
    except UnitTypeError as err:
        getattr(form, err.field).errors.append(_type_error_text(err.code))
        raise Refusal(answer=lambda: _types_page(year, edit_id=row_id, edit_form=form, status=409))
    db.session.commit()
    flash(_("Đã lưu loại đơn vị %(name)s.", name=row.name), "success")
    return redirect_after_post(url_for("setup.unit_types", year_id=year.id))


@bp.route("/<int:year_id>/types/<int:type_id>/move", methods=["POST"])
@roles("admin")
def move_unit_type(year_id: int, type_id: int):
    year = load_year(year_id)
    row = _load_type(year, type_id)
    move_type(row, -1 if request.form.get("direction") == "up" else 1, actor=current_user)
    db.session.commit()
    return redirect_after_post(url_for("setup.unit_types", year_id=year.id))


@bp.route("/<int:year_id>/types/<int:type_id>/delete", methods=["POST"])
@roles("admin")
def delete_unit_type(year_id: int, type_id: int):
    year = load_year(year_id)
    row = _load_type(year, type_id)
    try:
        delete_type(row, actor=current_user, in_use=row.code in _types_in_use(year))
    except UnitTypeError as err:
        error = _type_error_text(err.code)
        raise Refusal(answer=lambda: _types_page(year, status=409, error=error))
    db.session.commit()
    flash(_("Đã xóa loại đơn vị %(name)s.", name=row.name), "success")
    return redirect_after_post(url_for("setup.unit_types", year_id=year.id))


# -------------------------------------------------------------------------------------------- roster


def _roster_form(year, form=None) -> RosterAddForm:
    form = form or RosterAddForm(formdata=None)
    present = set(db.session.scalars(select(Assessment.unit_id).where(Assessment.year_id == year.id)))
    units = [u for u in db.session.scalars(select(Unit).order_by(Unit.name_key)) if u.id not in present]
    form.unit_id.choices = [(u.id, f"{u.name} ({u.code})") for u in units]
    form.unit_type.choices = [(t.code, t.label()) for t in year_types(year)]
    return form


def _roster_page(year, *, form=None, status=200, error=None):
    entries = year_roster(year)
    groups = [(t, [e for e in entries if e.unit_type == t.code]) for t in year_types(year)]
    return render("setup/roster.html", status=status, year=year, groups=groups, total=len(entries),
                  form=_roster_form(year, form), remove_form=RosterRemoveForm(formdata=None), error=error,
                  history=years_of_unit([e.unit.id for e in entries]))


@bp.route("/<int:year_id>/roster", methods=["GET", "POST"])
@roles("admin")
def roster(year_id: int):
    year = load_year(year_id)
    if request.method == "GET":
        return _roster_page(year)
    form = _roster_form(year, RosterAddForm())
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _roster_page(year, form=form, status=422))
    unit = db.session.get(Unit, form.unit_id.data)
    try:
        add_to_year(year, unit, form.unit_type.data, name=form.name.data, reason=form.reason.data,
                    user=current_user, now=utcnow())
    except Refused as refusal:
        error = refusal.message
        raise Refusal(answer=lambda: _roster_page(year, form=form, status=409, error=error))
    db.session.commit()
    flash(_("Đã thêm %(name)s vào năm %(year)s (%(kind)s); hồ sơ của đơn vị đã được tạo.",
            name=unit.name_in(year.id), year=year.year, kind=unit_type_label(form.unit_type.data, year)), "success")
    return redirect_after_post(url_for("setup.roster", year_id=year.id))


@bp.route("/<int:year_id>/roster/<int:assessment_id>/remove", methods=["POST"])
@roles("admin")
def roster_remove(year_id: int, assessment_id: int):
    year = load_year(year_id)
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.year_id != year.id:
        abort(404)
    form = RosterRemoveForm()
    if not form.validate_on_submit():
        abort(400)
    name = assessment.unit.name_in(year.id)
    try:
        remove_from_year(year, assessment, reason=form.reason.data, user=current_user, now=utcnow())
    except Refused as refusal:
        error = refusal.message
        raise Refusal(answer=lambda: _roster_page(year, status=409, error=error))
    db.session.commit()
    flash(_("Đã bớt %(name)s khỏi năm %(year)s.", name=name, year=year.year), "success")
    return redirect_after_post(url_for("setup.roster", year_id=year.id))

