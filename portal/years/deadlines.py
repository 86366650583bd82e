"""Hạn chót trên máy chủ — the deadline helpers other modules call inside their write transactions.

The rules live in :mod:`portal.years.domain`; this module only loads what they need from the database and
turns a refusal into an exception with a message in the user's language. A typical save looks like::

    from portal.years import deadlines
    from portal.years.domain import can_edit_self_score

    now = utcnow()                                            # one timestamp for the whole request
    actor = deadlines.actor_for(current_user, year)
    window, exception = deadlines.unit_window(year, unit.id, "self_assessment")
    deadlines.check(can_edit_self_score(actor, unit_id=unit.id, phase=year.phase, status=assessment.status,
                                        window=window, deadline=exception, now=now), phase=year.phase)
    ... write, flush, record(...) ...                         # DeadlineRefused / Refused: nothing written

and a page shows the deadline with ``templates/macros/deadline.html`` fed by :func:`banner_state`.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.years import domain
from portal.years.countdown import format_remaining
from portal.years.domain import PHASE_LABELS, REASON_MESSAGES, Actor, Decision, UnitDeadline, Window
from portal.years.models import AssessmentYear
from portal.years.models import UnitDeadline as UnitDeadlineRow

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
DEADLINE_CODES = frozenset({"closed", "not_open_yet"})


class Refused(Exception):
    """A ``can_*`` predicate said no. ``code`` is the stable refusal code, ``message`` the text to show
    (already translated, times in Asia/Ho_Chi_Minh), ``until``/``opens_at`` the times of the window."""

    def __init__(self, decision: Decision, message: str):
        super().__init__(message)
        self.decision = decision
        self.code = decision.reason
        self.message = message
        self.until = decision.until
        self.opens_at = decision.opens_at


class DeadlineRefused(Refused):
    """The refusal is about time: the window is closed (code ``closed``) or not open yet (``not_open_yet``)."""


def zone() -> ZoneInfo:
    """The portal's time zone (Asia/Ho_Chi_Minh unless configured otherwise)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def format_local(value: datetime | None, *, seconds: bool = True) -> str:
    """'31/03/2023 17:00:00' (or without seconds) in the portal's time zone; '' for None."""
    if value is None:
        return ""
    return value.astimezone(zone()).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def phase_label(phase) -> str:
    """The translated label of a phase ('Tự đánh giá')."""
    return _(PHASE_LABELS[domain.as_phase(phase)])


def _in_sentence(label: str) -> str:
    # Labels start with a capital ("Tự đánh giá"); inside a sentence they read better in lower case.
    return label[:1].lower() + label[1:]


def refusal_message(decision: Decision, *, phase=None) -> str:
    """The user-facing text of a refusal, with the phase label and the times filled in."""
    template = _(REASON_MESSAGES[decision.reason])
    label = _in_sentence(phase_label(phase)) if phase is not None else ""
    return template.format(phase=label, until=format_local(decision.until),
                           opens_at=format_local(decision.opens_at))


def page_refusal(decision: Decision, *, phase, year: AssessmentYear) -> str:
    """Why a page of ``phase`` (self-assessment, explanation…) is read-only, for its banner: a rule that
    refused because the year is in another phase says whether that phase is over or not open yet, and
    which phase the year is in now; any other refusal is :func:`refusal_message`."""
    if decision.reason != "wrong_phase":
        return refusal_message(decision, phase=phase)
    label, current = _in_sentence(phase_label(phase)), phase_label(year.phase)
    if domain.phase_index(year.phase) > domain.phase_index(phase):
        return _("Giai đoạn %(phase)s đã kết thúc; trang chỉ xem. Giai đoạn hiện tại: %(current)s.",
                 phase=label, current=current)
    opens = phase_window(year, phase).opens_at
    if opens is not None:
        return _("Giai đoạn %(phase)s chưa mở (mở lúc %(time)s); trang chỉ xem đến lúc đó. Giai đoạn hiện tại: "
                 "%(current)s.", phase=label, time=format_local(opens, seconds=False), current=current)
    return _("Giai đoạn %(phase)s chưa mở; trang chỉ xem đến lúc đó. Giai đoạn hiện tại: %(current)s.",
             phase=label, current=current)


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


