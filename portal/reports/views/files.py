"""Tải báo cáo — the downloads: the five PDFs and the two spreadsheets. Each route: load (404) → decide
with portal.reports.domain (another unit's report is 404, a role or phase refusal 403 with the reason in
words) → build → send as an attachment that is never cached."""
import logging

from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.reports import bp, documents, xlsx
from portal.policy.actors import actor_for
from portal.reports.domain import appraisal_columns
from portal.reports.pdf import PdfRenderError
from portal.reports.services import approval_in_force, assessment_of
from portal.years.lookup import load_year
from portal.reports.views._shared import PDF_TYPE, XLSX_TYPE, decide, file_response, refuse, refuse_decision
from portal.results.document import shown_document
from portal.web.htmx import Refusal
from portal.web.permissions import roles

log = logging.getLogger("portal.reports")
YEAR_ROLES = ("admin", "council_chair", "council_member")
UNIT_ROLES = ("admin", "council_chair", "council_member", "unit_staff", "unit_leader")


def _pdf(build):
    """Build a report; a render that xhtml2pdf flags (blank letters, refused resource) is not sent."""
    try:
        report = build()
    except PdfRenderError:
        log.exception("report render refused")
        return refuse(_("Không tạo được tệp PDF đạt yêu cầu (lỗi phông chữ hoặc tài nguyên). Hãy báo quản trị "
                        "hệ thống, kèm mã yêu cầu bên dưới."), 500)
    return file_response(report.pdf, report.filename, PDF_TYPE)


def _unit_report(year_id: int, unit_id: int, report: str):
    year = load_year(year_id)
    assessment = assessment_of(year, unit_id)
    decision = decide(year, report, unit_id=unit_id, unit_status=assessment.status if assessment else None)
    if assessment is None:
        return refuse(_("Không có báo cáo này, hoặc bạn không có quyền xem."), 404)
    if not decision:
        return refuse_decision(decision, year, report)
    today = documents.local_today(utcnow())
    if report == "self":
        return _pdf(lambda: documents.self_report(assessment, year, today=today))
    columns = appraisal_columns(actor_for(current_user), phase=year.phase, unit_status=assessment.status)
    visibility = documents.Visibility(columns.round1, columns.final, columns.explanations)
    return _pdf(lambda: documents.appraisal_report(assessment, year, today=today, visibility=visibility))


@bp.route("/<int:year_id>/units/<int:unit_id>/self.pdf")
@roles(*UNIT_ROLES)
def unit_self(year_id: int, unit_id: int):
    return _unit_report(year_id, unit_id, "self")


@bp.route("/<int:year_id>/units/<int:unit_id>/appraisal.pdf")
@roles(*UNIT_ROLES)
def unit_appraisal(year_id: int, unit_id: int):
    return _unit_report(year_id, unit_id, "appraisal")


def _year_file(year_id: int, report: str):
    """The year, when the current user may download the report now (otherwise the refusal, with the
    reason in words)."""
    year = load_year(year_id)
    decision = decide(year, report)
    if not decision:
        raise Refusal(answer=lambda: refuse_decision(decision, year, report))
    return year


@bp.route("/<int:year_id>/council.pdf")
@roles(*YEAR_ROLES)
def council_pdf(year_id: int):
    year = _year_file(year_id, "council")
    approval = approval_in_force(year)
    return _pdf(lambda: documents.council_report(year, today=documents.local_today(utcnow()),
                                                 snapshot=approval.snapshot if approval else None))


@bp.route("/<int:year_id>/synthesis.pdf")
@roles(*YEAR_ROLES)
def synthesis_pdf(year_id: int):
    year = _year_file(year_id, "synthesis")
    document = shown_document(year)
    return _pdf(lambda: documents.synthesis_report(year, document, today=documents.local_today(utcnow())))


@bp.route("/<int:year_id>/annex.pdf")
@roles(*YEAR_ROLES)
def annex_pdf(year_id: int):
    year = _year_file(year_id, "annex")
    approval = approval_in_force(year)
    return _pdf(lambda: documents.annex_report(year, approval))


@bp.route("/<int:year_id>/scores.xlsx")
@roles(*YEAR_ROLES)
def scores_xlsx(year_id: int):
    year = _year_file(year_id, "scores_xlsx")
    approval = approval_in_force(year)
    names = documents.snapshot_names(approval.snapshot) if approval else None
    return file_response(xlsx.score_matrix(year, now=utcnow(), names=names), f"bang-diem-day-du-{year.year}.xlsx",
                         XLSX_TYPE)


@bp.route("/<int:year_id>/rankings.xlsx")
@roles(*YEAR_ROLES)
def rankings_xlsx(year_id: int):
    year = _year_file(year_id, "rankings_xlsx")
    data = xlsx.rankings(year, shown_document(year), now=utcnow(), approval=approval_in_force(year))
    return file_response(data, f"bang-xep-hang-{year.year}.xlsx", XLSX_TYPE)
