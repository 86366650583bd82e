"""Forms of the reports page: input shape only (lengths, required lines, the shape of a document
number suffix). Who may change them is portal.reports.domain's question."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.web.forms import BaseForm

SUFFIX = r"^[^\W_]+(?:-[^\W_]+)*$"   # letters (Đ included) and digits in parts joined by "-": BC-SNV
BAD_SUFFIX = _l("Ký hiệu chỉ gồm chữ, số và dấu gạch ngang, ví dụ BC-SNV hoặc BC-HĐTĐ.")


def _line(label, *, required: str | None = None, max_length: int = 120):
    checks = [DataRequired(required)] if required else [Optional()]
    checks.append(Length(max=max_length, message=_l("Dài tối đa %(max)d ký tự.", max=max_length)))
    return StringField(label, validators=checks)


def _suffix(label, required):
    return StringField(label, validators=[DataRequired(required), Length(max=30, message=_l("Dài tối đa 30 ký tự.")),
                                          Regexp(SUFFIX, message=BAD_SUFFIX)])


class ReportSettingsForm(BaseForm):
    """Thông tin in trên báo cáo — the year's report settings (AssessmentYear.report_settings)."""

    parent_agency = _line(_l("Cơ quan chủ quản"), required=_l("Hãy nhập cơ quan chủ quản, ví dụ UBND TỈNH AN GIANG."))
    agency = _line(_l("Cơ quan ban hành báo cáo"), required=_l("Hãy nhập cơ quan ban hành, ví dụ SỞ NỘI VỤ."))
    council = _line(_l("Tên Hội đồng thẩm định"),
                    required=_l("Hãy nhập tên Hội đồng, ví dụ HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH."))
    place = _line(_l("Địa danh ghi ở dòng ngày tháng"), required=_l("Hãy nhập địa danh, ví dụ An Giang."),
                  max_length=60)
    number_suffix = _suffix(_l("Ký hiệu báo cáo của Sở"), _l("Hãy nhập ký hiệu, ví dụ BC-SNV."))
    council_number_suffix = _suffix(_l("Ký hiệu báo cáo của Hội đồng"), _l("Hãy nhập ký hiệu, ví dụ BC-HĐTĐ."))
    council_notice_suffix = _suffix(_l("Ký hiệu thông báo kết quả thẩm định"), _l("Hãy nhập ký hiệu, ví dụ TB-HĐTĐ."))
    signer_authority = _line(_l("Thẩm quyền ký (nếu ký thay)"), max_length=60)
    signer_title = _line(_l("Chức vụ người ký báo cáo của Sở"), required=_l("Hãy nhập chức vụ, ví dụ GIÁM ĐỐC."),
                         max_length=60)
    signer_name = _line(_l("Họ và tên người ký báo cáo của Sở"), max_length=80)
    council_signer_title = _line(_l("Chức vụ người ký thay mặt Hội đồng"),
                                 required=_l("Hãy nhập chức vụ, ví dụ CHỦ TỊCH."), max_length=60)
    council_signer_name = _line(_l("Họ và tên người ký thay mặt Hội đồng"), max_length=80)

    FIELDS = ("parent_agency", "agency", "council", "place", "number_suffix", "council_number_suffix",
              "council_notice_suffix", "signer_authority", "signer_title", "signer_name", "council_signer_title", "council_signer_name")

    def load(self, settings: dict) -> "ReportSettingsForm":
        for name in self.FIELDS:
            getattr(self, name).data = settings.get(name, "")
        return self

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.FIELDS}


class SignerForm(BaseForm):
    """Người ký văn bản của đơn vị — a unit's signer of a year (portal.units.models.UnitSigner)."""

    name = _line(_l("Họ và tên người ký"), required=_l("Hãy nhập họ và tên người ký, ví dụ Nguyễn Văn An."),
                 max_length=80)
    position = _line(_l("Chức vụ"), required=_l("Hãy nhập chức vụ, ví dụ Giám đốc hoặc Phó Giám đốc."),
                     max_length=60)
    collective = _line(_l("Ký thay mặt tập thể (nếu có)"), max_length=60)
    symbol = _suffix(_l("Ký hiệu báo cáo của đơn vị"), _l("Hãy nhập ký hiệu, ví dụ BC-SNV hoặc BC-UBND."))
    place = _line(_l("Địa danh ghi ở dòng ngày tháng"), required=_l("Hãy nhập địa danh, ví dụ An Giang hoặc Tịnh Biên."),
                  max_length=60)

    FIELDS = ("name", "position", "collective", "symbol", "place")

    def load(self, signer) -> "SignerForm":
        for name in self.FIELDS:
            getattr(self, name).data = getattr(signer, name)
        return self

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.FIELDS}


class ExportForm(BaseForm):
    """Xuất tất cả đơn vị — which per-unit report to bundle."""

    kind = RadioField(_l("Báo cáo cần xuất"), choices=[
        ("unit_self", _l("Báo cáo tự đánh giá của từng đơn vị")),
        ("unit_appraisal", _l("Kết quả thẩm định của từng đơn vị"))],
        validators=[DataRequired(_l("Hãy chọn loại báo cáo cần xuất."))])
