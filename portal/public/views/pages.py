"""The public results pages. Everything shown comes from the latest not superseded approval with
published_at set, and only while the year is published or archived (can_view_results for an anonymous
visitor): nothing unapproved is ever public. Responses carry the portal's no-store header like every
HTML page (portal/web/security.py)."""
from flask import request
from sqlalchemy import select

from portal.extensions import db
from portal.public import bp
from portal.results.document import find_unit, published_approval
from portal.results.filtering import filter_document
from portal.web.htmx import render
from portal.web.permissions import public
from portal.policy.roles import Actor
from portal.years.domain import can_view_results
from portal.years.models import AssessmentYear

ANONYMOUS = Actor("anonymous")


def _published(year: AssessmentYear | None):
    """The public approval of a year, or None when there is nothing public."""
    if year is None:
        return None
    approval = published_approval(year)
    if not can_view_results(ANONYMOUS, phase=year.phase, published=approval is not None):
        return None
    return approval


def _not_published(year_number: int):
    return render("public/not_published.html", status=404, year_number=year_number)


@bp.route("/")
@public
def index():
    years = db.session.scalars(select(AssessmentYear).order_by(AssessmentYear.year.desc()))
    published = [(y, a) for y in years if (a := _published(y)) is not None]
    return render("public/index.html", published=published)


@bp.route("/<int:year>")
@public
def year_page(year: int):
    row = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == year))
    approval = _published(row)
    if approval is None:
        return _not_published(year)
    filters = {"unit_type": request.args.get("loai", "").strip(), "query": request.args.get("q", "").strip()[:100]}
    doc = filter_document(approval.snapshot, **filters) if any(filters.values()) else approval.snapshot
    return render("public/year.html", doc=doc, approval=approval, filters=filters,
                  all_types=(approval.snapshot or {}).get("types", []))


@bp.route("/<int:year>/<code>")
@public
def unit_page(year: int, code: str):
    row = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == year))
    approval = _published(row)
    if approval is None:
        return _not_published(year)
    type_entry, unit = find_unit(approval.snapshot, code=code)
    if unit is None:
        return render("public/not_published.html", status=404, year_number=year, unknown_unit=True)
    return render("public/unit.html", doc=approval.snapshot, approval=approval, type_entry=type_entry, unit=unit)
