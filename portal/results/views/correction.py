"""Đính chính (admin, published year): record a correcting decision for some units, recompute those units
after their survey points are fixed, approve the correction (a new published decision, the old one kept).
Real form posts with a redirect; htmx swaps only the correction panel when a form has errors."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.results import bp
from portal.results.correcting import correction_problems
from portal.results.corrections import (
    CorrectionNotRecomputed,
    approve_correction,
    open_correction,
    recompute_correction,
)
from portal.results.forms import CorrectionForm
from portal.results.services import current_approval
from portal.results.views.results import OVERVIEW, overview_context
from portal.years.lookup import load_year
from portal.results.views._shared import carry_out, decision_errors, require_fresh_form
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.local_time import zone

PROBLEM_TEXT = {
    "units_required": lambda: _("Hãy chọn ít nhất một đơn vị được đính chính."),
    "reason_required": lambda: _("Hãy nêu lý do đính chính, ví dụ sai sót khi nhập điểm điều tra XHH."),
}


def _panel(year, *, form=None, error=None, status=422):
    return render(OVERVIEW, block="correction_panel" if is_htmx() else None, status=status,
                  **overview_context(year, correction_form=form, correction_error=error))


def _back(year):
    return redirect_after_post(url_for("results.overview", year_id=year.id) + "#correction-panel")


def _picked(year) -> list[int]:
    """The unit ids ticked on the form that are units of the published results (others are ignored)."""
    approval = current_approval(year)
    known = {u["unit_id"] for t in (approval.snapshot if approval else {}).get("types", []) for u in t["units"]}
    picked = []
    for value in request.form.getlist("unit_ids"):
        if value.isdigit() and int(value) in known:
            picked.append(int(value))
    return picked


@bp.route("/<int:year_id>/corrections", methods=["POST"])
@roles("admin")
def correction_open(year_id: int):
    year = load_year(year_id)
    form = CorrectionForm()
    form.picked = _picked(year)
    valid = form.validate_on_submit()
    if valid:
        problems = correction_problems(form.decision_number.data, form.decision_date.date,
                                       utcnow().astimezone(zone()).date(), year.year, form.picked, form.reason.data)
        decision_errors(form, problems, _("Quyết định đính chính kết quả năm %(year)s không thể trước ngày "
                                          "01/01/%(year)s.", year=year.year))
        error = " ".join(PROBLEM_TEXT[p]() for p in problems if p in PROBLEM_TEXT) or None
        valid = not problems
    else:
        error = None if form.picked else PROBLEM_TEXT["units_required"]()
    if not valid:
        raise Refusal(answer=lambda: _panel(year, form=form, error=error))
    correction = carry_out(open_correction, year, decision_number=form.decision_number.data,
                           decision_date=form.decision_date.date, reason=form.reason.data, unit_ids=form.picked,
                           user=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã ghi nhận Quyết định đính chính %(number)s. Hãy sửa điểm điều tra XHH của các đơn vị được đính "
            "chính, tính lại rồi phê duyệt đính chính.", number=correction.decision_number), "success")
    return _back(year)


def _step(year_id: int, action, done_message):
    year = load_year(year_id)
    require_fresh_form()
    try:
        carry_out(action, year, user=current_user, now=utcnow())
    except CorrectionNotRecomputed:
        error = _("Điểm của các đơn vị được đính chính đã thay đổi sau lần tính lại gần nhất (hoặc chưa tính "
                  "lại). Hãy bấm “Tính lại kết quả các đơn vị đính chính” trước khi phê duyệt.")
        raise Refusal(answer=lambda: _panel(year, error=error)) from None
    db.session.commit()
    flash(done_message(), "success")
    return _back(year)


@bp.route("/<int:year_id>/corrections/recompute", methods=["POST"])
@roles("admin")
def correction_recompute(year_id: int):
    return _step(year_id, recompute_correction,
                 lambda: _("Đã tính lại kết quả của các đơn vị được đính chính. Kiểm tra bảng so sánh rồi phê duyệt "
                           "đính chính."))


@bp.route("/<int:year_id>/corrections/approve", methods=["POST"])
@roles("admin")
def correction_approve(year_id: int):
    return _step(year_id, approve_correction,
                 lambda: _("Đã phê duyệt và công bố đính chính. Quyết định cũ được giữ lại trong lịch sử."))
