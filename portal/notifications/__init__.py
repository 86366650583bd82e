"""Thông báo — the in-app inbox of each user, with e-mail through SMTP when configured."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from portal.notifications import listeners, mail, views  # noqa: E402,F401

mail.install_outbox()
