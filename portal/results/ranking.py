"""Bảng xếp hạng theo trang — one page of the live ranking read from the stored results alone.

A national year ranks 2,000 units; the ranking page shows 100. Before a decision is in force the page reads
only what it shows: the page's rows (ORDER BY the document's order, LIMIT/OFFSET), the units per type (one
GROUP BY), the units on the reward lines (rank ≤ the type's N, and the bottom N from the rank at the edge),
and whether a type has anything to compare with last year. Ranks and ties are the stored ones (computed
for the whole year by compute_results), so every figure is the whole year's. A search typed without
diacritics cannot be asked of SQL: it reads code and name of every unit (no figures) and folds them here.

The shapes are those of filtering.ranking_page over results_document(year, ranking_only=True): the
document with the page's units, the pager and, per type, {"count", "has_change", "standing"}; a type entry
carries no "fields" (the ranking does not show them). Once a decision is in force the page shows its frozen
snapshot instead (views/results.py).
"""
from sqlalchemy import and_, case, func, or_, select

from portal.assessments.models import Assessment
from portal.extensions import db
from portal.results.document import (
    RankedRow, computed_at, lineage_entries, previous_results, published_approval, ranked_rows, ranking_select,
    unit_entry, unit_name)
from portal.results.models import UnitResult
from portal.results.services import sets_of, settings_of
from portal.text import fold_key
from portal.units.models import Unit
from portal.units.types import type_snapshot, year_types


def _pager(count: int, page: int, size: int) -> dict:
    pages = max(1, -(-count // size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    return {"page": page, "pages": pages, "count": count, "first": start + 1 if count else 0,
            "last": min(start + size, count)}


def _code_order():
    """Unit codes ordered as Python orders strings (results_document sorts ties by code): by code point,
    which SQLite's BINARY collation does and PostgreSQL's "C" collation does."""
    return Unit.code.collate("C") if db.engine.dialect.name == "postgresql" else Unit.code


class _Reading:
    """What one page reads of the year: its types (with a criteria set, in the year's order), the band
    labels, last year's results and the lineage entries, shared by the page's queries."""

    def __init__(self, year, unit_type: str):
        self.year = year
        self.settings = settings_of(year)
        self.labels = {b.key: b.label for b in self.settings.bands}
        with_set = {cset.unit_type for cset in sets_of(year)}
        self.kinds = [k for k in year_types(year) if k.code in with_set and (not unit_type or k.code == unit_type)]
        self.position = {k.code: i for i, k in enumerate(self.kinds)}
        self.previous = previous_results(year)
        self.lineages = lineage_entries(year, published_approval)
        self.computed_at = computed_at(year)

    def select(self, *columns):
        return ranking_select(self.year, *columns).where(Assessment.unit_type.in_(list(self.position)))

    def page_ids(self, start: int, size: int):
        """The ids of the units from `start` on (0-based, `size` of them) in the document's order: type,
        ranked first, rank, code. Only narrow columns are sorted: the page's figures are read by id."""
        return (select(UnitResult.unit_id).select_from(UnitResult)
                .join(Unit, Unit.id == UnitResult.unit_id)
                .join(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year_id == UnitResult.year_id))
                .where(UnitResult.year_id == self.year.id, Assessment.unit_type.in_(list(self.position)))
                .order_by(case(self.position, value=Assessment.unit_type), UnitResult.rank.is_(None),
                          UnitResult.rank, _code_order())
                .limit(size).offset(start))

    def rows(self, condition) -> list[RankedRow]:
        """The ranking rows of the units that meet `condition`, in the document's order."""
        rows = ranked_rows(self.select().where(condition), self.computed_at)
        rows.sort(key=lambda r: self.sort_key(r.code, r.unit_type, r.rank))
        return rows

    def sort_key(self, code: str, unit_type: str, rank: int | None) -> tuple:
        return (self.position[unit_type], rank is None, rank or 0, code)

    def entry(self, row: RankedRow) -> dict:
        out = unit_entry(row, row, self.year, self.settings.bands, self.labels, self.previous,
                         self.lineages.get(row.unit_id))
        kind = self.kinds[self.position[row.unit_type]]
        out["reward"] = row.rank is not None and row.rank <= kind.reward_top
        return out

    def compared_codes(self) -> list[str]:
        """Codes of last year's units with an index: a unit with one of them shows a change."""
        return [code for code, unit in self.previous.items() if unit.get("index") is not None]


def _counts_and_changes(reading: _Reading) -> tuple[dict[str, int], set[str]]:
    """Units per type (one GROUP BY) and the types with a unit that compares with last year."""
    counts = dict(db.session.execute(
        select(Assessment.unit_type, func.count()).select_from(UnitResult)
        .join(Assessment, (Assessment.unit_id == UnitResult.unit_id) & (Assessment.year_id == UnitResult.year_id))
        .where(UnitResult.year_id == reading.year.id, Assessment.unit_type.in_(list(reading.position)))
        .group_by(Assessment.unit_type)).all())
    codes, lineage = reading.compared_codes(), list(reading.lineages)
    changing: set[str] = set()
    if counts and (codes or lineage):
        changing = set(db.session.scalars(
            select(Assessment.unit_type).distinct().select_from(UnitResult)
            .join(Unit, Unit.id == UnitResult.unit_id)
            .join(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year_id == UnitResult.year_id))
            .where(UnitResult.year_id == reading.year.id, Assessment.unit_type.in_(list(reading.position)),
                   or_(Unit.code.in_(codes), Unit.id.in_(lineage)))))
    return counts, changing


