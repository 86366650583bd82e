"""Unit forms: input shape only; uniqueness and look-alike letters are checked by the service."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from portal.web.forms import BaseForm


class UnitForm(BaseForm):
    code = StringField(_l("Mã đơn vị"), validators=[
        DataRequired(_l("Hãy nhập mã đơn vị.")), Length(max=20),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang."))])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Hãy nhập tên đơn vị.")), Length(max=255)])
    unit_type = SelectField(_l("Loại đơn vị"), choices=[], validate_choice=True)


class NewUnitForm(UnitForm):
    join_year = BooleanField(_l("Tham gia năm đánh giá hiện tại (tạo hồ sơ ngay)"), default=True)
    reason = StringField(_l("Lý do thêm vào năm (bắt buộc khi năm đã qua giai đoạn chuẩn bị)"),
                         validators=[Length(max=1000)])


def with_type_choices(form, choices, current: str | None = None):
    """Give the form the unit type choices (plus the unit's current code when they lack it)."""
    choices = list(choices)
    if current and current not in {code for code, _label in choices}:
        choices.append((current, current))
    form.unit_type.choices = choices
    return form
