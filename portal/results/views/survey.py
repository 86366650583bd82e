"""Điểm điều tra XHH (admin, synthesis phase): upload a CSV/XLSX file, preview every problem, confirm to
save (the file waits on the server under a random token in the meantime), see the mapping report,
correct one unit by hand, download the template."""
from flask import current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.criteria.uploads import discard_upload, load_upload, save_upload
from portal.db import utcnow
from portal.extensions import db
from portal.results import bp
from portal.results.forms import PlainForm, SurveyConfirmForm, SurveyUploadForm
from portal.results.survey_check import SurveyItem, check_entries
from portal.results.surveys import (
    check_file,
    current_import,
    imports,
    save_import,
    scores_by_unit,
    set_unit_scores,
    survey_criteria,
    template_bytes,
    unit_scores,
    unit_survey_decision,
    year_units,
)
from portal.years.lookup import load_year
from portal.results.views._shared import (
    actor,
    carry_out,
    problem_text,
    refuse,
    refuse_decision,
    require_fresh_form,
)
from portal.text import clean_text
from portal.units.types import type_codes, year_types
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.listing import matches, query_words
from portal.web.permissions import roles
from portal.policy.refusals import refusal_message
from portal.years.domain import can_import_survey

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SURVEY_KIND = "survey"  # the upload store's "unit_type" slot: marks a pending survey file


def _survey_filters(year) -> dict:
    """The unit lists' filters (GET): one unit type, the units without survey points, a search."""
    unit_type = request.args.get("type") or None
    return {"type": unit_type if unit_type in type_codes(year) else None,
            "missing": request.args.get("missing") == "1", "q": (request.args.get("q") or "").strip()[:100]}


def _survey_page(year, *, form=None, status=200):
    decision = can_import_survey(actor(year), phase=year.phase)
    every = year_units(year)
    names = {u.code: u.name_in(year.id) for u in every}
    counts = scores_by_unit(year)
    filters = _survey_filters(year)
    words = query_words(filters["q"])
    units = [u for u in every if (filters["type"] is None or u.unit_type == filters["type"])
             and (not filters["missing"] or not counts.get(u.id)) and matches(words, names[u.code], u.code)]
    return render("results/survey.html", targets={"survey-lists": "survey_units"}, status=status, year=year,
                  form=form or SurveyUploadForm(formdata=None),
                  can_import=bool(decision), refusal=None if decision else refusal_message(decision, phase=year.phase),
                  current=current_import(year), history=imports(year), names=names, units=units, unit_count=len(every),
                  shown_codes={u.code for u in units}, filters=filters, types=year_types(year),
                  counts=counts, items=survey_criteria(year), problem_text=problem_text)


@bp.route("/<int:year_id>/survey")
@roles("admin")
def survey(year_id: int):
    return _survey_page(load_year(year_id))


@bp.route("/<int:year_id>/survey/template.xlsx")
@roles("admin")
def survey_template(year_id: int):
    year = load_year(year_id)
    response = make_response(template_bytes(year))
    response.headers["Content-Type"] = XLSX_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="mau-dieu-tra-xhh-{year.year}.xlsx"'
    return response


@bp.route("/<int:year_id>/survey/preview", methods=["POST"])
@roles("admin")
def survey_preview(year_id: int):
    year = load_year(year_id)
    decision = can_import_survey(actor(year), phase=year.phase)
    if not decision:
        return refuse_decision(decision, year)
    form = SurveyUploadForm()
    if not form.validate_on_submit():
        return _survey_page(year, form=form, status=422)
    data = form.file.data.read()
    filename = clean_text(form.file.data.filename or "") or _("tệp")
    result = check_file(year, data)
    token = None
    if result.ok:
        token = save_upload(current_app.instance_path, data, filename=filename, unit_type=SURVEY_KIND,
                            year_id=year.id, user_id=current_user.id, now=utcnow())
    return _preview(year, result, filename=filename, token=token, status=200 if result.ok else 422)


def _preview(year, result, *, filename, token, status):
    names = {u.code: u.name_in(year.id) for u in year_units(year)}
    return render("results/survey_preview.html", status=status, year=year, result=result, filename=filename,
                  token=token, names=names, problem_text=problem_text,
                  confirm_form=SurveyConfirmForm(formdata=None, token=token))


@bp.route("/<int:year_id>/survey/confirm", methods=["POST"])
@roles("admin")
def survey_confirm(year_id: int):
    year = load_year(year_id)
    form = SurveyConfirmForm()
    pending = load_upload(current_app.instance_path, form.token.data or "", now=utcnow()) \
        if form.validate_on_submit() else None
    if pending is None or pending.unit_type != SURVEY_KIND or pending.year_id != year.id \
            or pending.user_id != current_user.id:
        return refuse(_("Tệp chờ xác nhận không còn (quá 1 giờ hoặc đã dùng). Hãy tải tệp lên lại."), 409)
    result = check_file(year, pending.data)  # the year may have changed since the preview
    if not result.ok:
        return _preview(year, result, filename=pending.filename, token=None, status=422)
    row = carry_out(save_import, year, result, filename=pending.filename, user=current_user, now=utcnow())
    db.session.commit()
    discard_upload(current_app.instance_path, pending.token)
    flash(_("Đã lưu %(count)s điểm điều tra XHH từ tệp %(name)s. Bảng đối chiếu ở bên dưới.",
            count=row.report.get("scores", 0), name=row.filename), "success")
    return redirect_after_post(url_for("results.survey", year_id=year.id) + "#report")


def _load_unit(year, unit_id: int):
    """The unit as it takes part in the year (its type that year), None when it does not."""
    return next((u for u in year_units(year) if u.id == unit_id), None)


def _unit_form(year, unit, *, values=None, problems=None, saved=False, status=200):
    items = survey_criteria(year).get(unit.unit_type, [])
    current = unit_scores(year, unit)
    decision = unit_survey_decision(year, unit, current_user)
    return render("results/survey_unit.html", block="survey_unit_form" if is_htmx() else None, status=status,
                  year=year, unit=unit, items=items, current=current, values=values, problems=problems or {},
                  saved=saved, form=PlainForm(formdata=None), problem_text=problem_text,
                  can_import=bool(decision),
                  refusal=None if decision else refusal_message(decision, phase=year.phase))


@bp.route("/<int:year_id>/survey/units/<int:unit_id>", methods=["GET", "POST"])
@roles("admin")
def survey_unit(year_id: int, unit_id: int):
    year = load_year(year_id)
    unit = _load_unit(year, unit_id)
    if unit is None:
        return refuse(_("Đơn vị này không được đánh giá trong năm."), 404)
    if request.method == "GET":
        return _unit_form(year, unit)
    decision = unit_survey_decision(year, unit, current_user)
    if not decision:
        return refuse_decision(decision, year)
    require_fresh_form()
    criteria = survey_criteria(year).get(unit.unit_type, [])
    typed = {c.code: request.form.get(f"item-{c.id}", "") for c in criteria}
    parsed, problems = check_entries(typed, [SurveyItem(c.code, c.title, c.max_points, c.field_code or "")
                                             for c in criteria])
    if problems:
        return _unit_form(year, unit, values=typed, problems=problems, status=422)
    changed = set_unit_scores(year, unit, {c.id: parsed[c.code] for c in criteria}, user=current_user, now=utcnow())
    db.session.commit()
    if is_htmx():
        return _unit_form(year, unit, saved=True)
    flash(_("Đã lưu điểm điều tra của %(name)s.", name=unit.name_in(year.id)) if changed
          else _("Không có thay đổi nào."), "success")
    return redirect_after_post(url_for("results.survey", year_id=year.id))
