"""Thẩm định — pure rules of the appraisal council: which criteria it scores, the status of a field, the
assignments of fields to members and the reassignments of one unit's field (the conflict rule), and the
decisions left on a field. Who sees what of a unit's file, the field of an item and the final appraised
entry are the file's own rules (:mod:`portal.unitfile.domain`). No Flask, no SQLAlchemy.
"""
from collections.abc import Mapping

from portal.scoring.methods import ENTERED_METHODS

#: Methods the council re-scores (survey items come from the survey import, not from the council).
COUNCIL_METHODS = ENTERED_METHODS  # the council scores what the unit scored


def council_scored(kind: str, method: str | None) -> bool:
    """Whether the council enters an appraised score for this criterion."""
    return kind in ("item", "adjustment") and method in COUNCIL_METHODS


def field_status(*, appraised: int, total: int, done: bool) -> str:
    """chua (chưa thẩm định), dang (đang thẩm định) or xong (đã xong) for one field of one unit."""
    if done:
        return "xong"
    return "dang" if appraised else "chua"


# ------------------------------------------------------------------------------------ council assignments

def assign_choices(type_codes) -> tuple[str, ...]:
    """How a member is assigned a field: not at all (""), for every unit type of the year ("all"), or for
    one of the year's types (its code)."""
    return ("", "all", *type_codes)


def assignment_value(kinds, type_codes) -> str:
    """The grid value of a member's assignment rows for one field (their unit_type values)."""
    kinds = set(kinds)
    if not kinds:
        return ""
    if None in kinds or (len(type_codes) > 1 and set(type_codes) <= kinds):
        return "all"
    return sorted(k for k in kinds if k is not None)[0]


def assignment_rows(value: str, type_codes) -> list[str | None]:
    """The unit_type values of the rows that store a grid value ("all" is one row with None)."""
    if value not in assign_choices(type_codes):
        raise ValueError(f"unknown assignment {value!r}")
    return [] if value == "" else [None] if value == "all" else [value]


def field_appraisers(assignments, overrides: Mapping[str, object], *, field_code: str, unit_id, unit_type: str,
                     agency: Mapping[object, object]) -> tuple[list, list]:
    """(eligible, conflicted) members for one field of one unit: those assigned the field for the unit's
    type — or the one the admin reassigned it to, which replaces them — split by the conflict rule (a
    member never appraises its own agency's unit). ``assignments``: (user_id, field, unit_type) rows;
    ``agency``: user_id → the member's own agency (unit id)."""
    if field_code in overrides:
        members = [overrides[field_code]]
    else:
        members = sorted({user for user, code, kind in assignments
                          if code == field_code and (kind is None or kind == unit_type)}, key=str)
    eligible = [m for m in members if agency.get(m) != unit_id]
    conflicted = [m for m in members if agency.get(m) == unit_id]
    return eligible, conflicted


def needs_reassignment(eligible, conflicted, *, chair_is_own_agency: bool) -> bool:
    """A field of a unit must be given to someone else when the members assigned to it belong to the unit
    itself, or when nobody is assigned and the chair (who otherwise covers it) belongs to it too."""
    if eligible:
        return False
    return bool(conflicted) or chair_is_own_agency


# ------------------------------------------------------------------------------- decisions on every item

def undecided(item_ids, decided_ids) -> list:
    """The items of a field that still have no decision in the round (neither a score entered nor the
    explicit agreement with the self-score), in the field's order. A field may be marked done only when
    this is empty; otherwise the member sees them and may accept the self-score for them explicitly."""
    decided = set(decided_ids)
    return [i for i in item_ids if i not in decided]

