"""Năm đánh giá — use cases of the assessment year: move between phases, set the phase windows, give one
unit an extension (gia hạn) or reopen its file (mở lại).

Every function takes the acting user and ``now`` explicitly, asks the domain rule first (raising
:class:`portal.policy.refusals.Refused` with the user's message when it says no), writes, flushes, records
the audit row (who, when, old → new, why), all in the caller's transaction: the view commits once. What the
change means for the areas above (files locked, round 1 closed, the decision superseded or published, people
told) they do themselves on the signals of :mod:`portal.years.signals`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g, has_request_context, session
from flask_login import current_user
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.audit.services import record
from portal.policy.decisions import Decision
from portal.extensions import db
from portal.policy.roles import COUNCIL_ROLES, UNIT_ROLES
from portal.years import domain
from portal.policy.actors import actor_for
from portal.policy.refusals import check
from portal.years.windows import forget_exceptions, phase_window
from portal.years.domain import Window
from portal.years.entry import EntryAnswer, can_give_until, entry_question, entry_window
from portal.years.models import AssessmentYear, PhaseWindow, UnitDeadline
from portal.years.signals import (
    closing_effect_asked,
    deadline_extended,
    phase_changed,
    phase_facts_asked,
    send,
    unit_reopened,
)

def active_year() -> AssessmentYear | None:
    """The year the signed-in person works on (once per request): the year chosen with the switcher in the
    header when that person may see it, else the year where their role has work (see `years_for`)."""
    in_request = has_request_context()
    if in_request and "_active_year" in g:
        return g._active_year
    user = current_user if in_request else None
    years = years_for(user)
    if in_request:
        g._switch_years = years
    chosen = session.get("year_id") if in_request else None
    year = next((y for y in years if y.id == chosen), None) if chosen else None
    year = year or default_year(user, years)
    if in_request:
        g._active_year = year
    return year


def switch_years() -> list[AssessmentYear]:
    """The years of the header's switcher (computed with the active year, no further query)."""
    if "_switch_years" not in g:
        active_year()
    return g.get("_switch_years", [])


def _role(user) -> str:
    """The person's role; "system" outside a request (commands, the export worker), "anonymous" when
    nobody is signed in."""
    if user is None:
        return "system"
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else "anonymous"


def years_for(user) -> list[AssessmentYear]:
    """The years a person can switch to, newest first: every year for an admin; for the council every year
    past setup; for a unit every year past setup in which it takes part (has a file)."""
    role = _role(user)
    stmt = select(AssessmentYear).order_by(AssessmentYear.year.desc())
    if role in COUNCIL_ROLES:
        stmt = stmt.where(AssessmentYear.phase != "setup")
    elif role in UNIT_ROLES:
        from portal.assessments.models import Assessment  # the assessments package imports years
        stmt = stmt.where(AssessmentYear.phase != "setup", AssessmentYear.id.in_(
            select(Assessment.year_id).where(Assessment.unit_id == user.unit_id)))
    elif role == "anonymous":
        stmt = stmt.where(AssessmentYear.phase.in_(("published", "archived")))
    years = list(db.session.scalars(stmt))
    if role in ("admin", "system") or not years:
        return years or list(db.session.scalars(select(AssessmentYear).order_by(AssessmentYear.year.desc())))
    return years


# Where each role has work: the phases in which a year asks something of it, most pressing first.
_WORK_PHASES = {
    "unit_staff": ("self_assessment", "explanation"), "unit_leader": ("self_assessment", "explanation"),
    "council_member": ("review_1", "review_2"), "council_chair": ("review_1", "review_2", "synthesis"),
    "admin": ("setup", "self_assessment", "review_1", "explanation", "review_2", "synthesis", "approval"),
}


def default_year(user, years: list[AssessmentYear]) -> AssessmentYear | None:
    """The newest of `years` where the role has work now; else the newest that is not archived; else the
    newest. An admin with last year in approval and next year in setup lands on the newer one."""
    working = _WORK_PHASES.get(_role(user), ())
    for year in years:
        if year.phase in working:
            return year
    return next((y for y in years if y.phase != "archived"), years[0] if years else None)


def all_years() -> list[AssessmentYear]:
    return list(db.session.scalars(select(AssessmentYear).order_by(AssessmentYear.year.desc())))


# ------------------------------------------------------------------------------------------------ phases


