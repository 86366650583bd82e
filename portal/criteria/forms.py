"""Forms of the criteria editor: input shape only. Numbers are typed with a comma or a point ("0,5" or
"0.5") and read by the scoring core's one parser; what a number means (within the max, adding up) is
decided by the services and the set's validation."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.criteria.spec import ADJUSTMENT_METHODS, APPRAISERS, LEAF_METHODS, METHOD_LABELS
from portal.scoring import ScoringInputError, parse_decimal
from portal.web.forms import BaseForm

CODE_PATTERN = r"^[^\s;=]+$"


class PointsField(StringField):
    """A number of points typed by a person. `.data` keeps the text as typed (so a form shown again
    keeps it); `.decimal` is the parsed value (None when blank)."""

    decimal = None

    def pre_validate(self, form):
        self.decimal = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.decimal = parse_decimal(text)
        except ScoringInputError as err:
            raise ValidationError(err.message) from None
        if self.decimal < 0:
            raise ValidationError(_l("Số điểm không được âm."))


def _method_choices():
    yield SelectChoice("", _l("— (lĩnh vực, nhóm tiêu chí) —"))
    for method in LEAF_METHODS + ADJUSTMENT_METHODS:
        yield SelectChoice(method, _l(METHOD_LABELS[method]))


def _appraiser_choices():
    yield SelectChoice("", _l("— theo mục cha —"))
    for code, name in APPRAISERS.items():
        yield SelectChoice(code, f"{code} – {name}")


class ItemForm(BaseForm):
    """One node: lĩnh vực, nhóm tiêu chí, tiêu chí or điểm cộng/trừ (the template shows what applies)."""

    code = StringField(_l("Mã"), validators=[
        DataRequired(_l("Hãy nhập mã, ví dụ 1.1.2.")), Length(max=20, message=_l("Mã dài tối đa 20 ký tự.")),
        Regexp(CODE_PATTERN, message=_l("Mã không được có khoảng trắng, dấu ';' hay '='."))])
    title = TextAreaField(_l("Nội dung"), validators=[
        DataRequired(_l("Hãy nhập nội dung tiêu chí.")), Length(max=4000)])
    max_points = PointsField(_l("Điểm tối đa"), validators=[Optional(strip_whitespace=True)])
    method = SelectField(_l("Phương pháp chấm"), choices=list(_method_choices()), validate_choice=False)
    config_text = TextAreaField(_l("Các mức / khung"), validators=[Length(max=4000)])
    input_label = StringField(_l("Số liệu kê khai (tử số / mẫu số)"), validators=[Length(max=4000)])
    na_allowed = BooleanField(_l("Cho phép “Không áp dụng”"))
    appraiser = SelectField(_l("Cơ quan thẩm định"), choices=list(_appraiser_choices()), validate_choice=False)
    guidance = TextAreaField(_l("Cách tính điểm"), validators=[Length(max=4000)])
    evidence = TextAreaField(_l("Yêu cầu tài liệu kiểm chứng"), validators=[Length(max=4000)])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=4000)])
    # Cách xử lý điểm đã chấm: shown (as radio buttons) only when the edit would break saved scores.
    migration = HiddenField()

    def for_kind(self, kind: str) -> "ItemForm":
        """Offer only the methods that fit the node: scored items or bonus/deduction."""
        allowed = ADJUSTMENT_METHODS if kind == "adjustment" else LEAF_METHODS if kind == "item" else ()
        self.method.choices = [SelectChoice("", _l("— chọn phương pháp —"))] + [
            SelectChoice(m, _l(METHOD_LABELS[m])) for m in allowed]
        return self

    def values(self) -> dict:
        """What the services need: text cleaned, numbers as Decimal (None when blank)."""
        return {"code": self.code.data, "title": self.title.data, "max_points": self.max_points.decimal,
                "method": self.method.data or None, "config_text": self.config_text.data or "",
                "input_label": self.input_label.data or "", "na_allowed": bool(self.na_allowed.data),
                "appraiser": self.appraiser.data or None, "guidance": self.guidance.data or "",
                "evidence": self.evidence.data or "", "note": self.note.data or ""}


class MetaForm(BaseForm):
    """Thông tin chung của bộ: tên, tổng điểm, điểm thẩm định / điều tra, trần điểm cộng / trừ."""

    title = StringField(_l("Tên bộ tiêu chí"), validators=[DataRequired(_l("Hãy nhập tên bộ tiêu chí.")),
                                                           Length(max=255)])
    total = PointsField(_l("Tổng điểm"), validators=[DataRequired(_l("Hãy nhập tổng điểm, ví dụ 100."))])
    appraisal = PointsField(_l("Điểm thẩm định"), validators=[DataRequired(_l("Hãy nhập điểm thẩm định."))])
    survey = PointsField(_l("Điểm điều tra XHH"), validators=[DataRequired(_l("Hãy nhập điểm điều tra (0 nếu không có)."))])
    bonus_cap = PointsField(_l("Trần điểm cộng"), validators=[DataRequired(_l("Hãy nhập trần điểm cộng."))])
    deduction_cap = PointsField(_l("Trần điểm trừ"), validators=[DataRequired(_l("Hãy nhập trần điểm trừ."))])

    def values(self) -> dict:
        return {"title": self.title.data, "total": self.total.decimal, "appraisal": self.appraisal.decimal,
                "survey": self.survey.decimal, "bonus_cap": self.bonus_cap.decimal,
                "deduction_cap": self.deduction_cap.decimal}


class MoveForm(BaseForm):
    direction = HiddenField()
    parent_id = SelectField(_l("Chuyển vào"), coerce=str, validate_choice=False)


class UnlockForm(BaseForm):
    reason = TextAreaField(_l("Lý do mở khóa"), validators=[
        DataRequired(_l("Hãy ghi lý do mở khóa, ví dụ: sửa lỗi chính tả theo văn bản số …")), Length(max=2000)])


class ImportForm(BaseForm):
    unit_type = HiddenField(validators=[DataRequired()])
    file = FileField(_l("Tệp bộ tiêu chí (.yaml hoặc .xlsx)"), validators=[
        FileRequired(_l("Hãy chọn tệp YAML hoặc Excel (.xlsx) để nhập."))])


class ConfirmImportForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])


class UnitTypeForm(BaseForm):
    unit_type = HiddenField(validators=[DataRequired()])
