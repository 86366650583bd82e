"""The demo's current year (flask seed-demo): 2025 in the new An Giang, after the published 2022 history.

Its departments (the same unit as in 2022 where the code is the same) and its 102 commune-level units with
their GSO codes, two unit types, the department criteria set and an illustrative commune set, the council
mapped to the merged departments, an account pair per unit, and each department's predecessors. Rows are
inserted in bulk and the demo password is hashed once (the 2022 seed's hash is reused).

:func:`seed_demo_years` is what `flask seed-demo` runs: the 2022 history (:mod:`portal.seed`), then 2025."""
import os
from datetime import date

from sqlalchemy import insert, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.auth.models import User
from portal.criteria.services import create_set_from_spec
from portal.criteria.yaml_read import load_set_yaml
from portal.extensions import db
from portal.results.approval import approve, publish
from portal.seed import CRITERIA_DIR, default_year_settings, demo_windows, load_demo_specs, seed_demo
from portal.seed_data import demo, demo_2025
from portal.seed_data.unit_types import PRESETS
from portal.text import fold_key
from portal.units.lineage import add_predecessor
from portal.units.models import Unit, UnitName, UnitType
from portal.units.types import forget
from portal.years.models import AssessmentYear, PhaseWindow

COMMUNE_SET_TITLE = "Bộ tiêu chí UBND cấp xã năm 2025 (minh họa, không phải văn bản chính thức)"


def commune_spec(dept_spec):
    with open(os.path.join(CRITERIA_DIR, "commune-2025-demo.yaml"), encoding="utf-8") as fh:
        spec, errors = load_set_yaml(fh.read(), base=dept_spec)
    if errors:
        raise RuntimeError(f"demo commune set invalid: {errors}")
    return spec


def _units(year) -> dict[str, Unit]:
    """The year's units by code: the 2022 unit where the code is the same, else a new one."""
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    units = {}
    for code, name, unit_type, _leader in demo_2025.roster():
        unit = existing.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, name_key=fold_key(name), unit_type=unit_type)
            db.session.add(unit)
        unit.name, unit.name_key, unit.unit_type = name, fold_key(name), unit_type
        units[code] = unit
    db.session.flush()
    db.session.execute(insert(UnitName), [{"unit_id": u.id, "year_id": year.id, "name": u.name}
                                          for u in units.values()])
    return units


def _accounts(units: dict[str, Unit], pw_hash: str) -> int:
    taken = set(db.session.scalars(select(User.username)))
    rows = []
    leaders = {code: leader for code, _name, _type, leader in demo_2025.roster()}
    for code, unit in units.items():
        leader = leaders[code]
        for suffix, role, title, position in (("canbo", "unit_staff", "Cán bộ", "Chuyên viên"),
                                              ("lanhdao", "unit_leader", "Lãnh đạo", leader)):
            username = f"{code.lower()}.{suffix}"
            if username in taken:
                continue
            full_name = f"{title} {unit.name}"
            rows.append({"username": username, "full_name": full_name, "name_key": fold_key(full_name),
                         "role": role, "unit_id": unit.id, "position": position, "password_hash": pw_hash,
                         "must_change_password": False})
    if rows:
        db.session.execute(insert(User), rows)
    return len(rows)


def _council(year, units: dict[str, Unit], pw_hash: str) -> None:
    username, full_name, position, agency = demo_2025.NEW_MEMBER
    if db.session.scalar(select(User.id).where(User.username == username)) is None:
        db.session.add(User(username=username, full_name=full_name, name_key=fold_key(full_name),
                            role="council_member", unit_id=units[agency].id, position=position,
                            password_hash=pw_hash, must_change_password=False))
        db.session.flush()
    users = {u.username: u.id for u in db.session.scalars(select(User).where(
        User.username.in_([name for name, _fields in demo_2025.COUNCIL])))}
    db.session.execute(insert(CouncilAssignment), [
        {"year_id": year.id, "user_id": users[name], "field_code": field}
        for name, fields in demo_2025.COUNCIL for field in fields])


def _lineage(year, units: dict[str, Unit]) -> int:
    """Each department's An Giang predecessors (Decree 45/2025) and its Kiên Giang one (outside)."""
    by_code = {u.code: u for u in db.session.scalars(select(Unit))}
    count = 0
    for code, (kind, before) in demo_2025.LINEAGE.items():
        unit = units[code]
        for old in before:
            add_predecessor(year, unit, kind=kind, predecessor=by_code[old], decision_number=demo_2025.DECREE_45[0],
                            decision_date=demo_2025.DECREE_45[1])
        add_predecessor(year, unit, kind="outside", outside_code=f"KG-{code}", outside_name=f"{unit.name} tỉnh Kiên Giang",
                        decision_number=demo_2025.RESOLUTION_202[0], decision_date=demo_2025.RESOLUTION_202[1])
        count += len(before) + 1
    return count


