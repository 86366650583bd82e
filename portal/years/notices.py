"""Thông báo về thời hạn — who is told what when the year moves, a phase opens or is about to close, a unit
gets an extension or is reopened, or the secretariat sends a reminder.

Texts are written in the portal's language (they are stored in the inbox and mailed), with times in
Asia/Ho_Chi_Minh. ``flask notify-deadlines`` runs :func:`notify_deadlines` (e.g. hourly from cron); it is
idempotent thanks to ``PhaseWindow.opened_notice_sent_at`` / ``closing_notice_sent_at``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.routing import BuildError

from portal.audit.services import record
from portal.extensions import db
from portal.notifications import services as inbox
from portal.units.models import Unit
from portal.years import domain
from portal.years.countdown import format_remaining
from portal.local_time import format_local
from portal.policy.refusals import phase_label
from portal.years.windows import phase_window, unit_window
from portal.years.domain import COUNCIL_PHASES, UNIT_PHASES, Phase
from portal.years.models import AssessmentYear, UnitDeadline
from portal.years.progress import build_board

CLOSING_NOTICE = timedelta(hours=24)


def _path(endpoint: str, fallback: str = "/") -> str:
    """A link that also works from the CLI (no request): the endpoint's path, or ``fallback``."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint)
    except BuildError:
        return fallback


def _work_link(phase: Phase) -> str:
    # The unit's workspace when that module is installed; the home page shows every role its work.
    return _path("assessments.mine") if phase in UNIT_PHASES else "/"


def _when(value: datetime | None) -> str:
    return format_local(value, seconds=False)


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _active_unit_ids() -> list[int]:
    return list(db.session.scalars(select(Unit.id).where(Unit.active.is_(True))))


def _opening_text(year: AssessmentYear, phase: Phase, window: domain.Window, now: datetime) -> str:
    label = phase_label(phase)
    if window.opens_at is not None and window.opens_at > now:
        text = _("%(title)s: giai đoạn %(phase)s mở lúc %(opens)s.", title=year.title, phase=_lower(label),
                 opens=_when(window.opens_at))
    else:
        text = _("%(title)s: đã mở giai đoạn %(phase)s.", title=year.title, phase=_lower(label))
    if window.closes_at is not None:
        text += " " + _("Hạn chót: %(time)s.", time=_when(window.closes_at))
    return text


def announce_phase(year: AssessmentYear, phase, *, reason: str | None, now: datetime) -> int:
    """Tell the people concerned that the year moved to ``phase`` (with the reason of a move back)."""
    phase = domain.as_phase(phase)
    with inbox.portal_language():
        if phase == Phase.PUBLISHED:
            ids, kind = inbox.all_user_ids(), "results_published"
            text = _("%(title)s: kết quả đã được công bố. Đăng nhập để xem kết quả của đơn vị.", title=year.title)
        elif phase in UNIT_PHASES or phase in COUNCIL_PHASES:
            ids = inbox.unit_user_ids(_active_unit_ids()) if phase in UNIT_PHASES else inbox.council_user_ids()
            kind, window = "phase_opening", phase_window(year, phase)
            text = _opening_text(year, phase, window, now)
            row = year.window(str(phase))
            if row is not None and (window.opens_at is None or window.opens_at <= now):
                row.opened_notice_sent_at = now  # the cron does not announce it a second time
        else:
            return 0
        if reason:
            text += " " + _("Lý do điều chỉnh: %(reason)s", reason=reason.strip())
    return len(inbox.notify(ids, kind, text, _work_link(phase), now=now))


def tell_unit_extension(year: AssessmentYear, unit, *, until: datetime, reason: str, now: datetime) -> int:
    with inbox.portal_language():
        text = _("Đơn vị được gia hạn %(phase)s đến %(time)s. Lý do: %(reason)s",
                 phase=_lower(phase_label(year.phase)), time=_when(until), reason=reason)
    return len(inbox.notify(inbox.unit_user_ids([unit.id]), "deadline_extended", text,
                            _work_link(domain.as_phase(year.phase)), now=now))


