"""Loại đơn vị của năm — reading and changing the unit types of a year.

Every page, ranking and report asks this module for the year's types, in their order, and for a type's
label; nothing compares a type's code. The rows of every year are read once per request (a small table).
"""
from dataclasses import dataclass

from flask import g, has_app_context
from flask_babel import get_locale
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.audit.services import record
from portal.extensions import db
from portal.seed_data.unit_types import PRESETS
from portal.units.models import UnitType

TYPE_FIELDS = ("code", "name", "name_en", "short_label", "heading", "plural", "committee", "reward_top",
               "reward_bottom")


class UnitTypeError(ValueError):
    """A refused change to a unit type, with a code the view turns into a message next to the field."""

    def __init__(self, field: str, code: str):
        super().__init__(code)
        self.field, self.code = field, code


@dataclass(frozen=True)
class TypeInfo:
    """What pages and reports read of a unit type: a plain copy of its row, safe to keep for the request
    across commits (the export worker commits between units)."""

    id: int
    year_id: int
    code: str
    name: str
    name_en: str
    short_label: str
    heading: str
    plural: str
    committee: bool
    reward_top: int
    reward_bottom: int
    position: int

    def label(self, lang: str = "vi") -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


def _info(row: UnitType) -> TypeInfo:
    return TypeInfo(row.id, row.year_id, *(getattr(row, k) for k in TYPE_FIELDS), row.position)


def _all() -> dict[int, list[TypeInfo]]:
    cache = g.get("_unit_types")
    if cache is None:
        cache = {}
        for row in db.session.scalars(select(UnitType).order_by(UnitType.year_id, UnitType.position, UnitType.id)):
            cache.setdefault(row.year_id, []).append(_info(row))
        g._unit_types = cache
    return cache


def forget() -> None:
    """Drop the request's cached rows after a change."""
    g.pop("_unit_types", None)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(_session) -> None:
    """A commit may have changed the types (another request, the settings form): read them again after it,
    in a long app context (a command, the export worker, a test) as in a request."""
    if has_app_context():
        forget()


def _year_id(year) -> int | None:
    return year if isinstance(year, int) or year is None else year.id


def year_types(year) -> list[TypeInfo]:
    """The year's unit types in their order (empty for None), as plain copies."""
    year_id = _year_id(year)
    return list(_all().get(year_id, [])) if year_id is not None else []


def type_codes(year) -> list[str]:
    return [t.code for t in year_types(year)]


def type_rows(year) -> list[UnitType]:
    """The year's UnitType rows in their order, to change them."""
    return list(db.session.scalars(select(UnitType).where(UnitType.year_id == _year_id(year))
                                   .order_by(UnitType.position, UnitType.id)))


def type_of(year, code: str) -> TypeInfo | None:
    return next((t for t in year_types(year) if t.code == code), None)


def type_order(year) -> dict[str, int]:
    """{code: position} of the year's types; unknown codes sort after them (use .get(code, len))."""
    return {t.code: i for i, t in enumerate(year_types(year))}


def sort_key(year):
    """A key function for codes: the year's order, then unknown codes by name."""
    order = type_order(year)
    return lambda code: (order.get(code, len(order)), code or "")


def latest_type(code: str) -> TypeInfo | None:
    """The newest year's type with this code (for a year that does not declare it)."""
    for year_id in sorted(_all(), reverse=True):
        found = next((t for t in _all()[year_id] if t.code == code), None)
        if found is not None:
            return found
    return None


def unit_type_label(code: str | None, year=None) -> str:
    """The type's name in the interface language: the given year's type, else the newest type with that
    code; the code itself when no year has it."""
    if not code:
        return ""
    row = type_of(year, code) if year is not None else None
    row = row or latest_type(code)
    if row is None:
        return code
    return row.label(str(get_locale() or "vi"))


