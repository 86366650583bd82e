"""Đính chính — the use cases of a correction of published results (rules in results/correcting.py).

1. `open_correction`: the admin records the correcting decision (number, date, reason) and the units it
   concerns. Only those units' survey points may then change (results/surveys.py asks
   `correcting_unit_ids`).
2. `recompute_correction`: those units' results are evaluated again and their UnitResult rows rewritten
   (audited as a computation, so a later score change makes them out of date again).
3. `approve_correction`: a new Approval whose snapshot is the published one with those units corrected
   (results/correcting.apply_correction); it is published at once and supersedes the one in force, which
   is kept with its snapshot: the figures it replaced stay readable.

Every step writes an audit row; the view commits once.
"""
from sqlalchemy import select, update

from portal.audit.services import record
from portal.extensions import db
from portal.results.correcting import (
    apply_correction,
    can_open_correction,
    can_work_on_correction,
)
from portal.results.document import find_unit, results_document
from portal.results.models import Approval, Correction, UnitResult
from portal.results.services import (
    current_approval,
    evaluate_units,
    lock_year,
    result_values,
    results_stale,
    settings_of,
)
from portal.units.models import Unit
from portal.policy.actors import actor_for
from portal.policy.refusals import check


class CorrectionNotRecomputed(Exception):
    """The correction's units were not recomputed since their last change: recompute them first."""


def open_correction_of(year) -> Correction | None:
    """The year's correction still open (not yet approved), if any."""
    return db.session.scalar(select(Correction).where(Correction.year_id == year.id, Correction.status == "open")
                             .order_by(Correction.id.desc()).limit(1))


def correcting_unit_ids(year) -> set[int]:
    """The units whose results the open correction reopens (empty without one)."""
    correction = open_correction_of(year)
    return set(correction.unit_ids or []) if correction is not None else set()


def corrections_of(year) -> list[Correction]:
    """Every correction of the year, newest first."""
    return list(db.session.scalars(select(Correction).where(Correction.year_id == year.id)
                                   .order_by(Correction.id.desc())))


def _codes(unit_ids) -> list[str]:
    return sorted(db.session.scalars(select(Unit.code).where(Unit.id.in_(list(unit_ids)))))


def open_correction(year, *, decision_number: str, decision_date, reason: str, unit_ids: list[int], user,
                    now) -> Correction:
    """Ghi nhận quyết định đính chính for the given units of a published year; audited."""
    lock_year(year)
    approval = current_approval(year)
    check(can_open_correction(actor_for(user, year), phase=year.phase, published=approval is not None,
                              open_correction=open_correction_of(year) is not None), phase=year.phase)
    correction = Correction(year_id=year.id, decision_number=decision_number, decision_date=decision_date,
                            reason=reason.strip(), unit_ids=sorted(set(unit_ids)), status="open",
                            base_approval_id=approval.id, created_by_id=user.id, created_at=now)
    db.session.add(correction)
    db.session.flush()
    record("results_correction_open", "result_correction", correction.id, actor=user, year_id=year.id,
           new={"decision_number": decision_number, "decision_date": decision_date,
                "units": _codes(correction.unit_ids)}, reason=correction.reason)
    return correction


def recompute_correction(year, *, user, now) -> Correction:
    """Tính lại the open correction's units: their UnitResult rows are rewritten (rank kept until the
    correction is approved and the ranking derived again); audited as a computation."""
    lock_year(year)
    correction = open_correction_of(year)
    check(can_work_on_correction(actor_for(user, year), phase=year.phase, open_correction=correction is not None),
          phase=year.phase)
    for e in evaluate_units(year, correction.unit_ids):
        values = result_values(year, e, None, False, now)
        for key in ("year_id", "unit_id", "rank"):
            values.pop(key)
        db.session.execute(update(UnitResult).where(UnitResult.year_id == year.id,
                                                    UnitResult.unit_id == e["unit_id"]).values(**values))
    correction.recomputed_at = now
    db.session.flush()
    record("results_compute", "assessment_year", year.id, actor=user, year_id=year.id,
           new={"correction": correction.id, "units": _codes(correction.unit_ids)})
    return correction


def approve_correction(year, *, user, now) -> Approval:
    """Phê duyệt đính chính: the corrected snapshot becomes the published decision; the previous one is
    kept, superseded. Refused (CorrectionNotRecomputed) when the units were not recomputed since their last
    change."""
    lock_year(year)
    correction = open_correction_of(year)
    check(can_work_on_correction(actor_for(user, year), phase=year.phase, open_correction=correction is not None),
          phase=year.phase)
    if correction.recomputed_at is None or results_stale(year):
        raise CorrectionNotRecomputed()
    old = current_approval(year)
    live = results_document(year)
    fresh = {}
    for unit_id in correction.unit_ids:
        _type, entry = find_unit(live, unit_id=unit_id)
        if entry is not None:
            fresh[unit_id] = entry
    settings = settings_of(year)
    mark = {"number": correction.decision_number, "date": correction.decision_date.isoformat(),
            "reason": correction.reason, "unit_ids": list(correction.unit_ids)}
    snapshot = apply_correction(old.snapshot, fresh, mark, tie_breakers=settings.tie_breakers)
    approval = Approval(year_id=year.id, decision_number=old.decision_number, decision_date=old.decision_date,
                        approved_by_id=user.id, approved_at=now, published_at=now, snapshot=snapshot)
    old.superseded_at = now
    db.session.add(approval)
    db.session.flush()
    correction.status, correction.approval_id, correction.approved_at = "approved", approval.id, now
    db.session.flush()
    record("results_correction_approve", "approval", approval.id, actor=user, year_id=year.id,
           old={"approval": old.id}, new={"correction": correction.id, "decision_number": correction.decision_number,
                                          "units": _codes(correction.unit_ids)})
    return approval
