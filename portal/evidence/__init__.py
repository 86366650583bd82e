"""Tài liệu kiểm chứng — the evidence library of each unit's year: documents, their files (stored by
sha256 outside static/, checked by content), and the items they back."""
from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
