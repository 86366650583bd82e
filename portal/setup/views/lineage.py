"""Đơn vị tiền thân (admin) — recording which earlier units a unit of the year comes from.

Real form posts (redirect after post); a refusal of the rules (portal.units.lineage_rules) comes back as the page
with the message next to the form, and nothing is written. Every change is audited by the service.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.extensions import db
from portal.setup import bp
from portal.setup.forms import LineageForm, RosterRemoveForm
from portal.units.lineage_rules import LINEAGE_KINDS
from portal.units.lineage import LineageError, add_predecessor, predecessors_of, remove_predecessor
from portal.units.models import Unit, UnitLineage
from portal.web.htmx import Refusal, redirect_after_post, render
from portal.web.permissions import roles
from portal.years.lookup import load_year


def kind_labels() -> dict[str, str]:
    return {"renamed": _("Đổi tên (so sánh được với đơn vị tiền thân)"),
            "merged": _("Hợp nhất từ nhiều đơn vị"), "split": _("Chia tách từ một đơn vị"),
            "new": _("Thành lập mới"), "outside": _("Tiền thân ngoài cổng (ví dụ sở của tỉnh Kiên Giang cũ)")}


def _error_text(code: str) -> str:
    return {
        "unknown_kind": _("Hãy chọn một hình thức sắp xếp trong danh sách."),
        "one_source": _("Hãy chọn một đơn vị tiền thân trong cổng, hoặc để “ngoài cổng” và nhập tên đơn vị ngoài cổng."),
        "outside_kind": _("Hình thức “Tiền thân ngoài cổng” chỉ dùng cho đơn vị ngoài cổng; với đơn vị trong cổng hãy chọn hình thức khác."),
        "itself": _("Một đơn vị không thể là tiền thân của chính nó. Hãy chọn đơn vị khác."),
        "duplicate": _("Đơn vị này đã có trong danh sách tiền thân."),
        "renamed_alone": _("Đơn vị đổi tên chỉ có đúng một tiền thân. Nếu đơn vị hình thành từ nhiều đơn vị, hãy chọn “Hợp nhất”."),
    }[code]


def _load(year_id: int, unit_id: int):
    year = load_year(year_id)
    if db.session.scalar(select(Assessment.id).where(Assessment.year_id == year.id,
                                                     Assessment.unit_id == unit_id)) is None:
        abort(404)
    return year, db.session.get(Unit, unit_id)


def _form(unit, form=None) -> LineageForm:
    form = form or LineageForm(formdata=None)
    form.kind.choices = list(kind_labels().items())
    others = db.session.scalars(select(Unit).where(Unit.id != unit.id).order_by(Unit.name_key))
    form.predecessor_id.choices = [(0, _("— Ngoài cổng (nhập tên bên dưới) —"))] + [
        (u.id, f"{u.name} ({u.code})") for u in others]
    return form


def _page(year, unit, *, form=None, status=200, error=None):
    return render("setup/lineage.html", status=status, year=year, unit=unit, name=unit.name_in(year.id),
                  rows=predecessors_of(year.id, unit.id).get(unit.id, []), form=_form(unit, form),
                  remove_form=RosterRemoveForm(formdata=None), labels=kind_labels(), error=error)


@bp.route("/<int:year_id>/lineage/<int:unit_id>", methods=["GET", "POST"])
@roles("admin")
def lineage(year_id: int, unit_id: int):
    year, unit = _load(year_id, unit_id)
    if request.method == "GET":
        return _page(year, unit)
    form = _form(unit, LineageForm())
    if not form.validate_on_submit() or form.kind.data not in LINEAGE_KINDS:
        raise Refusal(answer=lambda: _page(year, unit, form=form, status=422))
    predecessor = db.session.get(Unit, form.predecessor_id.data) if form.predecessor_id.data else None
    try:
        add_predecessor(year, unit, kind=form.kind.data, predecessor=predecessor,
                        outside_code=form.outside_code.data or "", outside_name=form.outside_name.data or "",
                        decision_number=form.decision_number.data or "", decision_date=form.decision_date.date,
                        actor=current_user)
    except LineageError as refusal:
        error = _error_text(refusal.code)
        raise Refusal(answer=lambda: _page(year, unit, form=form, status=409, error=error))
    db.session.commit()
    flash(_("Đã ghi đơn vị tiền thân của %(name)s. Hãy tính lại kết quả năm để trang kết quả hiển thị thay đổi.",
            name=unit.name_in(year.id)), "success")
    return redirect_after_post(url_for("setup.lineage", year_id=year.id, unit_id=unit.id))


@bp.route("/<int:year_id>/lineage/<int:unit_id>/<int:row_id>/remove", methods=["POST"])
@roles("admin")
def lineage_remove(year_id: int, unit_id: int, row_id: int):
    year, unit = _load(year_id, unit_id)
    row = db.session.get(UnitLineage, row_id)
    if row is None or row.year_id != year.id or row.unit_id != unit.id:
        abort(404)
    if not RosterRemoveForm().validate_on_submit():
        abort(400)
    remove_predecessor(row, actor=current_user)
    db.session.commit()
    flash(_("Đã bỏ một đơn vị tiền thân của %(name)s. Hãy tính lại kết quả năm để trang kết quả hiển thị thay đổi.",
            name=unit.name_in(year.id)), "success")
    return redirect_after_post(url_for("setup.lineage", year_id=year.id, unit_id=unit.id))
