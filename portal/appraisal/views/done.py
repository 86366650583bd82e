"""The "field done" step of the appraisal page: mark a field done (or reopen it) once every item has a
decision, or list the undecided items and accept the self-score for all of them at once, explicitly
(htmx swaps the field's status box; without JavaScript a plain post and a redirect)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.appraisal import bp
from portal.appraisal.decisions import accept_remaining, undecided_items
from portal.appraisal.rounds import mark_field
from portal.appraisal.views._shared import COUNCIL, appraise_decision, load_file
from portal.appraisal.views.appraise import render_field_page
from portal.db import utcnow
from portal.extensions import db
from portal.web.htmx import Refusal, is_htmx, redirect_after_post
from portal.web.permissions import roles
from portal.policy.refusals import refusal_message


@bp.route("/<int:assessment_id>/<field_code>/done", methods=["POST"])
@roles(*COUNCIL)
def mark_done(assessment_id: int, field_code: str):
    """Đánh dấu đã thẩm định xong lĩnh vực (or reopen it); htmx swaps the field's status box."""
    assessment, year, field, fields = load_file(assessment_id, field_code)
    now = utcnow()
    block = "field_done" if is_htmx() else None
    decision, round_no = appraise_decision(assessment, year, field_code, now)
    if not decision:
        message = refusal_message(decision, phase=year.phase)
        raise Refusal(answer=lambda: render_field_page(assessment, year, field, fields, now, status=409, block=block,
                                                       done_message=message, done_error=True))
    done = request.form.get("done") == "1"
    remaining = undecided_items(assessment, field_code, round_no) if done and round_no == 1 else []
    if remaining:
        message = ngettext(
            "Chưa thể đánh dấu xong: còn %(n)d mục chưa có quyết định thẩm định. Hãy chấm hoặc đồng ý với điểm tự "
            "chấm từng mục dưới đây, hoặc đồng ý với điểm tự chấm cho tất cả các mục còn lại.",
            "Chưa thể đánh dấu xong: còn %(n)d mục chưa có quyết định thẩm định. Hãy chấm hoặc đồng ý với điểm tự "
            "chấm từng mục dưới đây, hoặc đồng ý với điểm tự chấm cho tất cả các mục còn lại.",
            len(remaining), n=len(remaining))
        raise Refusal(answer=lambda: render_field_page(assessment, year, field, fields, now, status=409, block=block,
                                                       done_error=True, undecided=remaining, done_message=message))
    mark_field(assessment, field_code, round_no, done, actor=current_user, now=now)
    db.session.commit()
    message = (_("Đã đánh dấu lĩnh vực %(code)s thẩm định xong.", code=field.code) if done
               else _("Đã mở lại lĩnh vực %(code)s để thẩm định tiếp.", code=field.code))
    return _done_response(assessment, year, field, fields, now, block, message)


def _done_response(assessment, year, field, fields, now, block, message):
    if is_htmx():
        return render_field_page(assessment, year, field, fields, now, block=block, done_message=message)
    flash(message, "success")
    return redirect_after_post(url_for("appraisal.field_page", assessment_id=assessment.id,
                                       field_code=field.code) + "#field-done")


@bp.route("/<int:assessment_id>/<field_code>/accept-rest", methods=["POST"])
@roles(*COUNCIL)
def accept_rest(assessment_id: int, field_code: str):
    """Đồng ý với điểm tự chấm cho N mục còn lại, then mark the field done: the explicit action offered
    when "done" found undecided items. ``count`` is the N the member saw; if the field changed meanwhile
    the list is shown again instead of accepting items the member did not see."""
    assessment, year, field, fields = load_file(assessment_id, field_code)
    now = utcnow()
    block = "field_done" if is_htmx() else None
    decision, round_no = appraise_decision(assessment, year, field_code, now)
    if not decision or round_no != 1:
        message = refusal_message(decision, phase=year.phase) if not decision \
            else _("Vòng 2 không có thao tác này: mục đơn vị không giải trình giữ điểm vòng 1.")
        raise Refusal(answer=lambda: render_field_page(assessment, year, field, fields, now, status=409, block=block,
                                                       done_error=True, done_message=message))
    remaining = undecided_items(assessment, field_code, round_no)
    if request.form.get("count") != str(len(remaining)):
        return render_field_page(assessment, year, field, fields, now, status=409, block=block, done_error=True,
                     undecided=remaining, done_message=_(
                         "Danh sách mục chưa có quyết định đã thay đổi (còn %(n)d mục): hãy xem lại rồi xác "
                         "nhận.", n=len(remaining)))
    accepted = accept_remaining(assessment, field_code, round_no, actor=current_user, now=now)
    mark_field(assessment, field_code, round_no, True, actor=current_user, now=now)
    db.session.commit()
    return _done_response(assessment, year, field, fields, now, block, ngettext(
        "Đã đồng ý với điểm tự chấm cho %(n)d mục còn lại và đánh dấu lĩnh vực %(code)s thẩm định xong.",
        "Đã đồng ý với điểm tự chấm cho %(n)d mục còn lại và đánh dấu lĩnh vực %(code)s thẩm định xong.",
        len(accepted), n=len(accepted), code=field.code))
