"""Use cases of accounts: authenticate with the throttle, start and end sessions, set passwords."""
import logging
import secrets
from datetime import datetime

from flask import current_app, has_app_context, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.audit.services import record
from portal.auth import throttle
from portal.auth.domain import login_refusal, needs_second_factor, worth_telling
from portal.auth.models import LoginSession, User
from portal.auth.secret_box import is_encrypted, seal, unseal
from portal.auth.signals import login_failures_repeated
from portal.auth.totp import matching_step, new_secret
from portal.extensions import db

log = logging.getLogger("portal.auth")
_DUMMY_HASHES: dict[str, str] = {}


def _hash_method() -> str:
    """The configured hash (``PASSWORD_HASH_METHOD``: scrypt, Werkzeug's default work factor unless the tests
    lower it)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


def hash_password(password: str, *, method: str | None = None) -> str:
    return generate_password_hash(password, method=method or _hash_method())


def _dummy_hash() -> str:
    """A hash of the configured kind to check against where there is no account: the same work either way."""
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, password: str, *, now: datetime, ip: str | None) -> tuple[User | None, str | None, datetime | None]:
    """Check a password. Returns (user, None, None) on success, else (None, reason, wait_until) with reason
    'throttled' or 'invalid'.

    Unknown, deactivated and wrong-password attempts look the same from outside: one reason ('invalid'),
    one password hash computed on every path (a dummy one where there is no usable account), and the same
    counters (keyed by the typed name and the address, so an unknown name is throttled like a real one).
    A throttled (name, address) or address is refused without looking at the password."""
    keys = throttle.keys_for(username, ip)
    user = find_user(username)
    wait = throttle.wait_until(keys, now=now)
    if wait is not None:
        check_password_hash(_dummy_hash(), password)      # same work as a real check
        log.warning("login refused (throttled) for %r from %s", username.strip()[:64], ip)
        return None, "throttled", wait
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        log.warning("login failed: %s %r from %s", "unknown user" if user is None else "deactivated account",
                    username.strip()[:64], ip)
        return None, "invalid", _register_failure(None, keys, now=now, ip=ip)
    if not check_password_hash(user.password_hash, password):
        log.warning("login failed: wrong password for %s from %s", user.username, ip)
        return None, "invalid", _register_failure(user, keys, now=now, ip=ip)
    log.info("password accepted: %s from %s", user.username, ip)
    return user, None, None


def _register_failure(user: User | None, keys, *, now: datetime, ip: str | None) -> datetime | None:
    """Count the failure on the (name, address) and address counters, and on the account's consecutive
    count; tell the user and the admins when repeated failures pass a threshold. Returns the wait."""
    wait, counts = throttle.register_failure(keys, now=now)
    cfg = current_app.config
    address_key = keys[1]
    if worth_telling(counts[address_key], after=cfg["LOGIN_ADDRESS_THROTTLE_AFTER"]):
        login_failures_repeated.send(current_app._get_current_object(), scope="address", user_id=None,
                                     username=None, failures=counts[address_key], address=ip, now=now)
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        if worth_telling(user.failed_logins, after=cfg["LOGIN_THROTTLE_AFTER"]):
            login_failures_repeated.send(current_app._get_current_object(), scope="account", user_id=user.id,
                                         username=user.username, failures=user.failed_logins, address=ip, now=now)
    return wait


def second_factor_step(user: User) -> str | None:
    """'code', 'enrol' or None: what must follow this user's correct password (see the domain rule)."""
    cfg = current_app.config
    return needs_second_factor(role=user.role, enrolled=bool(user.totp_secret),
                               required=bool(cfg.get("REQUIRE_TOTP")), required_roles=cfg["TOTP_ROLES"])


def second_factor_missing(user: User) -> bool:
    """True when the setting requires two-factor sign-in of this account and it has none yet: such an
    account cannot hold a session (one made before the setting was switched on stops working)."""
    return second_factor_step(user) == "enrol"


def check_second_factor(user: User, code: str | None, *, secret: str, now: datetime,
                        ip: str | None) -> str | None:
    """Check a TOTP code for ``secret`` (the enrolled one, or the one being enrolled). Returns None when
    accepted (the step is remembered, so the same code cannot be used twice), else 'throttled',
    'inactive' or 'invalid'. Wrong codes count towards the same throttle as wrong passwords."""
    keys = throttle.keys_for(user.username, ip)
    refusal = login_refusal(active=user.active, throttled_until=throttle.wait_until(keys, now=now), now=now)
    if refusal:
        log.warning("second factor refused (%s) for %s from %s", refusal, user.username, ip)
        return refusal
    step = matching_step(secret, code, now=now, last_step=user.totp_last_step)
    if step is None:
        log.warning("login failed: wrong two-factor code for %s from %s", user.username, ip)
        _register_failure(user, keys, now=now, ip=ip)
        return "invalid"
    user.totp_last_step = step
    if user.totp_secret and not is_encrypted(user.totp_secret):
        user.totp_secret = seal(unseal(user.totp_secret))     # a plaintext secret of an earlier version
    return None


def start_enrolment(user: User) -> str:
    """A new secret to set up, kept on the server (encrypted) until its first code is confirmed: it never
    travels in the browser's cookie. Returns the plaintext secret, to show once on the set-up page."""
    secret = new_secret()
    user.totp_pending_secret = seal(secret)
    return secret


def pending_secret(user: User) -> str | None:
    return unseal(user.totp_pending_secret)


def enrolled_secret(user: User) -> str | None:
    return unseal(user.totp_secret)


def enrol_second_factor(user: User, secret: str, *, actor, now: datetime) -> None:
    user.totp_secret = seal(secret)
    user.totp_pending_secret = None
    log.info("two-factor sign-in enrolled: %s", user.username)
    record("totp_enrol", "user", user.id, actor=actor, unit_id=user.unit_id, new={"totp": True})


def drop_second_factor(user: User, *, actor, now: datetime, reason: str) -> int:
    """Remove the account's TOTP secret (the user's own choice, or the admin's recovery reset). The
    account's sessions end, so the next sign-in goes through the new rule. Returns the sessions ended."""
    had = bool(user.totp_secret)
    log.warning("two-factor sign-in removed for %s by %s (%s)", user.username, getattr(actor, "username", actor), reason)
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    ended = end_all_sessions(user.id, now=now,
                             except_id=user.login_session_id if getattr(actor, "id", None) == user.id else None)
    record("totp_reset" if reason == "admin" else "totp_disable", "user", user.id, actor=actor,
           unit_id=user.unit_id, old={"totp": had}, new={"totp": False, "sessions_ended": ended})
    return ended


def login_succeeded(user: User, *, now: datetime, ip: str | None) -> None:
    """Every factor passed: the account's failure count, and its counter at this address, start again."""
    user.failed_logins = 0
    user.throttled_until = None
    throttle.clear(throttle.keys_for(user.username, ip)[0])
    user.last_login_at = now
    log.info("login: %s from %s", user.username, ip)


def start_session(user: User, *, now: datetime, ip: str | None, user_agent: str | None) -> None:
    """A fresh session: the old cookie content is dropped and a new server-side id issued (security.md
    §2.2). Call only once every factor has passed."""
    login_succeeded(user, now=now, ip=ip)
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
    ended = end_all_sessions(user.id, now=now, except_id=user.login_session_id)
    log.info("password changed: %s (%d other session(s) ended)", user.username, ended)
    record("password_change", "user", user.id, actor=user, new={"must_change_password": False})


def temporary_password() -> str:
    """A one-time password the admin hands over; the user must replace it at first login."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
