"""Bộ tiêu chí — criteria sets: the tree, its import/export and the admin's editor."""
from flask import Blueprint

bp = Blueprint("criteria", __name__, url_prefix="/admin/criteria")

from portal.criteria import views, views_io, views_items  # noqa: E402,F401
