"""Công bố kết quả — the public results page (no login): the approved rankings, charts and each unit's
field profile, rendered only from a published approval's frozen snapshot."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/cong-bo")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
