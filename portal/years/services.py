"""Queries and use cases of assessment years."""
from sqlalchemy import select

from portal.extensions import db
from portal.years.models import AssessmentYear


def active_year() -> AssessmentYear | None:
    """The year being worked on: the latest one that is not archived (else the latest of all)."""
    year = db.session.scalar(select(AssessmentYear).where(AssessmentYear.phase != "archived")
                             .order_by(AssessmentYear.year.desc()).limit(1))
    if year is None:
        year = db.session.scalar(select(AssessmentYear).order_by(AssessmentYear.year.desc()).limit(1))
    return year