def seed_year_2025(*, now, pw_hash: str, phase: str | None = None) -> dict:
    """Create the year 2025 in self-assessment (or in `phase`, the work of earlier phases done)."""
    year = AssessmentYear(
        year=2025, title="Chỉ số cải cách hành chính năm 2025", phase="self_assessment",
        settings=default_year_settings(),
        report_settings={"parent_agency": "UBND TỈNH AN GIANG", "agency": "SỞ NỘI VỤ",
                         "council": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH", "place": "An Giang",
                         "signer_title": "GIÁM ĐỐC", "signer_name": "Nguyễn Văn Thành", "number_suffix": "BC-SNV"})
    db.session.add(year)
    db.session.flush()
    for name, opens_at, closes_at in demo_windows(now, phase):
        db.session.add(PhaseWindow(year_id=year.id, phase=name, opens_at=opens_at, closes_at=closes_at))
    for position, (code, rule) in enumerate(demo_2025.TYPES):
        db.session.add(UnitType(year_id=year.id, code=code, position=position, **dict(PRESETS[code], **rule)))
    forget()   # the request's cached types (read while 2022 was approved) do not have 2025's yet
    units = _units(year)
    dept_spec, _dist = load_demo_specs()
    department, commune = demo_2025.DEPARTMENT, demo_2025.COMMUNE
    sets = {department: create_set_from_spec(year, department, dept_spec),
            commune: create_set_from_spec(year, commune, commune_spec(dept_spec))}
    sets[commune].title = COMMUNE_SET_TITLE
    db.session.execute(insert(Assessment), [
        {"year_id": year.id, "unit_id": u.id, "unit_type": u.unit_type, "criteria_set_id": sets[u.unit_type].id}
        for u in units.values()])
    # The districts (abolished on 1 July 2025) and the departments merged into others ended with 2022: they
    # keep their published history but are no longer units of the province (no file, no reminders).
    for ended in db.session.scalars(select(Unit).where(Unit.id.not_in([u.id for u in units.values()]))):
        ended.active = False
    accounts = _accounts(units, pw_hash)
    _council(year, units, pw_hash)
    lineage = _lineage(year, units)
    record("seed_demo", "assessment_year", year.id, year_id=year.id,
           new={"units": len(units), "accounts": accounts, "lineage": lineage})
    if phase is not None:
        from portal.demo_fill import fill_year
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        fill_year(year, phase=phase, now=now, seed=2025, admin=admin)
    return {"year": year, "units": len(units),
            "accounts": [("<mã>.canbo", "Năm 2025: cán bộ đơn vị, ví dụ snnmt.canbo, 30292.canbo (mã xã theo GSO)"),
                         ("<mã>.lanhdao", "Năm 2025: lãnh đạo đơn vị, ví dụ sdl.lanhdao, 30292.lanhdao"),
                         (demo_2025.NEW_MEMBER[0], "Thành viên HĐ năm 2025 (F7)")]}


def publish_history(year, *, now) -> None:
    """Approve and publish a filled, computed year through the results services (the demo's 2022)."""
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    year.phase = "approval"
    db.session.flush()
    approve(year, decision_number="1234/QĐ-UBND", decision_date=date(year.year + 1, 6, 15), user=admin, now=now)
    publish(year, user=admin, now=now)


def seed_demo_years(*, now, password: str = demo.DEMO_PASSWORD, phase: str | None = None,
                    year: int | None = None) -> dict:
    """What `flask seed-demo` (and `make run`) seeds: the 2022 history, filled, approved and published
    through the services, then the current year 2025 of the new An Giang in self-assessment (or in
    `phase`). With year=2022, only the 2022 year as seed_demo makes it (in `phase`)."""
    if year == 2022:
        return seed_demo(now=now, password=password, phase=phase)
    history = seed_demo(now=now, password=password, phase="synthesis")
    publish_history(history["year"], now=now)
    admin_hash = db.session.scalar(db.select(User.password_hash).where(User.username == demo.ADMIN[0]))
    current = seed_year_2025(now=now, pw_hash=admin_hash, phase=phase)
    return {"year": current["year"], "history": history["year"], "password": password,
            "accounts": history["accounts"] + current["accounts"]}

