"""Thiết lập năm — opening an assessment year, its unit types and its roster (admin screens and use cases).

A package of its own, above years, units, criteria, assessments and appraisal: it copies and creates
their records, and nothing below imports it at module level."""
from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/admin/year")
from portal.setup import views, views_lineage  # noqa: E402,F401
