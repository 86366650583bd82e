"""What the inbox hears from lower areas through their signals (the areas themselves never import this):
repeated failed sign-ins, and the year's phase changes, extensions and reopenings (told in the words of
:mod:`portal.years.notices`)."""
from flask import url_for
from flask_babel import gettext as _

from portal.auth.signals import login_failures_repeated
from portal.notifications.services import admin_user_ids, notify, portal_language
from portal.years import notices
from portal.years.signals import TELL, deadline_extended, phase_changed, receiver, unit_reopened


@login_failures_repeated.connect
def _tell_about_login_failures(_app, *, scope: str, user_id: int | None, username: str | None, failures: int,
                               address: str | None, now, **_extra) -> None:
    """Repeated failed sign-ins: the account's owner (what to do) and the admins (what to check)."""
    address = address or "?"
    admins = [uid for uid in admin_user_ids() if uid != user_id]
    with portal_language():
        if scope == "address":
            notify(admins, "login_failures", _(
                "Địa chỉ %(address)s đã đăng nhập sai %(count)d lần vào nhiều tài khoản (dò mật khẩu). Địa chỉ này "
                "đang bị làm chậm; hãy xem nhật ký đăng nhập và chặn địa chỉ nếu cần.",
                address=address, count=failures), link=url_for("users.list_users"), now=now)
            return
        notify([user_id], "login_failures", _(
            "Có %(count)d lần đăng nhập sai liên tiếp vào tài khoản của bạn (lần gần nhất từ địa chỉ "
            "%(address)s). Nếu không phải bạn, hãy đổi mật khẩu ngay và báo Sở Nội vụ.",
            count=failures, address=address), link=url_for("auth.change_password"), now=now)
        notify(admins, "login_failures", _(
            "Tài khoản %(name)s có %(count)d lần đăng nhập sai liên tiếp (lần gần nhất từ địa chỉ %(address)s). "
            "Hãy xem nhật ký đăng nhập; nếu cần, liên hệ người dùng hoặc chặn địa chỉ này.",
            name=username, count=failures, address=address), link=url_for("users.list_users"), now=now)


@receiver(phase_changed, stage=TELL)
def _announce_phase(year, *, new, back, reason, now, **_extra) -> None:
    """A phase opened: units (self-assessment, explanation), the council (review rounds), everyone
    (publication); a move back says why."""
    notices.announce_phase(year, new, reason=reason if back else None, now=now)


@receiver(deadline_extended, stage=TELL)
def _tell_extension(year, *, unit, until, reason, now, **_extra) -> None:
    notices.tell_unit_extension(year, unit, until=until, reason=reason, now=now)


@receiver(unit_reopened, stage=TELL)
def _tell_reopened(year, *, unit, until, reason, now, **_extra) -> None:
    notices.tell_unit_reopened(year, unit, until=until, reason=reason, now=now)
