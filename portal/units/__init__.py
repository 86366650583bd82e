"""Đơn vị — the admin's screens for the assessed units."""
from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/admin/units")

from portal.units import views  # noqa: E402,F401
