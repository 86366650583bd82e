"""Ý kiến — the appraisal council's comment threads on the items of a unit's file, and the unit's replies."""
from flask import Blueprint

bp = Blueprint("comments", __name__, url_prefix="/comments")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
