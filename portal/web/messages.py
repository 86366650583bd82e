"""Turns the stable codes returned by pure rules into messages in the user's language."""
from flask_babel import gettext as _


def password_problem_text(code: str) -> str:
    texts = {
        "too_short": _("Mật khẩu cần ít nhất 8 ký tự; một câu ngắn dễ nhớ là lựa chọn tốt."),
        "too_long": _("Mật khẩu dài tối đa 64 ký tự."),
        "common": _("Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác."),
        "like_username": _("Mật khẩu không được giống tên đăng nhập."),
        "same_as_old": _("Mật khẩu mới phải khác mật khẩu hiện tại."),
    }
    return texts.get(code, _("Mật khẩu không hợp lệ."))


def role_label(role: str) -> str:
    labels = {
        "admin": _("Quản trị (Sở Nội vụ)"),
        "unit_staff": _("Cán bộ đơn vị"),
        "unit_leader": _("Lãnh đạo đơn vị"),
        "council_member": _("Thành viên Hội đồng thẩm định"),
        "council_chair": _("Chủ tịch Hội đồng thẩm định"),
    }
    return labels.get(role, role)


def unit_type_label(unit_type: str, year=None) -> str:
    """A unit type's name in the interface language (the year's data: portal.units.types)."""
    from portal.units.types import unit_type_label as label
    return label(unit_type, year)
