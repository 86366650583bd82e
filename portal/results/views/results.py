"""Kết quả (secretariat and council): the year's results with the ranking per unit type, charts and the
reward proposal; computing them; the heat map; one unit's detail; and a unit account's own published
result. Every route is guarded by a role rule and by can_view_year_results / can_view_unit_result (a council
member sees no result of the year before publication, nor a unit's internal result page)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.results import bp
from portal.results.approval import approvals
from portal.results.correction_panel import correction_context
from portal.results.document import PUBLIC_PHASES, find_unit, published_approval, shown_document
from portal.results.domain import approval_in_force, can_view_unit_result, can_view_year_results
from portal.results.filtering import filter_document, page_of, ranking_page, with_spans
from portal.results.ranking import live_ranking_page
from portal.results.snapshots import ranking_snapshot
from portal.results.forms import ApprovalForm, PlainForm
from portal.results.services import approved, compute_results, current_approval, results_stale
from portal.results.surveys import current_import, unit_counts
from portal.years.lookup import load_year
from portal.results.views._shared import actor, refuse, refuse_decision, refused, the_active_year
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.refusals import Refused, phase_label, refusal_message
from portal.years.domain import can_approve_results, can_compute_results, can_publish
from portal.years.models import AssessmentYear

RESULT_ROLES = ("admin", "council_chair", "council_member")
OVERVIEW = "results/overview.html"
HEAT_ROWS = 50   # rows of the heat map per page: 102 communes make three pages, each readable at 1024×768
RANK_ROWS = 100  # rows of the ranking per page: a province's year (30–120 units) reads on one or two pages


def _viewable(year, page: str):
    """The refusal response when the user may not see this results page of the year, else None."""
    decision = can_view_year_results(actor(year), page=page, phase=year.phase,
                                     published=published_approval(year) is not None)
    return None if decision else refuse_decision(decision, year)


def unit_links(year) -> str:
    """How the result tables link a unit: to its internal result page for those who may open it, else to
    its public page (published results only: the tables are hidden before from everyone else)."""
    decision = can_view_unit_result(actor(year), unit_id=None, phase=year.phase,
                                    published=published_approval(year) is not None)
    return "internal" if decision else "public"


def _decision_text(decision, year) -> str | None:
    return None if decision else refusal_message(decision, phase=year.phase)


def overview_context(year, *, message=None, approval_form=None, correction_form=None, correction_error=None,
                     filters=None, page: int = 1) -> dict:
    """Everything the overview page and its two htmx regions show. Before synthesis nobody sees numbers
    (can_view_results): the page then says when they come, with the links that already make sense. The
    ranking shows one page of RANK_ROWS units of what `filters` keep (ranks and rewards of the whole year)."""
    who, current = actor(year), current_approval(year)
    is_approved = approval_in_force(has_current_approval=current is not None, phase=year.phase)
    published = current if year.phase in PUBLIC_PHASES else None  # as published_approval(year)
    visible = can_view_year_results(who, page="results", phase=year.phase, published=published is not None)
    compute = can_compute_results(who, phase=year.phase, approved=is_approved)
    approve = can_approve_results(who, phase=year.phase, approved=is_approved)
    out_of_date = results_stale(year)
    publish = can_publish(who, phase=year.phase, approved=is_approved, stale=out_of_date)
    units_total, units_with_survey = unit_counts(year)
    filters = filters or {"unit_type": "", "query": ""}
    doc, pager, whole = _ranking(year, current if is_approved else None, visible, filters, page)
    whole = with_spans(whole, pager)
    return dict(
        year=year, doc=doc, pager=pager, whole=whole, filters=filters,
        hidden_reason=None if visible else _decision_text(visible, year),
        phase_name=phase_label(year.phase), message=message,
        can_compute=bool(compute), compute_refusal=_decision_text(compute, year),
        can_approve=bool(approve), approve_refusal=_decision_text(approve, year),
        can_publish=bool(publish), publish_refusal=_decision_text(publish, year),
        current=current, published=published, approvals=approvals(year),
        survey_import=current_import(year), units_total=units_total, units_with_survey=units_with_survey,
        stale=out_of_date and not is_approved,
        approval_form=approval_form or ApprovalForm(formdata=None), form=PlainForm(formdata=None),
        unit_links=unit_links(year) if visible else None,
        **correction_context(year, current, correction_form, correction_error))


def _ranking(year, approval, visible, filters: dict, page: int) -> tuple[dict, dict, dict]:
    """The ranking's page of RANK_ROWS units, pager and whole-type figures: nothing when it may not be seen;
    the decision's frozen snapshot once one is in force (its ranking part, parsed once per process); before,
    only the page's rows of the stored results (portal.results.ranking)."""
    if not visible:
        return ranking_page({"types": [], "bands": []}, page, RANK_ROWS)
    if approval is None:
        return live_ranking_page(year, **filters, page=page, size=RANK_ROWS)
    doc = ranking_snapshot(approval)
    return ranking_page(filter_document(doc, **filters) if any(filters.values()) else doc, page, RANK_ROWS)


