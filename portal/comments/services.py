"""Ý kiến thẩm định — use cases of the council's comment threads on one item of a unit's file.

Visibility (read this first). Council comments are internal to the council by default. Only an explicit
`send_to_unit` (after a preview) makes one visible to the unit; a unit's reply is visible to the council and
the unit. Which comments a viewer gets is decided by `portal.unitfile.domain.can_see` alone, through
`portal.comments.access` (internal → "internal_comment"; sent or unit reply → "sent_comment", sent=True).
Fail closed: a comment whose parent the viewer cannot see is dropped with its replies (the write rules
already prevent that case: only a reply whose parent was sent can be sent).

Public API (callers pass the actor and ``now``; writes flush and audit, the request commits once):

- ``thread_for(assessment, criterion, viewer, *, phase) -> list[CommentView]`` the visible comments,
  threaded by parent, oldest first. A unit viewer never receives a council member's name, who sent it,
  the resolved state nor "seen by the unit": the unit reads "Hội đồng thẩm định" as the author.
- ``add_comment(assessment, criterion, body, *, author, now, parent=None) -> Comment`` a council comment
  (internal, round 1 in review_1 and 2 in review_2; may answer any comment of the thread) or a unit reply
  (visible to both; its parent must be a council comment sent to the unit). Checks the write rule.
- ``send_to_unit(comment, *, actor, now)`` the explicit step: visibility 'unit', sent_at, sent_by;
  notifies the unit's staff and leader ("comment_sent").
- ``resolve(comment, *, actor, now)`` / ``reopen(comment, *, actor, now)`` the council's "đã xử lý" mark.
- ``mark_seen_by_unit(assessment, criterion, *, user, now)`` stamps seen_by_unit_at when the unit opens it.
- ``mark_read(comment_ids, *, user, now)`` per-person read marks (not audited: no one's data changes).
- ``unread_counts(user, assessment_ids)`` and ``counts_by_item(assessment_id, viewer, phase)``: see
  `portal.comments.counts` (re-exported here).

Who may write: a council member on an assigned field of a unit not its own agency, or the chair, in
review_1/review_2 (`can_appraise`); the same rule lets them send and resolve. The unit replies only during
explanation (`can_explain`): that phase is the unit's answer window, with its own deadline and extensions,
so replies never arrive while the council is still scoring, and an explanation locked by the leader also
locks the replies. Body: 1–5,000 characters after NFC cleaning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.comments import access
from portal.comments.counts import ItemCount, counts_by_item, unread_counts  # noqa: F401  (public API)
from portal.comments.models import Comment, CommentRead
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.notifications.services import notify, portal_language, unit_user_ids
from portal.text import clean_text
from portal.policy.refusals import check
from portal.years.domain import ROUND_OF_PHASE
from portal.years.models import AssessmentYear

MAX_BODY = 5000


class CommentError(Exception):
    """The request does not make sense for this thread (``code``: empty, too_long, parent_elsewhere,
    not_sent, already_sent, parent_not_sent, from_unit, already_resolved, not_resolved)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class CommentView:
    """One comment as one viewer may see it. Council-only facts are None for a unit viewer."""

    id: int
    parent_id: int | None
    body: str
    round: int
    from_unit: bool
    internal: bool
    created_at: datetime
    sent_at: datetime | None
    author_name: str | None = None       # None: shown as "Hội đồng thẩm định" (council) or "Đơn vị"
    author_role: str | None = None
    sent_by_name: str | None = None
    resolved_at: datetime | None = None
    resolved_by_name: str | None = None
    seen_by_unit_at: datetime | None = None
    mine: bool = False
    unread: bool = False
    children: list["CommentView"] = field(default_factory=list)


def _name(user) -> str | None:
    return user.full_name if user is not None else None


def comment_view(c: Comment, *, council: bool, viewer_id=None, read: bool = True,
                 sent_at: datetime | None = None) -> CommentView:
    """The view of one comment; ``council`` False redacts everything the unit must not read."""
    view = CommentView(c.id, c.parent_id, c.body, c.round, c.from_unit, c.visibility == "internal",
                       c.created_at, sent_at or c.sent_at, mine=c.author_id == viewer_id)
    view.unread = not read and not view.mine
    if council:
        view.author_name = None if c.from_unit else _name(c.author)
        view.author_role = None if c.from_unit else c.author.role
        view.sent_by_name = _name(c.sent_by)
        view.resolved_at, view.resolved_by_name = c.resolved_at, _name(c.resolved_by)
        view.seen_by_unit_at = c.seen_by_unit_at
    return view


