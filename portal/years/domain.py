"""Who may do what, and when, in an assessment year — the permission rules, pure.

Every ``can_*`` predicate takes plain values (the :class:`~portal.policy.roles.Actor`, the phase, the unit's
status, the window and the per-unit deadline, ``now``) and returns a :class:`~portal.policy.decisions.Decision`. Views enforce these decisions and
templates only show or hide controls from them (conventions rule 4): nothing else decides a permission.
Unknown roles, phases or statuses raise ``ValueError`` rather than being guessed at.

Refusal precedence, the same in every predicate: role → own unit → phase → conflict of interest /
assignment → status of the unit's file → deadline window. The first failing check gives the code.
Phases, windows, the deadline rule and the year's phase transitions live in :mod:`portal.years.phases` and
are re-exported here: import them from this module. Who asks (roles, :class:`Actor`) and what a rule answers
(:class:`Decision`, the refusal codes and messages) are the policy layer's: :mod:`portal.policy`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import (
    ALL_FIELDS,
    COUNCIL_ROLES,
    OVERSIGHT_ROLES,
    SUBMITTER_ROLES,
    UNIT_ROLES,
    Actor,
    Role,
)

from .phases import (  # noqa: F401  (re-exported: the public API of the years domain)
    CLOSED,
    COUNCIL_PHASES,
    FINAL_PHASES,
    N_,
    NOT_OPEN,
    OPEN,
    PHASE_LABELS,
    PHASE_OF_ROUND,
    PHASE_ORDER,
    ROUND_OF_PHASE,
    UNIT_PHASES,
    WORKING_PHASES,
    Phase,
    UnitDeadline,
    Window,
    as_phase,
    check_transition,
    editing_state,
    effective_close,
    is_working_phase,
    next_phase,
    phase_index,
    previous_phase,
    scored_round,
    shown_round,
    window_state,
)


PhaseLike = str | Phase


class UnitStatus(enum.StrEnum):
    """Trạng thái hồ sơ chấm điểm của đơn vị (domain brief §3.2)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEW_1_DONE = "review_1_done"
    EXPLANATION_SUBMITTED = "explanation_submitted"
    FINALIZED = "finalized"


UNIT_STATUS_LABELS: dict[UnitStatus, str] = {
    UnitStatus.DRAFT: N_("Đang tự chấm"),
    UnitStatus.SUBMITTED: N_("Đã chốt điểm tự chấm"),
    UnitStatus.REVIEW_1_DONE: N_("Đã thẩm định vòng 1"),
    UnitStatus.EXPLANATION_SUBMITTED: N_("Đã chốt giải trình"),
    UnitStatus.FINALIZED: N_("Đã thẩm định xong"),
}


def _window(window: Window, deadline: UnitDeadline | None, now: datetime) -> Decision:
    state, close = window_state(window, deadline, now)
    if state == NOT_OPEN:
        return Decision(False, "not_open_yet", until=close, opens_at=window.opens_at)
    if state == CLOSED:
        return Decision(False, "closed", until=close, opens_at=window.opens_at)
    return Decision(True, until=close, opens_at=window.opens_at)


def _own_unit(actor: Actor, unit_id: object, roles: frozenset[Role]) -> Decision | None:
    if actor.role not in roles:
        return refuse("role")
    if actor.unit_id is None or unit_id is None or actor.unit_id != unit_id:
        return refuse("not_own_unit")
    return None


def _is_own_agency(actor: Actor, unit_id: object) -> bool:
    return actor.agency_unit_id is not None and unit_id is not None and actor.agency_unit_id == unit_id


def _reopened(deadline: UnitDeadline | None) -> bool:
    return deadline is not None and deadline.reopened


# ---------------------------------------------------------------------------------------- year moves


def can_change_phase(
    actor: Actor, *, current: PhaseLike, target: PhaseLike, reason: str | None, approved: bool = False,
    stale: bool = False,
) -> Decision:
    """Only the admin moves the year; then the phase rule of :func:`check_transition` (one step forward, back
    with a reason, never below publication once published, publication only of approved current results)."""
    if actor.role != Role.ADMIN:
        return refuse("role")
    return check_transition(current, target, reason=reason, approved=approved, stale=stale)