def _matches(words: list[str], name: str, code: str) -> bool:
    """Whether the unit's name or code holds every word of the search (folded, as filter_document does)."""
    return all(w in f"{fold_key(name)} {fold_key(code)}" for w in words)


def _searched(reading: _Reading, words: list[str], page: int, size: int):
    """(page rows, pager, counts, changing types) of the units whose name or code holds every word of the
    search: code and name of every unit folded here, then the page's figures read by id."""
    found = sorted((reading.sort_key(code, unit_type, rank), unit_id, unit_type, code)
                   for unit_id, rank, code, name, unit_type in db.session.execute(
                       reading.select(UnitResult.unit_id, UnitResult.rank, Unit.code, unit_name(),
                                      Assessment.unit_type))
                   if _matches(words, name, code))
    counts: dict[str, int] = {}
    for _key, _uid, unit_type, _code in found:
        counts[unit_type] = counts.get(unit_type, 0) + 1
    codes = set(reading.compared_codes())
    changing = {unit_type for _key, uid, unit_type, code in found if code in codes or uid in reading.lineages}
    pager = _pager(len(found), page, size)
    ids = [uid for _key, uid, _t, _c in found[pager["first"] - 1:pager["last"]]] if found else []
    return (reading.rows(UnitResult.unit_id.in_(ids)) if ids else []), pager, counts, changing


def _standing(reading: _Reading, counts: dict[str, int]) -> dict[str, list[RankedRow]]:
    """Per type, the units on its reward lines: rank ≤ its N (every tie on the N-th place), and its bottom N
    (every unit ranked at or below the N-th lowest rank; all ranked units when there are no more than N)."""
    wanted = []
    for kind in reading.kinds:
        if not counts.get(kind.code):
            continue
        ranked = Assessment.unit_type == kind.code, UnitResult.rank.is_not(None)
        wanted.append(ranked + (UnitResult.rank <= kind.reward_top,))
        if kind.reward_bottom > 0:
            edge = db.session.scalar(
                select(UnitResult.rank).join(Assessment, (Assessment.unit_id == UnitResult.unit_id)
                                             & (Assessment.year_id == UnitResult.year_id))
                .where(UnitResult.year_id == reading.year.id, *ranked)
                .order_by(UnitResult.rank.desc()).limit(1).offset(kind.reward_bottom - 1))
            wanted.append(ranked + ((UnitResult.rank >= edge,) if edge is not None else ()))
    out: dict[str, list[RankedRow]] = {}
    if wanted:
        for row in reading.rows(or_(*(and_(*w) for w in wanted))):
            out.setdefault(row.unit_type, []).append(row)
    return out


def _type_entry(kind, units: list[dict], standing: list[dict]) -> dict:
    """A type entry of the document: its units and the reward lines of the whole type."""
    chosen = [u["unit_id"] for u in standing if u["reward"]]
    ranked = [u for u in standing if u["rank"] is not None]
    lowest = []
    if kind.reward_bottom > 0:
        bottom_first = sorted(ranked, key=lambda u: -u["rank"])
        edge = bottom_first[kind.reward_bottom - 1]["rank"] if len(bottom_first) > kind.reward_bottom else None
        lowest = [u["unit_id"] for u in bottom_first if edge is None or u["rank"] >= edge]
    return {"unit_type": kind.code, "type": type_snapshot(kind), "fields": [], "units": units,
            "rewards": {"top": kind.reward_top, "tie_at_edge": len(chosen) > kind.reward_top, "unit_ids": chosen},
            "bottom": {"count": kind.reward_bottom, "tie_at_edge": len(lowest) > kind.reward_bottom,
                       "unit_ids": lowest}}


def live_ranking_page(year, *, unit_type: str = "", query: str = "", page: int = 1,
                      size: int = 100) -> tuple[dict, dict, dict]:
    """(document of the page, pager, {unit_type: {"count", "has_change", "standing"}}) of the live results,
    narrowed to one unit type ("" all) and to a search (folded, "" none), as filtering.ranking_page gives
    of the filtered results_document."""
    reading = _Reading(year, unit_type)
    words = fold_key(query).split()
    if words:
        rows, pager, counts, changing = _searched(reading, words, page, size)
    else:
        counts, changing = _counts_and_changes(reading)
        pager = _pager(sum(counts.values()), page, size)
        rows = reading.rows(UnitResult.unit_id.in_(reading.page_ids(pager["first"] - 1, size))) if counts else []
    standing = _standing(reading, counts)
    by_type: dict[str, list[dict]] = {}
    for row in rows:
        by_type.setdefault(row.unit_type, []).append(reading.entry(row))
    types, whole = [], {}
    for kind in reading.kinds:
        if kind.code not in counts and not words:
            continue
        lines = [reading.entry(row) for row in standing.get(kind.code, [])]
        shown = [u for u in lines if _matches(words, u["name"], u["code"])]  # a search narrows them too
        entry = _type_entry(kind, by_type.get(kind.code, []), lines)
        whole[kind.code] = {"count": counts.get(kind.code, 0), "has_change": kind.code in changing,
                            "standing": dict(entry, units=[u for u in shown if u["reward"]
                                                           or u["unit_id"] in entry["bottom"]["unit_ids"]])}
        if entry["units"]:
            types.append(entry)
    doc = {"year": year.year, "year_id": year.id, "title": year.title,
           "computed_at": reading.computed_at.isoformat() if reading.computed_at else None,
           "bands": [{"key": b.key, "label": b.label, "min_pct": str(b.min_pct)} for b in reading.settings.bands],
           "types": types}
    return doc, pager, whole
