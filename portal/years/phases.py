"""Phases of an assessment year (đợt đánh giá) and the deadline rule — pure, standard library only.

An assessment year moves through nine phases in a fixed order (domain brief §3.1). Four of them are
working phases with an opening and a closing time: self-assessment (T1), review round 1 (T2),
explanation (T3) and review round 2 (T4). The deadline rule here is the single place that says whether
a working phase is open *for one unit* at one instant; ``now`` is always passed in by the caller (one
request-wide, timezone-aware UTC timestamp, security checklist §4.1), never read from the clock here.

It also holds :func:`check_transition`, the rule for moving the year; what every rule returns
(:class:`~portal.policy.decisions.Decision`) is in :mod:`portal.policy.decisions`. Import the phases through
:mod:`portal.years.domain`, which re-exports them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.text import N_


class Phase(enum.StrEnum):
    """Giai đoạn của đợt đánh giá — a phase of the assessment year, in lifecycle order."""

    SETUP = "setup"
    SELF_ASSESSMENT = "self_assessment"
    REVIEW_1 = "review_1"
    EXPLANATION = "explanation"
    REVIEW_2 = "review_2"
    SYNTHESIS = "synthesis"
    APPROVAL = "approval"
    PUBLISHED = "published"
    ARCHIVED = "archived"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_LABELS: dict[Phase, str] = {
    Phase.SETUP: N_("Thiết lập"),
    Phase.SELF_ASSESSMENT: N_("Tự đánh giá"),
    Phase.REVIEW_1: N_("Thẩm định vòng 1"),
    Phase.EXPLANATION: N_("Giải trình"),
    Phase.REVIEW_2: N_("Thẩm định vòng 2"),
    Phase.SYNTHESIS: N_("Tổng hợp kết quả"),
    Phase.APPROVAL: N_("Phê duyệt"),
    Phase.PUBLISHED: N_("Đã công bố"),
    Phase.ARCHIVED: N_("Lưu trữ"),
}

#: Phases in which the year's results are final (công bố): the year never moves back below them; a
#: result changes only by a recorded correction (đính chính).
FINAL_PHASES: frozenset[Phase] = frozenset({Phase.PUBLISHED, Phase.ARCHIVED})

#: Phases with an opening and a closing time (T1–T4); extensions and reopenings only exist in these.
WORKING_PHASES: frozenset[Phase] = frozenset(
    {Phase.SELF_ASSESSMENT, Phase.REVIEW_1, Phase.EXPLANATION, Phase.REVIEW_2}
)
#: The working phases in which the unit acts on its file (and can be reminded), and those of the council.
UNIT_PHASES: frozenset[Phase] = frozenset({Phase.SELF_ASSESSMENT, Phase.EXPLANATION})
COUNCIL_PHASES: frozenset[Phase] = frozenset({Phase.REVIEW_1, Phase.REVIEW_2})
#: The phase→round rule: the council scores round 1 in review_1 and round 2 in review_2 (and only then).
ROUND_OF_PHASE: dict[Phase, int] = {Phase.REVIEW_1: 1, Phase.REVIEW_2: 2}
PHASE_OF_ROUND: dict[int, Phase] = {1: Phase.REVIEW_1, 2: Phase.REVIEW_2}


def scored_round(phase: str | Phase) -> int | None:
    """The round the council scores in ``phase``, or None outside the two review phases."""
    return ROUND_OF_PHASE.get(as_phase(phase))


def shown_round(phase: str | Phase) -> int:
    """The round the council's screens show in ``phase``: the one being scored, else round 1 before
    review round 2 and round 2 from then on."""
    return scored_round(phase) or (2 if phase_index(phase) > phase_index(Phase.REVIEW_2) else 1)


def as_phase(value: str | Phase) -> Phase:
    """Return ``value`` as a :class:`Phase`; an unknown string raises ``ValueError`` (fail loudly)."""
    return Phase(value)


def phase_index(phase: str | Phase) -> int:
    """Position of ``phase`` in the lifecycle (setup = 0 … archived = 8)."""
    return PHASE_ORDER.index(as_phase(phase))


def next_phase(phase: str | Phase) -> Phase | None:
    """The phase after ``phase``, or ``None`` after the last one (archived)."""
    index = phase_index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def previous_phase(phase: str | Phase) -> Phase | None:
    """The phase before ``phase``, or ``None`` before the first one (setup)."""
    index = phase_index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


def is_working_phase(phase: str | Phase) -> bool:
    """True for the four phases that have a deadline (self-assessment, both reviews, explanation)."""
    return as_phase(phase) in WORKING_PHASES


# Window states returned by window_state().
NOT_OPEN = "not_open"
OPEN = "open"
CLOSED = "closed"


def _require_aware(value: datetime | None, name: str) -> None:
    # Comparing naive and aware datetimes would raise TypeError deep inside a rule, and a naive
    # "local" time silently shifts every deadline by 7 hours: refuse both at the door.
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC), got {value!r}")


@dataclass(frozen=True)
class Window:
    """Thời hạn của một giai đoạn — the opening and closing time of a working phase.

    ``opens_at`` ``None`` means open from the moment the phase starts; ``closes_at`` ``None`` means no
    deadline. ``grace_seconds`` is a hidden tolerance for saves already in flight at the deadline; the
    page still shows the published closing time.
    """

    opens_at: datetime | None
    closes_at: datetime | None
    grace_seconds: int = 0

    def __post_init__(self) -> None:
        _require_aware(self.opens_at, "opens_at")
        _require_aware(self.closes_at, "closes_at")
        if isinstance(self.grace_seconds, bool) or not isinstance(self.grace_seconds, int):
            raise TypeError("grace_seconds must be an int")
        if self.grace_seconds < 0:
            raise ValueError("grace_seconds must not be negative")


@dataclass(frozen=True)
class UnitDeadline:
    """Gia hạn / mở lại cho một đơn vị — a per-unit exception for the current working phase.

    ``extended_until`` replaces the phase closing time for this unit (the grace still applies on top).
    ``reopened`` means the secretariat reopened the unit's submitted file (with a reason): the unit may
    edit and submit again, but only while the window is open for it — until ``extended_until`` or, if
    there is none, until the phase closing time + grace. A reopening *after* the phase closed therefore
    does nothing without an extension; the admin screen always asks for a new deadline in that case.
    """

    extended_until: datetime | None = None
    reopened: bool = False

    def __post_init__(self) -> None:
        _require_aware(self.extended_until, "extended_until")


def effective_close(window: Window, deadline: UnitDeadline | None) -> datetime | None:
    """The closing time that applies to one unit: its extension if it has one, else the phase's.

    The extension is taken as given, even if earlier than the phase deadline: it is "the new closing
    time for that unit"; the admin form is where a shorter extension would be questioned.
    """
    if deadline is not None and deadline.extended_until is not None:
        return deadline.extended_until
    return window.closes_at


def window_state(
    window: Window, deadline: UnitDeadline | None, now: datetime
) -> tuple[str, datetime | None]:
    """Whether the window is ``"not_open"``, ``"open"`` or ``"closed"`` for one unit at ``now``.

    Returns ``(state, effective_close)``. Open iff ``opens_at <= now <= effective_close + grace``: a save
    at exactly the closing second is accepted; one second later (without grace) it is refused.
    """
    _require_aware(now, "now")
    close = effective_close(window, deadline)
    if window.opens_at is not None and now < window.opens_at:
        return NOT_OPEN, close
    if close is not None and now > close + timedelta(seconds=window.grace_seconds):
        return CLOSED, close
    return OPEN, close


def _ceil_seconds(delta: timedelta) -> int:
    # Round up so that 0.4 s before the deadline still shows "less than a minute", not "expired".
    microseconds = delta // timedelta(microseconds=1)
    return -(-microseconds // 1_000_000)


def editing_state(window: Window, deadline: UnitDeadline | None, now: datetime) -> dict:
    """What a page shows about the deadline for one unit at ``now``.

    Keys: ``state`` (as :func:`window_state`), ``opens_at``, ``closes_at`` (the effective closing time,
    ``None`` = no deadline), ``phase_closes_at``, ``extended`` (the unit has its own closing time),
    ``reopened``, ``grace_seconds``, ``in_grace`` (past the shown deadline but still accepted),
    ``seconds_remaining`` (whole seconds, rounded up, until the effective closing time; 0 once passed;
    ``None`` without a deadline) and ``seconds_until_open`` (0 once open).
    """
    state, close = window_state(window, deadline, now)
    remaining = None if close is None else max(0, _ceil_seconds(close - now))
    until_open = 0
    if state == NOT_OPEN and window.opens_at is not None:
        until_open = max(0, _ceil_seconds(window.opens_at - now))
    return {
        "state": state,
        "opens_at": window.opens_at,
        "closes_at": close,
        "phase_closes_at": window.closes_at,
        "extended": deadline is not None and deadline.extended_until is not None,
        "reopened": deadline is not None and deadline.reopened,
        "grace_seconds": window.grace_seconds,
        "in_grace": state == OPEN and close is not None and now > close,
        "seconds_remaining": remaining,
        "seconds_until_open": until_open,
    }


# ---------------------------------------------------------------------------------------- year moves


def check_transition(
    current: str | Phase, target: str | Phase, *, reason: str | None, approved: bool = False,
    stale: bool = False,
) -> Decision:
    """May the year move from ``current`` to ``target``? The phase rule only: who may move it (the admin)
    is :func:`portal.years.domain.can_change_phase`, which asks this after the actor.

    Forward: exactly one step. Back: to any earlier phase, with a
    non-blank reason (audited by the caller), except that a published or archived year never goes back
    below publication ("final": a result then changes only by a correction). approval → published
    additionally needs ``approved`` (the Chairman's decision is recorded elsewhere) and results that
    still match the scores (not ``stale``), so no path publishes unapproved or out-of-date results.
    """
    current, target = as_phase(current), as_phase(target)
    if target == current:
        return refuse("same_phase")
    if phase_index(target) > phase_index(current):
        if target != next_phase(current):
            return refuse("skip_phase")
        if target == Phase.PUBLISHED and not approved:
            return refuse("not_approved")
        if target == Phase.PUBLISHED and stale:
            return refuse("stale")
        return ALLOWED
    if current in FINAL_PHASES and target not in FINAL_PHASES:
        return refuse("final")
    if reason is None or not reason.strip():
        return refuse("reason_required")
    return ALLOWED
