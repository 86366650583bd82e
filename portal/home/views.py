"""The home page shows each role where its work is; the language switch keeps the user's choice."""
from flask import redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.extensions import db
from portal.home import bp
from portal.units.models import Unit
from portal.years.services import active_year
from portal.web.htmx import render
from portal.web.permissions import authenticated, public


@bp.route("/")
@authenticated
def index():
    year = active_year()
    counts = dict(db.session.execute(
        select(Unit.unit_type, func.count()).where(Unit.active.is_(True)).group_by(Unit.unit_type)).all())
    unit = current_user.unit
    return render("home/index.html", year=year, counts=counts, unit=unit)


@bp.route("/language/<lang>", methods=["POST"])
@public
def set_language(lang: str):
    if lang in ("vi", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    target = request.form.get("next") or url_for("home.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target, code=303)
