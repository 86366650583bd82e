"""Forms of the results screens: input shape only. What a value means (within an item's maximum, a
decision not dated in the future) is decided by results/domain.py and survey_check.py."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.web.forms import BaseForm


class SurveyUploadForm(BaseForm):
    file = FileField(_l("Tệp điểm điều tra XHH (.csv hoặc .xlsx)"), validators=[
        FileRequired(_l("Hãy chọn tệp CSV hoặc Excel (.xlsx) có điểm điều tra để nhập."))])


class SurveyConfirmForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])


class PlainForm(BaseForm):
    """A post with only the CSRF token (compute, publish, the manual entry whose boxes are per item)."""


class VnDateField(StringField):
    """A date typed as dd/mm/yyyy; `.date` is the parsed value."""

    date: "date | None" = None

    def pre_validate(self, form):
        self.date = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.date = datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise ValidationError(_l("Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 28/03/2023.")) from None


class ApprovalForm(BaseForm):
    decision_number = StringField(_l("Số quyết định"), validators=[
        DataRequired(_l("Hãy nhập số quyết định, ví dụ 1234/QĐ-UBND.")),
        Length(max=100, message=_l("Số quyết định dài tối đa 100 ký tự."))])
    decision_date = VnDateField(_l("Ngày quyết định (ngày/tháng/năm)"), validators=[
        DataRequired(_l("Hãy nhập ngày ký quyết định, ví dụ 28/03/2023."))])


class CorrectionForm(ApprovalForm):
    """Quyết định đính chính: number and date as an approval's, the reason; the units are checkboxes
    named unit_ids (read by the view against the published snapshot)."""

    reason = TextAreaField(_l("Lý do đính chính"), validators=[
        DataRequired(_l("Hãy nêu lý do đính chính, ví dụ sai sót khi nhập điểm điều tra XHH.")),
        Length(max=2000, message=_l("Lý do dài tối đa 2000 ký tự."))])
