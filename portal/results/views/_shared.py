"""What the results views share: loading the year (404), the actor and refusals (403 with the reason in
words), the words for survey-file problems, and the chart helpers templates call."""
from datetime import datetime

from flask import abort, g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.results import bp
from portal.results.charts import field_chart, index_chart
from portal.results.correcting import correction_notes
from portal.results.forms import PlainForm
from portal.units.types import unit_type_label
from portal.web.filters import format_datetime, format_points
from portal.web.htmx import Refusal, is_htmx, render
from portal.policy.actors import actor_for
from portal.policy.refusals import Refused, refusal_message
from portal.years.models import AssessmentYear
from portal.years.services import active_year


def the_active_year() -> AssessmentYear:
    year = active_year()
    if year is None:
        abort(404)
    return year


def actor(year=None):
    return actor_for(current_user, year)


def refuse(message: str, status: int = 403):
    """The error page (or, for htmx, its message box, which portal.js shows in the flash area)."""
    titles = {403: _("Không thực hiện được"), 404: _("Không tìm thấy")}
    return render("errors/error.html", block="error_message" if is_htmx() else None, status=status,
                  code=status, title=titles.get(status, _("Không thực hiện được")), message=message,
                  request_id=g.get("request_id", ""))


def refused(message: str, status: int = 403) -> Refusal:
    """Stop the request with :func:`refuse`'s answer, drawn after the handler has rolled back what the
    request wrote (``raise refused(refusal.message)`` where a service said no)."""
    return Refusal(answer=lambda: refuse(message, status))


def require_fresh_form() -> None:
    """Stop with 400 when the posted form has no valid protection token (a page left open too long)."""
    if not PlainForm().validate_on_submit():
        raise refused(_("Biểu mẫu đã cũ. Hãy tải lại trang rồi thử lại."), 400)


def carry_out(service, *args, **kwargs):
    """Call a results service; its refusal (the policy's Refused) is answered with :func:`refuse` (403)."""
    try:
        return service(*args, **kwargs)
    except Refused as refusal:
        raise refused(refusal.message) from refusal


def refuse_decision(decision, year, status: int = 403):
    return refuse(refusal_message(decision, phase=year.phase), status)


def decision_errors(form, problems, before_year: str) -> None:
    """Put a decision's problems (results.domain.decision_problems) next to its number and date fields;
    `before_year`: the words for a date before the 1st of January of the year."""
    if "number_format" in problems:
        form.decision_number.errors.append(_("Số quyết định phải có dạng số/ký hiệu, ví dụ 1234/QĐ-UBND."))
    if "date_future" in problems:
        form.decision_date.errors.append(_("Ngày quyết định không được sau ngày hôm nay."))
    if "date_before_year" in problems:
        form.decision_date.errors.append(before_year)


def decimal_sep() -> str:
    locale = get_locale()
    return "." if locale is not None and locale.language == "en" else ","


def _num(value) -> str:
    """A number in a message as people write it: 6 (not 6,00), 4,5."""
    return format_points(value)