def phase_decision(year: AssessmentYear, user, target, reason: str | None = None) -> Decision:
    """May ``user`` move ``year`` to ``target`` now (the rule of :func:`domain.can_change_phase`)? Whether the
    results carry a decision in force and whether they are out of date, the results area answers
    (:data:`~portal.years.signals.phase_facts_asked`); without an answer the year counts as not approved."""
    facts = {"approved": False, "stale": False}
    for answer in send(phase_facts_asked, year, target=domain.as_phase(target)):
        facts.update(answer or {})
    return domain.can_change_phase(actor_for(user, year), current=year.phase, target=target, reason=reason,
                                   **facts)


def entry_answer(year: AssessmentYear, target, *, choice: str | None, new_close: datetime | None,
                 now: datetime) -> tuple[str | None, EntryAnswer]:
    """The question moving ``year`` into ``target`` at ``now`` asks about its window ("not_open", "closed"
    or None: :func:`domain.entry_question`) and the window after the admin's answer."""
    if not domain.is_working_phase(target):
        return None, EntryAnswer(None)
    window = phase_window(year, target)
    question = entry_question(window, now)
    return question, entry_window(window, question, choice, now, new_close)


def change_phase(year: AssessmentYear, target, *, user, reason: str | None, now: datetime,
                 window: Window | None = None) -> int:
    """Move the year to ``target`` (next phase, or back with a reason), audit it and send
    :data:`~portal.years.signals.phase_changed`, on which the areas above do their part: the inbox tells
    units when self-assessment or explanation opens, the council when a review round opens, everyone on
    publication (results also stamp the publication date on the decision in force).

    ``window``: the phase window to save first (the answer to :func:`entry_answer`'s question).
    Moving back below approval supersedes the decision recorded for the year (kept, marked superseded).
    Moving from self-assessment to review round 1 ends the self-assessment: every file still in draft is
    locked as it stands (audited, the unit told). Moving from review round 1 to explanation is the
    deadline of round 1: every unit whose round 1 the chair has not closed yet is closed now (each audited
    and told), so that it sees its round-1 scores, the comments sent to it and the items to explain.
    Returns the number of files locked or closed that way (the receivers' counts)."""
    target = domain.as_phase(target)
    check(phase_decision(year, user, target, reason), phase=year.phase)
    if window is not None:  # the answer of the confirmation step: open now / a new closing time
        save_windows(year, {target: WindowValues(window.opens_at, window.closes_at, window.grace_seconds)},
                     user=user, now=now)
    old = year.phase
    back = domain.phase_index(target) < domain.phase_index(old)
    year.phase = str(target)
    db.session.flush()
    record("year_phase_change", "assessment_year", year.id, actor=user, year_id=year.id,
           old={"phase": old}, new={"phase": str(target), "direction": "back" if back else "forward"},
           reason=(reason or "").strip() or None)
    counts = send(phase_changed, year, old=old, new=target, back=back, user=user, reason=reason, now=now)
    return sum(count for count in counts if count)


def closing_effect(year: AssessmentYear) -> int:
    """How many files moving to the next phase would lock (self-assessment → review 1: drafts) or close
    round 1 for (review 1 → explanation: files the chair has not closed yet); the areas answer."""
    return sum(count for count in send(closing_effect_asked, year) if count)


def phase_history(year: AssessmentYear, limit: int = 50) -> list[AuditLog]:
    """The audit rows of the year's phase changes, newest first (who, when, from → to, why)."""
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.year_id == year.id, AuditLog.action == "year_phase_change")
        .order_by(AuditLog.id.desc()).limit(limit)))


# ----------------------------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class WindowValues:
    """Opening and closing time (aware UTC or None) and the grace in seconds of one working phase."""

    opens_at: datetime | None
    closes_at: datetime | None
    grace_seconds: int = 0

    def as_dict(self) -> dict:
        return {"opens_at": self.opens_at, "closes_at": self.closes_at, "grace_seconds": self.grace_seconds}


def _window_values(row: PhaseWindow | None) -> WindowValues:
    if row is None:
        return WindowValues(None, None, 0)
    return WindowValues(row.opens_at, row.closes_at, int(row.grace_seconds or 0))


