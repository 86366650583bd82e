"""Thư điện tử — e-mail for notifications through SMTP (smtplib), off unless ``SMTP_HOST`` is set.

Mails for an event are queued on the database session by :func:`queue` and sent only *after* the
transaction commits (a ``after_commit`` hook): a save that rolls back never mails anyone, and the SQLite
write lock is never held while talking to a slow mail server. A mail that goes out stamps
``Notification.emailed_at`` in a short transaction of its own; one that fails is logged and stays unsent.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.extensions import db

log = logging.getLogger("portal.mail")
OUTBOX_KEY = "portal_mail_outbox"


def mail_enabled() -> bool:
    """True when an SMTP server is configured (``SMTP_HOST``)."""
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def compose(to_addr: str, to_name: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message; the Vietnamese subject is encoded by the e-mail package (RFC 2047)."""
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_FROM") or "chisocchc@localhost"
    message["To"] = formataddr((to_name, to_addr))
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="chisocchc")
    message.set_content(body, charset="utf-8")
    return message


def send(messages: list[EmailMessage]) -> int:
    """Send over one SMTP connection; returns how many were accepted. Raises on a connection failure."""
    if not messages:
        return 0
    config = current_app.config
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                      timeout=int(config.get("SMTP_TIMEOUT") or 10)) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        for message in messages:
            try:
                smtp.send_message(message)
                sent += 1
            except smtplib.SMTPRecipientsRefused:
                log.warning("mail refused for %s", message["To"])
    return sent


def queue(session: Session, notification_id: int, message: EmailMessage) -> None:
    """Send ``message`` once ``session`` commits, then stamp the notification as e-mailed."""
    session.info.setdefault(OUTBOX_KEY, []).append((notification_id, message))


def mark_emailed(ids: list[int]) -> None:
    """Stamp ``emailed_at`` in a short transaction of its own (the request's has already committed)."""
    if not ids:
        return
    from portal.notifications.models import Notification
    with db.engine.begin() as connection:
        connection.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed_at=utcnow()))


def _after_commit(session: Session) -> None:
    outbox = session.info.pop(OUTBOX_KEY, None)
    if not outbox or not mail_enabled():
        return
    try:
        send([message for _, message in outbox])
    except (OSError, smtplib.SMTPException):
        # The change is saved and the notification is in the inbox; only the mail is missing.
        log.exception("could not send %d notification mail(s)", len(outbox))
        return
    mark_emailed([notification_id for notification_id, _ in outbox])


def _after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)


def install_outbox() -> None:
    """Attach the commit/rollback hooks once (idempotent)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