def as_unit_sees(c: Comment, *, sent_at: datetime) -> CommentView:
    """Exactly what the unit will read once ``c`` is sent (the preview of sending)."""
    return comment_view(c, council=False, sent_at=sent_at)


def thread_for(assessment, criterion, viewer, *, phase: str) -> list[CommentView]:
    """The comments of this item that ``viewer`` may see, as a tree of roots, oldest first."""
    rel = access.relation_for(viewer, assessment, access.item_field(criterion))
    if not access.may_see_thread(rel, phase):
        return []
    viewer_id = getattr(viewer, "id", None)
    rows = db.session.execute(
        select(Comment, CommentRead.id)
        .outerjoin(CommentRead, and_(CommentRead.comment_id == Comment.id, CommentRead.user_id == viewer_id))
        .where(Comment.assessment_id == assessment.id, Comment.criterion_id == criterion.id)
        .options(joinedload(Comment.author), joinedload(Comment.sent_by), joinedload(Comment.resolved_by))
        .order_by(Comment.created_at, Comment.id)).all()
    council = access.council_side(rel)
    views = {c.id: comment_view(c, council=council, viewer_id=viewer_id, read=read_id is not None)
             for c, read_id in rows if access.visible(rel, c.visibility, phase)}
    roots: list[CommentView] = []
    for view in views.values():  # insertion order is oldest first, so children stay in order
        if view.parent_id is None:
            roots.append(view)
        elif view.parent_id in views:
            views[view.parent_id].children.append(view)
    return roots


def walk(views: list[CommentView]):
    """Every comment of a tree, depth first."""
    for view in views:
        yield view
        yield from walk(view.children)


def load_comment(comment_id: int, assessment, criterion) -> Comment | None:
    """The comment if it belongs to this item of this file (anything else is treated as missing)."""
    c = db.session.get(Comment, comment_id)
    if c is None or c.assessment_id != assessment.id or c.criterion_id != criterion.id:
        return None
    return c


# ------------------------------------------------------------------------------------------------ writes


def _year(assessment) -> AssessmentYear:
    return db.session.get(AssessmentYear, assessment.year_id)


def clean_body(body: str | None) -> str:
    text = clean_text(body or "", multiline=True)
    if not text:
        raise CommentError("empty")
    if len(text) > MAX_BODY:
        raise CommentError("too_long")
    return text


def _audit(action: str, c: Comment, assessment, actor, **new) -> None:
    record(action, "comment", c.id, actor=actor, unit_id=assessment.unit_id, year_id=assessment.year_id,
           new={"criterion_id": c.criterion_id, **new})


def add_comment(assessment, criterion, body: str, *, author, now: datetime, parent: Comment | None = None
                ) -> Comment:
    """Write a council comment (internal) or, from a unit account, a reply to a comment sent to it."""
    text = clean_body(body)
    year = _year(assessment)
    if parent is not None and (parent.assessment_id != assessment.id or parent.criterion_id != criterion.id):
        raise CommentError("parent_elsewhere")
    from_unit = access.role_of(author) in access.UNIT_ROLES
    if from_unit:
        check(access.reply_decision(author, assessment, year=year, now=now), phase=year.phase)
        if parent is None or parent.from_unit or parent.visibility != "unit":
            raise CommentError("not_sent")
        round_no, visibility = parent.round, "unit"
    else:
        check(access.comment_decision(author, assessment, criterion, year=year, now=now), phase=year.phase)
        round_no, visibility = ROUND_OF_PHASE[year.phase], "internal"
    c = Comment(assessment_id=assessment.id, criterion_id=criterion.id, parent_id=parent.id if parent else None,
                author_id=author.id, body=text, round=round_no, visibility=visibility, from_unit=from_unit,
                created_at=now)
    db.session.add(c)
    db.session.flush()
    _audit("comment_add", c, assessment, author, parent_id=c.parent_id, round=round_no, visibility=visibility,
           from_unit=from_unit, body=text)
    if from_unit:
        _notify_reply(parent, assessment, criterion, now=now)
    return c


def _council_check(c: Comment, actor, now: datetime):
    """The write rule for sending and resolving: the same as for writing a council comment."""
    assessment = db.session.get(Assessment, c.assessment_id)
    criterion = db.session.get(Criterion, c.criterion_id)
    year = _year(assessment)
    check(access.comment_decision(actor, assessment, criterion, year=year, now=now), phase=year.phase)
    return assessment, criterion


