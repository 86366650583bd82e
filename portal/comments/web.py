"""Ý kiến — what the thread widget needs (`ThreadState`), built for one viewer, plus the texts of refusals
and the safe "back to" address. Pages that embed the widget (the council's appraisal page, the unit's
explanation page) call :func:`build_thread` and render ``comment_thread(assessment, criterion, thread)``
from ``templates/comments/_thread.html`` (imported ``with context``); for many items at once they can
show ``comment_badge`` instead, which loads the thread on demand."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _

from portal.comments import access
from portal.comments.services import CommentView, mark_read, mark_seen_by_unit, thread_for, walk
from portal.db import write_transaction
from portal.extensions import db
from portal.policy.refusals import refusal_message
from portal.web.redirects import path_of_page_url, same_site_path
from portal.years.models import AssessmentYear


@dataclass
class ThreadState:
    """Everything ``comment_thread`` shows. ``council`` picks the council's view (names, badges)."""

    dom_id: str
    comments: list[CommentView]
    council: bool
    can_comment: bool = False
    comment_hint: str | None = None
    can_reply: bool = False
    reply_hint: str | None = None
    body: str = ""
    errors: list[str] = field(default_factory=list)
    reply_to: int | None = None          # the comment whose reply box the errors belong to (None: new comment)
    preview: CommentView | None = None
    notice: str | None = None
    error: str | None = None
    next: str = ""
    focus: int | None = None             # the comment the focus goes to after the swap (new, sent, resolved)
    level: int = 2                       # the heading level of the thread's title (one below its item's)

    @property
    def total(self) -> int:
        return sum(1 for _c in walk(self.comments))

    @property
    def unread(self) -> int:
        return sum(1 for c in walk(self.comments) if c.unread)


def dom_id(assessment, criterion) -> str:
    return f"thread-{assessment.id}-{criterion.id}"


def thread_url(assessment, criterion) -> str:
    return url_for("comments.thread", assessment_id=assessment.id, criterion_id=criterion.id)


def back_to(assessment, criterion) -> str:
    """Where a form of the widget returns without JavaScript: the posted ``next``, else the page htmx
    says it is on, else the thread page."""
    return (same_site_path(request.values.get("next")) or path_of_page_url(request.headers.get("HX-Current-URL"))
            or thread_url(assessment, criterion))


def outline_level(depth: int) -> int:
    """The level of an item's heading in the criteria outline, from its depth in the tree (the field counts):
    field h2, criterion h3, sub-criterion h4; a bonus or deduction item (depth 0, under its own h2) h3. The
    workspace and appraisal templates apply the same rule (macro `level` in assessments/_macros.html)."""
    return min(2 + max(depth, 1), 6)


def heading_level(criterion) -> int:
    """`outline_level` of a criterion, its depth read up the tree."""
    depth, node = 0, criterion
    while node.parent_id is not None and depth < 6:
        node, depth = node.parent, depth + 1
    return outline_level(depth)


def thread_level(criterion, embedded: bool) -> int:
    """A thread inside an item sits one level below the item's heading; on its own page, under the h1."""
    return min(heading_level(criterion) + 1, 6) if embedded else 2


def _hint(decision, phase) -> str | None:
    return None if decision else refusal_message(decision, phase=phase)


def build_thread(assessment, criterion, user, *, now: datetime, year: AssessmentYear | None = None,
                 next_url: str | None = None, **extra) -> ThreadState:
    """The widget's state for ``user``: the visible comments and what the person may do now."""
    year = year or db.session.get(AssessmentYear, assessment.year_id)
    rel = access.relation_for(user, assessment, access.item_field(criterion))
    council = access.council_side(rel)
    state = ThreadState(dom_id(assessment, criterion), thread_for(assessment, criterion, user, phase=year.phase),
                        council, next=next_url or thread_url(assessment, criterion))
    if access.role_of(user) in access.COUNCIL_ROLES:
        decision = access.comment_decision(user, assessment, criterion, year=year, now=now)
        state.can_comment, state.comment_hint = bool(decision), _hint(decision, year.phase)
    elif rel == "own_unit":
        decision = access.reply_decision(user, assessment, year=year, now=now)
        state.can_reply, state.reply_hint = bool(decision), _hint(decision, year.phase)
    for key, value in extra.items():
        setattr(state, key, value)
    return state


def record_visit(assessment, criterion, user, state: ThreadState, *, now: datetime) -> None:
    """The viewer has been shown the thread: per-person read marks, and "seen by the unit" for a unit
    account. Runs in its own short write transaction (a GET reads in a deferred one), then commits."""
    ids = [c.id for c in walk(state.comments) if c.unread]
    unit_viewer = not state.council and access.role_of(user) in access.UNIT_ROLES
    if not ids and not unit_viewer:
        return
    db.session.commit()  # end the read transaction before starting a writing one
    token = write_transaction.set(True)
    try:
        if unit_viewer:
            mark_seen_by_unit(assessment, criterion, user=user, now=now)
        mark_read(ids, user=user, now=now)
        db.session.commit()
    finally:
        write_transaction.reset(token)


def error_text(code: str) -> str:
    """The message of a `CommentError` code."""
    return {
        "empty": _("Hãy nhập nội dung ý kiến."),
        "too_long": _("Ý kiến dài tối đa 5.000 ký tự; hãy rút gọn hoặc chia thành nhiều ý kiến."),
        "not_sent": _("Đơn vị chỉ trả lời được ý kiến mà Hội đồng đã gửi cho đơn vị."),
        "already_sent": _("Ý kiến này đã được gửi cho đơn vị trước đó."),
        "parent_not_sent": _("Ý kiến này trả lời một ý kiến chưa gửi đơn vị; hãy gửi ý kiến đó trước."),
        "from_unit": _("Đây là trả lời của đơn vị, Hội đồng và đơn vị đều đã thấy."),
        "already_resolved": _("Ý kiến này đã được đánh dấu đã xử lý."),
        "not_resolved": _("Ý kiến này đang mở, chưa được đánh dấu đã xử lý."),
    }.get(code, _("Thao tác không thực hiện được. Hãy tải lại trang rồi thử lại."))


def refusal_text(decision, phase) -> str:
    return refusal_message(decision, phase=phase)


def no_access_text(rel: str) -> str:
    """Why someone who reached the file may not open this thread."""
    if rel == "unassigned_member":
        return _("Bạn không được phân công thẩm định lĩnh vực này của đơn vị (hoặc đây là cơ quan của bạn), "
                 "nên không xem được ý kiến của mục này.")
    return _("Tài khoản của bạn không xem được ý kiến của mục này vào lúc này.")
