"""Thẩm định — the appraisal council's board and appraisal pages (two rounds)."""
from flask import Blueprint

bp = Blueprint("appraisal", __name__, url_prefix="/appraisal")

