"""Ý kiến — the thread of one item: read it, write (council), reply (unit), preview and send to the unit,
resolve and reopen. Every view: load (404, another unit's file or an item outside its set look missing)
→ may this person see the thread at all (403) → may they do this now (403 who, 409 when/state, with the
rule's message) → validate (422) → service → commit once → the widget (htmx) or a 303 back to ``next``."""
from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.assessments.models import Assessment
from portal.comments import access, bp
from portal.comments import services as svc
from portal.comments.forms import CommentForm
from portal.comments.web import (
    back_to,
    build_thread,
    error_text,
    no_access_text,
    record_visit,
    refusal_text,
    thread_level,
)
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from portal.web.filters import format_datetime
from portal.web.htmx import Refusal, is_htmx, render
from portal.web.permissions import authenticated
from portal.years import domain as rules
from portal.policy.actors import actor_for
from portal.policy.decisions import refusal_status
from portal.policy.refusals import Refused
from portal.years.models import AssessmentYear

PAGE = "comments/thread.html"
PREVIEW = "comments/preview.html"
ROOT = "/<int:assessment_id>/<int:criterion_id>/"


class Loaded:
    """The file, item and year of a request, and how the current user stands to the item."""

    def __init__(self, assessment_id: int, criterion_id: int):
        self.assessment = db.session.get(Assessment, assessment_id)
        if self.assessment is None:
            abort(404)
        self.year = db.session.get(AssessmentYear, self.assessment.year_id)
        if not rules.can_view_assessment(actor_for(current_user, self.year), unit_id=self.assessment.unit_id,
                                         phase=self.year.phase):
            abort(404)  # another unit's file is indistinguishable from a missing one
        self.criterion = db.session.get(Criterion, criterion_id)
        if self.criterion is None or self.criterion.set_id != self.assessment.criteria_set_id:
            abort(404)
        self.rel = access.relation_for(current_user, self.assessment, access.item_field(self.criterion))
        if not access.may_see_thread(self.rel, self.year.phase):
            _forbidden(no_access_text(self.rel))

    def comment(self, comment_id: int):
        """A comment of this thread the current user may see (anything else: 404)."""
        c = svc.load_comment(comment_id, self.assessment, self.criterion)
        if c is None or not access.visible(self.rel, c.visibility, self.year.phase):
            abort(404)
        return c

    def council_decision(self, now):
        return access.comment_decision(current_user, self.assessment, self.criterion, year=self.year, now=now)


def _forbidden(message: str):
    raise Refusal(message, status=403)


def _respond(ld: Loaded, *, status=200, page=PAGE, **extra):
    """The widget for htmx, else the whole page, with the thread as the current user sees it now."""
    now = utcnow()
    state = build_thread(ld.assessment, ld.criterion, current_user, now=now, year=ld.year,
                         next_url=back_to(ld.assessment, ld.criterion),
                         level=thread_level(ld.criterion, embedded=is_htmx()) if page == PAGE else 1, **extra)
    response = render(page, block="thread" if is_htmx() else None, status=status, assessment=ld.assessment,
                      criterion=ld.criterion, thread=state, year=ld.year,
                      unit_name=ld.assessment.unit.name_in(ld.year.id))
    if status == 200:
        record_visit(ld.assessment, ld.criterion, current_user, state, now=now)
    return response


def _authorise(ld: Loaded, decision, *, reply_to=None):
    """403 for who the person is, 409 (the widget with the reason) for the phase, deadline or state; the
    text the person typed comes back with the reason, so nothing typed is lost."""
    if decision:
        return
    message = refusal_text(decision, ld.year.phase)
    if refusal_status(decision) == 403:
        _forbidden(message)
    typed = request.form.get("body", "") if request.method == "POST" else ""
    raise Refusal(answer=lambda: _respond(ld, status=409, error=message, body=typed, reply_to=reply_to))


def _done(ld: Loaded, notice: str, focus: int | None = None):
    db.session.commit()
    if is_htmx():
        return _respond(ld, notice=notice, focus=focus)
    flash(notice, "success")
    return redirect(back_to(ld.assessment, ld.criterion) + f"#thread-{ld.assessment.id}-{ld.criterion.id}", 303)


def _failed(ld: Loaded, err: Exception, **extra) -> Refusal:
    """The refusal that answers a service's refusal or error with the widget and the reason."""
    if isinstance(err, Refused):
        status, error = err.status, err.message
    else:
        status, error = (422 if err.code in ("empty", "too_long", "not_sent") else 409), error_text(err.code)
    return Refusal(answer=lambda: _respond(ld, status=status, error=error, **extra))


