"""Bảng theo dõi thẩm định — the council board: units × fields with status and counts, in a constant number
of queries whatever the number of units and items."""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.appraisal.domain import field_status, member_fields
from portal.appraisal.models import AppraisalOverride, CouncilAssignment, FieldReview
from portal.appraisal.rounds import COUNCIL_METHODS
from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.extensions import db


@dataclass
class Cell:
    field_code: str
    appraised: int
    total: int
    status: str          # chua | dang | xong
    mine: bool           # the viewer appraises this field of this unit


@dataclass
class Row:
    assessment: Assessment
    unit_name: str
    cells: list[Cell]


def board(year, user, *, unit_type: str | None, round_no: int) -> tuple[list[str], list[Row]]:
    assessments = list(db.session.scalars(select(Assessment).where(Assessment.year_id == year.id)))
    if unit_type:
        assessments = [a for a in assessments if a.unit.unit_type == unit_type]
    set_ids = {a.criteria_set_id for a in assessments}
    totals = defaultdict(int)     # (set_id, field) → items the council scores
    fields_of_set = defaultdict(list)
    for crit in db.session.scalars(select(Criterion).where(Criterion.set_id.in_(set_ids))):
        if crit.kind == "field":
            fields_of_set[crit.set_id].append((crit.position, crit.code))
        elif crit.kind == "item" and crit.method in COUNCIL_METHODS:
            totals[(crit.set_id, crit.field_code)] += 1
    stage = f"round{round_no}"
    counts = dict(((aid, code), n) for aid, code, n in db.session.execute(
        select(ScoreEntry.assessment_id, Criterion.field_code, func.count())
        .join(Criterion, Criterion.id == ScoreEntry.criterion_id)
        .where(ScoreEntry.assessment_id.in_([a.id for a in assessments]), ScoreEntry.stage == stage)
        .group_by(ScoreEntry.assessment_id, Criterion.field_code)))
    done = {(r.assessment_id, r.field_code) for r in db.session.scalars(select(FieldReview).where(
        FieldReview.assessment_id.in_([a.id for a in assessments]), FieldReview.round == round_no))}
    field_codes = sorted({code for fl in fields_of_set.values() for _p, code in fl},
                         key=lambda c: (len(c), c))
    rows = []
    fields_for = viewer_fields(year, user)
    for a in sorted(assessments, key=lambda a: (a.unit.unit_type, a.unit.name_key)):
        mine = fields_for(a)
        cells = []
        for code in field_codes:
            total = totals.get((a.criteria_set_id, code), 0)
            appraised = counts.get((a.id, code), 0)
            cells.append(Cell(code, appraised, total,
                              field_status(appraised=appraised, total=total, done=(a.id, code) in done),
                              "*" in mine or code in mine))
        rows.append(Row(a, a.unit.name_in(year.id), cells))
    if user.role == "council_member":
        rows = [r for r in rows if any(c.mine for c in r.cells)]
    return field_codes, rows


def viewer_fields(year, user):
    """A function giving, for an assessment, the fields the viewer appraises (two queries in all)."""
    if user.role == "admin":
        return lambda a: frozenset({"*"})
    if user.role == "council_chair":
        return lambda a: frozenset() if a.unit_id == user.unit_id else frozenset({"*"})
    assigned = {(code, kind) for code, kind in db.session.execute(
        select(CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
            CouncilAssignment.year_id == year.id, CouncilAssignment.user_id == user.id))}
    overrides = defaultdict(dict)   # unit_id → field → user_id
    for o in db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id == year.id)):
        overrides[o.unit_id][o.field_code] = o.user_id

    def fields(a) -> frozenset[str]:
        if a.unit_id == user.unit_id:
            return frozenset()      # never one's own agency
        return member_fields(assigned, overrides[a.unit_id], user_id=user.id, unit_type=a.unit.unit_type)
    return fields
