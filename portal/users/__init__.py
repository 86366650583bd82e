"""Tài khoản người dùng — the admin's screens for accounts."""
from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/admin/users")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
