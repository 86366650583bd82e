"""Phân công theo đơn vị — who appraises each field of each unit, as the grid and the reassignments make
it (the admin's assignments page, /appraisal/assignments): one row per unit with a file this year, one cell
per council field naming the members, marked where the admin reassigned it and where the conflict rule
leaves it to be given to someone else. Filterable by unit type, by that status and by a search without
diacritics, so a year of 102 communes reads page by page. A constant number of queries whatever the number
of units (tests/web/test_commune_lists.py counts them)."""
from __future__ import annotations

from dataclasses import dataclass

from portal.appraisal.council import field_appraisers_by_unit
from portal.units.types import sort_key
from portal.web.listing import matches

#: The row filter of the page: every unit, those with a reassigned field, those with a field to give to
#: someone else (the conflict rule), those with a field nobody is assigned (the chair appraises it).
STATUSES = ("reassigned", "conflict", "chair")
PAGE_SIZE = 40


@dataclass
class UnitCell:
    field_code: str
    applies: bool                 # the unit's criteria set has this council field
    members: list                 # who appraises it (User), the reassigned member alone when reassigned
    reassigned: bool = False
    conflict: bool = False        # must be given to another member (conflict rule)

    @property
    def chair(self) -> bool:
        """Nobody assigned: the chair covers it (the chair sees and appraises every field)."""
        return self.applies and not self.members and not self.conflict


@dataclass
class UnitRow:
    unit: object
    name: str
    unit_type: str
    cells: list[UnitCell]

    def has(self, status: str) -> bool:
        if status == "reassigned":
            return any(c.reassigned for c in self.cells)
        if status == "conflict":
            return any(c.conflict for c in self.cells)
        if status == "chair":
            return any(c.chair for c in self.cells)
        return True


def unit_rows(year) -> list[UnitRow]:
    """Every unit with a file this year (by the year's order of types, then name), cell by cell."""
    council, units = field_appraisers_by_unit(year)
    by_id = {u.id: u for u in council}
    out = [UnitRow(unit, unit.name_in(year.id), kind,
                   [UnitCell(c.field_code, c.applies, [by_id[m] for m in c.eligible if m in by_id],
                             reassigned=c.reassigned, conflict=c.conflict) for c in cells])
           for unit, kind, cells in units]
    by_type = sort_key(year)
    out.sort(key=lambda r: by_type(r.unit_type))          # stable: names stay in order within a type
    return out


def filter_rows(rows: list[UnitRow], *, unit_type: str | None, status: str | None, words: list[str]) -> list[UnitRow]:
    """The rows of one unit type (all when None), with the status (all when None), matching the search."""
    return [r for r in rows if (unit_type is None or r.unit_type == unit_type)
            and (status is None or r.has(status)) and matches(words, r.name, r.unit.code)]
