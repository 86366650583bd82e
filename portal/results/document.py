"""Bảng kết quả — the stored results of a year as one JSON-ready document.

The same shape serves the secretariat's live pages (read from UnitResult) and, frozen, an approval's
snapshot (what the public page and the units see). Decimals are strings; templates format them.

    {"year": 2022, "year_id": 1, "title": ..., "computed_at": iso, "bands": [{key, label, min_pct}],
     "types": [{"unit_type": code, "type": {code, name, name_en, short_label, heading, committee,
                                             reward_top, reward_bottom},
                "fields": [{code, title}],
                "rewards": {"top": 5, "tie_at_edge": false, "unit_ids": [...]},
                "bottom": {"count": 10, "tie_at_edge": false, "unit_ids": [...]},
                "units": [{unit_id, code, name, rank, tied, index, band, band_label, appraisal_points,
                           survey_points, bonus, deductions, applicable_max, survey_available, reward,
                           fields: {code: {index, points, max, band, self, appraised, gap, ...}},
                           gaps: [...], prev_index, prev_rank, index_change, rank_change,
                           lineage: None | {kind, comparable, from_year, basis, predecessors: [...]}}]}]}

A unit that records predecessors (portal.results.lineage) compares with its predecessor when renamed,
and otherwise carries no change at all: its predecessors' published results travel in "lineage".
"""
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select, type_coerce
from sqlalchemy.types import NullType
from sqlalchemy.orm import selectinload

from portal.assessments.models import Assessment
from portal.db import Points
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.results.domain import change_direction, index_change, rank_change
from portal.results.lineage import lineage_entries
from portal.results.models import Approval, UnitResult
from portal.results.services import approved, current_approval, sets_of, settings_of
from portal.results.snapshots import ranking_snapshot
from portal.scoring import RankedUnit, band_for, propose_bottom, propose_rewards
from portal.units.models import Unit, UnitName
from portal.units.types import type_snapshot, year_types
from portal.years.models import AssessmentYear

PUBLIC_PHASES = ("published", "archived")


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _str(value) -> str | None:
    return None if value is None else str(value)


def published_approval(year) -> Approval | None:
    """The approval whose snapshot is public: the decision in force while the year is published or archived.

    The year can only reach "published" with a decision in force (the years domain's transition rule), by
    the publish button here or by the year page's phase move; either way that decision is what is public.
    A year moved back hides its results again, and a recomputation supersedes the decision for good."""
    if year is None or year.phase not in PUBLIC_PHASES:
        return None
    return current_approval(year)


def shown_document(year) -> dict:
    """The results the secretariat's screens and the year-wide reports show: once a decision is in force
    (approval phase and later), its frozen snapshot — figures, names, bands as approved; before, the live
    results (results_document)."""
    approval = current_approval(year) if approved(year) else None
    return approval.snapshot if approval is not None else results_document(year)


def previous_results(year) -> dict[str, dict]:
    """{unit code: unit entry} of the previous year's published snapshot (empty when there is none)."""
    previous = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == year.year - 1))
    approval = published_approval(previous) if previous is not None else None
    if approval is None:
        return {}
    return {u["code"]: u for t in ranking_snapshot(approval).get("types", []) for u in t.get("units", [])}


def _fields(cset) -> list[dict]:
    rows = db.session.scalars(select(Criterion).where(
        Criterion.set_id == cset.id, Criterion.parent_id.is_(None), Criterion.kind == "field")
        .order_by(Criterion.position, Criterion.id))
    return [{"code": c.code, "title": c.title} for c in rows]


def _before(unit: Unit, previous: dict, lineage: dict | None) -> dict:
    """The result this unit compares with: its own last year's by code; a renamed unit's predecessor's;
    nothing for a unit that is not comparable."""
    if lineage is None:
        return previous.get(unit.code, {})
    if not lineage["comparable"]:
        return {}
    return lineage["predecessors"][0]


