"""Forms of the evidence library: input shape only (lengths, a date typed as dd/mm/yyyy). Files are
read from ``request.files`` by the views and checked by the services."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.evidence.domain import parse_vn_date
from portal.web.forms import BaseForm


class DocumentForm(BaseForm):
    """Số ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu of an evidence document."""

    symbol = StringField(_l("Số, ký hiệu"), validators=[Optional(), Length(max=100)],
                         render_kw={"placeholder": "123/KH-UBND", "autocomplete": "off"})
    issued_on = StringField(_l("Ngày ban hành"), validators=[Optional(), Length(max=20)],
                            render_kw={"placeholder": _l("ngày/tháng/năm"), "inputmode": "numeric",
                                       "autocomplete": "off"})
    issuer = StringField(_l("Cơ quan ban hành"), validators=[Optional(), Length(max=255)])
    summary = TextAreaField(_l("Trích yếu"), validators=[
        DataRequired(_l("Hãy nhập trích yếu (nội dung tóm tắt) của tài liệu.")), Length(max=2000)],
        render_kw={"rows": 2})

    def validate_issued_on(self, field):
        try:
            parse_vn_date(field.data)
        except ValueError:
            raise ValidationError(_l("Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2022.")) from None

    @property
    def issued_date(self):
        return parse_vn_date(self.issued_on.data)
