"""The inbox (/notifications): read, mark one or all as read, choose the daily digest. Every action is a
form post that works without JavaScript; htmx swaps the item or the list and updates the header count
out of band."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.notifications import bp
from portal.notifications.services import inbox as inbox_rows
from portal.notifications.services import kind_label, mark_all_read, mark_read, own_notification, set_digest
from portal.web.htmx import is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated

TEMPLATE = "notifications/inbox.html"


def _page(*, block=None, status=200, **extra):
    return render(TEMPLATE, block=block, status=status, notifications=inbox_rows(current_user),
                  kind_label=kind_label, **extra)


@bp.route("/")
@authenticated
def inbox():
    return _page()


@bp.route("/<int:notification_id>/read", methods=["POST"])
@authenticated
def read(notification_id: int):
    row = own_notification(current_user, notification_id)
    if row is None:
        abort(404)
    mark_read(row, now=utcnow())
    db.session.commit()
    if is_htmx():
        return render(TEMPLATE, block="notification_item", notification=row, kind_label=kind_label, item_oob=True)
    return redirect_after_post(url_for("notifications.inbox"))


@bp.route("/read-all", methods=["POST"])
@authenticated
def read_all():
    count = mark_all_read(current_user, now=utcnow())
    db.session.commit()
    if is_htmx():
        return _page(block="inbox_list", list_oob=True)
    flash(_("Đã đánh dấu %(count)d thông báo là đã đọc.", count=count), "success")
    return redirect_after_post(url_for("notifications.inbox"))


@bp.route("/settings", methods=["POST"])
@authenticated
def settings():
    set_digest(current_user, request.form.get("email_digest") == "1")
    db.session.commit()
    message = (_("Bạn sẽ nhận một thư tóm tắt mỗi ngày.") if current_user.email_digest
               else _("Bạn sẽ nhận thư ngay khi có thông báo."))
    if is_htmx():
        return _page(block="digest_settings", saved=message)
    flash(message, "success")
    return redirect_after_post(url_for("notifications.inbox"))
