"""Routes of the account pages: load → authorise → validate → service → respond."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import check_password_hash

from portal.auth import bp
from portal.auth.domain import password_problems
from portal.auth.forms import ChangePasswordForm, LoginForm
from portal.auth.services import (authenticate, change_password, end_session, second_factor_step,
                                  start_session)
from portal.db import utcnow
from portal.extensions import db
from portal.web.filters import format_datetime
from portal.web.htmx import redirect_after_post, render
from portal.web.messages import password_problem_text
from portal.web.permissions import authenticated, public
from portal.web.redirects import safe_next


def refusal_text(reason: str | None, wait_until, *, code: bool = False) -> str:
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


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        now = utcnow()
        user, reason, wait_until = authenticate(form.username.data, form.password.data, now=now, ip=request.remote_addr)
        if user is not None:
            step = second_factor_step(user)
            if step is not None:
                # The password is right; the session starts only once the code is checked too.
                begin_second_factor(user, step, next_url=request.args.get("next"), now=now)
                db.session.commit()
                return redirect_after_post(url_for("auth.two_factor"))
            start_session(user, now=now, ip=request.remote_addr, user_agent=request.user_agent.string)
            db.session.commit()
            return redirect_after_post(safe_next(request.args.get("next")))
        db.session.commit()  # keep the failure count and the throttle
        error = refusal_text(reason, wait_until)
    return render("auth/login.html", form=form, error=error, expired=request.args.get("expired"),
                  status=401 if error else 200)


@bp.route("/logout", methods=["POST"])
@authenticated
def logout():
    end_session(current_user, now=utcnow())
    db.session.commit()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect_after_post(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@authenticated
def change_password_view():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            problems = password_problems(form.new_password.data, username=current_user.username)
            if form.new_password.data == form.current_password.data:
                problems.append("same_as_old")
            if problems:
                form.new_password.errors.extend(password_problem_text(p) for p in problems)
            else:
                change_password(current_user, form.new_password.data, now=utcnow())
                db.session.commit()
                flash(_("Đã đổi mật khẩu."), "success")
                return redirect_after_post(url_for("home.index"))
    return render("auth/change_password.html", form=form,
                  status=422 if form.errors else 200)


from portal.auth.views_totp import begin_second_factor  # noqa: E402  (more routes of the blueprint)
