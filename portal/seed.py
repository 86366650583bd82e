"""The demo year (flask seed-demo): An Giang 2022 with its units, criteria sets, council and accounts.

Demo accounts share one documented password and are not asked to change it, so that a reviewer can log
in straight away; accounts created by an admin or by `flask create-admin` always must."""
import os
from datetime import timedelta

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.auth.models import User
from portal.auth.services import hash_password
from portal.criteria.services import create_set_from_spec
from portal.criteria.yaml_io import load_set_yaml
from portal.extensions import db
from portal.seed_data import demo
from portal.text import fold_key
from portal.units.models import Unit, UnitName
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
    from portal.scoring import YearSettings
    return YearSettings().to_dict()


def seed_demo(*, now, password: str = demo.DEMO_PASSWORD) -> dict:
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
    day = timedelta(days=1)
    start = now.replace(microsecond=0) - day
    for phase, opens, closes in (("self_assessment", 0, 31), ("review_1", 32, 46), ("explanation", 47, 56),
                                 ("review_2", 57, 66)):
        db.session.add(PhaseWindow(year_id=year.id, phase=phase, opens_at=start + opens * day,
                                   closes_at=start + closes * day))

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
        db.session.add(Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=sets[unit.unit_type].id))

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
    return {"year": year, "password": password, "accounts": accounts}
