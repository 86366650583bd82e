"""Xuất hàng loạt (admin): queue an export of one per-unit report for every unit, follow it on its own
page (a progress bar the page polls with htmx; a reload shows the same state, read from the database),
and download the ZIP. Without JavaScript the form posts and the job page is reloaded by hand."""
from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.reports import bp
from portal.reports.domain import can_export_all
from portal.reports.forms import ExportForm
from portal.reports.jobs import create_job, dispatch, download_name, is_stalled, result_file, worker_mode
from portal.reports.models import ExportJob
from portal.reports.views.reports import PAGE, page_context
from portal.years.lookup import load_year
from portal.reports.views._shared import ZIP_TYPE, file_response, refuse
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.actors import actor_for
from portal.policy.refusals import refusal_message

JOB_PAGE = "reports/job.html"


@bp.route("/<int:year_id>/exports", methods=["POST"])
@roles("admin")
def start_export(year_id: int):
    year = load_year(year_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return render(PAGE, block="export_panel", status=422, **page_context(year, export_form=form))
    decision = can_export_all(actor_for(current_user), form.kind.data, phase=year.phase)
    if not decision:
        return refuse(refusal_message(decision, phase=year.phase))
    job, created = create_job(year, form.kind.data, user=current_user, now=utcnow())
    db.session.commit()
    if created:
        dispatch(current_app._get_current_object())
    message = (_("Đã đưa yêu cầu xuất vào hàng đợi: %(total)s đơn vị.", total=job.total) if created
               else _("Yêu cầu xuất loại này đang chạy; theo dõi tiến độ bên dưới."))
    if is_htmx():
        return render(PAGE, block="export_panel", **page_context(year, message=message))
    flash(message, "success")
    return redirect_after_post(url_for("reports.export_job", job_id=job.id))


def _load_job(job_id: int) -> ExportJob:
    return db.get_or_404(ExportJob, job_id)


@bp.route("/exports/<int:job_id>")
@roles("admin")
def export_job(job_id: int):
    job = _load_job(job_id)
    year = load_year(job.year_id)
    return render(JOB_PAGE, block="export_job" if is_htmx() else None, job=job, year=year, now=utcnow(),
                  is_stalled=is_stalled, external_worker=worker_mode(current_app) == "external")


@bp.route("/exports/<int:job_id>/download")
@roles("admin")
def export_download(job_id: int):
    job = _load_job(job_id)
    year = load_year(job.year_id)
    path = result_file(job) if job.status == "done" else None
    if path is None:
        return refuse(_("Tệp ZIP chưa sẵn sàng hoặc không còn trên máy chủ. Hãy chờ xuất xong, hoặc tạo yêu cầu "
                        "xuất mới."), 404)
    with open(path, "rb") as fh:
        data = fh.read()
    return file_response(data, download_name(job, year), ZIP_TYPE)
