"""Báo cáo (admin, council chair; a council member sees its one report): the reports page of a year —
every official report and spreadsheet with its state (ready, or why not yet), the per-unit reports of
every unit, the bulk export with its progress, and the names printed on the reports (admin form,
audited). The downloads are in files.py, the bulk export in exports.py."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.reports import bp
from portal.reports.domain import can_edit_report_settings, can_export_all
from portal.reports.forms import ExportForm, ReportSettingsForm
from portal.reports.jobs import is_stalled, recent_jobs, worker_mode
from portal.reports.services import assessment_status_by_unit, save_report_settings, settings_of
from portal.years.lookup import load_year
from portal.reports.views._shared import decide, reason_text, refuse
from portal.results.surveys import year_units
from portal.units.types import type_codes, year_types
from portal.web.htmx import redirect_after_post, render
from portal.web.listing import matches, page_of, query_words
from portal.web.permissions import roles
from portal.policy.actors import actor_for
from portal.policy.refusals import phase_label, refusal_message
from portal.policy.viewer import Viewer
from portal.years.domain import UNIT_STATUS_LABELS, UnitStatus
from portal.years.services import active_year

PAGE = "reports/index.html"
PAGE_ROLES = ("admin", "council_chair", "council_member")


def _year_reports(year) -> list[dict]:
    """The year-wide reports the reader's role may have, each with its state."""
    rows = [
        ("council", _("Báo cáo thẩm định của Hội đồng"), "PDF", "reports.council_pdf",
         _("Điểm thẩm định cuối cùng của từng đơn vị theo lĩnh vực, điểm cộng, điểm trừ.")),
        ("synthesis", _("Báo cáo kết quả Chỉ số CCHC"), "PDF", "reports.synthesis_pdf",
         _("Xếp hạng theo loại đơn vị, chỉ số thành phần, xếp loại, biểu đồ, đề xuất khen thưởng.")),
        ("annex", _("Phụ lục quyết định phê duyệt kết quả"), "PDF", "reports.annex_pdf",
         _("Bảng kết quả đã phê duyệt, kèm theo quyết định của Chủ tịch UBND tỉnh.")),
        ("scores_xlsx", _("Bảng điểm đầy đủ"), "XLSX", "reports.scores_xlsx",
         _("Mọi đơn vị × mọi tiêu chí thành phần, đủ các vòng: tự chấm, thẩm định vòng 1, vòng 2, cuối cùng.")),
        ("rankings_xlsx", _("Bảng xếp hạng"), "XLSX", "reports.rankings_xlsx",
         _("Thứ hạng, điểm, chỉ số, xếp loại và chỉ số thành phần như trên trang Kết quả.")),
    ]
    out = []
    for key, title, fmt, endpoint, about in rows:
        decision = decide(year, key)
        if not decision and decision.reason == "role":
            continue
        out.append({"key": key, "title": title, "format": fmt, "about": about, "ready": bool(decision),
                    "url": url_for(endpoint, year_id=year.id),
                    "reason": None if decision else reason_text(decision, year, key)})
    return out


#: Units per page of the per-unit reports (a year of 102 communes).
UNIT_PAGE_SIZE = 50


def _unit_filters(year) -> dict:
    unit_type = request.args.get("type") or None
    return {"type": unit_type if unit_type in type_codes(year) else None, "q": (request.args.get("q") or "").strip()[:100]}


def _unit_rows(year, filters: dict):
    """The page of per-unit rows for the filters (unit type, a search without diacritics) and ?page=."""
    statuses = assessment_status_by_unit(year)
    words = query_words(filters["q"])
    rows = []
    for unit in year_units(year):
        name = unit.name_in(year.id)
        if (filters["type"] and unit.unit_type != filters["type"]) or not matches(words, name, unit.code):
            continue
        status = statuses.get(unit.id)
        rows.append({"unit": unit, "name": name,
                     "status": _(UNIT_STATUS_LABELS[UnitStatus(status)]) if status else ""})
    page = page_of(rows, request.args.get("page"), UNIT_PAGE_SIZE)
    args = {k: v for k, v in filters.items() if v}
    page.links = [(n, url_for("reports.year_page", year_id=year.id, **args, page=n if n > 1 else None) + "#unit-reports")
                  for n in range(1, page.pages + 1)]
    return page


def page_context(year, *, export_form=None, message=None) -> dict:
    actor = actor_for(current_user)
    secretariat = Viewer(actor).is_secretariat
    now = utcnow()
    filters = _unit_filters(year)
    unit_reports = {key: decide(year, key) for key in ("self", "appraisal")}
    exports = {kind: can_export_all(actor, kind, phase=year.phase)
               for kind in ("unit_self", "unit_appraisal")}
    return dict(
        year=year, phase_name=phase_label(year.phase), year_reports=_year_reports(year),
        unit_reports={k: bool(v) for k, v in unit_reports.items()},
        unit_reasons={k: None if v else reason_text(v, year, k) for k, v in unit_reports.items()},
        units=_unit_rows(year, filters) if any(unit_reports.values()) else None, unit_filters=filters,
        types=year_types(year),
        is_admin=secretariat, can_export=any(exports.values()),
        export_refusals={k: None if v else refusal_message(v, phase=year.phase) for k, v in exports.items()},
        export_form=export_form or ExportForm(formdata=None, kind="unit_self"),
        jobs=recent_jobs(year.id) if secretariat else [], now=now, is_stalled=is_stalled,
        external_worker=worker_mode(current_app) == "external", message=message,
        settings=settings_of(year), survey_template=secretariat)


@bp.route("/")
@roles(*PAGE_ROLES)
def index():
    year = active_year()
    if year is None:
        return refuse(_("Chưa có năm đánh giá nào. Hãy tạo năm đánh giá trước."), 404)
    return redirect(url_for("reports.year_page", year_id=year.id))


@bp.route("/<int:year_id>")
@roles(*PAGE_ROLES)
def year_page(year_id: int):
    return render(PAGE, targets={"unit-report-list": "unit_reports"}, **page_context(load_year(year_id)))


@bp.route("/<int:year_id>/settings", methods=["GET", "POST"])
@roles("admin")
def report_settings(year_id: int):
    year = load_year(year_id)
    decision = can_edit_report_settings(actor_for(current_user))
    if not decision:
        return refuse(refusal_message(decision))
    if request.method == "GET":
        values = settings_of(year)
        # the chair's name defaults to the director's when printed; the form shows what is stored (empty)
        values["council_signer_name"] = (year.report_settings or {}).get("council_signer_name", "")
        return render("reports/settings.html", year=year, form=ReportSettingsForm(formdata=None).load(values))
    form = ReportSettingsForm()
    if not form.validate_on_submit():
        return render("reports/settings.html", status=422, year=year, form=form)
    changed = save_report_settings(year, form.values(), user=current_user)
    db.session.commit()
    flash(_("Đã lưu thông tin in trên báo cáo năm %(year)s.", year=year.year) if changed
          else _("Không có thay đổi nào."), "success")
    return redirect_after_post(url_for("reports.year_page", year_id=year.id))
