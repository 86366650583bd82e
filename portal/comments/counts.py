"""Ý kiến — counts for badges: unread comments per unit and field for the council board, and comments per
item for one file's page. Each count is one grouped query, whatever the number of units and items; the
groups are then filtered with the one visibility rule (`can_see`, through `portal.comments.access`), so a
badge never counts a comment its reader could not open."""
from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, select

from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.assessments.models import Assessment
from portal.comments import access
from portal.comments.models import Comment, CommentRead
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.unitfile import domain as unitfile
from portal.years.models import AssessmentYear


class ItemCount(NamedTuple):
    total: int
    unread: int


def _fields_lookup(user, pairs):
    """fields(year_id, unit_id, unit_type) for a council member, from two queries for all units at once
    (the batch form of `effective_fields`, with the lead's pure `member_fields`)."""
    if access.role_of(user) != "council_member" or not pairs:
        return lambda year_id, unit_id, unit_type: frozenset()
    years = {y for y, _u in pairs}
    assigned = defaultdict(set)
    for year_id, code, kind in db.session.execute(select(
            CouncilAssignment.year_id, CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
            CouncilAssignment.user_id == user.id, CouncilAssignment.year_id.in_(years))):
        assigned[year_id].add((code, kind))
    overrides = defaultdict(dict)
    for o in db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id.in_(years))):
        overrides[(o.year_id, o.unit_id)][o.field_code] = o.user_id

    def fields(year_id, unit_id, unit_type):
        if unit_id == user.unit_id:
            return frozenset()  # never one's own agency
        return unitfile.member_fields(assigned[year_id], overrides[(year_id, unit_id)], user_id=user.id,
                                       unit_type=unit_type)
    return fields


def unread_counts(user, assessment_ids) -> dict[tuple[int, str | None], int]:
    """{(assessment_id, field_code): comments this person may see and has not opened} — one counting query."""
    ids = list(assessment_ids)
    if not ids or access.role_of(user) == "anonymous":
        return {}
    rows = db.session.execute(
        select(Comment.assessment_id, Assessment.unit_id, Assessment.year_id, Assessment.unit_type,
               AssessmentYear.phase, Criterion.kind, Criterion.field_code, Comment.visibility,
               func.count(Comment.id))
        .join(Assessment, Assessment.id == Comment.assessment_id)
        .join(AssessmentYear, AssessmentYear.id == Assessment.year_id)
        .join(Criterion, Criterion.id == Comment.criterion_id)
        .outerjoin(CommentRead, and_(CommentRead.comment_id == Comment.id, CommentRead.user_id == user.id))
        .where(Comment.assessment_id.in_(ids), CommentRead.id.is_(None), Comment.author_id != user.id)
        .group_by(Comment.assessment_id, Assessment.unit_id, Assessment.year_id, Assessment.unit_type,
                  AssessmentYear.phase, Criterion.kind, Criterion.field_code, Comment.visibility)).all()
    fields = _fields_lookup(user, {(r[2], r[1]) for r in rows})
    out: dict[tuple[int, str | None], int] = defaultdict(int)
    for aid, unit_id, year_id, unit_type, phase, kind, field_code, visibility, n in rows:
        rel = unitfile.relation(role=user.role, actor_unit_id=user.unit_id, unit_id=unit_id,
                                field_code=unitfile.field_of(kind, field_code),
                                assigned_fields=fields(year_id, unit_id, unit_type))
        if access.visible(rel, visibility, phase):
            out[(aid, field_code)] += n  # key: the criterion's field (None for bonus/deduction items)
    return dict(out)


def _counts_by_item_statements():
    """The badges' read, built once (every workspace page and save runs it): parameters file, viewer, and
    item (one item's only)."""
    unread = and_(CommentRead.id.is_(None), Comment.author_id != bindparam("viewer"))
    stmt = (select(Comment.criterion_id, Criterion.kind, Criterion.field_code, Comment.visibility,
                   func.count(Comment.id), func.sum(case((unread, 1), else_=0)))
            .join(Criterion, Criterion.id == Comment.criterion_id)
            .outerjoin(CommentRead, and_(CommentRead.comment_id == Comment.id,
                                         CommentRead.user_id == bindparam("viewer")))
            .where(Comment.assessment_id == bindparam("file")))
    by = (Comment.criterion_id, Criterion.kind, Criterion.field_code, Comment.visibility)
    return stmt.group_by(*by), stmt.where(Comment.criterion_id == bindparam("item")).group_by(*by)


_BY_ITEM, _OF_ITEM = _counts_by_item_statements()


def counts_by_item(assessment_id: int, viewer, phase: str, only: int | None = None) -> dict[int, ItemCount]:
    """{criterion_id: (visible comments, of which unread)} for the badges of one file's page; `only` (a
    criterion id): that item's alone."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or access.role_of(viewer) == "anonymous":
        return {}
    params = {"file": assessment_id, "viewer": viewer.id}
    rows = db.session.execute(_BY_ITEM if only is None else _OF_ITEM,
                              params if only is None else params | {"item": only}).all()
    fields = access.member_fields(viewer, assessment) if rows else frozenset()
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for criterion_id, kind, field_code, visibility, n, m in rows:
        rel = access.relation_for(viewer, assessment, unitfile.field_of(kind, field_code), fields)
        if access.visible(rel, visibility, phase):
            totals[criterion_id][0] += n
            totals[criterion_id][1] += int(m or 0)
    return {cid: ItemCount(t, u) for cid, (t, u) in totals.items()}
