"""Bộ tiêu chí — the admin's screens: the sets of the active year, the editor page of one set, its meta
(total, caps, appraisal/survey split), copy from last year, lock and unlock. Item edits: items.py;
import and export: import_export.py. Every mutation is a form post that works without JavaScript."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.criteria import bp
from portal.criteria.domain import can_copy_previous, can_lock, can_unlock, split_problem
from portal.criteria.forms import ConfirmImportForm, ImportForm, MetaForm, UnitTypeForm, UnlockForm
from portal.criteria.services import (
    check_set,
    copy_from_previous,
    lock_set,
    meta_values,
    previous_year,
    set_for,
    set_rows,
    unlock_set,
    update_meta,
)
from portal.criteria.views._shared import (
    actor,
    editor_page,
    fragment,
    load_set,
    lock_text,
    refusal_text,
    refuse,
    require,
)
from portal.db import utcnow
from portal.extensions import db
from portal.scoring.numeric import format_vi
from portal.units.types import type_codes, unit_type_label
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.years.domain import can_edit_criteria
from portal.years.services import active_year


def _set_cards(year) -> list[dict]:
    previous = previous_year(year)
    return [_card(year, unit_type, previous) for unit_type in type_codes(year)]


def _card(year, unit_type: str, previous) -> dict:
    """One unit type's set on the sets page: its state, last year's set, and the import and copy forms."""
    cset = set_for(year.id, unit_type)
    card = {"unit_type": unit_type, "label": unit_type_label(unit_type, year), "set": cset,
            "previous": set_for(previous.id, unit_type) if previous else None, "previous_year": previous,
            "import_form": ImportForm(formdata=None, unit_type=unit_type),
            "copy_form": UnitTypeForm(formdata=None, unit_type=unit_type)}
    if cset is not None:
        card.update(check=check_set(cset, set_rows(cset)), lock_text=lock_text(cset))
    return card


@bp.route("/")
@roles("admin")
def index():
    year = active_year()
    return render("criteria/index.html", year=year, cards=_set_cards(year) if year else [],
                  confirm_form=ConfirmImportForm(formdata=None))


@bp.route("/<int:set_id>")
@roles("admin")
def editor(set_id: int):
    cset = load_set(set_id)
    return editor_page(cset, unlock_form=UnlockForm(formdata=None))


def _meta_form(cset) -> MetaForm:
    values = meta_values(cset)
    return MetaForm(formdata=None, prefix="meta", **{k: (format_vi(v) if k != "title" and v is not None else v)
                                      for k, v in values.items()})


@bp.route("/<int:set_id>/meta", methods=["GET", "POST"])
@roles("admin")
def edit_meta(set_id: int):
    cset = load_set(set_id)
    require(can_edit_criteria, cset)
    if request.method == "GET":
        return _meta_response(cset, _meta_form(cset), open_=True)
    form = MetaForm(prefix="meta")
    if form.validate_on_submit() and not _split_refused(form):
        update_meta(cset, form.values(), actor=current_user)
        db.session.commit()
        if is_htmx():
            return _meta_response(cset, None, open_=False)
        flash(_("Đã lưu thông tin chung của bộ tiêu chí."), "success")
        return redirect_after_post(url_for("criteria.editor", set_id=cset.id))
    raise Refusal(answer=lambda: _meta_response(load_set(set_id), form, open_=True, status=422))


def _split_refused(form: MetaForm) -> bool:
    """A set is never saved with appraisal + survey different from its total: the error goes on the form."""
    values = form.values()
    problem = split_problem(total=values["total"], appraisal=values["appraisal"], survey=values["survey"])
    if problem:
        form.appraisal.errors = list(form.appraisal.errors or []) + [problem]
    return bool(problem)


@bp.route("/<int:set_id>/meta/view")
@roles("admin")
def view_meta(set_id: int):
    """The meta in display mode (the Cancel of its inline form)."""
    return _meta_response(load_set(set_id), None, open_=False)


def _meta_response(cset, form, *, open_: bool, status: int = 200):
    mode = {"meta_open": open_}
    if is_htmx():
        return fragment(cset, "meta", status=status, mode=mode, meta_form=form)
    return editor_page(cset, status=status, mode=mode, meta_form=form, unlock_form=UnlockForm(formdata=None))


@bp.route("/<int:set_id>/lock", methods=["POST"])
@roles("admin")
def lock(set_id: int):
    cset = load_set(set_id)
    require(can_lock, cset)
    lock_set(cset, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã khóa bộ tiêu chí. Không ai sửa được cho đến khi mở khóa."), "success")
    return redirect_after_post(url_for("criteria.editor", set_id=cset.id))


@bp.route("/<int:set_id>/unlock", methods=["POST"])
@roles("admin")
def unlock(set_id: int):
    cset = load_set(set_id)
    require(can_unlock, cset)
    form = UnlockForm()
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: editor_page(cset, status=422, unlock_form=form))
    unlock_set(cset, form.reason.data, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã mở khóa bộ tiêu chí. Lý do đã được ghi vào nhật ký; hãy khóa lại khi sửa xong."), "success")
    return redirect_after_post(url_for("criteria.editor", set_id=cset.id))


@bp.route("/copy", methods=["POST"])
@roles("admin")
def copy_previous():
    year = active_year()
    form = UnitTypeForm()
    if year is None or not form.validate_on_submit() or form.unit_type.data not in type_codes(year):
        return refuse(_("Không sao chép được: chưa có năm đánh giá hoặc loại đơn vị không hợp lệ."), 400)
    unit_type = form.unit_type.data
    previous = previous_year(year)
    decision = can_copy_previous(actor(), phase=year.phase, exists=set_for(year.id, unit_type) is not None,
                                 previous_exists=previous is not None and set_for(previous.id, unit_type) is not None)
    if not decision:
        return refuse(refusal_text(decision), 409)
    cset = copy_from_previous(year, unit_type, actor=current_user)
    db.session.commit()
    flash(_("Đã sao chép bộ tiêu chí %(type)s năm %(old)s sang năm %(new)s. Hãy rà soát và sửa những điểm "
            "thay đổi.", type=unit_type_label(unit_type), old=previous.year, new=year.year), "success")
    return redirect_after_post(url_for("criteria.editor", set_id=cset.id))
