"""The home page shows each role where its work is — the current phase and its deadline, the unit's file
and what to do next, the council's board, the secretariat's screens; the language switch keeps the
user's choice."""
from flask import redirect, request, session
from flask_login import current_user
from sqlalchemy import func, select

from portal.appraisal.board import build
from portal.assessments.models import Assessment
from portal.db import utcnow
from portal.extensions import db
from portal.home import bp
from portal.policy.actors import actor_for
from portal.policy.viewer import Viewer
from portal.web.htmx import render
from portal.web.permissions import authenticated, public
from portal.web.redirects import safe_next
from portal.years import domain as rules
from portal.policy.refusals import phase_label
from portal.years.windows import banner_state
from portal.years.services import active_year, years_for

def _unit_work(year, unit_id: int) -> dict:
    """The unit's file this year and the deadline of the phase in which the unit acts (if any)."""
    assessment = db.session.scalar(select(Assessment).where(Assessment.year_id == year.id,
                                                            Assessment.unit_id == unit_id))
    banner = banner_state(year, unit_id, year.phase, utcnow()) if year.phase in rules.UNIT_PHASES else None
    return {"assessment": assessment, "banner": banner,
            "round1_closed": assessment is not None and assessment.status in rules.ROUND1_OVER}


def _council_work(year) -> dict:
    round_no = rules.shown_round(year.phase)
    board = build(year, current_user, unit_type=None, round_no=round_no)
    banner = banner_state(year, None, year.phase, utcnow()) if year.phase in rules.COUNCIL_PHASES else None
    return {"board": board, "banner": banner, "round_no": round_no}


@bp.route("/")
@authenticated
def index():
    year = active_year()
    counts = {} if year is None else dict(db.session.execute(
        select(Assessment.unit_type, func.count()).where(Assessment.year_id == year.id)
        .group_by(Assessment.unit_type)).all())
    unit = current_user.unit
    work = {}
    if year is not None:
        viewer = Viewer(actor_for(current_user))
        if viewer.is_unit and unit is not None:
            work = _unit_work(year, unit.id)
        elif viewer.is_council and rules.phase_index(year.phase) >= rules.phase_index("review_1"):
            work = _council_work(year)
        elif viewer.is_secretariat and rules.is_working_phase(year.phase):
            work = {"banner": banner_state(year, None, year.phase, utcnow())}
    return render("home/index.html", year=year, counts=counts, unit=unit, work=work,
                  phase_text=phase_label(year.phase) if year else None)


@bp.route("/language/<lang>", methods=["POST"])
@public
def set_language(lang: str):
    if lang in ("vi", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.route("/year", methods=["POST"])
@authenticated
def switch_year():
    """Chuyển năm: the header's year switcher; only a year this person may see is kept in the session."""
    wanted = request.form.get("year_id", "")
    if wanted.isdigit() and any(y.id == int(wanted) for y in years_for(current_user)):
        session["year_id"] = int(wanted)
    return redirect(safe_next(request.form.get("next")), code=303)
