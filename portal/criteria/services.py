"""Use cases of criteria sets: store a parsed set (from YAML/XLSX or a copy), read a set as a scoring tree."""
from decimal import Decimal

from sqlalchemy import select

from portal.audit.services import record
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.spec import SetSpec
from portal.extensions import db


def create_set_from_spec(year, unit_type: str, spec: SetSpec, *, actor=None) -> CriteriaSet:
    """Create the year's set for a unit type from a parsed spec (parents are listed before children)."""
    meta = spec.meta
    cset = CriteriaSet(
        year_id=year.id, unit_type=unit_type, code=str(meta.get("set") or meta.get("code") or f"{unit_type}-{year.year}"),
        title=str(meta.get("title") or meta.get("set") or ""), total=Decimal(str(meta.get("total", "100"))),
        appraisal_points=_dec(meta.get("appraisal")), survey_points=_dec(meta.get("survey")),
        bonus_cap=_dec(meta.get("bonus_cap")), deduction_cap=_dec(meta.get("deduction_cap")),
    )
    db.session.add(cset)
    db.session.flush()
    by_code: dict[str, Criterion] = {}
    for item in spec.items:
        node = Criterion(
            set_id=cset.id, parent_id=by_code[item.parent_code].id if item.parent_code else None,
            code=item.code, title=item.title, kind=item.kind, position=item.position,
            max_points=item.max_points, method=item.method, config=dict(item.config or {}),
            na_allowed=item.na_allowed, field_code=item.field_code, appraiser=item.appraiser,
            guidance=item.guidance or "", evidence=item.evidence or "", note=item.note or "",
        )
        db.session.add(node)
        db.session.flush()
        by_code[item.code] = node
    record("criteria_set_create", "criteria_set", cset.id, actor=actor, year_id=year.id,
           new={"code": cset.code, "unit_type": unit_type, "items": len(spec.items)})
    return cset


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return abs(Decimal(str(value)))


def set_for(year_id: int, unit_type: str) -> CriteriaSet | None:
    return db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == year_id,
                                                       CriteriaSet.unit_type == unit_type))
