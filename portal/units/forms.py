"""Unit forms: input shape only; uniqueness and look-alike letters are checked by the service."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from portal.web.forms import BaseForm


class UnitForm(BaseForm):
    code = StringField(_l("Mã đơn vị"), validators=[
        DataRequired(_l("Hãy nhập mã đơn vị.")), Length(max=20),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang."))])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Hãy nhập tên đơn vị.")), Length(max=255)])
    unit_type = SelectField(_l("Loại đơn vị"), choices=[SelectChoice("department", _l("Sở, ban, ngành")),
                                                         SelectChoice("district", _l("UBND cấp huyện"))])
