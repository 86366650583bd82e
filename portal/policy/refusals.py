"""Từ chối — the typed refusal and the one check every service and view uses: a :class:`Decision` that says
no becomes :class:`Refused` (or :class:`DeadlineRefused` when the refusal is about time) with the message in
the user's language, the phase label and the times (Asia/Ho_Chi_Minh) filled in. A typical write::

    from portal.policy.actors import actor_for
    from portal.policy.refusals import check

    check(can_edit_self_score(actor_for(current_user, year), ...), phase=year.phase)
    ... write, flush, record(...) ...                         # Refused: nothing written
"""
from __future__ import annotations

from flask_babel import gettext as _

from portal.local_time import format_local
from portal.policy.decisions import REASON_MESSAGES, Decision, refusal_status
from portal.web.htmx import Refusal
from portal.years.phases import PHASE_LABELS, as_phase

DEADLINE_CODES = frozenset({"closed", "not_open_yet"})


class Refused(Refusal):
    """A ``can_*`` predicate said no. ``code`` is the stable refusal code, ``message`` the text to show
    (already translated, times in Asia/Ho_Chi_Minh), ``until``/``opens_at`` the times of the window. Not
    caught, it is answered like every :class:`~portal.web.htmx.Refusal`: rolled back, then the error page,
    403 for who the person is and 409 for the phase, window or state."""

    def __init__(self, decision: Decision, message: str):
        super().__init__(message, status=refusal_status(decision))
        self.decision = decision
        self.code = decision.reason
        self.until = decision.until
        self.opens_at = decision.opens_at


class DeadlineRefused(Refused):
    """The refusal is about time: the window is closed (code ``closed``) or not open yet (``not_open_yet``)."""


def phase_label(phase) -> str:
    """The translated label of a phase ('Tự đánh giá')."""
    return _(PHASE_LABELS[as_phase(phase)])


def _in_sentence(label: str) -> str:
    # Labels start with a capital ("Tự đánh giá"); inside a sentence they read better in lower case.
    return label[:1].lower() + label[1:]


def refusal_message(decision: Decision, *, phase=None) -> str:
    """The user-facing text of a refusal, with the phase label and the times filled in."""
    template = _(REASON_MESSAGES[decision.reason])
    label = _in_sentence(phase_label(phase)) if phase is not None else ""
    return template.format(phase=label, until=format_local(decision.until),
                           opens_at=format_local(decision.opens_at))


def check(decision: Decision, *, phase=None) -> Decision:
    """Return ``decision`` if allowed; otherwise raise :class:`DeadlineRefused` (window closed or not yet
    open) or :class:`Refused` (any other code). ``phase`` fills ``{phase}`` in the message. Call it before
    writing anything, inside the transaction that writes."""
    if decision:
        return decision
    message = refusal_message(decision, phase=phase)
    if decision.reason in DEADLINE_CODES:
        raise DeadlineRefused(decision, message)
    raise Refused(decision, message)