class RankedRow(NamedTuple):
    """The columns of a UnitResult the ranking table shows, read as one tuple per unit (no ORM object, no
    JSON document): the shape `unit_entry` reads, with empty field indexes and gaps."""

    unit_id: int
    appraisal_points: Decimal
    survey_points: Decimal
    bonus: Decimal
    deductions: Decimal
    applicable_max: Decimal
    index: Decimal | None
    band: str | None
    rank: int | None
    computed_at: datetime
    tied: bool | None
    survey_available: bool | None
    code: str
    name: str
    unit_type: str

    @property
    def field_indexes(self) -> dict:
        return {}

    @property
    def details(self) -> dict:
        return {"tied": self.tied, "survey_available": self.survey_available}


def unit_name():
    """The name a unit carries in the year of the results row (its year name, else its own)."""
    return func.coalesce(UnitName.name, Unit.name)


def ranking_select(year, *columns):
    """The SELECT of `ranked_rows` (or of the given columns): plain columns of the year's results, the tie
    flag and survey availability read from the details in SQL, the name the unit carries in the year, the
    unit's type (filter, order and limit it to read some units only)."""
    if not columns:
        details = UnitResult.details
        points = [type_coerce(column, NullType()) for column in (
            UnitResult.appraisal_points, UnitResult.survey_points, UnitResult.bonus, UnitResult.deductions,
            UnitResult.applicable_max, UnitResult.index)]
        columns = (UnitResult.unit_id, *points, UnitResult.band, UnitResult.rank, details["tied"].as_boolean(),
                   details["survey_available"].as_boolean(), Unit.code, unit_name(), Assessment.unit_type)
    return (select(*columns)
            .select_from(UnitResult)
            .join(Unit, Unit.id == UnitResult.unit_id)
            .join(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year_id == UnitResult.year_id))
            .outerjoin(UnitName, (UnitName.unit_id == Unit.id) & (UnitName.year_id == UnitResult.year_id))
            .where(UnitResult.year_id == year.id))


def computed_at(year) -> datetime | None:
    """When the year's results were last computed (the latest of its units' times)."""
    return db.session.scalar(select(func.max(UnitResult.computed_at)).where(UnitResult.year_id == year.id))


def ranked_rows(statement, when: datetime | None) -> list[RankedRow]:
    """The rows of `ranking_select` (as narrowed) as RankedRow tuples. Points are read raw and converted as
    the Points column type does, once per distinct value; `when` is the time of the computation."""
    decimals: dict = {None: None}
    convert = Points().process_result_value

    def number(raw):
        value = decimals.get(raw, decimals)
        if value is decimals:
            value = decimals[raw] = convert(raw, None)
        return value

    return [RankedRow(uid, number(a), number(s), number(b), number(d), number(m), number(i), band, rank,
                    when, tied, survey, code, name, unit_type)
            for uid, a, s, b, d, m, i, band, rank, tied, survey, code, name, unit_type
            in db.session.execute(statement)]


def _ranking_rows(year) -> list[tuple]:
    """(result, unit, unit type) per unit for the ranking table: one query of plain columns; the time of the
    computation is read once, as its maximum."""
    when = computed_at(year)
    if when is None:  # nothing computed
        return []
    return [(ranked, ranked, ranked.unit_type) for ranked in ranked_rows(ranking_select(year), when)]


def unit_entry(result: UnitResult, unit: Unit, year, bands, labels, previous, lineage=None) -> dict:
    fields = {}
    for code, data in (result.field_indexes or {}).items():
        band = band_for(_dec(data.get("index")), bands)
        fields[code] = dict(data, band=band.key if band else None, gap_dir=change_direction(_dec(data.get("gap"))))
    details = result.details or {}
    before = _before(unit, previous, lineage)
    prev_index, prev_rank = _dec(before.get("index")), before.get("rank")
    change = index_change(prev_index, result.index)
    return {
        "unit_id": result.unit_id, "code": unit.code, "name": _name(unit, year), "rank": result.rank,
        "tied": bool(details.get("tied")), "index": _str(result.index), "band": result.band,
        "band_label": labels.get(result.band), "appraisal_points": str(result.appraisal_points),
        "survey_points": str(result.survey_points), "bonus": str(result.bonus),
        "deductions": str(result.deductions), "applicable_max": str(result.applicable_max),
        "survey_available": bool(details.get("survey_available")), "reward": False,
        "fields": fields, "gaps": details.get("gaps", []),
        "prev_index": _str(prev_index), "prev_rank": prev_rank,
        "index_change": _str(change), "trend": change_direction(change),
        "rank_change": rank_change(prev_rank, result.rank), "lineage": lineage,
    }


