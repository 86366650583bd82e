"""Sửa tiêu chí an toàn — the database side of :mod:`portal.criteria.breakage`: read the saved scores of
items, tell which units and items an edit, a deletion or an import would break, and apply the migration
the admin confirmed (each repaired score audited, in the request's one transaction).

The score tables belong to higher areas (assessments, results) that build on criteria; like
:func:`portal.criteria.services.referencing_count`, this module reaches them through the shared metadata
instead of importing those packages."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from portal.audit.services import record
from portal.criteria.breakage import Break, Saved, Shape, breaks, finalized_in, migrations_for, repairs
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit


def _table(name: str):
    return db.metadata.tables[name]


class ChangeBreaksScores(Exception):
    """An edit of an item would break saved scores: the breaks, the migrations that could repair them,
    and the breaks inside finalised files (which no migration may touch)."""

    def __init__(self, code: str, found: list[Break], options: list[str], closed: list[Break]):
        super().__init__(f"change of {code} breaks {len(found)} saved scores")
        self.code, self.found, self.options, self.closed = code, found, options, closed


def shape_of(node) -> Shape:
    """The scoring shape of a Criterion row or of the resolved values of an edit (a dict)."""
    get = node.get if isinstance(node, dict) else lambda key: getattr(node, key)
    return Shape(get("method"), dict(get("config") or {}), get("max_points"), bool(get("na_allowed")))


def saved_scores(criterion_ids) -> dict[int, list[Saved]]:
    """{criterion id: its saved scores}, every stage and the survey scores, with the unit's name."""
    ids = list(criterion_ids)
    out: dict[int, list[Saved]] = defaultdict(list)
    if not ids:
        return out
    entry, assessment, survey = _table("score_entry"), _table("assessment"), _table("survey_score")
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    rows = db.session.execute(
        select(entry, assessment.c.status, assessment.c.year_id, assessment.c.unit_id)
        .join(assessment, assessment.c.id == entry.c.assessment_id)
        .where(entry.c.criterion_id.in_(ids)).order_by(entry.c.id)).all()
    for row in rows:
        out[row.criterion_id].append(Saved(
            ("score_entry", row.id), units[row.unit_id].name_in(row.year_id), row.stage, row.points,
            dict(row.inputs or {}), bool(row.not_applicable), row.status == "finalized"))
    for row in db.session.execute(select(survey).where(survey.c.criterion_id.in_(ids)).order_by(survey.c.id)):
        out[row.criterion_id].append(Saved(("survey_score", row.id), units[row.unit_id].name_in(row.year_id),
                                           "survey", row.points))
    return out


def check_change(node: Criterion, new: dict, migration: str | None, *, actor) -> None:
    """Raise ChangeBreaksScores when `new` would break saved scores of `node` and no usable migration was
    confirmed; with one, repair the scores (before the node changes, so every check sees one state)."""
    found = breaks(shape_of(node), shape_of(new), saved_scores([node.id]).get(node.id, []))
    if not found:
        return
    options, closed = migrations_for(shape_of(new), found), finalized_in(found)
    if migration not in options or closed:
        raise ChangeBreaksScores(node.code, found, options, closed)
    apply_repairs(node, shape_of(new), found, migration, actor=actor)


def apply_repairs(node: Criterion, new: Shape, found: list[Break], how: str, *, actor) -> None:
    """Write migration `how` for every broken score, one audit row each (old values → new)."""
    now, year_id = utcnow(), node.criteria_set.year_id
    entry, assessment, survey = _table("score_entry"), _table("assessment"), _table("survey_score")
    for repair in repairs(new, found, how):
        kind, ref_id = repair.ref
        table = entry if kind == "score_entry" else survey
        row = db.session.execute(select(table).where(table.c.id == ref_id)).one()
        if kind == "score_entry":
            old = {"points": row.points, "inputs": row.inputs, "not_applicable": row.not_applicable}
            unit_id = db.session.scalar(select(assessment.c.unit_id).where(assessment.c.id == row.assessment_id))
        else:
            old, unit_id = {"points": row.points}, row.unit_id
        if repair.delete:
            db.session.execute(delete(table).where(table.c.id == ref_id))
            values = None
        else:
            values = {"points": repair.points, "updated_by_id": getattr(actor, "id", None), "updated_at": now}
            if kind == "score_entry":
                values |= {"inputs": dict(repair.inputs or {}), "version": row.version + 1}
            db.session.execute(update(table).where(table.c.id == ref_id).values(**values))
        record("criteria_score_migrate", kind, ref_id, actor=actor, unit_id=unit_id, year_id=year_id, old=old,
               new={"criterion": node.code, "migration": how,
                    "values": None if values is None else {k: values[k] for k in ("points", "inputs") if k in values}})
    db.session.flush()
    db.session.expire_all()  # the ORM copies of the rows written above are stale


@dataclass(frozen=True)
class Affected:
    """A unit and the codes of its items that hold saved scores (for a refusal that names them)."""

    unit: str
    codes: tuple[str, ...]


def affected_units(rows) -> list[Affected]:
    """Which units have saved scores (or N/A marks) on these criteria rows, and on which items."""
    code_of = {r.id: r.code for r in rows}
    by_unit: dict[str, list[str]] = defaultdict(list)
    for criterion_id, scores in saved_scores(code_of).items():
        for score in scores:
            if code_of[criterion_id] not in by_unit[score.unit]:
                by_unit[score.unit].append(code_of[criterion_id])
    return [Affected(unit, tuple(codes)) for unit, codes in sorted(by_unit.items())]
