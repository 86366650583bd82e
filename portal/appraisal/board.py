"""Bảng theo dõi thẩm định — the council board: units × the fields the council appraises, each cell with
its status (chưa thẩm định / đang thẩm định / đã xong), the items appraised and the unread comments, plus
counts per status and per unit; filterable by unit type. A member sees only the units and fields it
appraises (never its own agency); the chair and the admin see every field. A constant number of queries
whatever the number of units and items."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.appraisal.domain import council_scored, field_status
from portal.appraisal.models import FieldReview
from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.text import fold_key
from portal.unitfile.domain import ADJUSTMENTS, field_of
from portal.unitfile.readers import viewer_fields
from portal.units.models import Unit
from portal.units.types import sort_key
from portal.web.listing import matches

STATUSES = ("chua", "dang", "xong")
#: The board's row filter: the viewer's work left or done, or the unit's file status.
ROW_FILTERS = ("todo", "done", "draft", "submitted", "review_1_done", "explanation_submitted", "finalized")


@dataclass
class Cell:
    field_code: str
    appraised: int
    total: int
    status: str          # chua | dang | xong ("" where the set has no such field)
    mine: bool           # the viewer appraises this field of this unit
    unread: int = 0      # comments of the field the viewer may read and has not opened
    nothing_explained: bool = False   # round 2: the unit explained nothing here, so the field is done

    @property
    def applies(self) -> bool:
        return self.total > 0 or self.nothing_explained


@dataclass
class Row:
    assessment: Assessment
    unit_name: str
    cells: list[Cell]

    @property
    def done_fields(self) -> int:
        return sum(1 for c in self.cells if c.applies and c.status == "xong")

    @property
    def fields(self) -> int:
        return sum(1 for c in self.cells if c.applies)

    @property
    def decided(self) -> int:
        """Items with a decision (a score entered or the agreement with the self-score) in the viewer's cells."""
        return sum(c.appraised for c in self.cells if c.mine)

    @property
    def items(self) -> int:
        return sum(c.total for c in self.cells if c.mine)

    @property
    def all_done(self) -> bool:
        return self.fields > 0 and self.done_fields == self.fields


@dataclass
class Board:
    codes: list[str]
    rows: list[Row]
    round_no: int
    unit_type: str | None
    counts: dict = field(default_factory=dict)          # status → cells the viewer appraises
    column_done: dict = field(default_factory=dict)     # field → units done (among the viewer's cells)
    units_done: int = 0

    @property
    def cells_total(self) -> int:
        return sum(self.counts.values())


def _ordered_codes(fields_of_set: dict) -> list[str]:
    codes, seen = [], set()
    for positions in fields_of_set.values():
        for _pos, code in sorted(positions):
            if code not in seen:
                seen.add(code)
                codes.append(code)
    plain = sorted((c for c in codes if c != ADJUSTMENTS), key=lambda c: (len(c), c))
    return plain + ([ADJUSTMENTS] if ADJUSTMENTS in seen else [])


