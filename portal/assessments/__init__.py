"""Hồ sơ tự đánh giá — the unit's self-assessment workspace (round 1, the unit's side)."""
from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessment")

#: The modules that add routes to ``bp`` or listen to other areas' signals; the app factory imports
#: them, and nothing else does.
ROUTES = ("views", "listeners")
