"""Thiết lập năm — opening an assessment year, its unit types and its roster (admin screens and use cases).

A package of its own, above years, units, criteria, assessments and appraisal: it copies and creates
their records, and only route modules import it (see portal/layers.toml)."""
from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/admin/year")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