def save_windows(year: AssessmentYear, values: dict, *, user, now: datetime) -> list[str]:
    """Set the opening/closing times of the working phases; one audit row per changed phase. A moved
    closing time re-arms the "closing within 24 hours" notice. Returns the changed phases."""
    check(domain.can_manage_year(actor_for(user, year)))
    changed = []
    for phase in sorted(values, key=domain.phase_index):
        new = values[phase]
        row = year.window(str(phase))
        old = _window_values(row)
        if new == old:
            continue
        if row is None:
            row = PhaseWindow(year_id=year.id, phase=str(phase))
            year.windows.append(row)
        if new.closes_at != old.closes_at:
            row.closing_notice_sent_at = None
        if new.opens_at != old.opens_at and (new.opens_at is None or new.opens_at > now):
            row.opened_notice_sent_at = None
        row.opens_at, row.closes_at, row.grace_seconds = new.opens_at, new.closes_at, new.grace_seconds
        db.session.flush()
        record("phase_window_update", "phase_window", row.id, actor=user, year_id=year.id,
               old=dict(old.as_dict(), phase=str(phase)), new=dict(new.as_dict(), phase=str(phase)))
        changed.append(str(phase))
    return changed


# ------------------------------------------------------------------------------- per-unit exceptions


def _exception_snapshot(row: UnitDeadline | None) -> dict | None:
    if row is None:
        return None
    return {"phase": row.phase, "extended_until": row.extended_until, "reopened": bool(row.reopened),
            "reason": row.reason}


def _upsert_exception(year, unit, *, until, reason, user, now, reopen: bool) -> tuple[UnitDeadline, dict]:
    row = db.session.scalar(select(UnitDeadline).where(
        UnitDeadline.year_id == year.id, UnitDeadline.unit_id == unit.id, UnitDeadline.phase == year.phase))
    old = _exception_snapshot(row)
    if row is None:
        row = UnitDeadline(year_id=year.id, unit_id=unit.id, phase=year.phase, reopened=False)
        db.session.add(row)
    row.extended_until, row.reason = until, reason
    row.reopened = bool(row.reopened) or reopen
    row.created_by_id, row.created_at = user.id, now
    db.session.flush()
    forget_exceptions()
    return row, old


def extend_deadline(year: AssessmentYear, unit, *, until: datetime, reason: str, user, now: datetime):
    """Gia hạn: a new closing time of the current working phase for one unit, with its reason; only later
    than the phase's common closing time (:func:`portal.years.entry.can_give_until`)."""
    check(domain.can_extend_deadline(actor_for(user, year), phase=year.phase), phase=year.phase)
    check(can_give_until(phase_window(year, year.phase).closes_at, until), phase=year.phase)
    row, old = _upsert_exception(year, unit, until=until, reason=reason, user=user, now=now, reopen=False)
    record("deadline_extend", "unit_deadline", row.id, actor=user, unit_id=unit.id, year_id=year.id,
           old=old, new=_exception_snapshot(row), reason=reason)
    send(deadline_extended, year, unit=unit, until=until, reason=reason, now=now)
    return row


def reopen_unit(year: AssessmentYear, unit, *, until: datetime, reason: str, user, now: datetime):
    """Mở lại: the unit may edit and submit again in the current phase until ``until``; its file goes back
    to the phase's editable status (draft in self-assessment, review 1 done in explanation: the assessments
    area does it on :data:`~portal.years.signals.unit_reopened`, and refuses a finalized file, which is never
    reopened); ``until`` must be later than the phase's common closing time."""
    check(domain.can_reopen_unit(actor_for(user, year), phase=year.phase), phase=year.phase)
    check(can_give_until(phase_window(year, year.phase).closes_at, until), phase=year.phase)
    row, old = _upsert_exception(year, unit, until=until, reason=reason, user=user, now=now, reopen=True)
    moved = [answer for answer in send(unit_reopened, year, unit=unit, phase=domain.as_phase(year.phase),
                                       until=until, reason=reason, user=user, now=now) if answer]
    before, after = moved[0] if moved else (None, None)
    db.session.flush()
    record("unit_reopen", "unit_deadline", row.id, actor=user, unit_id=unit.id, year_id=year.id,
           old=dict(old or {}, status=before), new=dict(_exception_snapshot(row), status=after), reason=reason)
    return row


def unit_exceptions(year: AssessmentYear) -> list[UnitDeadline]:
    """Every extension and reopening of the year, newest first (for the year page)."""
    return list(db.session.scalars(select(UnitDeadline).where(UnitDeadline.year_id == year.id)
                                   .order_by(UnitDeadline.created_at.desc(), UnitDeadline.id.desc())))


def confirm_windows(year: AssessmentYear, *, user) -> None:
    """The admin saw the phase windows proposed when the year was opened from another (saving the
    windows form confirms them); audited."""
    if year.windows_proposed:
        year.windows_proposed = False
        record("year_windows_confirm", "assessment_year", year.id, actor=user, year_id=year.id)