def problem_text(problem) -> str:
    """A survey-file problem in words, with its row when it has one."""
    p = problem.params if hasattr(problem, "params") else problem["params"]
    code = problem.code if hasattr(problem, "code") else problem["code"]
    row = problem.row if hasattr(problem, "row") else problem["row"]
    kind = unit_type_label(p["unit_type"]) if p.get("unit_type") else _("bất kỳ loại đơn vị nào")
    texts = {
        "empty": lambda: _("Tệp không có dòng dữ liệu nào. Hãy điền điểm vào tệp mẫu rồi tải lên lại."),
        "too_large": lambda: _("Tệp quá lớn (tối đa 5 MB). Hãy chỉ giữ lại bảng điểm điều tra."),
        "too_many_rows": lambda: _("Tệp có quá %(max)s dòng. Hãy kiểm tra lại tệp.", max=p.get("max")),
        "not_utf8": lambda: _("Tệp CSV không ở bảng mã UTF-8. Hãy lưu lại bằng “CSV UTF-8” rồi tải lên lại."),
        "bad_file": lambda: _("Tệp này không phải bảng tính CSV hay Excel (.xlsx), hoặc đã bị hỏng. Hãy tải lên "
                              "tệp .csv (UTF-8) hoặc .xlsx theo tệp mẫu."),
        "old_xls": lambda: _("Tệp Excel 97–2003 (.xls) chưa đọc được. Hãy mở tệp trong Excel, chọn Lưu thành "
                             "“Excel Workbook (.xlsx)” rồi tải lên lại."),
        "no_header": lambda: _("Dòng tiêu đề phải có các cột “Mã đơn vị”, “Mã mục” và “Điểm”. Hãy dùng tệp mẫu."),
        "extra_cells": lambda: _("Dòng có nhiều ô hơn %(columns)s cột của bảng: có thể điểm viết bằng dấu phẩy thập "
                                 "phân (4,5) trong tệp CSV phân cách bằng dấu phẩy. Hãy ghi 4.5, hoặc lưu tệp với dấu "
                                 "chấm phẩy (;) phân cách.", columns=p.get("columns")),
        "missing_unit_code": lambda: _("Thiếu mã đơn vị. Hãy điền mã đơn vị (xem tệp mẫu)."),
        "missing_item_code": lambda: _("Thiếu mã mục. Hãy điền mã mục điều tra XHH (ví dụ 8.1) hoặc mã lĩnh vực "
                                       "(ví dụ F8)."),
        "unknown_unit": lambda: _("Không có đơn vị mã “%(unit)s” trong năm đánh giá. Hãy sửa mã đơn vị theo tệp "
                                  "mẫu.", unit=p["unit"]),
        "unknown_item": lambda: _("“%(item)s” không phải mã mục điều tra XHH (ví dụ 8.1) hay mã lĩnh vực (ví dụ "
                                  "F8) của %(kind)s. Hãy sửa mã mục.", item=p["item"], kind=kind),
        "not_a_number": lambda: _("“%(value)s” không phải là số. Hãy nhập số dạng 4,5 hoặc 4.5.", value=p["value"]),
        "out_of_range": lambda: _("Điểm %(value)s của mục %(item)s phải từ 0 đến %(max)s. Hãy nhập lại.",
                                  value=_num(p["value"]), item=p["item"], max=_num(p["max"])),
        "duplicate": lambda: _("Đơn vị %(unit)s đã có điểm mục %(item)s ở dòng %(first)s. Hãy giữ lại một dòng.",
                               unit=p["unit"], item=p["item"], first=p["first"]),
        "missing_unit": lambda: _("Đơn vị %(unit)s (%(name)s) không có dòng nào: sẽ tính như đơn vị không có "
                                  "điều tra XHH theo thiết lập của năm.", unit=p["unit"], name=p["name"]),
        "missing_items": lambda: _("Đơn vị %(unit)s chưa có điểm các mục %(items)s: các mục này được tính 0 điểm.",
                                   unit=p["unit"], items=p["items"]),
    }
    text = texts.get(code, lambda: _("Dữ liệu không hợp lệ."))()
    return _("Dòng %(row)s: %(text)s", row=row, text=text) if row else text


@bp.app_template_global("results_index_chart")
def results_index_chart(type_entry: dict, chart_id: str = ""):
    label = unit_type_label(type_entry["unit_type"])
    return index_chart(type_entry["units"], title=_("Chỉ số CCHC theo đơn vị — %(kind)s", kind=label),
                       desc=_("Biểu đồ thanh ngang: mỗi thanh là chỉ số (%) của một đơn vị, xếp theo thứ hạng."),
                       chart_id=chart_id or f"chart-{type_entry['unit_type']}", decimal_sep=decimal_sep())


@bp.app_template_global("results_field_chart")
def results_field_chart(type_entry: dict, unit: dict):
    return field_chart(type_entry["fields"], unit["fields"],
                       title=_("Chỉ số thành phần theo lĩnh vực — %(name)s", name=unit["name"]),
                       desc=_("Biểu đồ thanh ngang: mỗi thanh là chỉ số thành phần (%) của một lĩnh vực."),
                       chart_id=f"profile-{unit['code']}", decimal_sep=decimal_sep())


@bp.app_template_filter("vdatetime_iso")
def vdatetime_iso(value: str | None) -> str:
    """An ISO timestamp stored in a results document, shown like `vdatetime` (dd/mm/yyyy hh:mm, local)."""
    if not value:
        return ""
    return format_datetime(datetime.fromisoformat(value))


@bp.app_template_global("results_corrections")
def results_corrections(document: dict) -> list[dict]:
    """The correction notes of a results document (results/correcting.correction_notes) for a template."""
    return correction_notes(document or {})
