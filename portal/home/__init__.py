"""Trang chủ — the landing page of each role, and the language switch."""
from flask import Blueprint

bp = Blueprint("home", __name__)

from portal.home import views  # noqa: E402,F401
