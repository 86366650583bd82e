"""Thẩm định — the appraisal council's board and appraisal pages (two rounds)."""
from flask import Blueprint

bp = Blueprint("appraisal", __name__, url_prefix="/appraisal")

#: The modules that add routes to ``bp`` or listen to other areas' signals; the app factory imports
#: them, and nothing else does.
ROUTES = ("views", "listeners")
