"""Người ký văn bản của đơn vị — the page where a unit's leader (or the admin, for any unit) sets who signs
the unit's own documents of a year: name, position, the collective body signed for, the document symbol
and the place name. The page shows the signature block as the self-assessment report will print it.
Load (404) → decide (portal.units.domain.can_edit_signer: another unit's page is 404 to a unit account) →
validate → save (audited) → redirect."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.reports import bp, meta
from portal.reports.forms import SignerForm
from portal.years.lookup import load_year
from portal.reports.views._shared import refuse
from portal.units.domain import POSITIONS, can_edit_signer
from portal.units.models import Unit
from portal.units.signers import save_signer, signer_of
from portal.web.htmx import redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.actors import actor_for
from portal.policy.refusals import refusal_message
from portal.policy.viewer import Viewer


def _page(year, unit, form, signer, *, status=200):
    signature = meta.unit_signature(signer)
    return render("reports/signer.html", status=status, year=year, unit=unit, unit_name=unit.name_in(year.id),
                  form=form, positions=POSITIONS, signature=signature,
                  back_url=url_for("reports.year_page", year_id=year.id)
                  if Viewer(actor_for(current_user)).is_secretariat else url_for("assessments.mine"))


@bp.route("/<int:year_id>/units/<int:unit_id>/signer", methods=["GET", "POST"])
@roles("admin", "unit_leader")
def unit_signer(year_id: int, unit_id: int):
    year = load_year(year_id)
    unit = db.session.get(Unit, unit_id)
    own_unit = unit is not None and current_user.unit_id == unit_id
    decision = can_edit_signer(actor_for(current_user), own_unit=own_unit)
    if unit is None or decision.reason == "not_found":
        return refuse(_("Không tìm thấy đơn vị này, hoặc bạn không có quyền xem."), 404)
    if not decision:
        return refuse(refusal_message(decision))
    if request.method == "GET":
        signer = signer_of(unit, year)
        return _page(year, unit, SignerForm(formdata=None).load(signer), signer)
    form = SignerForm()
    if not form.validate_on_submit():
        return _page(year, unit, form, signer_of(unit, year), status=422)
    changed = save_signer(unit, year, form.values(), actor=current_user)
    db.session.commit()
    flash(_("Đã lưu người ký văn bản của %(name)s năm %(year)s.", name=unit.name_in(year.id), year=year.year)
          if changed else _("Không có thay đổi nào."), "success")
    return redirect_after_post(url_for("reports.unit_signer", year_id=year.id, unit_id=unit.id))

