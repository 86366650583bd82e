"""Thông báo — the in-app inbox of each user, with e-mail through SMTP when configured."""
from flask import Blueprint

from portal.notifications import mail

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

#: The modules that add routes to ``bp`` or listen to other areas' signals; the app factory imports
#: them, and nothing else does.
ROUTES = ("views", "listeners")

mail.install_outbox()
