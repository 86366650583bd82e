"""Forms of the year page and the progress board: input shape only. Times are typed as text in
Asia/Ho_Chi_Minh local time, ``dd/mm/yyyy HH:MM`` in 24-hour time (:mod:`portal.years.timeinput`), and
converted to UTC here; whether a phase may move, or a unit be extended or reopened, is the domain's
question, asked by the services."""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from portal.web.forms import BaseForm
from portal.local_time import zone
from portal.years.domain import PHASE_ORDER, WORKING_PHASES, phase_index
from portal.years.timeinput import PLACEHOLDER, TimeInputError, format_local, parse_local

WORKING = sorted(WORKING_PHASES, key=phase_index)
BAD_TIME = _l("Ngày giờ không hợp lệ; hãy nhập theo dạng ngày/tháng/năm giờ:phút, ví dụ 31/03/2023 17:00 "
              "(giờ Việt Nam).")
NO_TIME = _l("Hãy nhập cả giờ sau ngày, ví dụ 31/03/2023 17:00 (giờ Việt Nam, 24 giờ).")


class LocalDateTimeField(Field):
    """A deadline typed as text, ``dd/mm/yyyy HH:MM`` (24 h, Vietnam time). ``data`` is the naive
    wall-clock time; a value that does not parse stays in the input exactly as typed, with the error."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": PLACEHOLDER, "autocomplete": "off", "size": 18, "maxlength": 25,
                     "inputmode": "text", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_local(valuelist[0])
        except TimeInputError as err:
            self.data = None
            raise ValueError(str(NO_TIME if err.code == "no_time" else BAD_TIME)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_local(self.data)


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in the portal's zone → aware UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=zone()).astimezone(timezone.utc)


def to_local(value: datetime | None) -> datetime | None:
    """Aware UTC → naive wall-clock time in the portal's zone, for a deadline input."""
    if value is None:
        return None
    return value.astimezone(zone()).replace(tzinfo=None)


class WindowFields(Form):
    """One working phase: opening, closing (both optional) and grace in seconds."""

    opens_at = LocalDateTimeField(_l("Mở lúc"), validators=[Optional()])
    closes_at = LocalDateTimeField(_l("Hạn chót"), validators=[Optional()])
    grace_seconds = IntegerField(_l("Thời gian ân hạn (giây)"), default=0, validators=[
        Optional(), NumberRange(min=0, max=86_400, message=_l("Thời gian ân hạn từ 0 đến 86400 giây."))])

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Hạn chót phải sau thời điểm mở."))


class WindowsForm(BaseForm):
    """Thời hạn các giai đoạn — the four working phases at once."""

    self_assessment = FormField(WindowFields)
    review_1 = FormField(WindowFields)
    explanation = FormField(WindowFields)
    review_2 = FormField(WindowFields)

    def load(self, year) -> "WindowsForm":
        """Fill the inputs from the year's windows (for display)."""
        for phase in WORKING:
            row, sub = year.window(str(phase)), getattr(self, str(phase)).form
            sub.opens_at.data = to_local(row.opens_at) if row else None
            sub.closes_at.data = to_local(row.closes_at) if row else None
            sub.grace_seconds.data = int(row.grace_seconds or 0) if row else 0
        return self

    def values(self) -> dict:
        """{phase: WindowValues} in UTC."""
        from portal.years.services import WindowValues
        result = {}
        for phase in WORKING:
            sub = getattr(self, str(phase)).form
            result[phase] = WindowValues(to_utc(sub.opens_at.data), to_utc(sub.closes_at.data),
                                         int(sub.grace_seconds.data or 0))
        return result


class PhaseForm(BaseForm):
    """Chuyển giai đoạn — the target phase and the reason (required by the domain when moving back)."""

    target = SelectField(_l("Giai đoạn"), choices=[SelectChoice(str(p), str(p)) for p in PHASE_ORDER])
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=2000)])
    # The confirmation step when the target's window is not open: open_now / new_close / keep
    # (portal.years.entry); the domain says which answers fit the question.
    window_choice = StringField(_l("Thời hạn của giai đoạn"), validators=[Optional(), Length(max=20)])
    new_close = LocalDateTimeField(_l("Hạn chót mới"), validators=[Optional()])


class DeadlineForm(BaseForm):
    """Gia hạn or mở lại for one unit: the new closing time and the reason, both required."""

    until = LocalDateTimeField(_l("Hạn mới"), validators=[InputRequired(
        _l("Hãy nhập hạn mới, ví dụ 31/03/2023 17:00 (giờ Việt Nam)."))])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Hãy nêu lý do; đơn vị sẽ thấy lý do này.")),
                                                    Length(max=2000)])

