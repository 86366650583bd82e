"""Mở năm mới — opening an assessment year, blank or as a copy of an earlier one.

Copying brings, as new records of the new year that can be edited without touching the old one: the unit
types with their settings and reward rules, each type's criteria set (a new, unlocked copy), the roster
(every unit of the source year gets its file, with the name it carried there), the council's field
mapping and per-unit reassignments, the result settings and the report settings. The phase windows are
proposed one year later and shown as proposed on the year page until the admin confirms them. The same
use case serves the admin's page and `flask create-year`.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.criteria.models import CriteriaSet
from portal.criteria.services import copy_set
from portal.extensions import db
from portal.units.models import UnitName, UnitType
from portal.units.types import TYPE_FIELDS, forget
from portal.policy.actors import actor_for
from portal.policy.refusals import Refused, check, refusal_message
from portal.policy.decisions import refuse
from portal.years.domain import can_manage_year
from portal.years.models import AssessmentYear, PhaseWindow

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Opened:
    """What opening a year made: the year and, when copied, how many of each thing came over."""

    year: AssessmentYear
    source: AssessmentYear | None = None
    copied: dict[str, int] = field(default_factory=dict)


def _one_year_on(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def open_year(number: int, title: str, *, source: AssessmentYear | None, user, now: datetime) -> Opened:
    """Create year `number` in setup, blank or copied from `source`; audited. Refuses an existing year."""
    check(can_manage_year(actor_for(user)))
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise ValueError("year out of range")
    if db.session.scalar(select(AssessmentYear.id).where(AssessmentYear.year == number)) is not None:
        decision = refuse("year_exists")
        raise Refused(decision, refusal_message(decision))
    title = (title or "").strip() or f"Chỉ số cải cách hành chính năm {number}"
    year = AssessmentYear(year=number, title=title, phase="setup",
                          settings=dict(source.settings or {}) if source else {},
                          report_settings=dict(source.report_settings or {}) if source else {},
                          windows_proposed=source is not None)
    db.session.add(year)
    db.session.flush()
    opened = Opened(year, source)
    if source is not None:
        opened.copied = _copy(source, year, user=user)
    record("year_open", "assessment_year", year.id, actor=user, year_id=year.id,
           new={"year": number, "title": title, "from": source.year if source else None, **opened.copied})
    return opened


def _copy(source: AssessmentYear, year: AssessmentYear, *, user) -> dict[str, int]:
    copied = {"types": 0, "sets": 0, "units": 0, "council": 0, "reassignments": 0, "windows": 0}
    for row in db.session.scalars(select(UnitType).where(UnitType.year_id == source.id)
                                  .order_by(UnitType.position, UnitType.id)):
        db.session.add(UnitType(year_id=year.id, position=row.position, **{k: getattr(row, k) for k in TYPE_FIELDS}))
        copied["types"] += 1
    db.session.flush()
    forget()
    sets = {}
    for cset in db.session.scalars(select(CriteriaSet).where(CriteriaSet.year_id == source.id)
                                   .order_by(CriteriaSet.id)):
        sets[cset.unit_type] = copy_set(cset, year, actor=user)
        copied["sets"] += 1
    names = {n.unit_id: n.name for n in db.session.scalars(select(UnitName).where(UnitName.year_id == source.id))}
    for old in db.session.scalars(select(Assessment).where(Assessment.year_id == source.id)
                                  .order_by(Assessment.id)):
        if old.unit_type not in sets:
            continue
        db.session.add(Assessment(year_id=year.id, unit_id=old.unit_id, unit_type=old.unit_type,
                                  criteria_set_id=sets[old.unit_type].id))
        if old.unit_id in names:
            db.session.add(UnitName(unit_id=old.unit_id, year_id=year.id, name=names[old.unit_id]))
        copied["units"] += 1
    for row in db.session.scalars(select(CouncilAssignment).where(CouncilAssignment.year_id == source.id)):
        db.session.add(CouncilAssignment(year_id=year.id, user_id=row.user_id, field_code=row.field_code,
                                         unit_type=row.unit_type))
        copied["council"] += 1
    for row in db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id == source.id)):
        db.session.add(AppraisalOverride(year_id=year.id, unit_id=row.unit_id, field_code=row.field_code,
                                         user_id=row.user_id))
        copied["reassignments"] += 1
    for window in db.session.scalars(select(PhaseWindow).where(PhaseWindow.year_id == source.id)):
        db.session.add(PhaseWindow(year_id=year.id, phase=window.phase, opens_at=_one_year_on(window.opens_at),
                                   closes_at=_one_year_on(window.closes_at), grace_seconds=window.grace_seconds))
        copied["windows"] += 1
    db.session.flush()
    return copied

