"""What the results page's correction panel shows (admin, published year): the form to record a correcting
decision with the units to pick, or the open correction with each unit's published and recomputed
figures, and the corrections recorded so far. Shared by the overview and the correction views."""
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.results.correcting import can_open_correction, can_work_on_correction
from portal.results.corrections import corrections_of, open_correction_of
from portal.results.document import find_unit
from portal.results.forms import CorrectionForm
from portal.results.models import UnitResult
from portal.policy.actors import actor_for
from portal.policy.refusals import refusal_message
from portal.policy.viewer import Viewer
from portal.years.domain import FINAL_PHASES, as_phase


def _rows(snapshot: dict, correction) -> list[dict]:
    results = {r.unit_id: r for r in db.session.scalars(select(UnitResult).where(
        UnitResult.year_id == correction.year_id, UnitResult.unit_id.in_(correction.unit_ids)))}
    rows = []
    for unit_id in correction.unit_ids:
        _type, entry = find_unit(snapshot, unit_id=unit_id)
        result = results.get(unit_id)
        rows.append({"unit_id": unit_id, "name": entry["name"] if entry else "", "before": entry,
                     "after": result if correction.recomputed_at is not None else None})
    return rows


def correction_context(year, approval, form: CorrectionForm | None = None, error: str | None = None) -> dict:
    """The panel's values; `show_corrections` is False (nothing shown) outside a published year or for
    anyone but the admin. `approval`: the decision in force (its snapshot lists the units)."""
    who = actor_for(current_user)  # corrections are the secretariat's alone: no assigned fields needed
    if not Viewer(who).is_secretariat or as_phase(year.phase) not in FINAL_PHASES or approval is None:
        return {"show_corrections": False}
    correction = open_correction_of(year)
    can_open = can_open_correction(who, phase=year.phase, published=True, open_correction=correction is not None)
    can_work = can_work_on_correction(who, phase=year.phase, open_correction=correction is not None)
    snapshot = approval.snapshot or {}
    return {
        "show_corrections": True, "correction": correction, "correction_error": error,
        "can_open_correction": bool(can_open), "can_work_on_correction": bool(can_work),
        "open_refusal": None if can_open else refusal_message(can_open, phase=year.phase),
        "correction_form": form or CorrectionForm(formdata=None),
        "correction_units": [(u["unit_id"], u["code"], u["name"]) for t in snapshot.get("types", [])
                             for u in t.get("units", [])],
        "picked": set(form.picked) if form is not None and hasattr(form, "picked") else set(),
        "correction_rows": _rows(snapshot, correction) if correction is not None else [],
        "corrections": corrections_of(year),
    }