# ------------------------------------------------------------------------------- unit self-assessment


def can_view_assessment(actor: Actor, *, unit_id: object, phase: PhaseLike) -> Decision:
    """Open a unit's assessment file. Which fields a council member sees is filtered elsewhere."""
    phase = as_phase(phase)
    if actor.role in OVERSIGHT_ROLES:
        return ALLOWED
    if actor.role == Role.COUNCIL_MEMBER:
        return ALLOWED if phase_index(phase) >= phase_index(Phase.REVIEW_1) else refuse("wrong_phase")
    refusal = _own_unit(actor, unit_id, UNIT_ROLES)
    return ALLOWED if refusal is None else refusal


def _self_assessment(actor, unit_id, phase, status, window, deadline, now, roles) -> Decision:
    phase, status = as_phase(phase), UnitStatus(status)
    refusal = _own_unit(actor, unit_id, roles)
    if refusal is not None:  # a refusal is falsy: test for None, not truth
        return refusal
    if phase != Phase.SELF_ASSESSMENT:
        return refuse("wrong_phase")
    if status == UnitStatus.FINALIZED:
        return refuse("finalized")
    if not (status == UnitStatus.DRAFT or (status == UnitStatus.SUBMITTED and _reopened(deadline))):
        return refuse("submitted")  # any later status implies the self-score was locked
    return _window(window, deadline, now)


