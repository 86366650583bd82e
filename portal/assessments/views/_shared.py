"""What the unit-file route modules share: loading a file (another unit's id is indistinguishable from a missing one), the editing decision of the self-assessment window and its refusal in words."""
from flask import abort, g
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.assessments.models import Assessment
from portal.extensions import db
from portal.policy.actors import actor_for
from portal.unitfile.readers import visibility
from portal.units.models import Unit
from portal.years import domain as rules
from portal.years.models import AssessmentYear
from portal.years.windows import banner_state, page_refusal, unit_window



PHASE = "self_assessment"
# Built once: every request on a file reads it (with its unit's names and its criteria set).
_FILE = select(Assessment).where(Assessment.id == bindparam("id")).options(
    joinedload(Assessment.unit).joinedload(Unit.names), joinedload(Assessment.criteria_set))


def load_file(assessment_id: int) -> tuple[Assessment, AssessmentYear]:
    """Load and check the right to see it; another unit's id is indistinguishable from a missing one."""
    assessment = db.session.scalar(_FILE, {"id": assessment_id})
    if assessment is None:
        abort(404)
    year = db.session.get(AssessmentYear, assessment.year_id)
    if not rules.can_view_assessment(actor_for(current_user, year), unit_id=assessment.unit_id, phase=year.phase):
        abort(404)
    # The whole file shows every field: only those who may see all of it (the unit, the chair, the admin);
    # council members work field by field on the appraisal pages.
    if not visibility(current_user, assessment, None, frozenset(), year.phase)["self_score"]:
        abort(404)
    return assessment, year


def edit_decision(assessment, year, now, *, submit: bool = False):
    # asked up to three times by a save (before writing, then by the page it draws): the window, the
    # unit's deadline and the banner are read once
    key = (assessment.id, assessment.unit_id, year.id, now)
    memo = g.setdefault("workspace_windows", {})
    if key not in memo:
        memo[key] = (*unit_window(year, assessment.unit_id, PHASE),
                     banner_state(year, assessment.unit_id, PHASE, now))
    window, deadline, banner = memo[key]
    check = rules.can_submit_self if submit else rules.can_edit_self_score
    decision = check(actor_for(current_user, year), unit_id=assessment.unit_id, phase=year.phase,
                     status=assessment.status, window=window, deadline=deadline, now=now)
    return decision, banner


def refusal_text(decision, year) -> str:
    return page_refusal(decision, phase=PHASE, year=year)