def _name(unit, year) -> str:
    return unit.name if isinstance(unit, RankedRow) else unit.name_in(year.id)


def _rank_key(entry: dict) -> tuple:
    return (entry["rank"] is None, entry["rank"] or 0, entry["code"])


def results_document(year, *, ranking_only: bool = False) -> dict:
    """The year's stored results (empty "types" when nothing was computed yet). `ranking_only`: what the
    ranking table shows, without each unit's field indexes and gaps (empty there): a national year's
    2,000 JSON documents are most of the cost of reading the results."""
    settings = settings_of(year)
    labels = {b.key: b.label for b in settings.bands}
    if ranking_only:
        rows = _ranking_rows(year)
    else:
        rows = list(db.session.execute(select(UnitResult, Unit, Assessment.unit_type)
                                       .join(Unit, Unit.id == UnitResult.unit_id)
                                       .join(Assessment, (Assessment.unit_id == Unit.id)
                                             & (Assessment.year_id == UnitResult.year_id))
                                       .where(UnitResult.year_id == year.id)
                                       .options(selectinload(Unit.names))).all())  # name_in without a query each
    previous = previous_results(year)
    lineages = lineage_entries(year, published_approval)
    by_type: dict[str, list[dict]] = {}
    ranked: list[RankedUnit] = []
    for result, unit, unit_type in rows:
        entry = unit_entry(result, unit, year, settings.bands, labels, previous, lineages.get(result.unit_id))
        by_type.setdefault(unit_type, []).append(entry)
        ranked.append(RankedUnit(result.unit_id, unit_type, result.rank, result.index, result.appraisal_points,
                                 result.survey_points, entry["tied"]))
    kinds = year_types(year)
    rewards = propose_rewards(ranked, {t.code: t.reward_top for t in kinds})
    bottoms = propose_bottom(ranked, {t.code: t.reward_bottom for t in kinds})
    sets = {cset.unit_type: cset for cset in sets_of(year)}
    types = []
    for kind in kinds:
        units = sorted(by_type.get(kind.code, []), key=_rank_key)
        if not units or kind.code not in sets:
            continue
        proposal = rewards.get(kind.code)
        chosen = [u.unit_id for u in proposal] if proposal is not None else []
        lowest = bottoms.get(kind.code)
        for entry in units:
            entry["reward"] = entry["unit_id"] in chosen
        types.append({"unit_type": kind.code, "type": type_snapshot(kind), "fields": _fields(sets[kind.code]),
                      "units": units,
                      "rewards": {"top": proposal.top if proposal is not None else 0,
                                  "tie_at_edge": bool(proposal and proposal.tie_at_edge), "unit_ids": chosen},
                      "bottom": {"count": kind.reward_bottom, "tie_at_edge": bool(lowest and lowest.tie_at_edge),
                                 "unit_ids": [u.unit_id for u in lowest] if lowest is not None else []}})
    computed = max((r.computed_at for r, _u, _t in rows), default=None)
    return {"year": year.year, "year_id": year.id, "title": year.title,
            "computed_at": computed.isoformat() if computed else None,
            "bands": [{"key": b.key, "label": b.label, "min_pct": str(b.min_pct)} for b in settings.bands],
            "types": types}


def find_unit(document: dict, *, unit_id=None, code=None) -> tuple[dict | None, dict | None]:
    """(type entry, unit entry) of one unit in a document, by id or by code."""
    for type_entry in document.get("types", []):
        for unit in type_entry.get("units", []):
            if (unit_id is not None and unit["unit_id"] == unit_id) or (code is not None and unit["code"] == code):
                return type_entry, unit
    return None, None