@bp.route("/")
@roles(*RESULT_ROLES)
def index():
    return redirect(url_for("results.overview", year_id=the_active_year().id))


@bp.route("/<int:year_id>")
@roles(*RESULT_ROLES)
def overview(year_id: int):
    year = load_year(year_id)
    filters = {"unit_type": request.args.get("loai", "").strip(), "query": request.args.get("q", "").strip()[:100]}
    return render(OVERVIEW, targets={"results-panel": "results_panel"},
                  **overview_context(year, filters=filters, page=request.args.get("trang", 1, type=int)))


@bp.route("/<int:year_id>/compute", methods=["POST"])
@roles(*RESULT_ROLES)
def compute(year_id: int):
    year = load_year(year_id)
    decision = can_compute_results(actor(year), phase=year.phase, approved=approved(year))
    if not decision:
        return refuse_decision(decision, year)
    form = PlainForm()
    if not form.validate_on_submit():
        return refuse(_("Biểu mẫu đã cũ. Hãy tải lại trang rồi thử lại."), 400)
    try:
        summary = compute_results(year, user=current_user, now=utcnow())
    except Refused as refusal:
        raise refused(refusal.message) from refusal
    db.session.commit()
    message = ngettext("Đã tính kết quả cho %(count)s đơn vị.", "Đã tính kết quả cho %(count)s đơn vị.",
                       summary["units"], count=summary["units"])
    if summary["without_survey"]:
        message += " " + _("Không có điểm điều tra XHH: %(codes)s.", codes=", ".join(summary["without_survey"]))
    if summary["not_finalized"]:
        message += " " + _("Chưa thẩm định xong (tính theo điểm hiện có): %(codes)s.",
                           codes=", ".join(summary["not_finalized"]))
    if is_htmx():
        return render(OVERVIEW, block="results_panel", **overview_context(year, message=message))
    flash(message, "success")
    return redirect_after_post(url_for("results.overview", year_id=year.id))


@bp.route("/<int:year_id>/heatmap")
@roles(*RESULT_ROLES)
def heatmap(year_id: int):
    year = load_year(year_id)
    refusal = _viewable(year, "heatmap")
    if refusal is not None:
        return refusal
    doc = shown_document(year)
    bands = [b.get("key") for b in doc.get("bands", [])]
    filters = {"unit_type": request.args.get("loai", "").strip(),
               "query": request.args.get("q", "").strip()[:100],
               "band": request.args.get("xep_loai", "").strip()}
    if filters["band"] not in bands:
        filters["band"] = ""
    shown, pager = page_of(filter_document(doc, **filters), request.args.get("trang", 1, type=int), HEAT_ROWS)
    return render("results/heatmap.html", block="heatmap_region", year=year, doc=shown, full=doc,
                  filters=filters, pager=pager, unit_links=unit_links(year))


@bp.route("/<int:year_id>/units/<int:unit_id>")
@roles(*RESULT_ROLES)
def unit_detail(year_id: int, unit_id: int):
    year = load_year(year_id)
    decision = can_view_unit_result(actor(year), unit_id=unit_id, phase=year.phase,
                                    published=published_approval(year) is not None)
    if not decision:
        return refuse_decision(decision, year)
    type_entry, unit = find_unit(shown_document(year), unit_id=unit_id)
    if unit is None:
        return refuse(_("Chưa có kết quả của đơn vị này. Hãy tính kết quả trước."), 404)
    return render("results/unit.html", year=year, type_entry=type_entry, unit=unit, approval=current_approval(year),
                  back_url=url_for("results.overview", year_id=year.id), internal=True)


def _published_years() -> list[AssessmentYear]:
    years = db.session.scalars(db.select(AssessmentYear).order_by(AssessmentYear.year.desc()))
    return [y for y in years if y.phase in ("published", "archived") and published_approval(y) is not None]


@bp.route("/mine")
@roles("unit_staff", "unit_leader")
def mine():
    """Kết quả của đơn vị: a unit account's own result, only from a published snapshot."""
    years = _published_years()
    wanted = request.args.get("year", type=int)
    year = next((y for y in years if y.id == wanted), years[0] if years else None)
    if year is None or current_user.unit_id is None:
        return render("results/not_published.html", year=None)
    approval = published_approval(year)
    decision = can_view_unit_result(actor(year), unit_id=current_user.unit_id, phase=year.phase,
                                    published=approval is not None)
    if not decision:
        return render("results/not_published.html", year=year, reason=refusal_message(decision, phase=year.phase))
    type_entry, unit = find_unit(approval.snapshot, unit_id=current_user.unit_id)
    if unit is None:
        return render("results/not_published.html", year=year)
    return render("results/unit.html", year=year, type_entry=type_entry, unit=unit, approval=approval,
                  back_url=url_for("public.year_page", year=year.year), internal=False, years=years)
