"""Excel round trip of the self-assessment: download the unit's template, upload it back, preview every
change and every error by row, then confirm (all rows or none)."""
import io

from flask import current_app, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.assessments import bp
from portal.assessments.services import load_workspace, save_self_item
from portal.assessments.views._shared import PHASE, edit_decision, load_file
from portal.assessments.xlsx import export_workbook, parse_workbook
from portal.db import utcnow
from portal.evidence.services import evidence_by_item
from portal.extensions import db
from portal.unitfile.entries import EditConflict, ItemInvalid
from portal.web import pending
from portal.web.htmx import Refusal, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.years.windows import page_refusal


def _views(assessment, year):
    ws = load_workspace(assessment, year, evidence_by_item(assessment.id, stage="self"))
    return ws, ws.leaves()


@bp.route("/<int:assessment_id>/template.xlsx")
@authenticated
def xlsx_template(assessment_id: int):
    assessment, year = load_file(assessment_id)
    _ws, views = _views(assessment, year)
    title = f"Tự đánh giá Chỉ số CCHC năm {year.year} — {assessment.unit.name_in(year.id)}"
    data = export_workbook(views, title=title)
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"tu-danh-gia-{assessment.unit.code.lower()}-{year.year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _parse(assessment, year, data):
    ws, views = _views(assessment, year)
    return parse_workbook(data, {v.criterion.code: v.criterion for v in views}), ws


def _open_for_import(assessment_id: int):
    """The file, its year and the time, while the unit may still change its self-score; otherwise back to the
    workspace with the reason."""
    assessment, year = load_file(assessment_id)
    now = utcnow()
    decision, _s = edit_decision(assessment, year, now)
    if not decision:
        flash(page_refusal(decision, phase=PHASE, year=year), "error")
        back = url_for("assessments.workspace", assessment_id=assessment.id)
        raise Refusal(answer=lambda: redirect_after_post(back))
    return assessment, year, now


@bp.route("/<int:assessment_id>/import", methods=["POST"])
@authenticated
def xlsx_import(assessment_id: int):
    assessment, year, now = _open_for_import(assessment_id)
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        flash(_("Hãy chọn tệp Excel đã điền để tải lên."), "error")
        return redirect_after_post(url_for("assessments.workspace", assessment_id=assessment.id))
    parsed, ws = _parse(assessment, year, data)
    changed, unchanged = _split(parsed.changes, ws)
    token = None
    if not parsed.errors and changed:
        token = pending.keep(current_app.instance_path, data, now=now,
                             meta={"purpose": "self_xlsx", "assessment_id": assessment.id, "user_id": current_user.id})
    return render("assessments/import.html", status=422 if parsed.errors else 200, assessment=assessment, year=year,
                  parsed=parsed, changed=changed, unchanged=unchanged, ws=ws, token=token,
                  unit_name=assessment.unit.name_in(year.id))


def _split(changes, ws) -> tuple[list, int]:
    """(rows that change the saved self-score, the number of rows equal to it): the preview counts the
    unchanged rows apart, and the confirmation saves only the changed ones."""
    changed = []
    for change in changes:
        current = ws.items[change.criterion.id].entry
        same = current is not None and current.points == change.points and \
            bool(current.not_applicable) == bool(change.not_applicable) and \
            (current.note or "") == (change.form.get("note") or "")
        if not same:
            changed.append(change)
    return changed, len(changes) - len(changed)


@bp.route("/<int:assessment_id>/import/confirm", methods=["POST"])
@authenticated
def xlsx_confirm(assessment_id: int):
    assessment, year, now = _open_for_import(assessment_id)
    data = pending.take(current_app.instance_path, request.form.get("token", ""), now=now,
                        expect={"purpose": "self_xlsx", "assessment_id": assessment.id, "user_id": current_user.id})
    if data is None:
        flash(_("Tệp tải lên đã hết hạn hoặc không hợp lệ. Hãy tải lên lại."), "error")
        return redirect_after_post(url_for("assessments.workspace", assessment_id=assessment.id))
    parsed, ws = _parse(assessment, year, data)
    changed, unchanged = _split(parsed.changes, ws)
    problems = list(parsed.errors)
    if not problems:
        for change in changed:
            try:
                save_self_item(assessment, change.criterion, change.form, expected_version=change.version,
                               actor=current_user, now=now)
            except EditConflict:
                problems.append((change.row, change.criterion.code,
                                 _("Mục này đã được sửa trên cổng sau khi tải tệp mẫu. Hãy tải mẫu mới.")))
            except ItemInvalid as err:
                problems.extend((change.row, change.criterion.code, m) for m in err.item.errors.values())
    if problems:
        parsed.errors = problems
        raise Refusal(answer=lambda: render(
            "assessments/import.html", status=409, assessment=assessment, year=year, parsed=parsed, changed=changed,
            unchanged=unchanged, ws=ws, token=None, unit_name=assessment.unit.name_in(year.id)))
    db.session.commit()
    pending.discard(current_app.instance_path, request.form.get("token", ""))
    flash(_("Đã nhập %(n)d mục từ tệp Excel.", n=len(changed)), "success")
    return redirect_after_post(url_for("assessments.workspace", assessment_id=assessment.id))


