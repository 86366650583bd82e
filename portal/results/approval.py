"""Phê duyệt và công bố — record the Chairman's decision (QĐ phê duyệt kết quả) with a frozen snapshot of
the results, and publish it.

The snapshot is the results document at the moment of approval plus the decision: later score changes
and recomputations never touch it. A new approval supersedes the previous one (kept, with its
superseded_at). Publishing stamps the approval and moves the year to "published" through the years
module's own phase change (same rule, audit and notifications as the year page).
"""
from datetime import date

from sqlalchemy import select

from portal.audit.services import record
from portal.extensions import db
from portal.results.document import results_document
from portal.results.models import Approval
from portal.results.services import approved, current_approval, lock_year, results_stale
from portal.policy.actors import actor_for
from portal.policy.refusals import check
from portal.years.domain import Phase, can_approve_results, can_publish
from portal.years.services import change_phase


class NothingToApprove(Exception):
    """No computed results yet: compute them before approving."""


class StaleResults(Exception):
    """A score, survey score, criterion or setting changed after the last computation: compute again
    first, so that the decision freezes results that match the scores."""


def approve(year, *, decision_number: str, decision_date: date, user, now) -> Approval:
    """Phê duyệt kết quả: freeze the current results under the decision number and date; audited."""
    lock_year(year)
    check(can_approve_results(actor_for(user, year), phase=year.phase, approved=approved(year)),
          phase=year.phase)
    document = results_document(year)
    if not document["types"]:
        raise NothingToApprove()
    if results_stale(year):
        raise StaleResults()
    superseded = []
    for old in db.session.scalars(select(Approval).where(Approval.year_id == year.id,
                                                         Approval.superseded_at.is_(None))):
        old.superseded_at = now
        superseded.append(old.id)
    # the snapshot holds the names and the report settings too: renaming a unit or editing the settings
    # afterwards changes nothing in the approved results, reports and public page
    snapshot = dict(document, decision={"number": decision_number, "date": decision_date.isoformat()},
                    approved_at=now.isoformat(), report_settings=dict(year.report_settings or {}))
    approval = Approval(year_id=year.id, decision_number=decision_number, decision_date=decision_date,
                        approved_by_id=user.id, approved_at=now, snapshot=snapshot)
    db.session.add(approval)
    db.session.flush()
    record("results_approve", "approval", approval.id, actor=user, year_id=year.id,
           old={"superseded": superseded} if superseded else None,
           new={"decision_number": decision_number, "decision_date": decision_date,
                "units": sum(len(t["units"]) for t in document["types"])})
    return approval


def publish(year, *, user, now) -> Approval:
    """Công bố kết quả: stamp the approval and move the year to "published" (audited and notified).
    Refused when a score changed after the computation the decision froze (the results are stale)."""
    lock_year(year)
    check(can_publish(actor_for(user, year), phase=year.phase, approved=approved(year),
                      stale=results_stale(year)), phase=year.phase)
    approval = current_approval(year)
    approval.published_at = now
    db.session.flush()
    change_phase(year, Phase.PUBLISHED, user=user, reason=None, now=now)
    record("results_publish", "approval", approval.id, actor=user, year_id=year.id,
           new={"decision_number": approval.decision_number, "published_at": now})
    return approval


def approvals(year) -> list[Approval]:
    """Every decision of the year, newest first (superseded ones included)."""
    return list(db.session.scalars(select(Approval).where(Approval.year_id == year.id)
                                   .order_by(Approval.approved_at.desc(), Approval.id.desc())))
