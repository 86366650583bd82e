"""A small year for the results tests, small enough to compute every number by hand.

Both unit types get the same 20-point criteria set (MINI_SET): three fields, a not-applicable item (1.2), a
group capped below the sum of its items (2.1: max 3 over 2 + 2), a survey field (F3: 3.1 max 6, 3.2 max 4)
and three adjustments with their own caps (B1 +1 each up to 2; D1 −0.5 each up to 1; D2 −1 each up to 2)
under the set's caps (bonus 2, deductions 1,5). The golden scores and their arithmetic are in
tests/web/test_results_golden.py.

Accounts (password tests.factories.TEST_PASSWORD): `qt` admin, `chutich` chair, `thanhvien` member (of
GD's agency), `<code>.canbo` / `<code>.lanhdao` for every unit (ga.canbo, h1.lanhdao…).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.auth.models import User
from portal.criteria.models import Criterion
from portal.criteria.services import create_set_from_spec
from portal.criteria.yaml_read import load_set_yaml
from portal.db import utcnow
from portal.extensions import db
from portal.results.models import SurveyScore
from portal.scoring import YearSettings
from portal.units.models import UnitName
from portal.years.models import AssessmentYear
from tests.factories import add_types, make_unit, make_user

MINI_SET = """
meta: {set: MINI-2022, unit_type: so_ban_nganh, total: 20, appraisal: 10, survey: 10, bonus_cap: 2, deduction_cap: 1.5}
fields:
- {code: F1, title: "Công tác chỉ đạo, điều hành CCHC", max: 6, items: [
  {code: "1.1", title: "Ban hành kế hoạch CCHC năm", max: 2, m: yes_no},
  {code: "1.2", title: "Kiểm tra CCHC các đơn vị trực thuộc", max: 2, m: number, na: true},
  {code: "1.3", title: "Tuyên truyền CCHC", max: 2, m: number}]}
- {code: F2, title: "Cải cách thủ tục hành chính", max: 4, items: [
  {code: "2.1", title: "Rà soát và công khai TTHC", max: 3, items: [
    {code: "2.1.1", title: "Rà soát, đơn giản hóa TTHC", max: 2, m: number},
    {code: "2.1.2", title: "Công khai TTHC đúng quy định", max: 2, m: number}]},
  {code: "2.2", title: "Bộ phận một cửa hoạt động đúng quy định", max: 1, m: yes_no}]}
- {code: F3, title: "Điều tra xã hội học", max: 10, m: survey, items: [
  {code: "3.1", title: "Đánh giá của lãnh đạo, CBCC", max: 6, m: survey},
  {code: "3.2", title: "Sự hài lòng của người dân", max: 4, m: survey}]}