def send_to_unit(comment: Comment, *, actor, now: datetime) -> Comment:
    """Gửi cho đơn vị — make a council comment visible to the unit, and tell the unit."""
    assessment, criterion = _council_check(comment, actor, now)
    if comment.from_unit:
        raise CommentError("from_unit")
    if comment.visibility == "unit":
        raise CommentError("already_sent")
    parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    if parent is not None and parent.visibility != "unit":
        raise CommentError("parent_not_sent")
    comment.visibility, comment.sent_at, comment.sent_by_id = "unit", now, actor.id
    db.session.flush()
    _audit("comment_send", comment, assessment, actor, visibility="unit", sent_at=now)
    _notify_sent(assessment, criterion, now=now)
    return comment


def resolve(comment: Comment, *, actor, now: datetime) -> Comment:
    """Đánh dấu đã xử lý."""
    assessment, _criterion = _council_check(comment, actor, now)
    if comment.resolved_at is not None:
        raise CommentError("already_resolved")
    comment.resolved_at, comment.resolved_by_id = now, actor.id
    db.session.flush()
    _audit("comment_resolve", comment, assessment, actor, resolved_at=now)
    return comment


def reopen(comment: Comment, *, actor, now: datetime) -> Comment:
    """Mở lại a resolved comment."""
    assessment, _criterion = _council_check(comment, actor, now)
    if comment.resolved_at is None:
        raise CommentError("not_resolved")
    old = comment.resolved_at
    comment.resolved_at, comment.resolved_by_id = None, None
    db.session.flush()
    record("comment_reopen", "comment", comment.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old={"resolved_at": old}, new={"criterion_id": comment.criterion_id})
    return comment


def mark_seen_by_unit(assessment, criterion, *, user, now: datetime) -> int:
    """A unit account opened the thread: stamp the sent council comments it had not seen yet."""
    year = _year(assessment)
    rel = access.relation_for(user, assessment, access.item_field(criterion))
    if rel != "own_unit":
        return 0
    rows = [c for c in db.session.scalars(select(Comment).where(
        Comment.assessment_id == assessment.id, Comment.criterion_id == criterion.id,
        Comment.from_unit.is_(False), Comment.seen_by_unit_at.is_(None)))
        if access.visible(rel, c.visibility, year.phase)]
    for c in rows:
        c.seen_by_unit_at = now
    if rows:
        db.session.flush()
        record("comment_seen_by_unit", "comment", rows[0].id, actor=user, unit_id=assessment.unit_id,
               year_id=assessment.year_id, new={"criterion_id": criterion.id, "comment_ids": [c.id for c in rows]})
    return len(rows)


def mark_read(comment_ids, *, user, now: datetime) -> int:
    """Per-person "read" marks for the comments this person was just shown."""
    ids = set(comment_ids)
    if not ids:
        return 0
    done = set(db.session.scalars(select(CommentRead.comment_id).where(
        CommentRead.user_id == user.id, CommentRead.comment_id.in_(ids))))
    new = [CommentRead(user_id=user.id, comment_id=cid, read_at=now) for cid in sorted(ids - done)]
    db.session.add_all(new)
    db.session.flush()
    return len(new)


# --------------------------------------------------------------------------------------------- notices


def thread_path(assessment_id: int, criterion_id: int) -> str:
    if has_request_context():
        return url_for("comments.thread", assessment_id=assessment_id, criterion_id=criterion_id)
    return f"/comments/{assessment_id}/{criterion_id}/"


def _notify(user_ids, kind: str, message_fn, link: str, now: datetime) -> None:
    with portal_language():
        message = message_fn()
    notify(user_ids, kind, message, link, now=now)


def _notify_sent(assessment, criterion, *, now: datetime) -> None:
    _notify(unit_user_ids([assessment.unit_id]), "comment_sent",
            lambda: _("Hội đồng thẩm định đã gửi ý kiến về mục %(code)s. Hãy xem và trả lời trong giai đoạn "
                      "giải trình.", code=criterion.code),
            thread_path(assessment.id, criterion.id), now)


def _notify_reply(parent: Comment, assessment, criterion, *, now: datetime) -> None:
    unit_name = assessment.unit.name_in(assessment.year_id)
    _notify([parent.author_id], "comment_reply",
            lambda: _("%(unit)s đã trả lời ý kiến của bạn về mục %(code)s.", unit=unit_name, code=criterion.code),
            thread_path(assessment.id, criterion.id), now)
