"""Phases of an assessment year (đợt đánh giá) and the deadline rule — pure, standard library only.

An assessment year moves through nine phases in a fixed order (domain brief §3.1). Four of them are
working phases with an opening and a closing time: self-assessment (T1), review round 1 (T2),
explanation (T3) and review round 2 (T4). The deadline rule here is the single place that says whether
a working phase is open *for one unit* at one instant; ``now`` is always passed in by the caller (one
request-wide, timezone-aware UTC timestamp, security checklist §4.1), never read from the clock here.

It also holds what every rule returns — :class:`Decision` with a stable refusal code and its message
template in :data:`REASON_MESSAGES` — and :func:`check_transition`, the rule for moving the year.
Import all of it through :mod:`portal.years.domain`, which re-exports it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

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


# Message templates per refusal code. Placeholders are only ever {phase} (the phase label), {until} and
# {opens_at} (formatted local times), so the web layer can always format with all three.
REASON_MESSAGES: dict[str, str] = {
    "role": N_("Tài khoản của bạn không có quyền thực hiện thao tác này."),
    "not_own_unit": N_("Bạn chỉ có thể xem và cập nhật hồ sơ của đơn vị mình."),
    "wrong_phase": N_("Thao tác này không thực hiện được khi đợt đánh giá đang ở giai đoạn {phase}."),
    "not_open_yet": N_("Chưa đến thời gian {phase}: bắt đầu lúc {opens_at}."),
    "closed": N_("Đã hết hạn {phase} lúc {until}. Liên hệ Sở Nội vụ nếu cần gia hạn."),
    "submitted": N_("Hồ sơ đã được chốt nên không sửa được nữa. Liên hệ Sở Nội vụ nếu cần mở lại."),
    "not_ready": N_("Hồ sơ của đơn vị chưa đến bước này; vui lòng chờ bước trước hoàn tất."),
    "not_assigned": N_("Bạn không được phân công thẩm định lĩnh vực này."),
    "own_agency": N_(
        "Bạn không thẩm định hồ sơ của chính cơ quan mình; Sở Nội vụ sẽ phân công người khác."
    ),
    "finalized": N_("Hồ sơ đã thẩm định xong nên không thay đổi được."),
    "fields_pending": N_("Còn lĩnh vực chưa thẩm định xong; hoàn tất tất cả lĩnh vực rồi kết thúc."),
    "round1_closed": N_("Thẩm định vòng 1 của đơn vị này đã kết thúc; đơn vị đã xem được kết quả."),
    "reason_required": N_("Vui lòng nêu lý do khi đưa đợt đánh giá về giai đoạn trước."),
    "same_phase": N_("Đợt đánh giá đang ở giai đoạn {phase}."),
    "skip_phase": N_("Chỉ chuyển được sang giai đoạn kế tiếp, không bỏ qua giai đoạn nào."),
    "approved": N_("Kết quả đã được phê duyệt nên không tính lại hay phê duyệt lại được."),
    "not_approved": N_("Kết quả chưa được phê duyệt; cần quyết định phê duyệt trước khi công bố."),
    "not_published": N_("Kết quả chưa được công bố."),
    "council_until_published": N_(
        "Kết quả chung của cả năm chỉ mở cho thành viên Hội đồng sau khi công bố. Trước đó, hãy xem các "
        "lĩnh vực được phân công trên trang Thẩm định."
    ),
    "evidence_by_item": N_(
        "Thành viên Hội đồng mở tài liệu kiểm chứng ngay tại các tiêu chí thuộc lĩnh vực được phân công, "
        "trên trang Thẩm định, không mở cả thư viện của đơn vị."
    ),
    "stale": N_(
        "Điểm đã thay đổi sau lần tính kết quả nên kết quả đã phê duyệt không còn khớp với điểm. Hãy đưa đợt "
        "đánh giá về giai đoạn tổng hợp kết quả, tính lại rồi phê duyệt lại trước khi công bố."
    ),
    "shorter_than_common": N_(
        "Hạn mới của đơn vị phải sau hạn chót chung của giai đoạn ({until}): gia hạn hay mở lại chỉ cho đơn vị "
        "thêm thời gian, không rút ngắn. Hãy nhập một thời điểm sau {until}."
    ),
    "correction_open": N_(
        "Đang có một quyết định đính chính chưa phê duyệt. Hãy tính lại và phê duyệt đính chính đó trước khi "
        "ghi nhận đính chính mới."
    ),
    "no_correction": N_("Chưa có quyết định đính chính nào đang mở. Hãy ghi nhận quyết định đính chính trước."),
    "not_in_correction": N_(
        "Kết quả đã công bố: chỉ sửa được điểm của các đơn vị có trong quyết định đính chính đang mở."
    ),
    "final": N_(
        "Kết quả đã công bố là kết quả cuối cùng nên không đưa đợt đánh giá về giai đoạn trước được. Nếu cần "
        "sửa kết quả của đơn vị nào, hãy ghi nhận quyết định đính chính trên trang Kết quả."
    ),
    "locked": N_("Bộ tiêu chí đã khóa từ khi mở tự đánh giá. Liên hệ quản trị nếu cần mở khóa."),
    "roster_reason": N_("Năm đánh giá đã qua giai đoạn chuẩn bị: hãy ghi lý do thêm hoặc bớt đơn vị."),
    "roster_has_work": N_("Đơn vị đã có điểm, giải trình, tài liệu hoặc ý kiến trong năm này nên không bớt khỏi "
                          "năm được; hồ sơ được giữ làm lịch sử."),
    "roster_no_set": N_("Loại đơn vị này chưa có bộ tiêu chí của năm. Hãy nhập hoặc sao chép bộ tiêu chí "
                        "(mục Bộ tiêu chí) trước khi thêm đơn vị."),
    "roster_present": N_("Đơn vị đã tham gia năm đánh giá này."),
    "year_exists": N_("Năm đánh giá này đã có. Hãy chọn năm khác."),
}
REASON_CODES = frozenset(REASON_MESSAGES)


@dataclass(frozen=True)
class Decision:
    """The answer of a predicate: allowed or not, a stable refusal code, and the times that matter.

    Truthy iff allowed, so ``if can_x(...):`` reads naturally; a refusal is therefore falsy.
    ``until`` is the effective closing time for this unit and ``opens_at`` the opening time, where a
    deadline window was consulted (on success too, so the page can show the deadline).
    """

    allowed: bool
    reason: str | None = None
    until: datetime | None = None
    opens_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def refuse(code: str) -> Decision:
    """A refusal with a stable code from :data:`REASON_MESSAGES` (an unknown code is a bug)."""
    if code not in REASON_MESSAGES:
        raise ValueError(f"unknown refusal code {code!r}")
    return Decision(False, code)


# ---------------------------------------------------------------------------------------- year moves


def check_transition(
    current: str | Phase, target: str | Phase, *, role: str, reason: str | None, approved: bool = False,
    stale: bool = False,
) -> Decision:
    """May ``role`` move the year from ``current`` to ``target``?

    Only the admin moves the year. Forward: exactly one step. Back: to any earlier phase, with a
    non-blank reason (audited by the caller), except that a published or archived year never goes back
    below publication ("final": a result then changes only by a correction). approval → published
    additionally needs ``approved`` (the Chairman's decision is recorded elsewhere) and results that
    still match the scores (not ``stale``), so no path publishes unapproved or out-of-date results.
    """
    current, target = as_phase(current), as_phase(target)
    if role != "admin":  # Role.ADMIN; roles are defined with the actors in domain.py
        return refuse("role")
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
