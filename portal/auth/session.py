"""Login sessions kept on the server: the cookie holds a random session id, checked on every request.

Logout, deactivation and the admin's "end all sessions" end the row, so a copied cookie stops working at
once. The idle clock lives in the signed cookie (no database write on a GET); the absolute lifetime in the
row. Both read the portal's one clock (``portal.db.utcnow``), so the tests freeze it instead of waiting.

When a session has run out in the middle of work, an htmx request gets 401 with ``HX-Redirect`` to the
login page (never a login page swapped into an item); the redirect carries the page the user was on, and
``static/js/portal.js`` keeps what was typed in the browser until the user is back on that page.
"""
import logging
from datetime import datetime, timedelta

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user

from portal.auth.domain import session_expired
from portal.auth.models import LoginSession, User
from portal.db import utcnow, write_transaction
from portal.extensions import db, login_manager
from portal.web.htmx import is_htmx
from portal.web.redirects import path_of_page_url, same_site_path

log = logging.getLogger("portal.auth")
EXEMPT_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "auth.two_factor", "static",
                    "home.set_language"}


def return_path() -> str | None:
    """Where to come back to after logging in again: the page itself for a GET, and for an htmx request
    the page the user was working on (htmx sends it as HX-Current-URL)."""
    if is_htmx():
        return path_of_page_url(request.headers.get("HX-Current-URL"))
    return same_site_path(request.full_path.rstrip("?")) if request.method == "GET" else None


def init_auth(app: Flask) -> None:
    from portal.auth.cli import register_auth_cli
    register_auth_cli(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # our own server-side sessions do the job

    @login_manager.user_loader
    def _load(session_id: str):
        row = db.session.get(LoginSession, session_id)
        if row is None:
            return None
        if row.ended_at is not None:            # ended elsewhere (admin, deactivation, password change)
            session["expired"] = "ended"
            return None
        user = db.session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        from portal.auth.services import second_factor_missing
        if second_factor_missing(user):
            return None
        now = utcnow()
        last_seen = session.get("seen")
        seen_at = row.created_at if last_seen is None else datetime.fromtimestamp(last_seen, tz=now.tzinfo)
        expired = session_expired(
            created_at=row.created_at, last_seen_at=seen_at, now=now,
            idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
            absolute=current_app.config["PERMANENT_SESSION_LIFETIME"],
        )
        if expired:
            # Run out: end it on the server too, so the cookie can never come back to life.
            row.ended_at = now
            writing = write_transaction.get()
            db.session.commit()
            write_transaction.set(writing)      # the request may still write (a login form, for one)
            log.info("session of %s ended (%s timeout)", user.username, expired)
            session["expired"] = expired
            return None
        session["seen"] = int(now.timestamp())
        user.login_session_id = row.id
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        log.info("login required: %s %s from %s", request.method, request.path, request.remote_addr)
        args = {"next": return_path()}
        if session.pop("expired", None):
            args["expired"] = "1"
        target = url_for("auth.login", **args)
        if is_htmx():
            response = current_app.response_class("", status=401)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)

    @app.before_request
    def _force_password_change():
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in EXEMPT_ENDPOINTS):
            target = url_for("auth.change_password")
            if is_htmx():
                response = current_app.response_class("", status=403)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
        return None
