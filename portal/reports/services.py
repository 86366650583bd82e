"""Báo cáo — the use cases of the reports page: load a unit's file of a year, whether results are
computed or approved (what the synthesis and the annex need), and save the report settings (audited)."""
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.extensions import db
from portal.reports import data
from portal.reports.meta import DEFAULT_REPORT_SETTINGS, report_settings
from portal.results.models import UnitResult
from portal.results.services import approved, current_approval


def assessment_of(year, unit_id: int) -> Assessment | None:
    """The unit's file of the year, loaded with what the reports need (None if the unit is not assessed)."""
    assessment_id = db.session.scalar(select(Assessment.id).where(Assessment.year_id == year.id,
                                                                  Assessment.unit_id == unit_id))
    return data.load_assessment(assessment_id) if assessment_id is not None else None


def assessment_status_by_unit(year) -> dict[int, str]:
    """{unit_id: status of its file} for the year."""
    return dict(db.session.execute(select(Assessment.unit_id, Assessment.status)
                                   .where(Assessment.year_id == year.id)).all())


def results_computed(year) -> bool:
    return db.session.scalar(select(UnitResult.id).where(UnitResult.year_id == year.id).limit(1)) is not None


def approval_in_force(year):
    """The approval decision in force (its snapshot feeds the annex), or None."""
    return current_approval(year) if approved(year) else None


def settings_of(year) -> dict:
    return report_settings(year.report_settings)


def save_report_settings(year, values: dict, *, user) -> bool:
    """Store the names printed on the year's reports; audited with the old and new values. Returns
    whether anything changed."""
    old = dict(year.report_settings or {})
    new = dict(old)
    new.update({key: values.get(key, "") for key in DEFAULT_REPORT_SETTINGS})
    changed = sorted(k for k in DEFAULT_REPORT_SETTINGS if (new.get(k) or "") != (old.get(k) or ""))
    if not changed:
        return False
    year.report_settings = new
    db.session.flush()
    record("report_settings", "assessment_year", year.id, actor=user, year_id=year.id,
           old={k: old.get(k) for k in changed}, new={k: new[k] for k in changed})
    return True
