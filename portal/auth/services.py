"""Use cases of accounts: authenticate with the throttle, start and end sessions, set passwords."""
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.audit.services import record
from portal.auth.domain import login_refusal, throttle_delay
from portal.auth.models import LoginSession, User
from portal.extensions import db

log = logging.getLogger("portal.auth")
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, password: str, *, now: datetime, ip: str | None) -> tuple[User | None, str | None, datetime | None]:
    """Check a login. Returns (user, None, None) on success, else (None, reason, wait_until).

    A throttled account is refused without looking at the password, so the right password waits too."""
    user = find_user(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # same work as a real check
        log.warning("login failed: unknown user %r from %s", username[:64], ip)
        return None, "invalid", None
    refusal = login_refusal(active=user.active, throttled_until=user.throttled_until, now=now)
    if refusal:
        log.warning("login refused (%s) for %s from %s", refusal, user.username, ip)
        return None, refusal, user.throttled_until
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        cfg = current_app.config
        delay = throttle_delay(user.failed_logins, after=cfg["LOGIN_THROTTLE_AFTER"],
                               base_seconds=cfg["LOGIN_THROTTLE_BASE_SECONDS"],
                               max_seconds=cfg["LOGIN_THROTTLE_MAX_SECONDS"])
        if delay:
            user.throttled_until = now + timedelta(seconds=delay)
            log.warning("login throttled: %s after %d wrong passwords, waits %d s (from %s)",
                        user.username, user.failed_logins, delay, ip)
        else:
            log.warning("login failed: wrong password for %s (%d) from %s", user.username, user.failed_logins, ip)
        return None, "invalid", user.throttled_until
    user.failed_logins = 0
    user.throttled_until = None
    user.last_login_at = now
    log.info("login: %s from %s", user.username, ip)
    return user, None, None


def start_session(user: User, *, now: datetime, ip: str | None, user_agent: str | None) -> None:
    """A fresh session: the old cookie content is dropped and a new server-side id issued."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    row = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id, created_at=now, last_seen_at=now,
                       ip=ip, user_agent=(user_agent or "")[:255])
    db.session.add(row)
    user.login_session_id = row.id
    session["seen"] = int(now.timestamp())
    login_user(user)


def end_session(user: User, *, now: datetime) -> None:
    row = db.session.get(LoginSession, user.login_session_id) if user.login_session_id else None
    if row is not None and row.ended_at is None:
        row.ended_at = now
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def end_all_sessions(user_id: int, *, now: datetime, except_id: str | None = None) -> int:
    stmt = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    if except_id:
        stmt = stmt.where(LoginSession.id != except_id)
    return db.session.execute(stmt.values(ended_at=now)).rowcount


def change_password(user: User, new_password: str, *, now: datetime) -> None:
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_all_sessions(user.id, now=now, except_id=user.login_session_id)
    record("password_change", "user", user.id, actor=user, new={"must_change_password": False})


def temporary_password() -> str:
    """A one-time password the admin hands over; the user must replace it at first login."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