def actor_for(user, year: AssessmentYear | None = None, *, unit_type: str | None = None) -> Actor:
    """The domain :class:`Actor` of a logged-in user (anonymous if ``user`` is None or not logged in).

    Unit staff and leaders get their unit; council members their own agency (the conflict rule) and, when
    ``year`` is given, the fields assigned to them that year (for ``unit_type`` if given, else all)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor("anonymous")
    role = user.role
    if role in ("unit_staff", "unit_leader"):
        return Actor(role, user_id=user.id, unit_id=user.unit_id)
    if role in ("council_member", "council_chair"):
        return Actor(role, user_id=user.id, agency_unit_id=user.unit_id,
                     assigned_fields=_assigned_fields(user.id, year, unit_type))
    return Actor(role, user_id=user.id)


def _assigned_fields(user_id: int, year: AssessmentYear | None, unit_type: str | None) -> frozenset[str]:
    if year is None:
        return frozenset()
    from portal.appraisal.models import CouncilAssignment  # the appraisal module owns assignments
    stmt = select(CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
        CouncilAssignment.year_id == year.id, CouncilAssignment.user_id == user_id)
    return frozenset(code for code, kind in db.session.execute(stmt)
                     if unit_type is None or kind is None or kind == unit_type)


_EXCEPTIONS = "portal_unit_exceptions"


def exception_row(year: AssessmentYear, unit_id: int, phase) -> UnitDeadlineRow | None:
    """The unit's extension/reopening row for ``phase`` of ``year`` (gia hạn / mở lại), if any.

    Read once per request (a page asks for it from several rules and its banner); the services that write
    an extension or a reopening call :func:`forget_exceptions`."""
    key = (year.id, unit_id, str(domain.as_phase(phase)))
    cache = g.setdefault(_EXCEPTIONS, {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = db.session.scalar(select(UnitDeadlineRow).where(
            UnitDeadlineRow.year_id == year.id, UnitDeadlineRow.unit_id == unit_id,
            UnitDeadlineRow.phase == key[2]))
    return cache[key]


def forget_exceptions() -> None:
    """Drop this request's memo of extension rows (after writing one)."""
    if has_request_context():
        g.pop(_EXCEPTIONS, None)


def phase_window(year: AssessmentYear, phase) -> Window:
    """The phase's :class:`Window`; a phase without a PhaseWindow row has no opening or closing time."""
    row = year.window(str(domain.as_phase(phase)))
    if row is None:
        return Window(None, None)
    return Window(row.opens_at, row.closes_at, int(row.grace_seconds or 0))


def unit_window(year: AssessmentYear, unit_id: int | None, phase) -> tuple[Window, UnitDeadline | None]:
    """The phase window and the unit's own exception (extension and/or reopening) as domain values."""
    window = phase_window(year, phase)
    row = exception_row(year, unit_id, phase) if unit_id is not None else None
    if row is None:
        return window, None
    return window, UnitDeadline(extended_until=row.extended_until, reopened=bool(row.reopened))


def banner_state(year: AssessmentYear, unit_id: int | None, phase, now: datetime) -> dict:
    """What ``deadline_banner`` needs: :func:`domain.editing_state` plus ``phase``, ``phase_label``,
    ``remaining`` (the countdown in words, from server time), and the ``reason`` and ``exception_at`` of
    the unit's extension or reopening. ``unit_id`` None: the phase as a whole."""
    window = phase_window(year, phase)
    row = exception_row(year, unit_id, phase) if unit_id is not None else None
    exception = None if row is None else UnitDeadline(extended_until=row.extended_until,
                                                       reopened=bool(row.reopened))
    state = domain.editing_state(window, exception, now)
    state.update(phase=str(domain.as_phase(phase)), phase_label=phase_label(phase),
                 remaining=remaining_text(state["seconds_remaining"]),
                 # the unit is told why it got its own deadline or was reopened (and since when)
                 reason=row.reason if row is not None else None,
                 exception_at=row.created_at if row is not None else None)
    return state


def remaining_text(seconds: int | None) -> str:
    """The countdown ('còn 2 ngày 5 giờ') in the current language."""
    from flask_babel import get_locale
    locale = get_locale() if has_app_context() else None
    return format_remaining(seconds, str(locale) if locale else "vi")
