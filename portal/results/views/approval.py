"""Phê duyệt và công bố: record the approval decision (admin or council chair, approval phase) and publish
it (admin). Both are real form posts; htmx only swaps the approval panel when the form has errors."""
from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.results import bp
from portal.results.approval import NothingToApprove, StaleResults, approve, publish
from portal.results.domain import decision_problems
from portal.results.forms import ApprovalForm
from portal.results.services import approved, results_stale
from portal.results.views.results import OVERVIEW, overview_context
from portal.years.lookup import load_year
from portal.results.views._shared import (
    actor,
    carry_out,
    decision_errors,
    refuse_decision,
    require_fresh_form,
)
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.local_time import zone
from portal.years.domain import can_approve_results, can_publish


def _panel(year, form, status=422):
    return render(OVERVIEW, block="approval_panel" if is_htmx() else None, status=status,
                  **overview_context(year, approval_form=form))


@bp.route("/<int:year_id>/approve", methods=["POST"])
@roles("admin", "council_chair")
def approve_results(year_id: int):
    year = load_year(year_id)
    decision = can_approve_results(actor(year), phase=year.phase, approved=approved(year))
    if not decision:  # authorise before validating: a refused actor learns nothing about the form
        return refuse_decision(decision, year)
    form = ApprovalForm()
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _panel(year, form))
    now = utcnow()
    problems = decision_problems(form.decision_number.data, form.decision_date.date, now.astimezone(zone()).date(),
                                 year.year)
    decision_errors(form, problems, _("Kết quả năm %(year)s không thể được phê duyệt trước ngày 01/01/%(year)s. "
                                      "Hãy kiểm tra lại ngày ký quyết định.", year=year.year))
    if problems:
        return _panel(year, form)
    try:
        approval = carry_out(approve, year, decision_number=form.decision_number.data,
                             decision_date=form.decision_date.date, user=current_user, now=now)
    except NothingToApprove:
        form.decision_number.errors.append(_("Chưa có kết quả để phê duyệt. Hãy tính kết quả trước."))
        raise Refusal(answer=lambda: _panel(year, form)) from None
    except StaleResults:
        form.decision_number.errors.append(_("Điểm đã thay đổi sau lần tính kết quả gần nhất. Quản trị cần bấm "
                                             "“Tính lại kết quả” trước khi ghi nhận phê duyệt."))
        raise Refusal(answer=lambda: _panel(year, form)) from None
    db.session.commit()
    flash(_("Đã ghi nhận Quyết định %(number)s phê duyệt kết quả. Kết quả được giữ nguyên như lúc phê duyệt.",
            number=approval.decision_number), "success")
    return redirect_after_post(url_for("results.overview", year_id=year.id))


@bp.route("/<int:year_id>/publish", methods=["POST"])
@roles("admin")
def publish_results(year_id: int):
    year = load_year(year_id)
    decision = can_publish(actor(year), phase=year.phase, approved=approved(year), stale=results_stale(year))
    if not decision:
        return refuse_decision(decision, year)
    require_fresh_form()
    carry_out(publish, year, user=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã công bố kết quả. Trang công khai: %(url)s", url=url_for("public.year_page", year=year.year,
                                                                        _external=False)), "success")
    return redirect_after_post(url_for("results.overview", year_id=year.id))
