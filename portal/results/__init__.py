"""Kết quả — survey scores (điều tra XHH), the computed index, ranks and bands, the approval decision and
its publication. The public page lives in portal.public."""
from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from portal.results import views, views_approval, views_settings, views_survey, web  # noqa: E402,F401