adjustments:
- {code: B1, title: "Sáng kiến CCHC được công nhận", m: bonus, per: 1, cap: 2}
- {code: D1, title: "Chậm gửi báo cáo CCHC", m: deduction, per: -0.5, cap: -1}
- {code: D2, title: "Phản ánh về TTHC được xác minh đúng", m: deduction, per: -1, cap: -2}
"""

DEPARTMENTS = (("GA", "Sở Alpha"), ("GB", "Sở Bê-ta"), ("GC", "Sở Gam-ma"), ("GD", "Sở Đen-ta"),
               ("GE", "Sở Ép-xi-lon"))
DISTRICTS = (("H1", "UBND huyện Một"), ("H2", "UBND huyện Hai"))
APPRAISED = ("1.1", "1.2", "1.3", "2.1.1", "2.1.2", "2.2")


def FINALIZED(now):  # noqa: N802 - read as a constant: when the council finalised every unit of the year
    return now - timedelta(hours=1)


def ENTERED(now):  # noqa: N802 - scores were entered before the units were finalised (flask check)
    return now - timedelta(hours=2)


@dataclass
class World:
    year_id: int
    set_ids: dict[str, int]
    units: dict[str, int]
    assessments: dict[str, int]
    users: dict[str, int] = field(default_factory=dict)

    def year(self) -> AssessmentYear:
        return db.session.get(AssessmentYear, self.year_id)

    def crit(self, code: str, unit_type: str = "department") -> Criterion:
        return db.session.scalar(select(Criterion).where(Criterion.set_id == self.set_ids[unit_type],
                                                         Criterion.code == code))

    def unit_type(self, unit: str) -> str:
        return "district" if unit.startswith("H") else "department"

    def score(self, unit: str, code: str, points=None, *, stage: str = "self", na: bool = False,
              count: int | None = None) -> None:
        """One ScoreEntry: points for an item, or a count for an adjustment (B1/D1/D2)."""
        crit = self.crit(code, self.unit_type(unit))
        db.session.add(ScoreEntry(
            assessment_id=self.assessments[unit], criterion_id=crit.id, stage=stage,
            inputs={"count": count} if count is not None else {},
            points=None if points is None or na else Decimal(str(points)), not_applicable=na,
            note="" if stage == "self" else "Hội đồng thẩm định điều chỉnh", updated_at=ENTERED(utcnow())))

    def scores(self, unit: str, values: dict, *, stage: str = "self") -> None:
        for code, points in values.items():
            if points == "na":
                self.score(unit, code, stage=stage, na=True)
            else:
                self.score(unit, code, points, stage=stage)

    def survey(self, unit: str, values: dict) -> None:
        for code, points in values.items():
            db.session.add(SurveyScore(year_id=self.year_id, unit_id=self.units[unit],
                                       criterion_id=self.crit(code, self.unit_type(unit)).id,
                                       points=Decimal(str(points)), updated_at=utcnow()))

    def set_phase(self, phase: str) -> None:
        self.year().phase = phase
        db.session.commit()

    def user(self, username: str) -> User:
        return db.session.scalar(select(User).where(User.username == username))


def mini_spec():
    spec, errors = load_set_yaml(MINI_SET)
    assert errors == [], errors
    return spec


def build_world(*, year: int = 2022, phase: str = "synthesis", settings: dict | None = None,
                units: tuple | None = None, with_accounts: bool = True, existing_units: dict | None = None) -> World:
    """The year with both sets, the units (created, or reused from `existing_units` for a second year),
    their finalized assessments and, unless told otherwise, the accounts."""
    now = utcnow()
    settings = dict(settings or {})
    rewards = settings.pop("reward_top", None)  # the types' reward counts (units.UnitType.reward_top)
    row = AssessmentYear(year=year, title=f"Chỉ số cải cách hành chính năm {year}", phase=phase,
                         settings=dict(YearSettings().to_dict(), **settings))
    db.session.add(row)
    db.session.flush()
    add_types(row, **(rewards or {}))
    spec = mini_spec()
    sets = {kind: create_set_from_spec(row, kind, spec).id for kind in ("department", "district")}
    unit_ids, assessment_ids = {}, {}
    for code, name in units or (DEPARTMENTS + DISTRICTS):
        kind = "district" if code.startswith("H") else "department"
        unit_id = (existing_units or {}).get(code)
        if unit_id is None:
            unit_id = make_unit(name, code=code, unit_type=kind).id
        db.session.add(UnitName(unit_id=unit_id, year_id=row.id, name=name))
        assessment = Assessment(year_id=row.id, unit_id=unit_id, criteria_set_id=sets[kind], status="finalized",
                                self_submitted_at=now - timedelta(days=40), finalized_at=FINALIZED(now))
        db.session.add(assessment)
        db.session.flush()
        unit_ids[code], assessment_ids[code] = unit_id, assessment.id
    world = World(row.id, sets, unit_ids, assessment_ids)
    if with_accounts:
        from portal.units.models import Unit
        admin = make_user("admin", username="qt", full_name="Trần Quản Trị")
        make_user("council_chair", username="chutich", full_name="Lê Chủ Tịch")
        make_user("council_member", db.session.get(Unit, unit_ids["GD"]), username="thanhvien",
                  full_name="Phạm Thành Viên")
        for code in unit_ids:
            unit = db.session.get(Unit, unit_ids[code])
            make_user("unit_staff", unit, username=f"{code.lower()}.canbo")
            make_user("unit_leader", unit, username=f"{code.lower()}.lanhdao")
        world.users["qt"] = admin.id
    db.session.commit()
    return world


def golden_scores(world: World) -> None:
    """The hand-computed cases (see test_results_golden.py for the arithmetic)."""
    # GA: 1.2 not applicable; 2.1 over its cap; bonus over its caps; the council lowered 1.3 (round 1) and
    # changed 2.2 in round 1 then restored it in round 2.
    world.scores("GA", {"1.1": 2, "1.2": "na", "1.3": 2, "2.1.1": 2, "2.1.2": 2, "2.2": 1})
    world.score("GA", "1.3", 1, stage="round1")
    world.score("GA", "2.2", 0, stage="round1")
    world.score("GA", "2.2", 1, stage="round2")
    world.score("GA", "B1", count=3)
    world.score("GA", "D1", count=1)
    world.survey("GA", {"3.1": "5.5", "3.2": "3.5"})
    # GB: no survey at all; deductions over both caps
    world.scores("GB", {"1.1": 2, "1.2": 1, "1.3": 2, "2.1.1": "1.5", "2.1.2": 1, "2.2": 1})
    world.score("GB", "D1", count=4)
    world.score("GB", "D2", count=1)
    # GC, GD, GE: the same index 75; GC and GE equal on everything, GD fewer appraisal points
    for unit, self_points, survey in (("GC", (2, 2, 1, 1, 1, 1), (4, 3)), ("GD", (2, 1, 1, 1, 1, 1), (5, 3)),
                                      ("GE", (2, 2, 1, 1, 1, 1), (4, 3))):
        world.scores(unit, dict(zip(APPRAISED, self_points)))
        world.survey(unit, {"3.1": survey[0], "3.2": survey[1]})
    # districts: H1 like GA without the bonus; H2 full marks
    world.scores("H1", {"1.1": 2, "1.2": "na", "1.3": 1, "2.1.1": 2, "2.1.2": 2, "2.2": 1})
    world.score("H1", "D1", count=1)
    world.survey("H1", {"3.1": "5.5", "3.2": "3.5"})
    world.scores("H2", {"1.1": 2, "1.2": 2, "1.3": 2, "2.1.1": 2, "2.1.2": 1, "2.2": 1})
    world.survey("H2", {"3.1": 6, "3.2": 4})
    db.session.commit()


def golden_world(**kwargs) -> World:
    world = build_world(**kwargs)
    golden_scores(world)
    return world


def compute(world: World, username: str = "qt") -> dict:
    from portal.results.services import compute_results
    summary = compute_results(world.year(), user=world.user(username), now=utcnow())
    db.session.commit()
    return summary


def year_of(world: World) -> int:
    return world.year().year


def approve_and_publish(world: World, *, number: str = "456/QĐ-UBND", publish: bool = True):
    """Move to approval, record the decision and publish it, through the services (as the admin)."""
    from portal.results.approval import approve
    from portal.results.approval import publish as publish_results
    world.set_phase("approval")
    now = utcnow()
    approval = approve(world.year(), decision_number=number, decision_date=date(year_of(world), 12, 31) + timedelta(days=90),
                       user=world.user("qt"), now=now)
    if publish:
        publish_results(world.year(), user=world.user("qt"), now=now)
    db.session.commit()
    return approval
