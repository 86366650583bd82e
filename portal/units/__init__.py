"""Đơn vị — the admin's screens for the assessed units."""
from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/admin/units")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
