"""Số liệu tiến độ — the numbers of the admin's progress board per unit file: items self-scored out of the
items the unit scores, scored items without evidence (the workspace's own definitions), in three queries
whatever the number of units (four with the files); plus the board's status filter and its pages of 100 rows."""
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from portal.assessments.domain import UNIT_METHODS
from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.evidence.models import ItemEvidence
from portal.extensions import db
from portal.web.listing import matches
from portal.years.domain import UnitStatus

#: Rows of the progress board per page (the commune-level year has 102 communes).
PAGE_SIZE = 100
#: The file statuses the board filters on ("none": the unit has no file this year).
STATUSES = ("none", *UnitStatus)


@dataclass
class Numbers:
    scored: int
    total: int
    without_evidence: int


def numbers(year) -> dict[int, Numbers]:
    """{unit id: Numbers} for every file of the year, counted as the unit's workspace counts: items (not
    bonus/deduction) the unit scores; scored = a value or N/A; without evidence = scored above zero with no
    document attached at self-assessment."""
    files = {row.id: row for row in db.session.execute(
        select(Assessment.id, Assessment.unit_id, Assessment.criteria_set_id).where(Assessment.year_id == year.id))}
    if not files:
        return {}
    set_ids = {a.criteria_set_id for a in files.values()}
    totals = dict(db.session.execute(
        select(Criterion.set_id, func.count()).where(Criterion.set_id.in_(set_ids), Criterion.kind == "item",
                                                     Criterion.method.in_(UNIT_METHODS))
        .group_by(Criterion.set_id)).all())
    scored, positive = Counter(), {}
    for aid, cid, points, na in db.session.execute(
            select(ScoreEntry.assessment_id, ScoreEntry.criterion_id, ScoreEntry.points, ScoreEntry.not_applicable)
            .join(Criterion, Criterion.id == ScoreEntry.criterion_id)
            .where(ScoreEntry.assessment_id.in_(list(files)), ScoreEntry.stage == "self", Criterion.kind == "item",
                   Criterion.method.in_(UNIT_METHODS), or_(ScoreEntry.points.is_not(None), ScoreEntry.not_applicable))):
        scored[aid] += 1
        if not na and points:
            positive.setdefault(aid, set()).add(cid)
    evidenced = {(aid, cid) for aid, cid in db.session.execute(
        select(ItemEvidence.assessment_id, ItemEvidence.criterion_id).where(
            ItemEvidence.assessment_id.in_(list(files)), ItemEvidence.stage == "self"))}
    return {a.unit_id: Numbers(scored[aid], totals.get(a.criteria_set_id, 0),
                               sum(1 for cid in positive.get(aid, ()) if (aid, cid) not in evidenced))
            for aid, a in files.items()}


def status_of(row) -> str:
    """The filter value of a board row: its file's status, or "none"."""
    return row.status or "none"


def filter_and_page(rows, *, status: str | None, page_arg: str, words=()) -> tuple[list, int, int, int]:
    """(rows of the page, page, pages, rows after the filter) for the status filter, the search (folded
    words, portal.web.listing) and ?page=."""
    chosen = [r for r in rows if (status is None or status_of(r) == status) and matches(list(words), r.name, r.unit.code)]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(int(page_arg) if page_arg.isdigit() else 1, 1), pages)
    return chosen[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page, pages, len(chosen)