def build(year, user, *, unit_type: str | None, round_no: int) -> Board:
    stmt = select(Assessment).where(Assessment.year_id == year.id).options(
        selectinload(Assessment.unit).selectinload(Unit.names))
    assessments = list(db.session.scalars(stmt))
    if unit_type:
        assessments = [a for a in assessments if a.unit_type == unit_type]
    set_ids = {a.criteria_set_id for a in assessments}
    totals = defaultdict(int)     # (set_id, field) → items the council scores
    fields_of_set = defaultdict(list)
    field_position = {}
    field_of_item = {}            # criterion id → its appraisal field (items the council scores)
    for crit in db.session.scalars(select(Criterion).where(Criterion.set_id.in_(set_ids))):
        if crit.kind == "field":
            field_position[(crit.set_id, crit.code)] = crit.position
        elif council_scored(crit.kind, crit.method):
            code = field_of(crit.kind, crit.field_code)
            totals[(crit.set_id, code)] += 1
            field_of_item[crit.id] = code
    for (set_id, code), _n in totals.items():
        fields_of_set[set_id].append((field_position.get((set_id, code), 10_000), code))
    ids = [a.id for a in assessments]
    stage = f"round{round_no}"
    counts = Counter()
    for aid, kind, code, n in db.session.execute(
            select(ScoreEntry.assessment_id, Criterion.kind, Criterion.field_code, func.count())
            .join(Criterion, Criterion.id == ScoreEntry.criterion_id)
            .where(ScoreEntry.assessment_id.in_(ids), ScoreEntry.stage == stage)
            .group_by(ScoreEntry.assessment_id, Criterion.kind, Criterion.field_code)):
        counts[(aid, field_of(kind, code))] += n
    # two columns, not ORM rows: a year of 117 units done has about a thousand field reviews
    done = {(aid, code) for aid, code in db.session.execute(select(FieldReview.assessment_id, FieldReview.field_code)
                                                            .where(FieldReview.assessment_id.in_(ids),
                                                                   FieldReview.round == round_no))}
    from portal.comments.counts import unread_counts  # the comments module counts what a reader may open
    unread = unread_counts(user, ids)
    codes = _ordered_codes(fields_of_set)
    fields_for = viewer_fields(year, user)
    # Round 2 re-appraises only what the unit explained: the count per file and field (0 = done by itself).
    explained = _explained_counts(ids, field_of_item) if round_no == 2 else None
    rows = []
    by_type = sort_key(year)
    for a in sorted(assessments, key=lambda a: (by_type(a.unit_type), fold_key(a.unit.name_in(year.id)))):
        mine = fields_for(a)
        cells = []
        for code in codes:
            total = totals.get((a.criteria_set_id, code), 0)
            appraised = counts.get((a.id, code), 0)
            status = field_status(appraised=appraised, total=total, done=(a.id, code) in done) if total else ""
            in_set = total > 0
            if explained is not None and in_set:
                total = explained.get((a.id, code), 0)
                status = "xong" if total == 0 else field_status(appraised=appraised, total=total,
                                                                 done=(a.id, code) in done)
            is_mine = in_set and ("*" in mine or code in mine)
            cells.append(Cell(code, appraised, total, status, is_mine,
                              unread.get((a.id, None if code == ADJUSTMENTS else code), 0) if is_mine else 0,
                              nothing_explained=in_set and total == 0))
        rows.append(Row(a, a.unit.name_in(year.id), cells))
    if user.role == "council_member":
        rows = [r for r in rows if any(c.mine for c in r.cells)]
    board = Board(codes, rows, round_no, unit_type)
    board.counts = {status: sum(1 for r in rows for c in r.cells if c.mine and c.status == status)
                    for status in STATUSES}
    board.column_done = {code: sum(1 for r in rows for c in r.cells if c.field_code == code and c.mine
                                   and c.status == "xong") for code in codes}
    board.units_done = sum(1 for r in rows if r.all_done)
    return board


def filter_rows(rows: list[Row], *, status: str | None, words: list[str]) -> list[Row]:
    """The board's rows with `status` (ROW_FILTERS; all when None) whose unit matches the search."""

    def keep(row: Row) -> bool:
        if status == "todo":
            return any(c.mine and c.applies and c.status != "xong" for c in row.cells)
        if status == "done":
            return all(c.status == "xong" for c in row.cells if c.mine and c.applies)
        return status is None or row.assessment.status == status
    return [r for r in rows if keep(r) and matches(words, r.unit_name, r.assessment.unit.code)]


def _explained_counts(assessment_ids, field_of_item) -> Counter:
    """(assessment id, field) → the items of round 2 (explained by the unit) the council scores."""
    from portal.appraisal.round2 import explained_by_assessment
    out = Counter()
    for aid, items in explained_by_assessment(assessment_ids).items():
        for cid in items:
            if cid in field_of_item:
                out[(aid, field_of_item[cid])] += 1
    return out

