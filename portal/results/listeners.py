"""How the approval decision moves with the year: the results area's receivers of
:mod:`portal.years.signals` (loaded by the app factory; years never imports this module)."""
from sqlalchemy import select

from portal.extensions import db
from portal.results.models import Approval
from portal.results.services import current_approval, results_stale, supersede_current
from portal.years.domain import Phase, phase_index
from portal.years.signals import phase_changed, phase_facts_asked, receiver


@receiver(phase_facts_asked)
def approval_facts(year, *, target, **_) -> dict:
    """Whether the year's results carry a decision in force (QĐ phê duyệt), and, for the move to
    publication only (it reads the audit log), whether a score, survey score, criterion or setting changed
    after the last computation."""
    approved = db.session.scalar(select(Approval.id).where(
        Approval.year_id == year.id, Approval.superseded_at.is_(None)).limit(1)) is not None
    return {"approved": approved, "stale": target == Phase.PUBLISHED and results_stale(year)}


@receiver(phase_changed)
def supersede_or_publish(year, *, new, back, user, now, **_) -> None:
    """Moving back below approval supersedes the decision waiting for publication (kept, marked superseded,
    so that publishing again needs a new decision on recomputed results). Publishing from the year page
    publishes the decision in force, like the results page's button: it carries the publication date (the
    transition rule already requires an approval)."""
    if back and phase_index(new) < phase_index(Phase.APPROVAL):
        supersede_current(year, user=user, now=now, why="phase_back")
    if new == Phase.PUBLISHED and not back:
        approval = current_approval(year)
        if approval is not None and approval.published_at is None:
            approval.published_at = now
            db.session.flush()
