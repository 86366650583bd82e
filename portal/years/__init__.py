"""Năm đánh giá — the assessment year: phases, deadlines, extensions."""
from flask import Blueprint

bp = Blueprint("years", __name__, url_prefix="/admin/year")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
