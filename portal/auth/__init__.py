"""Đăng nhập — accounts: log in, log out, change password, server-side sessions and the login throttle."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
