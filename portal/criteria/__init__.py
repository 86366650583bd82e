"""Bộ tiêu chí — criteria sets: the tree, its import/export and the admin's editor."""
from flask import Blueprint

bp = Blueprint("criteria", __name__, url_prefix="/admin/criteria")

#: The modules that add routes to ``bp``; the app factory imports them, and nothing else does.
ROUTES = ("views",)
