"""Kết quả — survey scores (điều tra XHH), the computed index, ranks and bands, the approval decision and
its publication. The public page lives in portal.public."""
from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from portal.results import (  # noqa: E402,F401
    views,
    views_approval,
    views_correction,
    views_settings,
    views_survey,
    web,
)
