"""Kết quả — survey scores (điều tra XHH), the computed index, ranks and bands, the approval decision and
its publication. The public page lives in portal.public."""
from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

#: The modules that add routes to ``bp`` or listen to other areas' signals; the app factory imports
#: them, and nothing else does.
ROUTES = ("views", "listeners")
