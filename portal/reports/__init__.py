"""Báo cáo — the official reports: Vietnamese PDFs in the layout of Decree 30/2020 and the spreadsheets,
per unit and for the whole year, with a background export of all units at once. `cli_group=None` puts
the export worker command at the top level: `flask worker`."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", cli_group=None)

#: The modules that add routes (and the `flask worker` command) to ``bp``; the app factory imports them,
#: and nothing else does.
ROUTES = ("views", "commands")
