"""How the unit's file moves with its year: the assessments area's receivers of :mod:`portal.years.signals`
(loaded by the app factory; years never imports this module)."""
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.assessments.services import lock_at_deadline, unsubmitted
from portal.extensions import db
from portal.policy.refusals import Refused, refusal_message
from portal.policy.decisions import refuse
from portal.years.domain import Phase, UnitStatus
from portal.years.signals import closing_effect_asked, phase_changed, receiver, unit_reopened

#: The status a reopened file goes back to, per phase: editable again by the unit (brief §3.2).
REOPEN_STATUS = {Phase.SELF_ASSESSMENT: UnitStatus.DRAFT, Phase.EXPLANATION: UnitStatus.REVIEW_1_DONE}
_STATUS_ORDER = list(UnitStatus)


@receiver(phase_changed)
def lock_drafts_at_deadline(year, *, new, back, user, now, **_) -> int | None:
    """Self-assessment → review round 1 is the self-assessment's deadline: every draft is locked as it stands."""
    if new == Phase.REVIEW_1 and not back:
        return lock_at_deadline(year, actor=user, now=now)
    return None


@receiver(closing_effect_asked)
def drafts_to_lock(year, **_) -> int | None:
    """How many drafts moving on from self-assessment would lock."""
    return len(unsubmitted(year)) if year.phase == str(Phase.SELF_ASSESSMENT) else None


def _status_after_reopen(assessment: Assessment, phase: Phase) -> str | None:
    """The status the file goes back to, or None to leave it: only a file that got *past* the phase's
    editable status goes back (a file still behind, e.g. round 1 not done, is not moved forward)."""
    current = UnitStatus(assessment.status)
    if current == UnitStatus.FINALIZED:  # the domain's rule: a finalized file never changes again
        raise Refused(refuse("finalized"), refusal_message(refuse("finalized")))
    target = REOPEN_STATUS.get(phase)
    if target is None:
        return None
    return str(target) if _STATUS_ORDER.index(current) > _STATUS_ORDER.index(target) else None


@receiver(unit_reopened)
def reopen_file(year, *, unit, phase, **_) -> tuple[str, str] | None:
    """The reopened unit's file goes back to the phase's editable status; returns its status before and
    after (None when the unit has no file this year)."""
    assessment = db.session.scalar(select(Assessment).where(
        Assessment.year_id == year.id, Assessment.unit_id == unit.id))
    if assessment is None:
        return None
    before, after = assessment.status, _status_after_reopen(assessment, phase)
    if after is not None:
        assessment.status = after
        db.session.flush()
    return before, assessment.status
