"""Điểm điều tra XHH — use cases of the survey scores: check an uploaded file against the year, save it
(replacing the previous import, which is kept as superseded), correct one unit by hand, and build the
XLSX template. Parsing and checking are pure (survey_parse.py, survey_check.py); every save is audited.
"""
from decimal import Decimal

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import selectinload

from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.results.correcting import can_edit_unit_survey
from portal.results.corrections import correcting_unit_ids
from portal.results.models import SurveyImport, SurveyScore
from portal.results.services import sets_of
from portal.results.survey_check import Catalogue, SurveyCheck, SurveyItem, UnitRef, check_rows
from portal.results.survey_parse import Problem, build_template, read_table
from portal.units.models import Unit
from portal.units.types import sort_key, year_types
from portal.policy.actors import actor_for
from portal.policy.refusals import check
from portal.years.domain import can_import_survey


class YearUnit:
    """A unit as it takes part in one year: the unit's own attributes, with `unit_type` its type that year."""

    __slots__ = ("unit", "unit_type")

    def __init__(self, unit: Unit, unit_type: str):
        self.unit, self.unit_type = unit, unit_type

    def __getattr__(self, name):
        return getattr(self.unit, name)


def year_units(year) -> list[YearUnit]:
    """The units assessed in the year (those with an assessment file), by the year's order of types, then
    by code."""
    rows = db.session.execute(select(Unit, Assessment.unit_type).join(Assessment, Assessment.unit_id == Unit.id)
                              .where(Assessment.year_id == year.id).options(selectinload(Unit.names))).all()
    by_type = sort_key(year)
    return sorted((YearUnit(unit, kind) for unit, kind in rows), key=lambda u: (by_type(u.unit_type), u.code))


def survey_criteria(year) -> dict[str, list[Criterion]]:
    """{unit_type: survey items (method "survey" leaves) of the year's set, in tree order}."""
    out: dict[str, list[Criterion]] = {}
    for cset in sets_of(year):
        rows = list(db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id)))
        parents = {r.parent_id for r in rows}
        leaves = [r for r in rows if r.method == "survey" and r.kind == "item" and r.id not in parents]
        position = _tree_positions(rows)
        out[cset.unit_type] = sorted(leaves, key=lambda r: position[r.id])
    return out


def _tree_positions(rows) -> dict[int, tuple]:
    by_id = {r.id: r for r in rows}

    def path(row) -> tuple:
        chain = []
        while row is not None:
            chain.append((row.position, row.id))
            row = by_id.get(row.parent_id)
        return tuple(reversed(chain))
    return {r.id: path(r) for r in rows}


def catalogue(year) -> Catalogue:
    items = {unit_type: [SurveyItem(c.code, c.title, c.max_points, c.field_code or "") for c in rows]
             for unit_type, rows in survey_criteria(year).items()}
    units = [UnitRef(u.code, u.name_in(year.id), u.unit_type) for u in year_units(year)]
    return Catalogue(units, items)


def check_file(year, data: bytes) -> SurveyCheck:
    """Read and check an uploaded file; nothing is written."""
    rows, problems = read_table(data)
    if problems:
        return SurveyCheck([], problems, [])
    return check_rows(rows, catalogue(year))


def _problem_dict(problem: Problem) -> dict:
    return {"code": problem.code, "row": problem.row, "params": {k: str(v) for k, v in problem.params.items()}}


def save_import(year, result: SurveyCheck, *, filename: str, user, now) -> SurveyImport:
    """Lưu điểm điều tra: replace the year's survey scores by the checked file's; audited."""
    check(can_import_survey(actor_for(user, year), phase=year.phase), phase=year.phase)
    if not result.ok:
        raise ValueError("only a file without errors can be saved")
    units = {u.code: u for u in year_units(year)}
    criteria = {t: {c.code: c for c in rows} for t, rows in survey_criteria(year).items()}
    previous = list(db.session.scalars(select(SurveyImport).where(
        SurveyImport.year_id == year.id, SurveyImport.superseded_at.is_(None))))
    for old in previous:
        old.superseded_at = now
    replaced = db.session.execute(delete(SurveyScore).where(SurveyScore.year_id == year.id)).rowcount
    mapping = {code: [{"item": s.item_code, "points": str(s.points), "row": s.row, "field": s.from_field}
                      for s in scores] for code, scores in result.by_unit().items()}
    row = SurveyImport(year_id=year.id, filename=filename[:255], created_by_id=user.id, created_at=now,
                       report={"units": mapping, "warnings": [_problem_dict(w) for w in result.warnings],
                               "scores": len(result.scores)})
    db.session.add(row)
    db.session.flush()
    for score in result.scores:
        unit = units[score.unit_code]
        crit = criteria[unit.unit_type][score.item_code]
        db.session.add(SurveyScore(year_id=year.id, unit_id=unit.id, criterion_id=crit.id, points=score.points,
                                   import_id=row.id, updated_by_id=user.id, updated_at=now))
    db.session.flush()
    record("survey_import", "survey_import", row.id, actor=user, year_id=year.id,
           old={"imports": [p.id for p in previous], "scores": replaced},
           new={"filename": row.filename, "scores": len(result.scores), "units": len(mapping)})
    return row


