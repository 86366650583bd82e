"""What the report views share: loading (404), the download decision for the current user, refusals in
words, file responses, and the per-unit report links the unit's own pages show (template global)."""
from urllib.parse import quote

from flask import g, make_response, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.reports import bp
from portal.reports.domain import NOT_APPROVED, NOT_COMPUTED, NOT_FOUND, can_download_report, first_phase
from portal.reports.jobs import KEEP_ZIPS
from portal.reports.services import approval_in_force, assessment_of, results_computed
from portal.units.domain import can_edit_signer
from portal.web.htmx import is_htmx, render
from portal.policy.actors import actor_for
from portal.policy.refusals import phase_label, refusal_message

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"


YEAR_FACT_REPORTS = ("synthesis", "rankings_xlsx", "annex")   # the reports whose rule reads facts(year)


def facts(year) -> dict:
    """What the year-wide reports depend on besides the phase (computed once per request)."""
    cached = g.get("report_facts")
    if cached is None or cached[0] != year.id:
        cached = (year.id, {"computed": results_computed(year), "approved": approval_in_force(year) is not None})
        g.report_facts = cached
    return cached[1]


def decide(year, report: str, *, unit_id: int | None = None, unit_status: str | None = None):
    """can_download_report for the current user (`unit_status`: the status of that unit's file)."""
    own = unit_id is not None and current_user.unit_id is not None and current_user.unit_id == unit_id
    # a unit's own reports depend on no year-wide facts: do not query them on the unit's pages
    known = facts(year) if report in YEAR_FACT_REPORTS else {}
    return can_download_report(actor_for(current_user), report, phase=year.phase, own_unit=own,
                               unit_status=unit_status, **known)


def reason_text(decision, year, report: str) -> str:
    """A refusal of a report in words, saying what to do next."""
    if decision.reason == NOT_COMPUTED:
        return _("Chưa có kết quả tính toán của năm %(year)s. Hãy tính kết quả ở trang Kết quả rồi tải lại "
                 "báo cáo.", year=year.year)
    if decision.reason == NOT_APPROVED:
        return _("Chưa có quyết định phê duyệt kết quả đang có hiệu lực. Phụ lục được lập sau khi ghi nhận "
                 "quyết định phê duyệt ở trang Kết quả.")
    if decision.reason == "wrong_phase":
        return _("Báo cáo này có từ giai đoạn “%(first)s”; đợt đánh giá đang ở giai đoạn “%(phase)s”.",
                 first=phase_label(first_phase(actor_for(current_user), report)),
                 phase=phase_label(year.phase))
    return refusal_message(decision, phase=year.phase)


def refuse(message: str, status: int = 403):
    titles = {403: _("Không tải được báo cáo"), 404: _("Không tìm thấy"), 500: _("Không tạo được tệp")}
    return render("errors/error.html", block="error_message" if is_htmx() else None, status=status,
                  code=status, title=titles.get(status, _("Không thực hiện được")), message=message,
                  request_id=g.get("request_id", ""))


def refuse_decision(decision, year, report: str):
    if decision.reason == NOT_FOUND:
        return refuse(_("Không có báo cáo này, hoặc bạn không có quyền xem."), 404)
    return refuse(reason_text(decision, year, report))


def file_response(data: bytes, filename: str, mimetype: str):
    """A download: attachment with an ASCII name (and its UTF-8 form), never cached (private data)."""
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global("unit_report_links")
def unit_report_links(year, unit_id: int, assessment=None) -> list[dict]:
    """The per-unit reports the current user may download now ({label, url}), for the unit's pages (which
    pass the unit's file when they have it loaded)."""
    if year is None or unit_id is None or not getattr(current_user, "is_authenticated", False):
        return []
    if assessment is None:
        assessment = assessment_of(year, unit_id)
    status = assessment.status if assessment is not None else None
    links = []
    for report, label in (("self", _("Báo cáo tự đánh giá (PDF)")), ("appraisal", _("Kết quả thẩm định (PDF)"))):
        if decide(year, report, unit_id=unit_id, unit_status=status):
            links.append({"label": label, "url": url_for(f"reports.unit_{report}", year_id=year.id, unit_id=unit_id)})
    return links


@bp.app_template_global("export_zips_kept")
def export_zips_kept() -> int:
    """How many finished ZIPs the server keeps per year and kind (portal.reports.jobs.KEEP_ZIPS)."""
    return KEEP_ZIPS


@bp.app_template_global("unit_signer_url")
def unit_signer_url(year, unit_id: int) -> str | None:
    """The page of the unit's signer of the year, if the current user may edit it (None otherwise)."""
    if year is None or unit_id is None or not getattr(current_user, "is_authenticated", False):
        return None
    if not can_edit_signer(actor_for(current_user), own_unit=current_user.unit_id == unit_id):
        return None
    return url_for("reports.unit_signer", year_id=year.id, unit_id=unit_id)
