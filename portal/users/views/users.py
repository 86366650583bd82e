"""Admin screens for accounts: list with search, create, inline edit, deactivate, reset password, end
sessions. Real form posts first; htmx upgrades them to live search and row-by-row editing."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.policy.roles import ROLES
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.services import search_units
from portal.users import bp
from portal.users.forms import UserForm
from portal.users.services import (
    UserError,
    create_user,
    end_sessions,
    reset_password,
    search_users,
    set_user_active,
    update_user,
)
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.messages import role_label
from portal.web.permissions import roles


def _error_text(code: str) -> str:
    return {
        "duplicate_username": _("Tên đăng nhập này đã có người dùng. Hãy chọn tên khác."),
        "unit_required": _("Cán bộ và lãnh đạo đơn vị phải thuộc một đơn vị. Hãy chọn đơn vị."),
        "self_deactivate": _("Bạn không thể tự vô hiệu hóa tài khoản của mình."),
    }[code]


def _form(**kwargs) -> UserForm:
    form = UserForm(**kwargs)
    form.role.choices = [SelectChoice(r, role_label(r)) for r in ROLES]
    form.unit_id.choices = [SelectChoice(0, _("— Không thuộc đơn vị —"))] + [
        SelectChoice(u.id, u.name) for u in search_units(include_inactive=False)]
    if form.unit_id.data is None:
        form.unit_id.data = 0
    return form


def _load(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


#: The search box swaps the table; any other htmx target gets the whole page.
LIST_TARGETS = {"user-table": "user_table"}


def _page(*, edit_id=None, form=None, new_form=None, status=200, block=None, targets=None, secret=None,
          secret_user=None):
    q = request.args.get("q", "")
    role = request.args.get("role") or None
    return render("users/list.html", block=block, targets=targets, status=status, users=search_users(q, role), q=q, role=role,
                  roles=ROLES, edit_id=edit_id, form=form or _form(formdata=None),
                  new_form=new_form or _form(formdata=None), secret=secret, secret_user=secret_user)


def _row(user, *, form=None, edit_id=None, status=200, secret=None):
    if is_htmx():
        return render("users/list.html", block="user_row", status=status, user=user,
                      form=form or _form(formdata=None), edit_id=edit_id, secret=secret, secret_user=user)
    return _page(edit_id=edit_id, form=form, status=status, secret=secret, secret_user=user)


@bp.route("/")
@roles("admin")
def list_users():
    return _page(targets=LIST_TARGETS)


@bp.route("/new", methods=["POST"])
@roles("admin")
def create():
    form = _form()
    if form.validate_on_submit():
        try:
            user, password = create_user(
                username=form.username.data, full_name=form.full_name.data, email=form.email.data,
                position=form.position.data, role=form.role.data, unit_id=form.unit_id.data, actor=current_user)
        except UserError as err:
            getattr(form, err.field).errors.append(_error_text(err.code))
        else:
            db.session.commit()
            # The one-time password is shown once, on this response, and never stored in clear.
            return _page(secret=password, secret_user=user, status=201)
    raise Refusal(answer=lambda: _page(new_form=form, status=422, block="new_user"))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles("admin")
def edit(user_id: int):
    user = _load(user_id)
    if request.method == "GET":
        form = _form(obj=user, formdata=None)
        form.unit_id.data = user.unit_id or 0
        return _row(user, form=form, edit_id=user.id)
    form = _form()
    if form.validate_on_submit():
        try:
            update_user(user, username=form.username.data, full_name=form.full_name.data, email=form.email.data,
                        position=form.position.data, role=form.role.data, unit_id=form.unit_id.data,
                        actor=current_user, now=utcnow())
        except UserError as err:
            getattr(form, err.field).errors.append(_error_text(err.code))
        else:
            db.session.commit()
            if is_htmx():
                return _row(user)
            flash(_("Đã lưu tài khoản %(name)s.", name=user.username), "success")
            return redirect_after_post(url_for("users.list_users"))
    raise Refusal(answer=lambda: _row(_load(user_id), form=form, edit_id=user_id, status=422))


@bp.route("/<int:user_id>/row")
@roles("admin")
def row(user_id: int):
    return _row(_load(user_id))


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles("admin")
def toggle_active(user_id: int):
    user = _load(user_id)
    try:
        set_user_active(user, request.form.get("active") == "1", actor=current_user, now=utcnow())
    except UserError as err:
        flash(_error_text(err.code), "error")
        raise Refusal(answer=lambda: _row(_load(user_id), status=422) if is_htmx()
                      else redirect_after_post(url_for("users.list_users")))
    db.session.commit()
    if is_htmx():
        return _row(user)
    flash(_("Đã cập nhật trạng thái tài khoản %(name)s.", name=user.username), "success")
    return redirect_after_post(url_for("users.list_users"))


@bp.route("/<int:user_id>/reset-password", methods=["POST"])
@roles("admin")
def reset(user_id: int):
    user = _load(user_id)
    password = reset_password(user, actor=current_user, now=utcnow())
    db.session.commit()
    return _row(user, secret=password)


@bp.route("/<int:user_id>/end-sessions", methods=["POST"])
@roles("admin")
def kill_sessions(user_id: int):
    user = _load(user_id)
    count = end_sessions(user, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Đã kết thúc %(count)d phiên đăng nhập của %(name)s.", count=count, name=user.username), "success")
    if is_htmx():
        return _row(user)
    return redirect_after_post(url_for("users.list_users"))
