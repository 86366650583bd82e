"""Account forms: input shape only."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.web.forms import BaseForm


class UserForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang."))])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=200)])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Email(_l("Địa chỉ thư điện tử không hợp lệ.")),
                                                      Length(max=200)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Vai trò"), choices=[])
    unit_id = SelectField(_l("Đơn vị / cơ quan"), choices=[], coerce=int)
