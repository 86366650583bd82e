"""Use cases for accounts managed by the admin: create, edit, deactivate, reset password, end sessions."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.auth.domain import role_needs_unit
from portal.auth.models import User
from portal.auth.services import end_all_sessions, hash_password, temporary_password
from portal.extensions import db
from portal.search import contains
from portal.text import fold_key
from portal.units.models import Unit


class UserError(ValueError):
    def __init__(self, field: str, code: str):
        super().__init__(code)
        self.field, self.code = field, code


def search_users(query: str = "", role: str | None = None) -> list[User]:
    # each row shows the account's unit (with its name of the year): load them with the users, not per row
    stmt = select(User).options(selectinload(User.unit).selectinload(Unit.names))
    if role:
        stmt = stmt.where(User.role == role)
    key = fold_key(query)
    if key:
        stmt = stmt.where(or_(contains(User.name_key, key), contains(User.username, key.replace(" ", ""))))
    users = list(db.session.scalars(stmt))
    users.sort(key=lambda u: (u.role, fold_key(u.full_name), u.username))
    return users


def _check(username: str, role: str, unit_id: int | None, user_id: int | None) -> None:
    other = db.session.scalar(select(User).where(User.username == username))
    if other is not None and other.id != user_id:
        raise UserError("username", "duplicate_username")
    if role_needs_unit(role) and not unit_id:
        raise UserError("unit_id", "unit_required")


def _fields(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "position": user.position, "role": user.role, "unit_id": user.unit_id}


def create_user(*, username, full_name, email, position, role, unit_id, actor) -> tuple[User, str]:
    """Create an account with a one-time password the person must replace at first login."""
    username = username.strip().lower()
    _check(username, role, unit_id, None)
    password = temporary_password()
    user = User(username=username, full_name=full_name, name_key=fold_key(full_name), email=email or None,
                position=position or None, role=role, unit_id=unit_id or None,
                password_hash=hash_password(password), must_change_password=True, active=True)
    db.session.add(user)
    db.session.flush()
    record("user_create", "user", user.id, actor=actor, unit_id=user.unit_id, new=_fields(user))
    return user, password


def update_user(user: User, *, username, full_name, email, position, role, unit_id, actor, now) -> None:
    username = username.strip().lower()
    _check(username, role, unit_id, user.id)
    old = _fields(user)
    user.username, user.full_name, user.name_key = username, full_name, fold_key(full_name)
    user.email, user.position, user.role, user.unit_id = email or None, position or None, role, unit_id or None
    new = _fields(user)
    if new != old:
        if old["role"] != new["role"] or old["unit_id"] != new["unit_id"]:
            end_all_sessions(user.id, now=now)  # new rights take effect at the next login
        record("user_update", "user", user.id, actor=actor, unit_id=user.unit_id, old=old, new=new)


def set_user_active(user: User, active: bool, *, actor, now) -> None:
    if user.active == active:
        return
    if user.id == getattr(actor, "id", None) and not active:
        raise UserError("active", "self_deactivate")
    user.active = active
    if not active:
        end_all_sessions(user.id, now=now)
    record("user_activate" if active else "user_deactivate", "user", user.id, actor=actor,
           unit_id=user.unit_id, old={"active": not active}, new={"active": active})


def reset_password(user: User, *, actor, now) -> str:
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.throttled_until = None
    end_all_sessions(user.id, now=now)
    record("password_reset", "user", user.id, actor=actor, unit_id=user.unit_id)
    return password


def end_sessions(user: User, *, actor, now) -> int:
    count = end_all_sessions(user.id, now=now)
    record("sessions_end", "user", user.id, actor=actor, unit_id=user.unit_id, new={"ended": count})
    return count
