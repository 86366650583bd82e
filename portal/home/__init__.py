"""Trang chủ — the landing page of each role, and the language switch."""
from flask import Blueprint

bp = Blueprint("home", __name__)

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
