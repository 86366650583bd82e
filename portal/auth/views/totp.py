"""Xác thực hai bước — the second sign-in step, the user's own setup page, and the admin's recovery reset.

After a correct password the browser holds only a short-lived "pending" mark in its signed cookie (user id,
time, where to go next, whether a set-up is under way); no login session exists until the code is right.
A secret being set up is kept on the server, encrypted (``User.totp_pending_secret``), never in the cookie.
Codes are throttled together with passwords (portal.auth.services.check_second_factor).
"""
from flask import abort, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import bp, throttle, totp
from portal.auth.domain import may_drop_second_factor
from portal.auth.forms import TwoFactorForm
from portal.auth.models import User
from portal.auth.services import (check_second_factor, drop_second_factor, enrol_second_factor,
                                  enrolled_secret, pending_secret, start_enrolment, start_session)
from portal.db import utcnow
from portal.extensions import db
from portal.web.htmx import redirect_after_post, render
from portal.web.messages import login_refusal_text
from portal.web.permissions import authenticated, public, roles
from portal.web.redirects import safe_next

PENDING = "mfa"


def begin_second_factor(user: User, step: str, *, next_url: str | None, now) -> None:
    """Remember, in the signed cookie, that this user's password was right ('code' or 'enrol' next); a new
    secret to set up goes to the server-side pending column."""
    session.pop(PENDING, None)
    session[PENDING] = {"uid": user.id, "at": int(now.timestamp()), "next": next_url, "enrol": step == "enrol"}
    if step == "enrol":
        start_enrolment(user)


def _pending(now) -> tuple[User | None, dict | None]:
    data = session.get(PENDING)
    if not isinstance(data, dict):
        return None, None
    if now.timestamp() - data.get("at", 0) > current_app.config["TOTP_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None, None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active:
        session.pop(PENDING, None)
        return None, None
    return user, data


def _wait(user: User, now):
    """Until when this account is throttled at this address, or None."""
    return throttle.wait_until(throttle.keys_for(user.username, request.remote_addr), now=now)


def _setup_context(user: User, secret: str) -> dict:
    issuer = current_app.config["TOTP_ISSUER"]
    return {"secret": totp.grouped(secret),
            "uri": totp.provisioning_uri(secret, username=user.username, issuer=issuer)}


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def two_factor():
    now = utcnow()
    user, data = _pending(now)
    if user is None:
        flash(_("Đã quá thời gian nhập mã xác thực hoặc chưa nhập mật khẩu. Hãy đăng nhập lại."), "info")
        return redirect_after_post(url_for("auth.login"))
    enrolling = bool(data.get("enrol"))
    secret = pending_secret(user) if enrolling else enrolled_secret(user)
    if not secret:                      # the set-up was finished or reset meanwhile: start again
        session.pop(PENDING, None)
        flash(_("Việc thiết lập xác thực hai bước đã thay đổi. Hãy đăng nhập lại."), "info")
        return redirect_after_post(url_for("auth.login"))
    form = TwoFactorForm()
    error = None
    if form.validate_on_submit():
        reason = check_second_factor(user, form.code.data, secret=secret, now=now, ip=request.remote_addr)
        if reason is None:
            if enrolling:
                enrol_second_factor(user, secret, actor=user, now=now)
            start_session(user, now=now, ip=request.remote_addr, user_agent=request.user_agent.string)
            db.session.commit()
            if enrolling:
                flash(_("Đã bật xác thực hai bước. Từ nay mỗi lần đăng nhập cần thêm mã trên ứng dụng xác thực."),
                      "success")
            return redirect_after_post(safe_next(data.get("next")))
        db.session.commit()  # keep the failure count and the throttle
        error = login_refusal_text(reason, _wait(user, now), code=True)
    setup = _setup_context(user, secret) if enrolling else None
    return render("auth/two_factor.html", form=form, error=error, setup=setup, username=user.username,
                  status=401 if error else (422 if form.errors else 200))


@bp.route("/account/two-factor/setup", methods=["POST"], endpoint="start_two_factor")
@authenticated
def start_two_factor():
    """Begin (or begin again) a set-up: a new secret is kept on the server until a code confirms it."""
    user = db.session.get(User, current_user.id)
    if not user.totp_secret:
        start_enrolment(user)
        db.session.commit()
    return redirect_after_post(url_for("auth.account_two_factor"))


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="account_two_factor")
@authenticated
def account_two_factor():
    """See whether two-factor sign-in is on; switch it on (start a set-up, type the secret, confirm a code)."""
    user = db.session.get(User, current_user.id)
    form = TwoFactorForm()
    error = None
    secret = None if user.totp_secret else pending_secret(user)
    if request.method == "POST" and secret and form.validate_on_submit():
        now = utcnow()
        reason = check_second_factor(user, form.code.data, secret=secret, now=now, ip=request.remote_addr)
        if reason is None:
            enrol_second_factor(user, secret, actor=current_user, now=now)
            db.session.commit()
            flash(_("Đã bật xác thực hai bước."), "success")
            return redirect_after_post(url_for("auth.account_two_factor"))
        db.session.commit()
        error = login_refusal_text(reason, _wait(user, now), code=True)
    setup = _setup_context(user, secret) if secret else None
    cfg = current_app.config
    return render("auth/account_two_factor.html", form=form, error=error, setup=setup, enrolled=bool(user.totp_secret),
                  may_drop=may_drop_second_factor(role=user.role, required=bool(cfg.get("REQUIRE_TOTP")),
                                                  required_roles=cfg["TOTP_ROLES"]),
                  status=401 if error else (422 if form.errors else 200))


@bp.route("/account/two-factor/disable", methods=["POST"], endpoint="disable_two_factor")
@authenticated
def disable_two_factor():
    """Switch two-factor sign-in off: needs a current code, and is refused where the setting requires it."""
    user = db.session.get(User, current_user.id)
    cfg = current_app.config
    if not user.totp_secret:
        return redirect_after_post(url_for("auth.account_two_factor"))
    if not may_drop_second_factor(role=user.role, required=bool(cfg.get("REQUIRE_TOTP")),
                                  required_roles=cfg["TOTP_ROLES"]):
        flash(_("Tài khoản quản trị và Hội đồng thẩm định bắt buộc dùng xác thực hai bước; không thể tắt."), "error")
        return redirect_after_post(url_for("auth.account_two_factor"))
    form = TwoFactorForm()
    now = utcnow()
    reason = "invalid"
    if form.validate_on_submit():
        reason = check_second_factor(user, form.code.data, secret=enrolled_secret(user), now=now,
                                     ip=request.remote_addr)
    if reason is None:
        drop_second_factor(user, actor=current_user, now=now, reason="self")
        db.session.commit()
        flash(_("Đã tắt xác thực hai bước."), "success")
    else:
        db.session.commit()
        flash(login_refusal_text(reason, _wait(user, now), code=True), "error")
    return redirect_after_post(url_for("auth.account_two_factor"))


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"], endpoint="reset_two_factor")
@roles("admin")
def reset_two_factor(user_id: int):
    """Recovery when a phone is lost: the admin removes the account's secret; its sessions end, and at the
    next sign-in the account sets up a new one (where the setting requires it)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    ended = drop_second_factor(user, actor=current_user, now=utcnow(), reason="admin")
    db.session.commit()
    flash(_("Đã đặt lại xác thực hai bước của %(name)s (%(count)d phiên đăng nhập đã kết thúc). Lần đăng nhập "
            "sau, tài khoản sẽ thiết lập lại mã.", name=user.username, count=ended), "success")
    return redirect_after_post(url_for("users.list_users"))
