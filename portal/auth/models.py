"""Tài khoản — user accounts, their roles, and server-side login sessions."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.policy.roles import ROLES
from portal.db import UTCDateTime, utcnow
from portal.extensions import db

_ROLE_CHECK = "role in (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


class User(UserMixin, db.Model):
    """A person who logs in. Unit roles belong to a unit; a council member's unit is its own agency."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))  # chức vụ
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # in a row, any address (for the notices)
    # No longer read: the throttle is per (account, address) in LoginThrottle; kept so older rows load.
    throttled_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(5))
    email_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Two-factor secrets, encrypted at rest (portal.auth.secret_box): the enrolled one, and the one shown
    # during set-up until its first code is confirmed (never kept in the browser's cookie).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)    # last TOTP time step used (no replay)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit = relationship("Unit", foreign_keys=[unit_id])

    login_session_id = None  # set when loaded through a LoginSession (not a column)

    def get_id(self) -> str:
        """Flask-Login keeps the server-side login session id in the cookie, never the user id."""
        if not self.login_session_id:
            raise RuntimeError("log in through portal.auth.services.start_session")
        return self.login_session_id

    @property
    def is_active(self) -> bool:
        return self.active


class LoginSession(db.Model):
    """Phiên đăng nhập — a server-side login session, so logout, deactivation and the admin's
    "end all sessions" take effect at once (security.md §2)."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random token kept in the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Đếm đăng nhập sai — failed sign-ins counted per key: one typed account name from one network address
    (``account:<name>@<address>``), and one address across every account (``address:<address>``).

    Keyed by what was typed rather than by the account, so an unknown name is throttled exactly like a real
    one (no enumeration), and an attacker elsewhere never slows the real user down at their own address."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    throttled_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
