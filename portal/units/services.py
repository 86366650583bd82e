"""Use cases for units: search, create, edit (with the name of the current year), deactivate."""
from sqlalchemy import or_, select

from portal.audit.services import record
from portal.extensions import db
from portal.search import contains
from portal.text import fold_key, has_lookalike
from portal.units.models import Unit, UnitName


class UnitError(ValueError):
    """A refusal with a code the view turns into a message next to the field."""

    def __init__(self, field: str, code: str):
        super().__init__(code)
        self.field, self.code = field, code


def search_units(query: str = "", unit_type: str | None = None, include_inactive: bool = True) -> list[Unit]:
    stmt = select(Unit)
    if unit_type:
        stmt = stmt.where(Unit.unit_type == unit_type)
    if not include_inactive:
        stmt = stmt.where(Unit.active.is_(True))
    key = fold_key(query)
    if key:
        stmt = stmt.where(or_(contains(Unit.name_key, key), contains(Unit.code, query.strip(), ignore_case=True)))
    units = list(db.session.scalars(stmt))
    units.sort(key=lambda u: (u.unit_type, fold_key(u.name), u.name))
    return units


def _check(code: str, name: str, unit_id: int | None) -> None:
    if has_lookalike(name):
        raise UnitError("name", "lookalike")
    same_code = db.session.scalar(select(Unit).where(Unit.code == code))
    if same_code is not None and same_code.id != unit_id:
        raise UnitError("code", "duplicate_code")
    same_name = db.session.scalar(select(Unit).where(Unit.name_key == fold_key(name)))
    if same_name is not None and same_name.id != unit_id:
        raise UnitError("name", "duplicate_name")


def create_unit(*, code: str, name: str, unit_type: str, actor, year=None) -> Unit:
    code = code.strip().upper()
    _check(code, name, None)
    unit = Unit(code=code, name=name, name_key=fold_key(name), unit_type=unit_type, active=True)
    db.session.add(unit)
    db.session.flush()
    if year is not None:
        db.session.add(UnitName(unit_id=unit.id, year_id=year.id, name=name))
    record("unit_create", "unit", unit.id, actor=actor, unit_id=unit.id,
           new={"code": code, "name": name, "unit_type": unit_type})
    return unit


def update_unit(unit: Unit, *, code: str, name: str, unit_type: str, actor, year=None) -> Unit:
    code = code.strip().upper()
    _check(code, name, unit.id)
    old = {"code": unit.code, "name": unit.name, "unit_type": unit.unit_type}
    unit.code, unit.name, unit.name_key, unit.unit_type = code, name, fold_key(name), unit_type
    if year is not None:
        entry = next((n for n in unit.names if n.year_id == year.id), None)
        if entry is None:
            unit.names.append(UnitName(year_id=year.id, name=name))
        else:
            entry.name = name
    new = {"code": code, "name": name, "unit_type": unit_type}
    if new != old:
        record("unit_update", "unit", unit.id, actor=actor, unit_id=unit.id, old=old, new=new)
    return unit


def set_unit_active(unit: Unit, active: bool, *, actor) -> None:
    if unit.active != active:
        record("unit_activate" if active else "unit_deactivate", "unit", unit.id, actor=actor, unit_id=unit.id,
               old={"active": unit.active}, new={"active": active})
        unit.active = active
