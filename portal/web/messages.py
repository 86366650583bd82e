"""Turns the stable codes returned by pure rules into messages in the user's language."""
from decimal import Decimal

from flask_babel import gettext as _

from portal.text import N_, Msg, Sentence, capitalised_sentence
from portal.web.filters import format_datetime, format_points


def tr(text):
    """A message from a pure rule in the user's language: a :class:`~portal.text.Msg` is looked up by its
    id and rebuilt from its parameters (nested messages translated, numbers with the reader's decimal mark);
    a plain string marked with ``N_`` is looked up as it is. Vietnamese stays exactly the text the rule made."""
    if isinstance(text, Sentence):
        return capitalised_sentence(tr(text.params["text"]))
    if isinstance(text, Msg):
        params = {k: tr(v) if isinstance(v, Msg) else format_points(v) if isinstance(v, Decimal) else v
                  for k, v in text.params.items()}
        return _(text.msgid, **params) if params else _(text.msgid)
    return _(text) if isinstance(text, str) and text else text


def password_problem_text(code: str) -> str:
    texts = {
        "too_short": _("Mật khẩu cần ít nhất 8 ký tự; một câu ngắn dễ nhớ là lựa chọn tốt."),
        "too_long": _("Mật khẩu dài tối đa 64 ký tự."),
        "common": _("Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác."),
        "like_username": _("Mật khẩu không được giống tên đăng nhập."),
        "same_as_old": _("Mật khẩu mới phải khác mật khẩu hiện tại."),
    }
    return texts.get(code, _("Mật khẩu không hợp lệ."))


def login_refusal_text(reason: str | None, wait_until, *, code: bool = False) -> str:
    """The message of a refused login step: throttled (with the time to wait), inactive, or wrong."""
    if reason == "throttled" or wait_until is not None:
        return _("Tài khoản tạm bị khóa vì nhập sai nhiều lần. Hãy thử lại sau %(time)s.",
                 time=format_datetime(wait_until) + ":" + wait_until.strftime("%S"))
    if reason == "inactive":
        return _("Tài khoản đã bị vô hiệu hóa. Hãy liên hệ Sở Nội vụ.")
    if code:
        return _("Mã xác thực không đúng hoặc đã dùng rồi. Hãy nhập mã đang hiện trên ứng dụng xác thực "
                 "(mã đổi sau mỗi 30 giây) và kiểm tra giờ trên điện thoại.")
    # Also the answer for a deactivated account: the same words as an unknown name (no enumeration).
    return _("Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý chữ hoa, chữ thường và bộ gõ "
             "tiếng Việt); nếu vẫn không được, hãy liên hệ Sở Nội vụ.")


def role_label(role: str) -> str:
    labels = {
        "admin": _("Quản trị (Sở Nội vụ)"),
        "unit_staff": _("Cán bộ đơn vị"),
        "unit_leader": _("Lãnh đạo đơn vị"),
        "council_member": _("Thành viên Hội đồng thẩm định"),
        "council_chair": _("Chủ tịch Hội đồng thẩm định"),
    }
    return labels.get(role, role)


#: The default band names (scoring.settings.DEFAULT_BANDS), marked for translation: a year that keeps the
#: default name reads it in the interface language; a name the admin typed is shown as typed.
BAND_NAMES = {"xuat_sac": N_("Xuất sắc"), "tot": N_("Tốt"), "kha": N_("Khá"), "trung_binh": N_("Trung bình"),
              "yeu": N_("Yếu")}


def band_name(key: str | None, label: str | None) -> str:
    """Xếp loại: the band's name in the user's language ("Yếu" → "Weak" in English)."""
    if label and BAND_NAMES.get(key) == label:
        return _(label)
    return label or ""


def band_legend(bands) -> list[tuple[str, str]]:
    """(key, text) per band of a results document, highest first: "Tốt (≥ 80 %)", and the lowest band,
    which starts at 0, as "Yếu (dưới 50 %)"."""
    out, above = [], None
    for band in bands:
        name, pct = band_name(band.get("key"), band.get("label")), band.get("min_pct")
        if above is not None and Decimal(str(pct)) == 0:
            out.append((band.get("key"), _("%(band)s (dưới %(pct)s %%)", band=name, pct=format_points(above))))
        else:
            out.append((band.get("key"), _("%(band)s (≥ %(pct)s %%)", band=name, pct=format_points(pct))))
        above = pct
    return out

