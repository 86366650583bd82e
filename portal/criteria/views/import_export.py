"""Nhập / xuất bộ tiêu chí — upload a YAML or XLSX file, preview every item and every problem, confirm to
replace (or create) the set; download a set as YAML or XLSX. The uploaded content waits on the server
under a random token (uploads.py): what is confirmed is exactly what was previewed."""
import re

from flask import current_app, flash, make_response, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.criteria import bp
from portal.criteria.domain import can_create_set, can_remove
from portal.criteria.forms import ConfirmImportForm, ImportForm
from portal.criteria.importing import depths, preview_import
from portal.criteria.services import (
    create_set_from_spec,
    referencing_count,
    replace_set_from_spec,
    set_for,
    set_rows,
)
from portal.criteria.spec import APPRAISERS, METHOD_LABELS
from portal.criteria.tree import config_words, rows_to_spec
from portal.criteria.uploads import discard_upload, load_upload, save_upload
from portal.criteria.views._shared import actor, load_set, refuse, removal_refusal, year_of
from portal.criteria.xlsx_layout import KIND_LABELS
from portal.criteria.xlsx_write import dump_set_xlsx
from portal.criteria.yaml_write import dump_set_yaml
from portal.db import utcnow
from portal.extensions import db
from portal.text import clean_text, fold_key
from portal.units.types import type_codes, type_of, unit_type_label
from portal.web.htmx import redirect_after_post, render
from portal.web.permissions import roles
from portal.years.models import AssessmentYear
from portal.years.services import active_year

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _base_for(year, unit_type: str):
    """A set file may inherit (`inherits:`) from the set of the year's first type (2022: the district set
    from the department set)."""
    codes = type_codes(year)
    if not codes or unit_type == codes[0]:
        return None
    first = set_for(year.id, codes[0])
    return rows_to_spec(first, set_rows(first)) if first is not None else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_key(text)).strip("-") or "loai"


def _type_names(year, unit_type: str) -> tuple[str, ...]:
    row = type_of(year, unit_type)
    return tuple(n for n in (row.name, row.name_en, row.short_label) if n) if row is not None else ()


def _decision(year, unit_type: str):
    """May the file replace (or create) the set? Checked at preview and again at confirmation."""
    cset = set_for(year.id, unit_type)
    if cset is None:
        return cset, can_create_set(actor(), phase=year.phase, exists=False)
    scored = referencing_count(r.id for r in set_rows(cset))
    return cset, can_remove(actor(), phase=year.phase, set_locked=cset.locked,
                            explicitly_unlocked=cset.explicitly_unlocked, scored=scored)


@bp.route("/import", methods=["POST"])
@roles("admin")
def import_upload():
    year = active_year()
    form = ImportForm()
    if year is None or form.unit_type.data not in type_codes(year):
        return refuse(_("Không nhập được: chưa có năm đánh giá hoặc loại đơn vị không hợp lệ."), 400)
    unit_type = form.unit_type.data
    if not form.validate_on_submit():
        return _preview_page(year, unit_type, None, errors=[e for f in form for e in f.errors], status=422)
    data = form.file.data.read()
    filename = clean_text(form.file.data.filename or "") or "tệp"
    preview = preview_import(data, unit_type, base=_base_for(year, unit_type), type_names=_type_names(year, unit_type))
    token = None
    if preview.ok:
        token = save_upload(current_app.instance_path, data, filename=filename, unit_type=unit_type,
                            year_id=year.id, user_id=current_user.id, now=utcnow())
    return _preview_page(year, unit_type, preview, filename=filename, token=token,
                         status=200 if preview.ok else 422)


def _preview_page(year, unit_type, preview, *, filename="", token=None, errors=(), status=200):
    cset, decision = _decision(year, unit_type)
    return render("criteria/import_preview.html", status=status, year=year, unit_type=unit_type,
                  unit_label=unit_type_label(unit_type), preview=preview, filename=filename, cset=cset,
                  errors=list(errors) + (preview.errors if preview else []), token=token,
                  allowed=bool(decision), refusal=None if decision else removal_refusal(decision, cset),
                  depths=depths(preview.spec) if preview and preview.spec else {},
                  confirm_form=ConfirmImportForm(formdata=None, token=token), kind_labels=KIND_LABELS,
                  method_labels=METHOD_LABELS, appraisers=APPRAISERS, config_words=config_words)


@bp.route("/import/confirm", methods=["POST"])
@roles("admin")
def import_confirm():
    form = ConfirmImportForm()
    now = utcnow()
    pending = load_upload(current_app.instance_path, form.token.data or "", now=now) \
        if form.validate_on_submit() else None
    if pending is None or pending.user_id != current_user.id:
        return refuse(_("Tệp chờ nhập không còn (quá 1 giờ hoặc đã nhập rồi). Hãy tải tệp lên lại."), 409)
    year = db.session.get(AssessmentYear, pending.year_id)
    preview = preview_import(pending.data, pending.unit_type, base=_base_for(year, pending.unit_type),
                             type_names=_type_names(year, pending.unit_type))
    cset, decision = _decision(year, pending.unit_type)
    if not preview.ok:
        return _preview_page(year, pending.unit_type, preview, filename=pending.filename, status=422)
    if not decision:
        return refuse(removal_refusal(decision, cset), 409)
    if cset is None:
        cset = create_set_from_spec(year, pending.unit_type, preview.spec, actor=current_user)
    else:
        replace_set_from_spec(cset, preview.spec, actor=current_user, source=pending.filename)
    db.session.commit()
    discard_upload(current_app.instance_path, pending.token)
    flash(_("Đã nhập %(count)d mục từ tệp %(name)s vào bộ tiêu chí %(type)s.", count=len(preview.spec.items),
            name=pending.filename, type=unit_type_label(pending.unit_type)), "success")
    return redirect_after_post(url_for("criteria.editor", set_id=cset.id))


@bp.route("/<int:set_id>/export/<fmt>")
@roles("admin")
def export(set_id: int, fmt: str):
    cset = load_set(set_id)
    if fmt not in ("yaml", "xlsx"):
        return refuse(_("Chỉ xuất được tệp YAML hoặc Excel (.xlsx)."), 404)
    spec = rows_to_spec(cset, set_rows(cset))
    if fmt == "yaml":
        response = make_response(dump_set_yaml(spec).encode("utf-8"))
        response.mimetype = "application/yaml"
        response.charset = "utf-8"
    else:
        response = make_response(dump_set_xlsx(spec))
        response.mimetype = XLSX_TYPE
    name = f"bo-tieu-chi-{_slug(unit_type_label(cset.unit_type, cset.year_id))}-{year_of(cset).year}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
