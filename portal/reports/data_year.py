"""Số liệu báo cáo toàn tỉnh — the queries behind the cross-unit reports (council appraisal report,
synthesis report, XLSX), in a constant number of queries whatever the number of units:
assessments with units and names, every criterion of the year's sets, every score entry, survey scores,
stored results.

Rankings come from the results module when it has computed them (UnitResult rows, authoritative once
the council has computed the year); until then they are computed here with the same scoring core
(portal.scoring evaluate / rank_units / band_for), so a draft synthesis can be printed at any time."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.appraisal.services import entries_by_stage
from portal.assessments.models import Assessment
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.reports.meta import UNIT_TYPE_HEADING
from portal.reports.scores import SetTree, stage_evaluations
from portal.results.models import SurveyScore, UnitResult
from portal.scoring import RankInput, YearSettings, band_for, propose_rewards, rank_units
from portal.text import fold_key
from portal.units.models import Unit

TYPE_ORDER = ("department", "district")


@dataclass
class UnitLine:
    """One unit of a cross-unit table: its final appraised points per field and its result."""

    unit_id: int
    unit_code: str
    unit_name: str
    unit_type: str
    assessment_id: int
    field_points: dict[str, Decimal | None]
    field_indexes: dict[str, Decimal | None]
    appraisal: Decimal
    survey: Decimal
    bonus: Decimal
    deductions: Decimal
    index: Decimal | None
    band: str = ""
    rank: int | None = None
    tied: bool = False
    by_item: dict = field(default_factory=dict, repr=False)


@dataclass
class TypeBlock:
    unit_type: str
    heading: str
    fields: list[Criterion]          # every field of the set (appraisal and survey)
    appraisal_fields: list[Criterion]
    tree: SetTree
    lines: list[UnitLine]            # ranked order
    rewards: list[UnitLine] = field(default_factory=list)
    reward_top: int = 0
    tie_at_edge: bool = False
    bands: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class YearData:
    year: object
    blocks: list[TypeBlock]
    stored: bool                     # rankings read from UnitResult rows

    @property
    def lines(self) -> list[UnitLine]:
        return [line for block in self.blocks for line in block.lines]


def _assessments(year_id: int) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.year_id == year_id).options(
        selectinload(Assessment.unit).selectinload(Unit.names), selectinload(Assessment.criteria_set))))


def _trees(set_ids) -> dict[int, SetTree]:
    by_set: dict[int, list] = defaultdict(list)
    for crit in db.session.scalars(select(Criterion).where(Criterion.set_id.in_(list(set_ids)))):
        by_set[crit.set_id].append(crit)
    return {set_id: SetTree(criteria) for set_id, criteria in by_set.items()}


def _surveys(year_id: int) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in db.session.scalars(select(SurveyScore).where(SurveyScore.year_id == year_id)):
        out[row.unit_id][row.criterion_id] = row.points
    return out


def _as_decimal(value) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("index")
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _line(assessment, year, tree: SetTree, by_item: dict, survey: dict, settings: YearSettings) -> UnitLine:
    final = stage_evaluations(tree, by_item, assessment.criteria_set, year.settings, survey=survey)["final"]
    points, indexes = {}, {}
    for crit in tree.fields:
        result = final.nodes.get(crit.code)
        usable = result is not None and not result.not_applicable and not result.survey_excluded
        points[crit.code] = result.points if usable else None
        indexes[crit.code] = result.index if usable else None
    unit = assessment.unit
    return UnitLine(unit.id, unit.code, unit.name_in(year.id), unit.unit_type, assessment.id, points, indexes,
                    final.appraisal_points, final.survey_points, final.bonus, final.deductions, final.index,
                    final.band.label if final.band else "", by_item=by_item)


def _band_label(value: str | None, settings: YearSettings) -> str:
    for band in settings.bands:
        if value in (band.key, band.label):
            return band.label
    return value or ""


def _apply_stored(lines: list[UnitLine], stored: dict[int, UnitResult], settings: YearSettings) -> None:
    """Overlay the results module's computed rows (index, rank, band, points) on the lines."""
    for line in lines:
        result = stored.get(line.unit_id)
        if result is None:
            continue
        line.appraisal, line.survey = result.appraisal_points, result.survey_points
        line.bonus, line.deductions, line.index, line.rank = (result.bonus, result.deductions, result.index,
                                                              result.rank)
        line.band = _band_label(result.band, settings)
        line.tied = bool((result.details or {}).get("tied")) if hasattr(result, "details") else False
        for code, value in (result.field_indexes or {}).items():
            if code in line.field_indexes:
                line.field_indexes[code] = _as_decimal(value)


