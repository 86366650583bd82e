"""Đăng nhập — accounts: log in, log out, change password, server-side sessions and the login throttle."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import views  # noqa: E402,F401
from portal.auth.session import init_auth  # noqa: E402,F401
