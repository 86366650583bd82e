"""Thông báo — creating notifications, reading the inbox, and the daily e-mail digest.

Other modules call :func:`notify` inside their write transaction, after their change and its audit row::

    from portal.notifications.services import notify, unit_user_ids
    notify(unit_user_ids([unit.id]), "comment_sent", _("Hội đồng đã gửi góp ý ..."), link=url)

The inbox row is written with the change; an e-mail goes out after the commit when SMTP is configured and
the user has an address and did not choose the daily digest (``User.email_digest``); ``flask send-digest``
mails digest users once a day with everything not mailed yet.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.local_time import format_local
from portal.notifications import mail
from portal.notifications.models import Notification
from portal.policy.roles import COUNCIL_ROLES, UNIT_ROLES

KIND_LABELS = {
    "comment_sent": _l("Góp ý của Hội đồng"),
    "phase_opening": _l("Mở giai đoạn"),
    "phase_closing": _l("Sắp hết hạn"),
    "explanation_requested": _l("Yêu cầu giải trình"),
    "round1_closed": _l("Kết quả thẩm định vòng 1"),
    "self_locked": _l("Khóa hồ sơ tự đánh giá"),
    "comment_reply": _l("Trả lời của đơn vị"),
    "results_published": _l("Công bố kết quả"),
    "deadline_extended": _l("Gia hạn"),
    "unit_reopened": _l("Mở lại hồ sơ"),
    "reminder": _l("Nhắc nhở"),
    "login_failures": _l("Đăng nhập sai nhiều lần"),
}
KINDS = frozenset(KIND_LABELS)
INBOX_LIMIT = 200


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


@contextmanager
def portal_language():
    """Write stored texts (inbox messages, mails) in the portal's language, whoever triggers them."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "vi"):
        yield


# ------------------------------------------------------------------------------------------- recipients


def _active_ids(*conditions) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), *conditions).order_by(User.id)))


def unit_user_ids(unit_ids: Iterable[int]) -> list[int]:
    """Active staff and leaders of these units."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    return _active_ids(User.role.in_(sorted(UNIT_ROLES)), User.unit_id.in_(unit_ids))


def council_user_ids() -> list[int]:
    """Active council members and the chair."""
    return _active_ids(User.role.in_(sorted(COUNCIL_ROLES)))


def admin_user_ids() -> list[int]:
    """Active admins (the Sở Nội vụ secretariat)."""
    return _active_ids(User.role == "admin")


def all_user_ids() -> list[int]:
    return _active_ids()


# --------------------------------------------------------------------------------------------- writing


def _absolute(link: str | None) -> str | None:
    """A link of the portal as written in a mail: PORTAL_BASE_URL + path. Never the request's Host header
    (a forged Host would point the mail elsewhere); the app refuses to start with mail on and no base."""
    if not link:
        return None
    base = current_app.config.get("PORTAL_BASE_URL")
    return (base or "").rstrip("/") + link if link.startswith("/") else link


def _mail_body(user: User, lines: list[str]) -> str:
    with portal_language():
        greeting = _("Kính gửi %(name)s,", name=user.full_name)
        footer = _("Thư này được gửi tự động từ Cổng Chỉ số CCHC. Đăng nhập để xem và xử lý.")
    return "\n\n".join([greeting, *lines, "—\n" + footer]) + "\n"


def _event_mail(user: User, kind: str, message: str, link: str | None):
    with portal_language():
        subject = _("[Chỉ số CCHC] %(kind)s", kind=kind_label(kind))
        lines = [message] + ([_("Xem chi tiết: %(url)s", url=_absolute(link))] if link else [])
    return mail.compose(user.email, user.full_name, subject, _mail_body(user, lines))


def notify(user_ids: Iterable[int], kind: str, message: str, link: str | None = None, *,
           now: datetime | None = None) -> list[Notification]:
    """Put one notification in the inbox of each (active) user; queue one e-mail per user for after the
    commit when SMTP is configured, unless the user takes the daily digest. Returns the new rows."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = sorted(set(user_ids))
    if not ids:
        return []
    now = now or utcnow()
    users = list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))))
    rows = [Notification(user_id=user.id, kind=kind, message=message, link=link, created_at=now)
            for user in users]
    db.session.add_all(rows)
    db.session.flush()
    if mail.mail_enabled():
        for user, row in zip(users, rows):
            if user.email and not user.email_digest:
                mail.queue(db.session(), row.id, _event_mail(user, kind, message, link))
    return rows


# --------------------------------------------------------------------------------------------- reading


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(_UNREAD, {"user": user.id}) or 0


# Built once: the header's inbox badge asks on every page.
_UNREAD = select(func.count()).select_from(Notification).where(Notification.user_id == bindparam("user"),
                                                               Notification.read_at.is_(None))


def inbox(user, *, limit: int = INBOX_LIMIT) -> list[Notification]:
    """The user's notifications, unread first, newest first."""
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)))


def own_notification(user, notification_id: int) -> Notification | None:
    """The notification if it belongs to ``user`` (anyone else's is treated as missing)."""
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(row: Notification, *, now: datetime) -> None:
    if row.read_at is None:
        row.read_at = now


def mark_all_read(user, *, now: datetime) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
    return result.rowcount or 0


def set_digest(user, digest: bool) -> None:
    """Daily digest (one mail a day) instead of one mail per event."""
    user.email_digest = bool(digest)


# ---------------------------------------------------------------------------------------------- digest


def _digest_mail(user: User, rows: list[Notification], now: datetime):
    with portal_language():
        subject = _("[Chỉ số CCHC] Tóm tắt %(count)d thông báo ngày %(date)s", count=len(rows),
                    date=format_local(now, seconds=False)[:10])
        lines = []
        for row in rows:
            line = f"• {format_local(row.created_at, seconds=False)} — {kind_label(row.kind)}: {row.message}"
            if row.link:
                line += "\n  " + _("Xem chi tiết: %(url)s", url=_absolute(row.link))
            lines.append(line)
    return mail.compose(user.email, user.full_name, subject, _mail_body(user, lines))


def send_digest(*, now: datetime) -> tuple[int, int]:
    """One mail per digest user with the unread notifications not mailed yet; returns (mails, items).

    Reads first and ends that transaction before talking to the mail server, so no lock is held while
    sending; each user's rows are stamped after their mail was accepted."""
    if not mail.mail_enabled():
        return 0, 0
    users = list(db.session.scalars(select(User).where(
        User.active.is_(True), User.email_digest.is_(True), User.email.is_not(None), User.email != "")))
    batches = []
    for user in users:
        rows = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.emailed_at.is_(None), Notification.read_at.is_(None))
            .order_by(Notification.created_at, Notification.id)))
        if rows:
            batches.append(([row.id for row in rows], _digest_mail(user, rows, now)))
    db.session.commit()
    mails = items = 0
    for ids, message in batches:
        if mail.send([message]):
            mail.mark_emailed(ids)
            mails, items = mails + 1, items + len(ids)
    return mails, items
