"""Người ký văn bản của đơn vị — the use cases of a unit's signer record: what its documents print for a
year, and saving it (audited). The rules (signing authority, defaults, who may edit) are in
portal.units.domain."""
from sqlalchemy import select

from portal.audit.services import record
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.domain import Signer, clean, default_signer
from portal.units.models import Unit, UnitSigner
from portal.units.types import latest_type, type_of
from portal.years.models import AssessmentYear

FIELDS = ("name", "position", "collective", "symbol", "place")
PROVINCE_PLACE = "An Giang"   # the place name of a year whose report settings name none


def leader_name(unit_id: int) -> str:
    """The full name of the unit's first active leader account ("" when it has none)."""
    return db.session.scalar(select(User.full_name).where(
        User.unit_id == unit_id, User.role == "unit_leader", User.active.is_(True)).order_by(User.id).limit(1)) or ""


def _as_signer(row: UnitSigner) -> Signer:
    return Signer(*(getattr(row, name) or "" for name in FIELDS))


def record_of(unit_id: int, year_id: int) -> UnitSigner | None:
    return db.session.scalar(select(UnitSigner).where(UnitSigner.unit_id == unit_id, UnitSigner.year_id == year_id))


def signer_of(unit: Unit, year) -> Signer:
    """The signer printed on the unit's documents of `year`: the year's record; else the latest earlier
    year's (people stay in office across years); else the default by the kind of unit
    (portal.units.domain.default_signer) with the unit's leader account's name."""
    row = record_of(unit.id, year.id)
    if row is None:
        row = db.session.scalar(select(UnitSigner).join(AssessmentYear, AssessmentYear.id == UnitSigner.year_id)
                                .where(UnitSigner.unit_id == unit.id, AssessmentYear.year < year.year)
                                .order_by(AssessmentYear.year.desc()).limit(1))
    if row is not None:
        return _as_signer(row)
    place = (year.report_settings or {}).get("place") or PROVINCE_PLACE
    return default_signer(unit.name_in(year.id), is_committee(unit, year), place, leader_name(unit.id))


def is_committee(unit: Unit, year) -> bool:
    """Whether the unit is a People's Committee in `year`: its type that year (its file's, else its usual
    type) is marked `committee`."""
    from portal.assessments.models import Assessment  # the assessments package imports units
    code = db.session.scalar(select(Assessment.unit_type).where(Assessment.unit_id == unit.id,
                                                                Assessment.year_id == year.id)) or unit.unit_type
    kind = type_of(year, code) or latest_type(code)
    return bool(kind and kind.committee)


def save_signer(unit: Unit, year, values: dict, *, actor) -> bool:
    """Store the unit's signer of the year; one audit row with what changed. Returns whether anything
    changed (saving the defaults as they are still records them, so later years carry them forward)."""
    new = {name: clean(values.get(name)) for name in FIELDS}
    row = record_of(unit.id, year.id)
    old = {name: getattr(row, name) for name in FIELDS} if row is not None else None
    if old == new:
        return False
    if row is None:
        row = UnitSigner(unit_id=unit.id, year_id=year.id)
        db.session.add(row)
    for name, value in new.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    db.session.flush()
    changed = [k for k in FIELDS if old is None or old[k] != new[k]]
    record("unit_signer", "unit_signer", row.id, actor=actor, unit_id=unit.id, year_id=year.id,
           old=None if old is None else {k: old[k] for k in changed}, new={k: new[k] for k in changed})
    return True
