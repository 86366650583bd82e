"""Số liệu báo cáo toàn tỉnh — the data behind the cross-unit reports.

- The council's appraisal report (`council_data`): every unit's final appraised points per field, bonus
  and deductions, evaluated with the scoring core from the score entries, in a constant number of
  queries whatever the number of units (assessments with units and names, criteria, score entries).
- The synthesis report and the annex (`result_blocks`): the results module's document — the live
  results (portal.results.document.results_document, what the results screens show) or the frozen
  snapshot of an approval. Nothing is recomputed or re-ranked here: the report prints the numbers the
  screens and the decision show.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.unitfile.entries import entries_by_stage
from portal.assessments.models import Assessment
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.reports.scores import SetTree, stage_evaluations
from portal.text import fold_key
from portal.units.models import Unit
from portal.units.types import sort_key, type_of


def _type_words(year_id, kind: str, frozen: dict | None = None) -> tuple[str, str]:
    """(heading, plural) of a type: as frozen in an approved document, else the year's type."""
    frozen = frozen or {}
    if frozen.get("heading"):
        return frozen["heading"], frozen.get("plural") or frozen["heading"]
    row = type_of(year_id, kind)
    return (row.heading or row.name, row.plural or row.name) if row is not None else (kind, kind)


# ------------------------------------------------------------------------------------- council report


@dataclass
class CouncilLine:
    """One unit of the council's table: final appraised points per field, bonus and deductions."""

    unit_id: int
    unit_code: str
    unit_name: str
    field_points: dict[str, Decimal | None]   # None: the whole field is "không áp dụng"
    appraisal: Decimal
    bonus: Decimal
    deductions: Decimal

    @property
    def total(self) -> Decimal:
        return self.appraisal + self.bonus - self.deductions


@dataclass
class CouncilBlock:
    unit_type: str
    heading: str
    plural: str
    fields: list[Criterion]           # the appraised fields (survey-only fields left out)
    lines: list[CouncilLine]          # by total appraised points, highest first


@dataclass
class CouncilData:
    year: object
    blocks: list[CouncilBlock]

    @property
    def unit_count(self) -> int:
        return sum(len(b.lines) for b in self.blocks)


def assessments_of(year_id: int) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.year_id == year_id).options(
        selectinload(Assessment.unit).selectinload(Unit.names), selectinload(Assessment.criteria_set))))


def trees_of(set_ids) -> dict[int, SetTree]:
    by_set: dict[int, list] = defaultdict(list)
    for crit in db.session.scalars(select(Criterion).where(Criterion.set_id.in_(list(set_ids)))):
        by_set[crit.set_id].append(crit)
    return {set_id: SetTree(criteria) for set_id, criteria in by_set.items()}


def _council_line(assessment, year, tree: SetTree, by_item: dict, names: dict) -> CouncilLine:
    final = stage_evaluations(tree, by_item, assessment.criteria_set, year.settings)["final"]
    points = {}
    for crit in tree.fields:
        result = final.nodes.get(crit.code)
        usable = result is not None and not result.not_applicable and not result.survey_excluded
        points[crit.code] = result.points if usable else None
    unit = assessment.unit
    name = names.get(unit.id) or unit.name_in(year.id)
    return CouncilLine(unit.id, unit.code, name, points, final.appraisal_points, final.bonus, final.deductions)


def council_data(year, names: dict[int, str] | None = None) -> CouncilData:
    """Every unit's final appraised points per field (round 2 where re-scored, else round 1, else the
    self-score the council accepted), grouped by unit type. `names`: the unit names as approved
    ({unit_id: name} of the decision's snapshot), which win over the current names."""
    assessments = assessments_of(year.id)
    trees = trees_of({a.criteria_set_id for a in assessments})
    entries = entries_by_stage([a.id for a in assessments])
    lines: dict[str, list[CouncilLine]] = defaultdict(list)
    tree_of_type: dict[str, SetTree] = {}
    for assessment in assessments:
        tree = trees.get(assessment.criteria_set_id) or SetTree([])
        kind = assessment.unit_type
        lines[kind].append(_council_line(assessment, year, tree, entries.get(assessment.id, {}), names or {}))
        tree_of_type[kind] = tree
    blocks = []
    for kind in sorted(lines, key=sort_key(year)):
        tree = tree_of_type[kind]
        ordered = sorted(lines[kind], key=lambda l: (-l.total, fold_key(l.unit_name)))
        heading, plural = _type_words(year.id, kind)
        blocks.append(CouncilBlock(kind, heading, plural,
                                   [f for f in tree.fields if not tree.is_survey_only(f)], ordered))
    return CouncilData(year, blocks)