def type_snapshot(row) -> dict:
    """What a results document freezes of a type: its names and reward rule as they were approved."""
    return {"code": row.code, "name": row.name, "name_en": row.name_en, "short_label": row.short_label,
            "heading": row.heading, "plural": row.plural, "committee": row.committee, "reward_top": row.reward_top,
            "reward_bottom": row.reward_bottom}


# ------------------------------------------------------------------------------------------ changes


def _check(year_id: int, values: dict, row_id: int | None) -> None:
    same = db.session.scalar(select(UnitType).where(UnitType.year_id == year_id, UnitType.code == values["code"]))
    if same is not None and same.id != row_id:
        raise UnitTypeError("code", "duplicate_code")
    for key in ("reward_top", "reward_bottom"):
        if not 0 <= int(values[key]) <= 999:
            raise UnitTypeError(key, "whole_number")


def create_type(year, values: dict, *, actor) -> UnitType:
    """Add a type to the year (at the end of the order); audited."""
    _check(year.id, values, None)
    position = db.session.scalar(select(func.coalesce(func.max(UnitType.position), -1))
                                 .where(UnitType.year_id == year.id)) + 1
    row = UnitType(year_id=year.id, position=position, **{k: values[k] for k in TYPE_FIELDS})
    db.session.add(row)
    db.session.flush()
    record("unit_type_create", "unit_type", row.id, actor=actor, year_id=year.id,
           new={k: values[k] for k in TYPE_FIELDS})
    forget()
    return row


def update_type(row: UnitType, values: dict, *, actor) -> None:
    """Change a type's names and reward rule (its code stays: files and sets refer to it); audited."""
    values = dict(values, code=row.code)
    _check(row.year_id, values, row.id)
    old = {k: getattr(row, k) for k in TYPE_FIELDS}
    for key in TYPE_FIELDS:
        setattr(row, key, values[key])
    record("unit_type_update", "unit_type", row.id, actor=actor, year_id=row.year_id, old=old,
           new={k: values[k] for k in TYPE_FIELDS})
    forget()


def move_type(row: UnitType, step: int, *, actor) -> None:
    """Move a type one place up (-1) or down (+1) in the year's order; audited."""
    rows = type_rows(row.year_id)
    index = next(i for i, t in enumerate(rows) if t.id == row.id)
    other = index + step
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    for position, item in enumerate(rows):
        item.position = position
    record("unit_type_move", "unit_type", row.id, actor=actor, year_id=row.year_id,
           new={"order": [t.code for t in rows]})
    forget()


def delete_type(row: UnitType, *, actor, in_use: bool) -> None:
    """Remove a type no unit and no criteria set of the year uses; audited."""
    if in_use:
        raise UnitTypeError("code", "in_use")
    record("unit_type_delete", "unit_type", row.id, actor=actor, year_id=row.year_id,
           old={k: getattr(row, k) for k in TYPE_FIELDS})
    db.session.delete(row)
    forget()


def entry_label(entry: dict, year=None) -> str:
    """The name of a results document's type entry: the name frozen in it (an approved snapshot keeps the
    names it was approved under), else the year's type."""
    frozen = entry.get("type") or {}
    if frozen.get("name"):
        lang = str(get_locale() or "vi")
        return (frozen.get("name_en") or frozen["name"]) if lang == "en" else frozen["name"]
    return unit_type_label(entry.get("unit_type"), year)


def type_choices(year) -> list[tuple[str, str]]:
    """(code, label) of the types a unit can be given: the year's; without a year (or a year that has none
    yet), every code any year uses, else the presets."""
    lang = str(get_locale() or "vi")
    rows = year_types(year) if year is not None else []
    if rows:
        return [(t.code, t.label(lang)) for t in rows]
    seen: dict[str, str] = {}
    for year_id in sorted(_all(), reverse=True):
        for t in _all()[year_id]:
            seen.setdefault(t.code, t.label(lang))
    if seen:
        return list(seen.items())
    return [(code, (p["name_en"] if lang == "en" else p["name"])) for code, p in PRESETS.items()]
