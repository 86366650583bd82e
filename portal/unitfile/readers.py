"""Who reads a unit's file, and what they see of it: the fields a council member appraises for one file
(its assignments for the file's unit type, with the admin's reassignments of that unit's fields), the
actor of a council user for one file, and what one reader may see of one field of it, from the one policy
table (:mod:`portal.unitfile.domain`). The unit's pages, the council's pages, the evidence files and the
comment threads ask the same questions here."""
from collections import defaultdict

from sqlalchemy import select

from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.extensions import db
from portal.policy.actors import actor_for
from portal.policy.roles import Actor
from portal.unitfile.domain import can_see, member_fields, relation


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


def viewer_fields(year, user):
    """A function giving, for an assessment, the fields the viewer appraises (two queries in all)."""
    if user.role == "admin":
        return lambda a: frozenset({"*"})
    if user.role == "council_chair":
        # Every field of every unit; on its own agency the pages are read-only (the conflict rule).
        return lambda a: frozenset({"*"})
    assigned = {(code, kind) for code, kind in db.session.execute(
        select(CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
            CouncilAssignment.year_id == year.id, CouncilAssignment.user_id == user.id))}
    overrides = defaultdict(dict)   # unit_id → field → user_id
    for o in db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id == year.id)):
        overrides[o.unit_id][o.field_code] = o.user_id

    def fields(a) -> frozenset[str]:
        if a.unit_id == user.unit_id:
            return frozenset()      # never one's own agency
        return member_fields(assigned, overrides[a.unit_id], user_id=user.id, unit_type=a.unit_type)
    return fields


def visibility(user, assessment, field_code, fields, phase) -> dict:
    """What this viewer may see of the field, from the one policy table (with the unit's round-1 state:
    the unit sees its round-1 scores from the moment round 1 is closed for it)."""
    role = user.role if getattr(user, "is_authenticated", False) else "anonymous"
    rel = relation(role=role, actor_unit_id=getattr(user, "unit_id", None), unit_id=assessment.unit_id,
                   field_code=field_code, assigned_fields=fields)
    seen = {obj: can_see(rel, obj, phase, unit_status=assessment.status) for obj in
            ("self_score", "round1_score", "internal_comment", "explanation", "final_score")}
    seen["sent_comment"] = can_see(rel, "sent_comment", phase, sent=True, unit_status=assessment.status)
    seen["round2_score"] = seen["final_score"]  # round 2 is shown under the final-score rule
    return seen | {"relation": rel}
