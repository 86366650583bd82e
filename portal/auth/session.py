"""Login sessions kept on the server: the cookie holds a random session id, checked on every request.

Logout, deactivation and the admin's "end all sessions" end the row, so a copied cookie stops working at
once. The idle clock lives in the signed cookie (no database write on a GET); the absolute lifetime in the row.
"""
import time
from datetime import datetime, timedelta

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user

from portal.auth.domain import session_expired
from portal.auth.models import LoginSession, User
from portal.db import utcnow
from portal.extensions import db, login_manager
from portal.web.htmx import is_htmx

EXEMPT_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "static", "home.set_language"}


def init_auth(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # our own server-side sessions do the job

    @login_manager.user_loader
    def _load(session_id: str):
        row = db.session.get(LoginSession, session_id)
        if row is None or row.ended_at is not None:
            return None
        user = db.session.get(User, row.user_id)
        if user is None or not user.active:
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
            session["expired"] = expired
            return None
        session["seen"] = int(time.time())
        user.login_session_id = row.id
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
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
