"""Forms of the account pages: input shape only."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.web.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu.")), Length(max=128)])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Hãy nhập mật khẩu hiện tại."))])
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Hãy nhập mật khẩu mới."))])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(_l("Hãy nhập lại mật khẩu mới.")),
                    EqualTo("new_password", _l("Hai lần nhập mật khẩu mới không khớp nhau."))],
    )


class TwoFactorForm(BaseForm):
    """The six-digit code of the authenticator app (spaces allowed: '123 456')."""
    code = StringField(_l("Mã xác thực (6 chữ số)"),
                       validators=[DataRequired(_l("Hãy nhập mã 6 chữ số đang hiện trên ứng dụng xác thực.")),
                                   Length(max=12)])
