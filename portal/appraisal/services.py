"""Use cases of the appraisal council: effective assignments (with the admin's reassignments), appraised
scores per round, field "done" marks, closing round 1, finalising a unit, and the final scores."""
from collections import defaultdict

from sqlalchemy import select

from portal.appraisal.domain import member_fields
from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.assessments.models import ScoreEntry
from portal.extensions import db
from portal.policy.actors import actor_for
from portal.policy.roles import Actor


def entries_by_stage(assessment_ids) -> dict[int, dict[int, dict[str, ScoreEntry]]]:
    """{assessment_id: {criterion_id: {stage: entry}}} for many assessments in one query."""
    out: dict[int, dict[int, dict[str, ScoreEntry]]] = defaultdict(lambda: defaultdict(dict))
    ids = list(assessment_ids)
    if not ids:
        return {}
    for entry in db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id.in_(ids))):
        out[entry.assessment_id][entry.criterion_id][entry.stage] = entry
    return out


def effective_fields(year_id: int, user_id: int, unit_id: int, unit_type: str) -> frozenset[str]:
    """The fields a member appraises for one unit: its assignments for the unit type, plus fields of this
    unit the admin reassigned to it, minus fields of this unit reassigned to someone else."""
    assigned = db.session.execute(select(CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
        CouncilAssignment.year_id == year_id, CouncilAssignment.user_id == user_id)).all()
    overrides = {o.field_code: o.user_id for o in db.session.scalars(select(AppraisalOverride).where(
        AppraisalOverride.year_id == year_id, AppraisalOverride.unit_id == unit_id))}
    return member_fields(assigned, overrides, user_id=user_id, unit_type=unit_type)


def appraisal_actor(user, year, assessment):
    """The domain Actor of a council user for one unit: its effective fields for that unit."""
    if user.role == "council_chair":
        return Actor("council_chair", user_id=user.id, agency_unit_id=user.unit_id, assigned_fields=frozenset({"*"}))
    if user.role == "council_member":
        fields = effective_fields(year.id, user.id, assessment.unit_id, assessment.unit_type)
        return Actor("council_member", user_id=user.id, agency_unit_id=user.unit_id, assigned_fields=fields)
    return actor_for(user, year)
