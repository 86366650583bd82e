"""The demo year (flask seed-demo): An Giang 2022 with its units, criteria sets, council and accounts.

Demo accounts share one documented password and are not asked to change it, so that a reviewer can log
in straight away; accounts created by an admin or by `flask create-admin` always must."""
import os
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.auth.models import User
from portal.auth.services import hash_password
from portal.criteria.services import create_set_from_spec
from portal.criteria.yaml_read import load_set_yaml
from portal.extensions import db
from portal.scoring import YearSettings
from portal.seed_data import demo
from portal.text import fold_key
from portal.seed_data.unit_types import PRESETS
from portal.units.models import Unit, UnitName, UnitType
from portal.years.models import AssessmentYear, PhaseWindow

CRITERIA_DIR = os.path.join(os.path.dirname(__file__), "seed_data", "criteria")
UNIT_TYPE_OF_SET = {"dept-2022-demo.yaml": "department", "dist-2022-demo.yaml": "district"}


def load_demo_specs():
    """Parse the two demo criteria sets (the district set inherits from the department set)."""
    with open(os.path.join(CRITERIA_DIR, "dept-2022-demo.yaml"), encoding="utf-8") as fh:
        dept, errors = load_set_yaml(fh.read())
    if errors:
        raise RuntimeError(f"demo department set invalid: {errors}")
    with open(os.path.join(CRITERIA_DIR, "dist-2022-demo.yaml"), encoding="utf-8") as fh:
        dist, errors = load_set_yaml(fh.read(), base=dept)
    if errors:
        raise RuntimeError(f"demo district set invalid: {errors}")
    return dept, dist


def default_year_settings() -> dict:
    return YearSettings().to_dict()


# Working phases of the demo year: (phase, first day, closing day), counted from the day self-assessment opens.
DEMO_PLAN = (("self_assessment", 0, 31), ("review_1", 32, 46), ("explanation", 47, 56), ("review_2", 57, 66))
# How many days before today the plan starts, so that the phase a demo stands in is the open one.
DEMO_START = {None: 1, "self_assessment": 1, "review_1": 33, "explanation": 48, "review_2": 58, "synthesis": 70}


def demo_windows(now, phase=None):
    """The demo year's phase windows, opening at 07:30 and closing at 17:00 Vietnam time, placed so that
    `now` falls in the phase the demo stands in (self-assessment unless filled further)."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    first = now.astimezone(zone).date() - timedelta(days=DEMO_START[phase])

    def at(day: int, hour: int, minute: int = 0):
        local = datetime.combine(first + timedelta(days=day), time(hour, minute), zone)
        return local.astimezone(timezone.utc)
    return [(phase, at(opens, 7, 30), at(closes, 17)) for phase, opens, closes in DEMO_PLAN]


def seed_demo(*, now, password: str = demo.DEMO_PASSWORD, phase: str | None = None) -> dict:
    """The demo year, in self-assessment; with `phase` (one of portal.demo_fill.STAGES) it stands in that
    phase instead, with the work of every earlier phase done (self-scores with evidence metadata, both
    appraisal rounds, comments, explanations; for synthesis also survey scores and computed results)."""
    year = AssessmentYear(
        year=2022, title="Chỉ số cải cách hành chính năm 2022", phase="self_assessment",
        settings=default_year_settings(),
        report_settings={
            "parent_agency": "UBND TỈNH AN GIANG", "agency": "SỞ NỘI VỤ",
            "council": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH", "place": "An Giang",
            "signer_title": "GIÁM ĐỐC", "signer_name": "Nguyễn Văn Thành", "number_suffix": "BC-SNV",
        },
    )
    db.session.add(year)
    db.session.flush()
    for name, opens_at, closes_at in demo_windows(now, phase):
        db.session.add(PhaseWindow(year_id=year.id, phase=name, opens_at=opens_at, closes_at=closes_at))

    for position, code in enumerate(("department", "district")):
        db.session.add(UnitType(year_id=year.id, code=code, position=position, **PRESETS[code]))
    units = {}
    for unit_type, rows in (("department", demo.DEPARTMENTS), ("district", demo.DISTRICTS)):
        for code, name in rows:
            current = demo.RENAMED_2023.get(code, name)
            unit = Unit(code=code, name=current, name_key=fold_key(current), unit_type=unit_type)
            db.session.add(unit)
            db.session.flush()
            db.session.add(UnitName(unit_id=unit.id, year_id=year.id, name=name))
            units[code] = unit

    dept_spec, dist_spec = load_demo_specs()
    sets = {"department": create_set_from_spec(year, "department", dept_spec),
            "district": create_set_from_spec(year, "district", dist_spec)}
    for unit in units.values():
        db.session.add(Assessment(year_id=year.id, unit_id=unit.id, unit_type=unit.unit_type,
                                  criteria_set_id=sets[unit.unit_type].id))

    pw_hash = hash_password(password)
    accounts = []

    def add_user(username, full_name, role, unit_code, position=None):
        user = User(username=username, full_name=full_name, name_key=fold_key(full_name), role=role,
                    unit_id=units[unit_code].id if unit_code else None, position=position,
                    password_hash=pw_hash, must_change_password=False)
        db.session.add(user)
        return user

    username, full_name, position, agency = demo.ADMIN
    add_user(username, full_name, "admin", agency, position)
    accounts.append((username, "Quản trị — Sở Nội vụ"))
    db.session.flush()
    for username, full_name, position, agency, role, fields in demo.COUNCIL:
        user = add_user(username, full_name, role, agency, position)
        db.session.flush()
        for field_code in fields:
            db.session.add(CouncilAssignment(year_id=year.id, user_id=user.id, field_code=field_code))
        accounts.append((username, f"{'Chủ tịch Hội đồng' if role == 'council_chair' else 'Thành viên HĐ'} "
                                   f"({', '.join(fields) or 'mọi lĩnh vực'})"))
    for code, unit in units.items():
        slug = code.lower()
        add_user(f"{slug}.canbo", f"Cán bộ {unit.name_in(year.id)}", "unit_staff", code, "Chuyên viên")
        add_user(f"{slug}.lanhdao", f"Lãnh đạo {unit.name_in(year.id)}", "unit_leader", code, "Phó Giám đốc")
    accounts.append(("<mã>.canbo", "Cán bộ đơn vị, ví dụ snv.canbo, stp.canbo, 883.canbo"))
    accounts.append(("<mã>.lanhdao", "Lãnh đạo đơn vị, ví dụ snv.lanhdao, 883.lanhdao"))
    db.session.flush()
    record("seed_demo", "assessment_year", year.id, year_id=year.id,
           new={"units": len(units), "accounts": db.session.query(User).count()})
    if phase is not None:
        from portal.demo_fill import fill_year
        admin = db.session.scalar(db.select(User).where(User.username == demo.ADMIN[0]))
        fill_year(year, phase=phase, now=now, admin=admin)
    return {"year": year, "password": password, "accounts": accounts}