# ------------------------------------------------------------------------- synthesis report and annex


@dataclass
class ResultUnit:
    """One ranked unit of a results document, with its decimals read back from their string form."""

    unit_id: int | None
    code: str
    name: str
    rank: int | None
    tied: bool
    appraisal: Decimal | None
    survey: Decimal | None
    bonus: Decimal | None
    deductions: Decimal | None
    index: Decimal | None
    band: str
    band_label: str
    reward: bool
    applicable_max: Decimal | None = None
    field_indexes: dict[str, Decimal | None] = field(default_factory=dict)
    lineage: dict | None = None       # the results document's lineage entry (portal.results.lineage)

    @property
    def predecessor_codes(self) -> str:
        """The predecessors' codes, comma-separated ("" for a unit without recorded predecessors)."""
        return ", ".join(p.get("code") or p.get("name", "") for p in (self.lineage or {}).get("predecessors", []))


@dataclass
class ResultBlock:
    unit_type: str
    heading: str
    fields: list[dict]                # [{code, title}] — every field of the set, survey fields included
    units: list[ResultUnit]           # in rank order
    reward_top: int = 0
    tie_at_edge: bool = False
    bottom_count: int = 0             # the year's "bottom N" list of this type (0: none)
    bottom_ids: list = field(default_factory=list)
    bottom_tie_at_edge: bool = False
    bands: list[tuple[str, int]] = field(default_factory=list)   # (label, number of units)

    @property
    def rewards(self) -> list[ResultUnit]:
        return [u for u in self.units if u.reward]

    @property
    def bottom(self) -> list[ResultUnit]:
        """The lowest results, worst first (the year's bottom-N list of this type)."""
        chosen = [u for u in self.units if u.unit_id in self.bottom_ids]
        return sorted(chosen, key=lambda u: (-(u.rank or 0), fold_key(u.name)))

    @property
    def any_tied(self) -> bool:
        return any(u.tied for u in self.units)

    @property
    def not_comparable(self) -> list[ResultUnit]:
        """Units formed by a merger, split or anew: the report's annex lines list their predecessors."""
        return [u for u in self.units if u.lineage and not u.lineage.get("comparable")]


def _dec(value) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("index")
    return None if value in (None, "") else Decimal(str(value))


def _unit(entry: dict, labels: dict) -> ResultUnit:
    return ResultUnit(
        unit_id=entry.get("unit_id"), code=entry.get("code", ""), name=entry.get("name", ""),
        rank=entry.get("rank"), tied=bool(entry.get("tied")), appraisal=_dec(entry.get("appraisal_points")),
        survey=_dec(entry.get("survey_points")), bonus=_dec(entry.get("bonus")),
        deductions=_dec(entry.get("deductions")), index=_dec(entry.get("index")), band=entry.get("band") or "",
        band_label=entry.get("band_label") or labels.get(entry.get("band"), entry.get("band") or ""),
        reward=bool(entry.get("reward")), applicable_max=_dec(entry.get("applicable_max")),
        field_indexes={code: _dec(data) for code, data in (entry.get("fields") or {}).items()},
        lineage=entry.get("lineage"))


def result_blocks(document: dict) -> list[ResultBlock]:
    """The ranking per unit type of a results document (portal.results.document shape: the live
    results or an approval's snapshot), in rank order, with the band counts and the reward proposal."""
    bands = document.get("bands") or []
    labels = {b.get("key"): b.get("label") for b in bands}
    blocks = []
    for type_entry in document.get("types", []):  # in the year's order of types
        units = [_unit(u, labels) for u in type_entry.get("units", [])]
        units.sort(key=lambda u: (u.rank is None, u.rank or 0, fold_key(u.name)))
        counts: dict[str, int] = defaultdict(int)
        for unit in units:
            counts[unit.band] += 1
        rewards = type_entry.get("rewards") or {}
        bottom = type_entry.get("bottom") or {}
        kind = type_entry.get("unit_type", "")
        heading, _plural = _type_words(document.get("year_id"), kind, type_entry.get("type"))
        blocks.append(ResultBlock(kind, heading, list(type_entry.get("fields", [])),
                                  units, int(rewards.get("top") or 0), bool(rewards.get("tie_at_edge")),
                                  int(bottom.get("count") or 0), list(bottom.get("unit_ids") or []),
                                  bool(bottom.get("tie_at_edge")),
                                  [(b.get("label", ""), counts.get(b.get("key"), 0)) for b in bands]))
    return blocks
