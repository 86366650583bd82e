"""What the council's route modules share: loading a unit's file for the council (a field the viewer may not open looks missing) and the decision to appraise it now."""
from flask import abort
from flask_login import current_user

from portal.appraisal.pages import field_node
from portal.assessments.models import Assessment
from portal.extensions import db
from portal.policy.decisions import refuse
from portal.unitfile.readers import appraisal_actor, viewer_fields, visibility
from portal.years import domain as rules
from portal.years.models import AssessmentYear
from portal.years.windows import unit_window



COUNCIL = ("council_member", "council_chair", "admin")


def load_file(assessment_id: int, field_code: str | None = None):
    """Load a unit's file for the council; a field the viewer may not see is indistinguishable from none."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        abort(404)
    year = db.session.get(AssessmentYear, assessment.year_id)
    fields = viewer_fields(year, current_user)(assessment)
    if field_code is not None:
        field = field_node(assessment, field_code)
        if field is None or not visibility(current_user, assessment, field_code, fields, year.phase)["self_score"]:
            abort(404)
        return assessment, year, field, fields
    return assessment, year, None, fields


def appraise_decision(assessment, year, field_code, now):
    round_no = rules.scored_round(year.phase)
    if round_no is None:
        return refuse("wrong_phase"), None
    window, deadline = unit_window(year, assessment.unit_id, year.phase)
    actor = appraisal_actor(current_user, year, assessment)
    return rules.can_appraise(actor, unit_id=assessment.unit_id, field_code=field_code, round=round_no,
                              phase=year.phase, unit_status=assessment.status, window=window, deadline=deadline,
                              now=now), round_no

