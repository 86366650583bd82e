"""Small factories for web tests: units, accounts, a year with its phase windows."""
from datetime import timedelta

from portal.auth.models import User
from portal.auth.services import hash_password
from portal.config import TestConfig
from portal.db import utcnow
from portal.extensions import db
from portal.text import fold_key
from portal.seed_data.unit_types import PRESETS
from portal.units.models import Unit, UnitType
from portal.years.models import AssessmentYear, PhaseWindow

TEST_PASSWORD = "mat-khau-thu-nghiem"
_HASH = hash_password(TEST_PASSWORD, method=TestConfig.PASSWORD_HASH_METHOD)
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_unit(name: str | None = None, *, code: str | None = None, unit_type: str = "department",
              active: bool = True) -> Unit:
    n = _next()
    name = name or f"Sở Thử nghiệm {n}"
    unit = Unit(code=code or f"U{n}", name=name, name_key=fold_key(name), unit_type=unit_type, active=active)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(role: str = "unit_staff", unit: Unit | None = None, *, username: str | None = None,
              must_change_password: bool = False, active: bool = True, full_name: str | None = None) -> User:
    n = _next()
    if unit is None and role in ("unit_staff", "unit_leader"):
        unit = make_unit()
    full_name = full_name or f"Người dùng {n}"
    user = User(username=username or f"user{n}", full_name=full_name, name_key=fold_key(full_name), role=role,
                unit_id=unit.id if unit else None, password_hash=_HASH,
                must_change_password=must_change_password, active=active)
    db.session.add(user)
    db.session.flush()
    return user


def add_types(year: AssessmentYear, codes=("department", "district"), **rewards) -> list[UnitType]:
    """The year's unit types from the presets, in this order; `rewards` overrides reward_top per code."""
    rows = []
    for position, code in enumerate(codes):
        values = dict(PRESETS.get(code) or {"name": code.title(), "name_en": code.title(), "short_label": code,
                                              "heading": code.title(), "plural": code, "committee": False, "reward_top": 3,
                                              "reward_bottom": 0})
        if code in rewards:
            values["reward_top"] = rewards[code]
        rows.append(UnitType(year_id=year.id, code=code, position=position, **values))
    db.session.add_all(rows)
    db.session.flush()
    from portal.units.types import forget
    from flask import has_app_context
    if has_app_context():
        forget()
    return rows


def make_year(year: int = 2022, phase: str = "self_assessment") -> AssessmentYear:
    now = utcnow().replace(microsecond=0)
    y = AssessmentYear(year=year, title=f"Chỉ số cải cách hành chính năm {year}", phase=phase, settings={})
    db.session.add(y)
    db.session.flush()
    add_types(y)
    db.session.add(PhaseWindow(year_id=y.id, phase="self_assessment", opens_at=now - timedelta(days=1),
                               closes_at=now + timedelta(days=30)))
    db.session.flush()
    return y


def final_entries(assessment_ids) -> dict:
    """The entry that counts for every item (round 2, else round 1, else the unit's self-score), the way the
    results take it: {assessment id: {criterion id: ScoreEntry}}."""
    from portal.unitfile.domain import final_entry
    from portal.unitfile.entries import entries_by_stage
    return {aid: {cid: chosen for cid, stages in items.items()
                  if (chosen := final_entry(stages.get("round1"), stages.get("round2")) or stages.get("self"))}
            for aid, items in entries_by_stage(assessment_ids).items()}
