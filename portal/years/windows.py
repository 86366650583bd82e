"""Hạn chót trên máy chủ — the phase windows of a year and each unit's own exception (gia hạn / mở lại),
loaded from the database as the rules of :mod:`portal.years.domain` take them, and what a page's deadline
banner and read-only notice say. A typical save::

    from portal.policy.actors import actor_for
    from portal.policy.refusals import check
    from portal.years.domain import can_edit_self_score
    from portal.years.windows import unit_window

    now = utcnow()                                            # one timestamp for the whole request
    window, exception = unit_window(year, unit.id, "self_assessment")
    check(can_edit_self_score(actor_for(current_user, year), unit_id=unit.id, phase=year.phase,
                              status=assessment.status, window=window, deadline=exception, now=now),
          phase=year.phase)
    ... write, flush, record(...) ...                         # DeadlineRefused / Refused: nothing written

and a page shows the deadline with ``templates/macros/deadline.html`` fed by :func:`banner_state`.
"""
from __future__ import annotations

from datetime import datetime

from flask import g, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.local_time import format_local
from portal.policy.decisions import Decision
from portal.policy.refusals import _in_sentence, phase_label, refusal_message
from portal.years import domain
from portal.years.countdown import format_remaining
from portal.years.domain import UnitDeadline, Window
from portal.years.models import AssessmentYear
from portal.years.models import UnitDeadline as UnitDeadlineRow


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


_EXCEPTIONS = "portal_unit_exceptions"
# Built once: every page of a unit's file asks for it.
_EXCEPTION_ROW = select(UnitDeadlineRow).where(UnitDeadlineRow.year_id == bindparam("year"),
                                               UnitDeadlineRow.unit_id == bindparam("unit"),
                                               UnitDeadlineRow.phase == bindparam("phase"))


def exception_row(year: AssessmentYear, unit_id: int, phase) -> UnitDeadlineRow | None:
    """The unit's extension/reopening row for ``phase`` of ``year`` (gia hạn / mở lại), if any.

    Read once per request (a page asks for it from several rules and its banner); the services that write
    an extension or a reopening call :func:`forget_exceptions`."""
    key = (year.id, unit_id, str(domain.as_phase(phase)))
    cache = g.setdefault(_EXCEPTIONS, {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = db.session.scalar(_EXCEPTION_ROW, {"year": year.id, "unit": unit_id, "phase": key[2]})
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
