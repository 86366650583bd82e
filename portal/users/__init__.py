"""Tài khoản người dùng — the admin's screens for accounts."""
from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/admin/users")

from portal.users import views  # noqa: E402,F401