def current_import(year) -> SurveyImport | None:
    return db.session.scalar(select(SurveyImport).where(
        SurveyImport.year_id == year.id, SurveyImport.superseded_at.is_(None))
        .order_by(SurveyImport.id.desc()).limit(1))


def imports(year) -> list[SurveyImport]:
    return list(db.session.scalars(select(SurveyImport).where(SurveyImport.year_id == year.id)
                                   .order_by(SurveyImport.id.desc())))


def unit_scores(year, unit) -> dict[int, Decimal]:
    """{criterion_id: points} of one unit's survey scores."""
    return dict(db.session.execute(select(SurveyScore.criterion_id, SurveyScore.points).where(
        SurveyScore.year_id == year.id, SurveyScore.unit_id == unit.id)).all())


def unit_counts(year) -> tuple[int, int]:
    """(units assessed in the year, units with at least one survey score): two counts, no rows."""
    total = db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.year_id == year.id))
    with_survey = db.session.scalar(select(func.count(distinct(SurveyScore.unit_id)))
                                    .where(SurveyScore.year_id == year.id))
    return total or 0, with_survey or 0


def scores_by_unit(year) -> dict[int, int]:
    """{unit_id: number of survey items with points}."""
    out: dict[int, int] = {}
    for unit_id in db.session.scalars(select(SurveyScore.unit_id).where(SurveyScore.year_id == year.id)):
        out[unit_id] = out.get(unit_id, 0) + 1
    return out


def unit_survey_decision(year, unit, user):
    """May `user` type this unit's survey points now (synthesis; once published, a unit of the open
    correction only: results/correcting.can_edit_unit_survey)?"""
    return can_edit_unit_survey(actor_for(user, year), phase=year.phase,
                                in_open_correction=unit.id in correcting_unit_ids(year))


def set_unit_scores(year, unit, values: dict[int, Decimal | None], *, user, now) -> bool:
    """Sửa điểm điều tra của một đơn vị: `values` maps each survey item's id to its points (None removes
    them). Values were checked against each item's maximum by the caller's domain check. Audited; returns
    whether anything changed. Once published, only for a unit of the open correction."""
    check(unit_survey_decision(year, unit, user), phase=year.phase)
    rows = {r.criterion_id: r for r in db.session.scalars(select(SurveyScore).where(
        SurveyScore.year_id == year.id, SurveyScore.unit_id == unit.id))}
    codes = dict(db.session.execute(select(Criterion.id, Criterion.code).where(
        Criterion.id.in_(list(values)))).all())
    old, new = {}, {}
    for cid, points in values.items():
        row = rows.get(cid)
        before = row.points if row is not None else None
        if before == points:
            continue
        old[codes[cid]], new[codes[cid]] = before, points
        if points is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(SurveyScore(year_id=year.id, unit_id=unit.id, criterion_id=cid, points=points,
                                       updated_by_id=user.id, updated_at=now))
        else:
            row.points, row.updated_by_id, row.updated_at, row.import_id = points, user.id, now, None
    if not new:
        return False
    db.session.flush()
    record("survey_score_edit", "unit", unit.id, actor=user, unit_id=unit.id, year_id=year.id, old=old, new=new)
    return True


def template_bytes(year) -> bytes:
    """Tệp mẫu điều tra XHH: every unit of the year with its type's survey items."""
    items = survey_criteria(year)
    units = [(u.code, u.name_in(year.id), u.unit_type) for u in year_units(year)]
    return build_template(units, items, {t.code: t.label() for t in year_types(year)})