def tell_unit_reopened(year: AssessmentYear, unit, *, until: datetime, reason: str, now: datetime) -> int:
    with inbox.portal_language():
        text = _("Hồ sơ %(phase)s của đơn vị đã được mở lại để cập nhật; hạn mới: %(time)s. Lý do: %(reason)s",
                 phase=_lower(phase_label(year.phase)), time=_when(until), reason=reason)
    return len(inbox.notify(inbox.unit_user_ids([unit.id]), "unit_reopened", text,
                            _work_link(domain.as_phase(year.phase)), now=now))


# ---------------------------------------------------------------------------------- reminders and cron


def remind_units(year: AssessmentYear, unit_ids: list[int], *, user, now: datetime) -> int:
    """Nhắc nhở: tell the staff and leaders of these units to finish the current phase (audited).
    Each unit is told its own closing time (its extension, if any). Returns the number of accounts."""
    phase = domain.as_phase(year.phase)
    told = 0
    for unit_id in unit_ids:
        window, exception = unit_window(year, unit_id, phase)
        close = domain.effective_close(window, exception)
        with inbox.portal_language():
            text = _("Nhắc nhở: đơn vị chưa chốt %(phase)s.", phase=_lower(phase_label(phase)))
            if close is not None:
                text += " " + _("Hạn chót: %(time)s.", time=_when(close))
            text += " " + _("Vui lòng hoàn thành và chốt hồ sơ; cần hỗ trợ, liên hệ Sở Nội vụ.")
        told += len(inbox.notify(inbox.unit_user_ids([unit_id]), "reminder", text, _work_link(phase), now=now))
    record("progress_remind", "assessment_year", year.id, actor=user, year_id=year.id,
           new={"phase": str(phase), "unit_ids": sorted(unit_ids), "accounts": told})
    return told


def _still_to_act(year: AssessmentYear, phase: Phase, now: datetime) -> list[int]:
    """Who gets the "closing within 24 hours" notice: the council in a review round; in a unit phase the
    units that have not submitted and have no extension of their own."""
    if phase in COUNCIL_PHASES:
        return inbox.council_user_ids()
    extended = set(db.session.scalars(select(UnitDeadline.unit_id).where(
        UnitDeadline.year_id == year.id, UnitDeadline.phase == str(phase),
        UnitDeadline.extended_until.is_not(None))))
    board = build_board(year, now=now)
    units = [r.unit.id for r in board.laggards if r.unit.active and r.unit.id not in extended]
    return inbox.unit_user_ids(units)


def notify_deadlines(year: AssessmentYear | None, *, now: datetime) -> int:
    """Announce the current phase of ``year`` (the command's active year) once it opens and its closing
    once it is less than 24 hours away (each once per window). Returns how many notifications were created.
    Runs without a request (``flask notify-deadlines``), so everything is worded in the portal's language."""
    with inbox.portal_language():
        return _notify_deadlines(year, now)


def _notify_deadlines(year: AssessmentYear | None, now: datetime) -> int:
    if year is None or not domain.is_working_phase(year.phase):
        return 0
    phase, row = domain.as_phase(year.phase), year.window(year.phase)
    if row is None:
        return 0
    created = 0
    window = phase_window(year, phase)
    is_open = domain.window_state(window, None, now)[0] == domain.OPEN
    if row.opened_notice_sent_at is None and is_open:
        created += announce_phase(year, phase, reason=None, now=now)
        row.opened_notice_sent_at = now
    close = window.closes_at
    if (row.closing_notice_sent_at is None and close is not None and now <= close
            and close - now <= CLOSING_NOTICE and is_open):
        text = _("%(title)s: giai đoạn %(phase)s sẽ hết hạn lúc %(time)s (%(left)s). Vui lòng hoàn thành "
                 "và chốt trước thời hạn.", title=year.title, phase=_lower(phase_label(phase)),
                 time=_when(close), left=_remaining(close, now))
        created += len(inbox.notify(_still_to_act(year, phase, now), "phase_closing", text, _work_link(phase),
                                    now=now))
        row.closing_notice_sent_at = now
    db.session.flush()
    return created


def _remaining(close: datetime, now: datetime) -> str:
    return format_remaining(int((close - now).total_seconds()), str(current_app.config.get(
        "BABEL_DEFAULT_LOCALE") or "vi"))
