"""Kiểm tra điểm điều tra XHH — check the rows of a survey file against the year's units and survey items.

Pure: no Flask, no database. Every problem keeps its row number so the preview can list them all before
anything is saved:

- errors (nothing is saved while there is one): unit code missing or unknown, item code missing or
  unknown for the unit's type, points not a number, points outside 0 … the item's maximum, the same unit and item twice;
- warnings: a unit of the year without any row (it is treated by the year's no-survey policy), a unit
  with some survey items missing (those items count 0).

A field code (e.g. F8) instead of an item code gives the field's points, split over the field's survey
items in proportion to their maximum (largest remainder to the hundredth, so the parts add up exactly:
12 points on 8.1–8.3 of 5 each → 4 + 4 + 4; 10 on maxima 3 and 1 → 7,5 + 2,5).
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from portal.results.survey_parse import Problem, RawRow
from portal.scoring import ScoringInputError, parse_decimal

_HUNDRED = 100


@dataclass(frozen=True)
class SurveyItem:
    """A survey item (tiêu chí điều tra XHH) of a unit type's criteria set."""

    code: str
    title: str
    max_points: Decimal
    field_code: str


@dataclass(frozen=True)
class UnitRef:
    code: str
    name: str
    unit_type: str


@dataclass(frozen=True)
class Score:
    """Points for one unit and item; `from_field` names the field when they were split from a field row."""

    unit_code: str
    item_code: str
    points: Decimal
    row: int
    from_field: str | None = None


class Catalogue:
    """The year's units and, per unit type, its survey items (codes compared without case)."""

    def __init__(self, units, items_by_type: dict[str, list[SurveyItem]]) -> None:
        self.units = list(units)
        self.items_by_type = items_by_type
        self._units = {u.code.casefold(): u for u in self.units}

    def unit(self, code: str) -> UnitRef | None:
        return self._units.get(code.casefold())

    def targets(self, unit_type: str, code: str) -> tuple[list[SurveyItem], str | None]:
        """The items a code stands for: one item, or a field's survey items (with the field code)."""
        items = self.items_by_type.get(unit_type, [])
        folded = code.casefold()
        for item in items:
            if item.code.casefold() == folded:
                return [item], None
        in_field = [item for item in items if item.field_code.casefold() == folded]
        return in_field, (in_field[0].field_code if in_field else None)

    def known_anywhere(self, code: str) -> bool:
        return any(self.targets(unit_type, code)[0] for unit_type in self.items_by_type)


@dataclass
class SurveyCheck:
    scores: list[Score]
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.scores)

    def by_unit(self) -> dict[str, list[Score]]:
        out: dict[str, list[Score]] = defaultdict(list)
        for score in self.scores:
            out[score.unit_code].append(score)
        return dict(out)


def split_points(points: Decimal, maxima: list[Decimal]) -> list[Decimal]:
    """Split `points` over items in proportion to their maxima, to the hundredth, adding up exactly.

    Largest remainder: each item first gets the hundredths it is owed rounded down; the hundredths left
    go one each to the items with the largest remainders (the earlier item on a tie). No part exceeds
    its item's maximum when `points` does not exceed the sum of the maxima."""
    total = sum(maxima, Decimal(0))
    if total <= 0:
        return [Decimal(0) for _ in maxima]
    cents = Fraction(points) * _HUNDRED
    owed = [cents * Fraction(m) / Fraction(total) for m in maxima]
    shares = [int(o) for o in owed]  # o >= 0: int() rounds down
    left = int(cents) - sum(shares)
    order = sorted(range(len(maxima)), key=lambda i: (-(owed[i] - shares[i]), i))
    for index in order[:left]:
        shares[index] += 1
    return [Decimal(share) / _HUNDRED for share in shares]


