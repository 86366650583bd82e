"""Đơn vị tham gia năm — the roster of a year: which units take part, under which type and name.

A unit takes part in a year when it has an assessment file there; adding a unit creates its file at once
(on its type's criteria set, with the name it carries that year), removing it deletes the file while it
is still empty. The rules (who, when, with a reason after setup, never a file with work in it) are
portal.years.domain's can_add_to_roster / can_remove_from_roster.
"""
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from portal.appraisal.models import FieldReview
from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.audit.services import record
from portal.comments.models import Comment
from portal.criteria.models import CriteriaSet
from portal.evidence.models import ItemEvidence
from portal.extensions import db
from portal.text import clean_text, fold_key
from portal.units.models import Unit, UnitName
from portal.units.types import sort_key, type_of
from portal.policy.actors import actor_for
from portal.policy.refusals import check
from portal.years.domain import can_add_to_roster, can_remove_from_roster
from portal.years.models import AssessmentYear


@dataclass
class RosterEntry:
    """One unit of a year: its file, its type and its name that year."""

    assessment: Assessment
    unit: Unit
    unit_type: str
    name: str


def year_roster(year) -> list[RosterEntry]:
    """The year's units in the order of its types, then by name."""
    rows = db.session.scalars(select(Assessment).where(Assessment.year_id == year.id).options(
        selectinload(Assessment.unit).selectinload(Unit.names)))
    by_type = sort_key(year)
    entries = [RosterEntry(a, a.unit, a.unit_type, a.unit.name_in(year.id)) for a in rows]
    entries.sort(key=lambda e: (by_type(e.unit_type), fold_key(e.name)))
    return entries


def years_of_unit(unit_ids) -> dict[int, list[tuple[int, int, str, str | None]]]:
    """{unit_id: [(year number, year id, type code, name that year)]} over every year, oldest first."""
    out: dict[int, list] = {}
    rows = db.session.execute(
        select(Assessment.unit_id, AssessmentYear.year, AssessmentYear.id, Assessment.unit_type, UnitName.name)
        .join(AssessmentYear, AssessmentYear.id == Assessment.year_id)
        .outerjoin(UnitName, (UnitName.unit_id == Assessment.unit_id) & (UnitName.year_id == Assessment.year_id))
        .where(Assessment.unit_id.in_(list(unit_ids))).order_by(AssessmentYear.year))
    for unit_id, number, year_id, kind, name in rows:
        out.setdefault(unit_id, []).append((number, year_id, kind, name))
    return out


def has_work(assessment: Assessment) -> bool:
    """Whether the file holds anything a person did: a score, an explanation, an evidence link, a comment, a
    council field review."""
    aid = assessment.id
    return bool(db.session.scalar(select(
        exists().where(ScoreEntry.assessment_id == aid) | exists().where(Explanation.assessment_id == aid)
        | exists().where(ItemEvidence.assessment_id == aid) | exists().where(Comment.assessment_id == aid)
        | exists().where(FieldReview.assessment_id == aid))))


def add_to_year(year, unit: Unit, unit_type: str, *, name: str | None = None, reason: str | None = None,
                user, now) -> Assessment:
    """Thêm đơn vị vào năm: its file on the type's criteria set and its name that year; audited."""
    kind = type_of(year, unit_type)
    cset = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == year.id,
                                                       CriteriaSet.unit_type == unit_type)) if kind else None
    present = db.session.scalar(select(Assessment.id).where(Assessment.year_id == year.id,
                                                            Assessment.unit_id == unit.id)) is not None
    reason = clean_text(reason) or None
    check(can_add_to_roster(actor_for(user, year), phase=year.phase, has_set=cset is not None, present=present,
                            reason=reason), phase=year.phase)
    name = clean_text(name) or unit.name
    entry = next((n for n in unit.names if n.year_id == year.id), None)
    if entry is None:
        unit.names.append(UnitName(year_id=year.id, name=name))
    else:
        entry.name = name
    unit.unit_type = unit_type
    assessment = Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=cset.id, unit_type=unit_type)
    db.session.add(assessment)
    db.session.flush()
    record("roster_add", "assessment", assessment.id, actor=user, unit_id=unit.id, year_id=year.id,
           new={"unit": unit.code, "unit_type": unit_type, "name": name}, reason=reason)
    return assessment


def remove_from_year(year, assessment: Assessment, *, reason: str | None = None, user, now) -> None:
    """Bớt đơn vị khỏi năm: delete its empty file (and its name that year); audited."""
    reason = clean_text(reason) or None
    check(can_remove_from_roster(actor_for(user, year), phase=year.phase, has_work=has_work(assessment),
                                 reason=reason), phase=year.phase)
    unit = assessment.unit
    record("roster_remove", "assessment", assessment.id, actor=user, unit_id=unit.id, year_id=year.id,
           old={"unit": unit.code, "unit_type": assessment.unit_type, "name": unit.name_in(year.id)},
           reason=reason)
    for entry in [n for n in unit.names if n.year_id == year.id]:
        unit.names.remove(entry)
    db.session.delete(assessment)
    db.session.flush()
