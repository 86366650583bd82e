"""Ý kiến — the comment and reply form: input shape only (NFC text of 1–5,000 characters, and where to go
back to). Whether the person may write, and what the comment answers, is checked by the view and service."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.web.forms import BaseForm

MAX_BODY = 5000


class CommentForm(BaseForm):
    body = TextAreaField(_l("Nội dung ý kiến"), validators=[
        DataRequired(_l("Hãy nhập nội dung ý kiến.")),
        Length(max=MAX_BODY, message=_l("Ý kiến dài tối đa 5.000 ký tự; hãy rút gọn hoặc chia thành nhiều ý kiến."))])
    next = HiddenField()

