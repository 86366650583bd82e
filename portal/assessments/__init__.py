"""Hồ sơ tự đánh giá — the unit's self-assessment workspace (round 1, the unit's side)."""
from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessment")