def _rank(lines: list[UnitLine], settings: YearSettings) -> None:
    ranked = rank_units([RankInput(l.unit_id, l.index, l.appraisal, l.survey, l.unit_type) for l in lines],
                        settings.tie_breakers)
    by_id = {r.unit_id: r for r in ranked}
    for line in lines:
        line.rank, line.tied = by_id[line.unit_id].rank, by_id[line.unit_id].tied
        band = band_for(line.index, settings.bands)
        line.band = band.label if band else ""


def _order(lines: list[UnitLine]) -> list[UnitLine]:
    return sorted(lines, key=lambda l: (l.rank is None, l.rank or 0, fold_key(l.unit_name)))


def _finish_block(block: TypeBlock, settings: YearSettings) -> None:
    block.lines = _order(block.lines)
    top = settings.reward_top.get(block.unit_type, 0)
    proposal = propose_rewards([_ranked(l) for l in block.lines], {block.unit_type: top})[block.unit_type]
    chosen = {u.unit_id for u in proposal}
    block.rewards = [l for l in block.lines if l.unit_id in chosen]
    block.reward_top, block.tie_at_edge = top, proposal.tie_at_edge
    counts = defaultdict(int)
    for line in block.lines:
        if line.band:
            counts[line.band] += 1
    block.bands = [(band.label, counts[band.label]) for band in settings.bands]


def _ranked(line: UnitLine):
    from portal.scoring import RankedUnit
    return RankedUnit(line.unit_id, line.unit_type, line.rank, line.index, line.appraisal, line.survey, line.tied)


def year_data(year, unit_type: str | None = None) -> YearData:
    """Every unit's final points, field indexes and ranking for the cross-unit reports."""
    settings = YearSettings.from_dict(year.settings or {})
    assessments = [a for a in _assessments(year.id) if unit_type in (None, a.unit.unit_type)]
    trees = _trees({a.criteria_set_id for a in assessments})
    entries = entries_by_stage([a.id for a in assessments])
    surveys = _surveys(year.id)
    stored = {r.unit_id: r for r in db.session.scalars(select(UnitResult).where(UnitResult.year_id == year.id))}
    lines_by_type: dict[str, list[UnitLine]] = defaultdict(list)
    sets = {}
    for assessment in assessments:
        tree = trees.get(assessment.criteria_set_id) or SetTree([])
        line = _line(assessment, year, tree, entries.get(assessment.id, {}), surveys.get(assessment.unit_id),
                     settings)
        lines_by_type[line.unit_type].append(line)
        sets[line.unit_type] = tree
    all_lines = [l for lines in lines_by_type.values() for l in lines]
    _rank(all_lines, settings)
    if stored:
        _apply_stored(all_lines, stored, settings)
    blocks = []
    for kind in sorted(lines_by_type, key=lambda k: TYPE_ORDER.index(k) if k in TYPE_ORDER else 9):
        tree = sets[kind]
        block = TypeBlock(kind, UNIT_TYPE_HEADING.get(kind, kind), list(tree.fields),
                          [f for f in tree.fields if not tree.is_survey_only(f)], tree, lines_by_type[kind])
        _finish_block(block, settings)
        blocks.append(block)
    return YearData(year, blocks, bool(stored))


@dataclass
class AnnexBlock:
    heading: str
    units: list[dict]


def _dec_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def annex_blocks(snapshot: dict) -> list[AnnexBlock]:
    """The approved ranking of an Approval snapshot (portal.results.document shape), per unit type, with
    decimals read back from their string form. The snapshot is frozen: nothing is recomputed here."""
    blocks = []
    for type_entry in snapshot.get("types", []):
        units = []
        for unit in type_entry.get("units", []):
            units.append({"rank": unit.get("rank"), "name": unit.get("name", ""),
                          "appraisal": _dec_or_none(unit.get("appraisal_points")),
                          "survey": _dec_or_none(unit.get("survey_points")),
                          "bonus": _dec_or_none(unit.get("bonus")), "deductions": _dec_or_none(unit.get("deductions")),
                          "index": _dec_or_none(unit.get("index")),
                          "band": unit.get("band_label") or unit.get("band") or "", "reward": bool(unit.get("reward"))})
        units.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, fold_key(u["name"])))
        kind = type_entry.get("unit_type", "")
        blocks.append(AnnexBlock(UNIT_TYPE_HEADING.get(kind, kind), units))
    return blocks