@bp.route(ROOT)
@authenticated
def thread(assessment_id: int, criterion_id: int):
    return _respond(Loaded(assessment_id, criterion_id))


@bp.route(ROOT, methods=["POST"])
@authenticated
def add(assessment_id: int, criterion_id: int):
    """A new council comment, internal to the council until sent."""
    ld = Loaded(assessment_id, criterion_id)
    _authorise(ld, ld.council_decision(utcnow()))
    return _write(ld, parent=None)


@bp.route(ROOT + "<int:comment_id>/reply", methods=["POST"])
@authenticated
def reply(assessment_id: int, criterion_id: int, comment_id: int):
    """A reply: the unit's to a comment sent to it (explanation phase), or a council member's (internal)."""
    ld = Loaded(assessment_id, criterion_id)
    parent = ld.comment(comment_id)
    now = utcnow()
    if access.role_of(current_user) in access.UNIT_ROLES:
        _authorise(ld, access.reply_decision(current_user, ld.assessment, year=ld.year, now=now), reply_to=parent.id)
    else:
        _authorise(ld, ld.council_decision(now), reply_to=parent.id)
    return _write(ld, parent=parent)


def _write(ld: Loaded, *, parent):
    form = CommentForm()
    reply_to = parent.id if parent is not None else None
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _respond(ld, status=422, errors=list(form.body.errors),
                                              body=form.body.data or "", reply_to=reply_to))
    try:
        written = svc.add_comment(ld.assessment, ld.criterion, form.body.data, author=current_user, now=utcnow(),
                                  parent=parent)
    except (Refused, svc.CommentError) as err:
        raise _failed(ld, err, body=form.body.data or "", reply_to=reply_to)
    if access.role_of(current_user) in access.UNIT_ROLES:
        return _done(ld, _("Đã gửi trả lời; Hội đồng thẩm định sẽ thấy ngay."), focus=written.id)
    return _done(ld, _("Đã lưu ý kiến. Ý kiến chỉ hiển thị trong Hội đồng cho đến khi được gửi cho đơn vị."),
                 focus=written.id)


@bp.route(ROOT + "<int:comment_id>/send", methods=["GET"])
@authenticated
def preview(assessment_id: int, criterion_id: int, comment_id: int):
    """Xem trước: exactly what the unit will read, with the confirm button."""
    ld = Loaded(assessment_id, criterion_id)
    c = ld.comment(comment_id)
    now = utcnow()
    _authorise(ld, ld.council_decision(now))
    problem = _not_sendable(c)
    if problem:
        return _respond(ld, status=409, error=error_text(problem))
    return _respond(ld, page=PAGE if is_htmx() else PREVIEW, preview=svc.as_unit_sees(c, sent_at=now))


def _not_sendable(c) -> str | None:
    if c.from_unit:
        return "from_unit"
    if c.visibility == "unit":
        return "already_sent"
    if c.parent_id is not None and db.session.get(type(c), c.parent_id).visibility != "unit":
        return "parent_not_sent"
    return None


@bp.route(ROOT + "<int:comment_id>/send", methods=["POST"])
@authenticated
def send(assessment_id: int, criterion_id: int, comment_id: int):
    """Gửi cho đơn vị — the explicit step after the preview."""
    return _action(assessment_id, criterion_id, comment_id, svc.send_to_unit,
                   lambda c: _("Đã gửi ý kiến cho đơn vị lúc %(time)s; cán bộ và lãnh đạo đơn vị đã được thông báo.",
                               time=format_datetime(c.sent_at)))


@bp.route(ROOT + "<int:comment_id>/resolve", methods=["POST"])
@authenticated
def resolve(assessment_id: int, criterion_id: int, comment_id: int):
    return _action(assessment_id, criterion_id, comment_id, svc.resolve, lambda c: _("Đã đánh dấu ý kiến là đã xử lý."))


@bp.route(ROOT + "<int:comment_id>/reopen", methods=["POST"])
@authenticated
def reopen(assessment_id: int, criterion_id: int, comment_id: int):
    return _action(assessment_id, criterion_id, comment_id, svc.reopen, lambda c: _("Đã mở lại ý kiến."))


def _action(assessment_id, criterion_id, comment_id, service, notice):
    ld = Loaded(assessment_id, criterion_id)
    c = ld.comment(comment_id)
    _authorise(ld, ld.council_decision(utcnow()))
    try:
        service(c, actor=current_user, now=utcnow())
    except (Refused, svc.CommentError) as err:
        raise _failed(ld, err)
    return _done(ld, notice(c), focus=c.id)

