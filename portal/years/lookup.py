"""Loading a year for a page: the one loader every area's views use (404 when there is none)."""
from flask import abort

from portal.extensions import db
from portal.years.models import AssessmentYear
from portal.years.services import active_year


def load_year(year_id: int | None) -> AssessmentYear:
    """The year ``year_id``, or the active year when ``year_id`` is None; 404 when there is none."""
    year = active_year() if year_id is None else db.session.get(AssessmentYear, year_id)
    if year is None:
        abort(404)
    return year
