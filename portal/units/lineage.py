"""Đơn vị tiền thân — recording and reading a unit's predecessors in a year (the rules are
portal.units.lineage_rules). Every change writes an audit row in the caller's transaction."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.extensions import db
from portal.units.lineage_rules import Predecessor, check_predecessor
from portal.units.models import Unit, UnitLineage


class LineageError(ValueError):
    """A refused predecessor, with the domain's error code the view turns into a message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def predecessors_of(year_id: int, unit_id: int | None = None) -> dict[int, list[UnitLineage]]:
    """{unit_id: [lineage rows in the order they were recorded]} of a year (one unit when given)."""
    query = (select(UnitLineage).where(UnitLineage.year_id == year_id)
             .options(selectinload(UnitLineage.predecessor).selectinload(Unit.names)).order_by(UnitLineage.id))
    if unit_id is not None:
        query = query.where(UnitLineage.unit_id == unit_id)
    out: dict[int, list[UnitLineage]] = {}
    for row in db.session.scalars(query):
        out.setdefault(row.unit_id, []).append(row)
    return out


def as_rules(rows: list[UnitLineage]) -> list[Predecessor]:
    return [Predecessor(r.predecessor_id, r.kind) for r in rows]


def _values(row: UnitLineage) -> dict:
    return {"predecessor_id": row.predecessor_id, "outside_code": row.outside_code,
            "outside_name": row.outside_name, "kind": row.kind, "decision_number": row.decision_number,
            "decision_date": row.decision_date}


def add_predecessor(year, unit: Unit, *, kind: str, predecessor: Unit | None = None, outside_code: str = "",
                    outside_name: str = "", decision_number: str = "", decision_date: date | None = None,
                    actor=None) -> UnitLineage:
    """Record one predecessor of `unit` in `year`; refused with LineageError by the domain's rules."""
    existing = as_rules(predecessors_of(year.id, unit.id).get(unit.id, []))
    error = check_predecessor(kind, unit_id=unit.id, predecessor_id=predecessor.id if predecessor else None,
                              outside_name=outside_name, existing=existing)
    if error:
        raise LineageError(error)
    row = UnitLineage(unit_id=unit.id, year_id=year.id, predecessor_id=predecessor.id if predecessor else None,
                      outside_code=outside_code.strip(), outside_name=outside_name.strip(), kind=kind,
                      decision_number=decision_number.strip(), decision_date=decision_date)
    db.session.add(row)
    db.session.flush()
    record("lineage_add", "unit_lineage", row.id, actor=actor, unit_id=unit.id, year_id=year.id, new=_values(row))
    return row


def remove_predecessor(row: UnitLineage, *, actor=None) -> None:
    """Remove one recorded predecessor; audited."""
    record("lineage_remove", "unit_lineage", row.id, actor=actor, unit_id=row.unit_id, year_id=row.year_id,
           old=_values(row))
    db.session.delete(row)
    db.session.flush()
