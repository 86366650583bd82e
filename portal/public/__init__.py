"""Công bố kết quả — the public results page (no login): the approved rankings, charts and each unit's
field profile, rendered only from a published approval's frozen snapshot."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/cong-bo")

from portal.public import views  # noqa: E402,F401
