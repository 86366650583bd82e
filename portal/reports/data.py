"""Số liệu báo cáo của một đơn vị — the queries behind a unit's two reports (self-assessment report and
appraisal result), in a constant number of queries whatever the size of the criteria set:
assessment + unit names, criteria, score entries of every stage, self-stage evidence links, sent comments
and explanations. The signer of the unit's own report is portal.units.signers' concern.

An empty column prints blank, never 0: a field, group or total with nothing entered at that stage, and a
bonus or deduction item the stage has no entry for, are EMPTY cells."""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.unitfile.entries import entries_by_stage
from portal.assessments.models import Assessment, Explanation
from portal.auth.models import User
from portal.comments.models import Comment
from portal.criteria.models import CriteriaSet, Criterion
from portal.evidence.models import EvidenceDocument, ItemEvidence
from portal.extensions import db
from portal.reports.scores import (
    EMPTY,
    STAGE_COLUMNS,
    Cell,
    SetTree,
    cell_of,
    column_entries,
    effective_entries,
    stage_evaluations,
)
from portal.units.models import Unit
from portal.years.models import AssessmentYear


@dataclass
class Row:
    """One line of an item table: a field, a group or a scored item, with a cell per column."""

    code: str
    title: str
    depth: int
    kind: str
    max_points: Decimal | None
    cells: dict[str, Cell]
    note: str = ""
    criterion_id: int | None = None

    @property
    def is_field(self) -> bool:
        return self.kind == "field"


@dataclass
class UnitReport:
    year: AssessmentYear
    assessment: Assessment
    unit: Unit
    unit_name: str
    cset: CriteriaSet
    rows: list[Row]
    fields: list[Row]
    adjustments: list[Row]
    totals: dict[str, Cell]
    survey_fields: list[Row]
    without_evidence: list[Row]
    comments: dict[int, list] = field(default_factory=dict)
    explanations: dict[int, Explanation] = field(default_factory=dict)
    adjust_totals: dict[str, dict[str, Cell]] = field(default_factory=dict)


def load_set_tree(set_id: int) -> SetTree:
    return SetTree(list(db.session.scalars(select(Criterion).where(Criterion.set_id == set_id))))


def _node_cell(evaluation, code: str) -> Cell:
    result = evaluation.nodes.get(code)
    if result is None or result.survey_excluded:
        return EMPTY
    if result.not_applicable:
        return Cell(None, True)
    return Cell(result.points) if result.scored_count else EMPTY


def _rows(tree: SetTree, by_item: dict, evals: dict) -> tuple[list[Row], list[Row], list[Row]]:
    """(all rows, field rows, survey-only field rows) in print order; survey subtrees are left out of the
    item table, since neither the unit nor the council scores them."""
    rows, fields, survey_fields = [], [], []
    skip_under: set[int] = set()
    for crit, depth in tree.walk():
        if crit.parent_id in skip_under or tree.is_survey_only(crit):
            skip_under.add(crit.id)
            if crit.kind == "field":
                survey_fields.append(Row(crit.code, crit.title, 0, "field", crit.max_points, {}))
            continue
        leaf = not tree.children[crit.id]
        if leaf:
            eff = effective_entries(by_item.get(crit.id, {}))
            cells = {col: cell_of(eff[col]) for col in STAGE_COLUMNS}
            note = (eff["self"].note if eff["self"] is not None else "") or ""
        else:
            cells = {col: _node_cell(evals[col], crit.code) for col in ("self", "round1", "final")}
            cells["round2"] = EMPTY
            note = ""
        row = Row(crit.code, crit.title, depth, crit.kind, crit.max_points, cells, note, crit.id)
        rows.append(row)
        if crit.kind == "field":
            fields.append(row)
    return rows, fields, survey_fields


def _adjustment_rows(tree: SetTree, evals: dict, entries: dict) -> list[Row]:
    """A row per bonus or deduction item; a column without an entry for it is blank."""
    def cell(col, crit):
        return _node_cell_of_adjustment(evals[col], crit.code) if crit.id in entries[col] else EMPTY
    return [Row(crit.code, crit.title, 0, crit.method or "adjustment", crit.max_points,
                {col: cell(col, crit) for col in ("self", "round1", "final")} | {"round2": EMPTY},
                criterion_id=crit.id)
            for crit in tree.adjustments]


