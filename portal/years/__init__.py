"""Năm đánh giá — the assessment year: phases, deadlines, extensions."""
from flask import Blueprint

bp = Blueprint("years", __name__, url_prefix="/admin/year")

from portal.years import progress_views, views  # noqa: E402,F401
