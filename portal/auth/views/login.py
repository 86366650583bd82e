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
from portal.auth.views.totp import begin_second_factor
from portal.db import utcnow
from portal.extensions import db
from portal.web.htmx import redirect_after_post, render
from portal.web.messages import login_refusal_text, password_problem_text
from portal.web.permissions import authenticated, public
from portal.web.redirects import safe_next


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
        error = login_refusal_text(reason, wait_until)
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