def _node_cell_of_adjustment(evaluation, code: str) -> Cell:
    result = evaluation.nodes.get(code)
    return EMPTY if result is None else Cell(result.points)


def _totals(evals: dict, entries: dict) -> tuple[dict[str, Cell], dict[str, dict[str, Cell]]]:
    """(appraisal totals, {column: bonus, deductions, total}) — the bonus and deductions after the set's
    caps, and total = appraisal + bonus − deductions, as the results page counts them; blank for a
    column with nothing entered."""
    totals, adjust = {"round2": EMPTY}, {}
    for col in ("self", "round1", "final"):
        ev = evals[col]
        if not entries[col]:
            totals[col] = EMPTY
            adjust[col] = {"bonus": EMPTY, "deductions": EMPTY, "total": EMPTY}
            continue
        totals[col] = Cell(ev.appraisal_points)
        adjust[col] = {"bonus": Cell(ev.bonus), "deductions": Cell(ev.deductions),
                       "total": Cell(ev.appraisal_points + ev.bonus - ev.deductions)}
    return totals, adjust


def _evidence_items(assessment_id: int) -> set[int]:
    stmt = (select(ItemEvidence.criterion_id).join(EvidenceDocument, EvidenceDocument.id == ItemEvidence.document_id)
            .where(ItemEvidence.assessment_id == assessment_id, ItemEvidence.stage == "self",
                   EvidenceDocument.deleted_at.is_(None)))
    return set(db.session.scalars(stmt))


def sent_comments(assessment_id: int) -> dict[int, list[tuple[Comment, str]]]:
    """{criterion_id: [(comment, author name)]} of the council's comments SENT to the unit — never internal
    ones, nor the unit's own replies."""
    stmt = (select(Comment, User.full_name).join(User, User.id == Comment.author_id, isouter=True)
            .where(Comment.assessment_id == assessment_id, Comment.visibility == "unit",
                   Comment.sent_at.is_not(None), Comment.from_unit.is_(False))
            .order_by(Comment.criterion_id, Comment.sent_at, Comment.id))
    out: dict[int, list] = {}
    for comment, author in db.session.execute(stmt):
        out.setdefault(comment.criterion_id, []).append((comment, author or ""))
    return out


def load_assessment(assessment_id: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.id == assessment_id).options(
        selectinload(Assessment.unit).selectinload(Unit.names), selectinload(Assessment.criteria_set)))


def unit_report(assessment: Assessment, year: AssessmentYear) -> UnitReport:
    """Everything both per-unit reports print, in a constant number of queries."""
    tree = load_set_tree(assessment.criteria_set_id)
    by_item = entries_by_stage([assessment.id]).get(assessment.id, {})
    evals = stage_evaluations(tree, by_item, assessment.criteria_set, year.settings)
    rows, fields, survey_fields = _rows(tree, by_item, evals)
    with_evidence = _evidence_items(assessment.id)
    without = [r for r in rows if r.criterion_id is not None and not tree.children[r.criterion_id]
               and r.kind == "item" and r.criterion_id not in with_evidence
               and not r.cells["self"].not_applicable and (r.cells["self"].points or 0) > 0]
    explanations = {e.criterion_id: e for e in db.session.scalars(
        select(Explanation).where(Explanation.assessment_id == assessment.id))}
    entries = column_entries(by_item)
    totals, adjust_totals = _totals(evals, entries)
    return UnitReport(year=year, assessment=assessment, unit=assessment.unit,
                      unit_name=assessment.unit.name_in(year.id), cset=assessment.criteria_set, rows=rows,
                      fields=fields, adjustments=_adjustment_rows(tree, evals, entries), totals=totals,
                      survey_fields=survey_fields, without_evidence=without,
                      comments=sent_comments(assessment.id), explanations=explanations,
                      adjust_totals=adjust_totals)