def can_edit_self_score(
    actor: Actor, *, unit_id: object, phase: PhaseLike, status: str, window: Window,
    deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Save a self-score, declared data, note or evidence: unit staff/leader, draft or reopened, in T1."""
    return _self_assessment(actor, unit_id, phase, status, window, deadline, now, UNIT_ROLES)


def can_submit_self(
    actor: Actor, *, unit_id: object, phase: PhaseLike, status: str, window: Window,
    deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Chốt điểm tự chấm: as :func:`can_edit_self_score`, but the unit leader only."""
    return _self_assessment(actor, unit_id, phase, status, window, deadline, now, SUBMITTER_ROLES)


def _explanation(actor, unit_id, phase, status, window, deadline, now, roles) -> Decision:
    phase, status = as_phase(phase), UnitStatus(status)
    refusal = _own_unit(actor, unit_id, roles)
    if refusal is not None:  # a refusal is falsy: test for None, not truth
        return refusal
    if phase != Phase.EXPLANATION:
        return refuse("wrong_phase")
    if status == UnitStatus.FINALIZED:
        return refuse("finalized")
    if status == UnitStatus.EXPLANATION_SUBMITTED and not _reopened(deadline):
        return refuse("submitted")
    if status not in (UnitStatus.REVIEW_1_DONE, UnitStatus.EXPLANATION_SUBMITTED):
        return refuse("not_ready")  # round 1 not finished for this unit yet
    return _window(window, deadline, now)


def can_explain(
    actor: Actor, *, unit_id: object, phase: PhaseLike, status: str, window: Window,
    deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Write an explanation or add evidence (giải trình, bổ sung): own unit, review 1 done, in T3."""
    return _explanation(actor, unit_id, phase, status, window, deadline, now, UNIT_ROLES)


def can_submit_explanation(
    actor: Actor, *, unit_id: object, phase: PhaseLike, status: str, window: Window,
    deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Chốt giải trình: as :func:`can_explain`, but the unit leader only."""
    return _explanation(actor, unit_id, phase, status, window, deadline, now, SUBMITTER_ROLES)


# ---------------------------------------------------------------------------------------- appraisal


#: File statuses from which round 1 is over for the unit (review_1_done and later; domain brief §3.2).
ROUND1_OVER = frozenset({UnitStatus.REVIEW_1_DONE, UnitStatus.EXPLANATION_SUBMITTED, UnitStatus.FINALIZED})


def can_appraise(
    actor: Actor, *, unit_id: object, field_code: str, round: int, phase: PhaseLike, unit_status: str,
    window: Window, deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Score or comment a field of a unit in appraisal round 1 or 2 (thẩm định vòng 1/2).

    Council member on an assigned field, or the chair on any field; never on one's own agency;
    not once the unit is finalized, nor in round 1 once round 1 is closed for the unit; within the
    round's window (with the unit's extension, if any).
    """
    if round not in (1, 2):
        raise ValueError(f"appraisal round must be 1 or 2, got {round!r}")
    phase, unit_status = as_phase(phase), UnitStatus(unit_status)
    if actor.role not in COUNCIL_ROLES:
        return refuse("role")
    if phase != PHASE_OF_ROUND[round]:
        return refuse("wrong_phase")
    if _is_own_agency(actor, unit_id):
        return refuse("own_agency")
    assigned = ALL_FIELDS in actor.assigned_fields or field_code in actor.assigned_fields
    if actor.role != Role.COUNCIL_CHAIR and not assigned:
        return refuse("not_assigned")
    if unit_status == UnitStatus.FINALIZED:
        return refuse("finalized")
    if round == 1 and unit_status in ROUND1_OVER:
        return refuse("round1_closed")  # the unit already reads its round-1 scores: they no longer move
    return _window(window, deadline, now)


def can_close_round1(
    actor: Actor, *, phase: PhaseLike, unit_status: str, all_fields_done: bool, unit_id: object = None,
) -> Decision:
    """Kết thúc thẩm định vòng 1 for one unit (the unit then sees its round-1 scores, the comments sent to
    it and the items flagged for an explanation): chair or admin, during review round 1, once every field
    of the unit is marked done; never the chair's own agency; not twice. Round 1 also closes for every
    unit when the admin moves the year on to explanation (portal.years.services.change_phase)."""
    phase, unit_status = as_phase(phase), UnitStatus(unit_status)
    if actor.role not in OVERSIGHT_ROLES:
        return refuse("role")
    if phase != Phase.REVIEW_1:
        return refuse("wrong_phase")
    if _is_own_agency(actor, unit_id):
        return refuse("own_agency")
    if unit_status in ROUND1_OVER:
        return refuse("round1_closed")
    if unit_status == UnitStatus.DRAFT:
        return refuse("not_ready")  # locked at the end of self-assessment; a draft here is not appraised yet
    if not all_fields_done:
        return refuse("fields_pending")
    return ALLOWED


def can_finalize_unit(
    actor: Actor, *, phase: PhaseLike, all_fields_done: bool,
    unit_id: object = None, unit_status: str | None = None,
) -> Decision:
    """Close a unit's appraisal (Đã thẩm định xong) once all its fields are done: chair or admin.

    ``unit_id`` and ``unit_status`` are optional but should be passed: the chair may not finalize
    their own agency, and a finalized unit is not finalized twice.
    """
    phase = as_phase(phase)
    if actor.role not in OVERSIGHT_ROLES:
        return refuse("role")
    if phase != Phase.REVIEW_2:
        return refuse("wrong_phase")
    if _is_own_agency(actor, unit_id):
        return refuse("own_agency")
    if unit_status is not None and UnitStatus(unit_status) == UnitStatus.FINALIZED:
        return refuse("finalized")
    if not all_fields_done:
        return refuse("fields_pending")
    return ALLOWED


# ------------------------------------------------------------------------------ secretariat actions


def _admin_in(actor: Actor, phase: PhaseLike, phases) -> Decision:
    phase = as_phase(phase)  # an unknown phase is a bug whoever asks: check it before the role
    if actor.role != Role.ADMIN:
        return refuse("role")
    return ALLOWED if phase in phases else refuse("wrong_phase")


def can_manage_year(actor: Actor) -> Decision:
    """Create a year, set deadlines, assign units and council members: admin only."""
    return ALLOWED if actor.role == Role.ADMIN else refuse("role")


def can_add_to_roster(actor: Actor, *, phase: PhaseLike, has_set: bool, present: bool,
                      reason: str | None) -> Decision:
    """Thêm đơn vị vào năm: admin; not once the results are published; the type must have its criteria
    set (the file is scored on it); after setup only with a reason (a unit joining a running year)."""
    phase = as_phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        return refuse("wrong_phase")
    if present:
        return refuse("roster_present")
    if not has_set:
        return refuse("roster_no_set")
    if phase != Phase.SETUP and not (reason or "").strip():
        return refuse("roster_reason")
    return ALLOWED


def can_remove_from_roster(actor: Actor, *, phase: PhaseLike, has_work: bool, reason: str | None) -> Decision:
    """Bớt đơn vị khỏi năm: admin; only a file with no score, explanation, evidence link or comment (a unit
    that stops existing keeps its history); after setup only with a reason; never once published."""
    phase = as_phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        return refuse("wrong_phase")
    if has_work:
        return refuse("roster_has_work")
    if phase != Phase.SETUP and not (reason or "").strip():
        return refuse("roster_reason")
    return ALLOWED


def can_extend_deadline(actor: Actor, *, phase: PhaseLike) -> Decision:
    """Give one unit a later closing time for the current working phase: admin."""
    return _admin_in(actor, phase, WORKING_PHASES)


def can_reopen_unit(actor: Actor, *, phase: PhaseLike) -> Decision:
    """Reopen a unit's submitted file (with a reason; after closing, with a new deadline): admin."""
    return _admin_in(actor, phase, WORKING_PHASES)


def can_import_survey(actor: Actor, *, phase: PhaseLike) -> Decision:
    """Import survey results (điều tra XHH, SIPAS): admin, during synthesis."""
    return _admin_in(actor, phase, {Phase.SYNTHESIS})


def can_compute_results(actor: Actor, *, phase: PhaseLike, approved: bool) -> Decision:
    """Compute index, ranks and bands: admin, in synthesis or approval, while not yet approved."""
    decision = _admin_in(actor, phase, {Phase.SYNTHESIS, Phase.APPROVAL})
    return refuse("approved") if decision and approved else decision


def can_approve_results(actor: Actor, *, phase: PhaseLike, approved: bool = False) -> Decision:
    """Record the approval decision (QĐ phê duyệt): admin or council chair, in the approval phase."""
    if actor.role not in OVERSIGHT_ROLES:
        return refuse("role")
    if as_phase(phase) != Phase.APPROVAL:
        return refuse("wrong_phase")
    return refuse("approved") if approved else ALLOWED


def can_publish(actor: Actor, *, phase: PhaseLike, approved: bool, stale: bool = False) -> Decision:
    """Công bố kết quả (moves approval → published): admin, approval phase, results approved and still
    matching the scores (``stale``: a score changed after the computation the decision froze)."""
    decision = _admin_in(actor, phase, {Phase.APPROVAL})
    if decision and not approved:
        return refuse("not_approved")
    return refuse("stale") if decision and stale else decision


def can_view_results(actor: Actor, *, phase: PhaseLike, published: bool) -> Decision:
    """See index, ranks and bands. Admin and council chair: from synthesis on. Council members, units and
    the public: only once published — the flag set *and* the year in published/archived (a year moved back
    hides them). A member's own agency and fields it does not appraise are in every result table, so
    before publication a member sees its own fields only, on the appraisal pages
    (portal.unitfile.domain.can_see_year_wide says the same for every year-wide document).
    """
    phase = as_phase(phase)
    if actor.role in OVERSIGHT_ROLES:
        return ALLOWED if phase_index(phase) >= phase_index(Phase.SYNTHESIS) else refuse("wrong_phase")
    if published and phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        return ALLOWED
    return refuse("council_until_published" if actor.role == Role.COUNCIL_MEMBER else "not_published")


def can_edit_criteria(
    actor: Actor, *, phase: PhaseLike, set_locked: bool, explicitly_unlocked: bool = False
) -> Decision:
    """Edit the year's criteria set: admin, while the set is unlocked.

    The set is locked from self-assessment on unless ``explicitly_unlocked`` (an admin's recorded
    decision); ``set_locked`` is an explicit lock that wins over everything. Never once published.
    """
    phase = as_phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        return refuse("wrong_phase")
    if set_locked or (phase != Phase.SETUP and not explicitly_unlocked):
        return refuse("locked")
    return ALLOWED