def read_points(value: object) -> tuple[Decimal | None, bool]:
    """(points, blank): a typed text through the one parser, a spreadsheet number as it is.

    Returns (None, True) for an empty cell and (None, False) for something that is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, (float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite() or number.as_tuple().exponent < -2:
            return None, False
        return number, False
    try:
        return parse_decimal(str(value)), False
    except ScoringInputError:
        return None, False


def _row_problems(row: RawRow, catalogue: Catalogue):
    """(unit, items, field_code, points, problems) of one row."""
    problems = []
    unit = catalogue.unit(row.unit) if row.unit else None
    items, field_code = ([], None)
    if not row.unit:
        problems.append(Problem("missing_unit_code", row.row))
    elif unit is None:
        problems.append(Problem("unknown_unit", row.row, {"unit": row.unit}))
    if not row.item:
        problems.append(Problem("missing_item_code", row.row))
    elif unit is not None:
        items, field_code = catalogue.targets(unit.unit_type, row.item)
        if not items:
            problems.append(Problem("unknown_item", row.row, {"item": row.item, "unit_type": unit.unit_type}))
    elif not catalogue.known_anywhere(row.item):
        problems.append(Problem("unknown_item", row.row, {"item": row.item, "unit_type": None}))
    points, _blank = read_points(row.points)
    if points is None:
        problems.append(Problem("not_a_number", row.row, {"value": str(row.points)}))
    elif items:
        maximum = sum((item.max_points for item in items), Decimal(0))
        if points < 0 or points > maximum:
            problems.append(Problem("out_of_range", row.row, {
                "value": points, "item": field_code or items[0].code, "max": maximum}))
    return unit, items, field_code, points, problems


def check_rows(rows: list[RawRow], catalogue: Catalogue) -> SurveyCheck:
    """Check every row; the scores are only usable when there is no error."""
    scores: list[Score] = []
    errors: list[Problem] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in rows:
        if read_points(row.points)[1]:
            continue  # an empty points cell: a template row not filled in, not a score
        unit, items, field_code, points, problems = _row_problems(row, catalogue)
        if problems:
            errors.extend(problems)
            continue
        parts = split_points(points, [i.max_points for i in items]) if field_code else [points]
        clashes = [(item, first_row[(unit.code, item.code)]) for item in items
                   if (unit.code, item.code) in first_row]
        if clashes:
            errors.append(Problem("duplicate", row.row, {
                "unit": unit.code, "item": ", ".join(item.code for item, _ in clashes), "first": clashes[0][1]}))
            continue
        for item, part in zip(items, parts):
            first_row[(unit.code, item.code)] = row.row
            scores.append(Score(unit.code, item.code, part, row.row, field_code))
    errors.sort(key=lambda p: p.row or 0)
    return SurveyCheck(scores, errors, _coverage(scores, catalogue))


def _coverage(scores: list[Score], catalogue: Catalogue) -> list[Problem]:
    """Units without any row, and units with some survey items missing."""
    have: dict[str, set[str]] = defaultdict(set)
    for score in scores:
        have[score.unit_code].add(score.item_code)
    warnings = []
    for unit in catalogue.units:
        got = have.get(unit.code)
        if not got:
            warnings.append(Problem("missing_unit", None, {"unit": unit.code, "name": unit.name}))
            continue
        missing = [i.code for i in catalogue.items_by_type.get(unit.unit_type, []) if i.code not in got]
        if missing:
            warnings.append(Problem("missing_items", None, {"unit": unit.code, "items": ", ".join(missing)}))
    return warnings


def check_entries(values: dict[str, str], items: list[SurveyItem]) -> tuple[dict[str, Decimal | None],
                                                                              dict[str, Problem]]:
    """The manual entry form of one unit: {item code: typed text} → ({code: points or None}, problems
    by code). A blank box removes the item's points."""
    parsed: dict[str, Decimal | None] = {}
    problems: dict[str, Problem] = {}
    for item in items:
        text = (values.get(item.code) or "").strip()
        points, blank = read_points(text)
        if blank:
            parsed[item.code] = None
        elif points is None:
            problems[item.code] = Problem("not_a_number", None, {"value": text})
        elif points < 0 or points > item.max_points:
            problems[item.code] = Problem("out_of_range", None,
                                          {"value": points, "item": item.code, "max": item.max_points})
        else:
            parsed[item.code] = points
    return parsed, problems
