"""Forms of opening a year, its unit types and its roster: input shape only (the rules are the domain's)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.results.forms import VnDateField
from portal.web.forms import BaseForm


class OpenYearForm(BaseForm):
    """Mở năm mới: the year, its title, and the year to copy from ("" for a blank year)."""

    year = IntegerField(_l("Năm đánh giá"), validators=[
        InputRequired(_l("Hãy nhập năm đánh giá, ví dụ 2026.")),
        NumberRange(2000, 2100, _l("Năm đánh giá phải từ 2000 đến 2100."))])
    title = StringField(_l("Tên đợt đánh giá"), validators=[Optional(), Length(max=255)],
                        description=_l("Để trống: “Chỉ số cải cách hành chính năm …”."))
    source = SelectField(_l("Cách mở"), choices=[], validate_choice=True)


class UnitTypeForm(BaseForm):
    """Loại đơn vị của năm: names, short label, report words, committee flag and reward rule."""

    code = StringField(_l("Mã loại"), validators=[
        DataRequired(_l("Hãy nhập mã loại, ví dụ commune.")), Length(max=20),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Mã chỉ gồm chữ thường không dấu, số, gạch dưới, gạch ngang."))])
    name = StringField(_l("Tên loại (tiếng Việt)"), validators=[
        DataRequired(_l("Hãy nhập tên loại, ví dụ UBND cấp xã.")), Length(max=120)])
    name_en = StringField(_l("Tên loại (tiếng Anh)"), validators=[Optional(), Length(max=120)])
    short_label = StringField(_l("Nhãn ngắn trong báo cáo"), validators=[Optional(), Length(max=40)],
                              description=_l("Ví dụ: cấp sở, cấp xã."))
    heading = StringField(_l("Tiêu đề nhóm trong báo cáo"), validators=[Optional(), Length(max=160)],
                          description=_l("Ví dụ: UBND các xã, phường, đặc khu."))
    plural = StringField(_l("Cách gọi khi đếm"), validators=[Optional(), Length(max=160)],
                         description=_l("Ví dụ: 102 “UBND xã, phường, đặc khu”."))
    committee = BooleanField(_l("Là Ủy ban nhân dân (văn bản do UBND ban hành, ký thay mặt UBND)"))
    reward_top = IntegerField(_l("Số đơn vị dẫn đầu đề nghị khen thưởng"), default=0, validators=[
        InputRequired(_l("Hãy nhập một số nguyên từ 0 đến 999.")),
        NumberRange(0, 999, _l("Hãy nhập một số nguyên từ 0 đến 999."))])
    reward_bottom = IntegerField(_l("Số đơn vị thấp nhất cần lưu ý (0: không lập)"), default=0, validators=[
        InputRequired(_l("Hãy nhập một số nguyên từ 0 đến 999.")),
        NumberRange(0, 999, _l("Hãy nhập một số nguyên từ 0 đến 999."))])

    def values(self) -> dict:
        return {"code": self.code.data, "name": self.name.data, "name_en": self.name_en.data or "",
                "short_label": self.short_label.data or "", "heading": self.heading.data or "",
                "plural": self.plural.data or "", "committee": bool(self.committee.data),
                "reward_top": self.reward_top.data, "reward_bottom": self.reward_bottom.data}


class RosterAddForm(BaseForm):
    """Thêm đơn vị vào năm: which unit, its type and its name that year, the reason after setup."""

    unit_id = SelectField(_l("Đơn vị"), coerce=int, choices=[], validate_choice=True)
    unit_type = SelectField(_l("Loại đơn vị trong năm"), choices=[], validate_choice=True)
    name = StringField(_l("Tên đơn vị trong năm"), validators=[Optional(), Length(max=255)],
                       description=_l("Để trống: tên hiện tại của đơn vị."))
    reason = TextAreaField(_l("Lý do (bắt buộc khi năm đã qua giai đoạn chuẩn bị)"),
                           validators=[Optional(), Length(max=1000)])


class RosterRemoveForm(BaseForm):
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=1000)])


class LineageForm(BaseForm):
    """Đơn vị tiền thân: a unit of this portal or a name outside it, the kind of change, the legal basis."""

    kind = SelectField(_l("Hình thức sắp xếp"), choices=[], validate_choice=True)
    predecessor_id = SelectField(_l("Đơn vị tiền thân trong cổng"), coerce=int, choices=[], validate_choice=True)
    outside_code = StringField(_l("Mã đơn vị ngoài cổng"), validators=[Optional(), Length(max=40)])
    outside_name = StringField(_l("Tên đơn vị ngoài cổng"), validators=[Optional(), Length(max=255)],
                               description=_l("Chỉ điền khi đơn vị tiền thân không có trong cổng, "
                                              "ví dụ Sở Tài chính tỉnh Kiên Giang."))
    decision_number = StringField(_l("Căn cứ: số văn bản"), validators=[Optional(), Length(max=60)],
                                  description=_l("Ví dụ: 45/2025/NĐ-CP."))
    decision_date = VnDateField(_l("Ngày văn bản (ngày/tháng/năm)"), validators=[Optional()])
