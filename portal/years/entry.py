"""Phase moves that don't lock people out — pure rules, standard library only.

Entering a working phase whose window is not open at that moment would leave the units (or the council)
in a phase they cannot work in: the year page then asks, on the confirmation step, what to do with the
window (:func:`entry_question`, :func:`entry_window`). And a per-unit extension or reopening exists to give
one unit *more* time than everyone else: a new closing time at or before the common one is refused
(:func:`can_give_until`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.policy.decisions import ALLOWED, Decision

from .phases import CLOSED, NOT_OPEN, Window, window_state

#: The answers offered per question: open now or keep the opening time; set a new closing time or keep it.
ENTRY_CHOICES: dict[str, tuple[str, ...]] = {
    NOT_OPEN: ("open_now", "keep"),
    CLOSED: ("new_close", "keep"),
}


def entry_question(window: Window, now: datetime) -> str | None:
    """What moving into the phase at ``now`` must ask: ``"not_open"`` (its window opens later),
    ``"closed"`` (its closing time, grace included, has passed) or ``None`` (open now, or no window)."""
    state, _close = window_state(window, None, now)
    return state if state in ENTRY_CHOICES else None


@dataclass(frozen=True)
class EntryAnswer:
    """The window to save when entering the phase (``window``), or what is wrong with the answer
    (``problem``: "choice_required", "close_required" or "close_not_after_now")."""

    window: Window | None = None
    problem: str | None = None


def entry_window(window: Window, question: str | None, choice: str | None, now: datetime,
                 new_close: datetime | None = None) -> EntryAnswer:
    """The phase window after the admin's answer to :func:`entry_question`.

    No question: the window as it is. ``open_now``: it opens at ``now`` (the closing time stays).
    ``new_close``: it closes at ``new_close``, which must be after ``now`` (and opens at ``now`` at the
    latest). ``keep``: unchanged, by the admin's explicit choice. Anything else asks again."""
    if question is None:
        return EntryAnswer(window)
    if choice not in ENTRY_CHOICES[question]:
        return EntryAnswer(problem="choice_required")
    if choice == "keep":
        return EntryAnswer(window)
    if choice == "open_now":
        return EntryAnswer(Window(now, window.closes_at, window.grace_seconds))
    if new_close is None:
        return EntryAnswer(problem="close_required")
    if new_close <= now:
        return EntryAnswer(problem="close_not_after_now")
    opens = window.opens_at if window.opens_at is not None and window.opens_at <= now else now
    return EntryAnswer(Window(opens, new_close, window.grace_seconds))


def can_give_until(common_close: datetime | None, until: datetime) -> Decision:
    """May one unit get ``until`` as its closing time (gia hạn, mở lại)? Only later than the phase's common
    closing time ``common_close``: an exception gives more time, never less. Without a common closing
    time there is nothing to shorten, and any time is accepted."""
    if common_close is not None and until <= common_close:
        return Decision(False, "shorter_than_common", until=common_close)
    return ALLOWED
