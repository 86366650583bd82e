"""A small assessment year for web tests: the demo department criteria set, two departments A and B with
their staff and leaders, an admin, a council member (of unit C's agency) and the chair."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.criteria.models import Criterion
from portal.criteria.services import create_set_from_spec
from portal.db import utcnow
from portal.extensions import db
from portal.seed import default_year_settings, load_demo_specs
from portal.years.models import AssessmentYear, PhaseWindow
from tests.factories import add_types, make_unit, make_user


@dataclass
class Setup:
    year_id: int
    set_id: int
    a_id: int            # assessment of unit A
    b_id: int            # assessment of unit B
    unit_a: int
    unit_b: int

    def crit(self, code: str) -> Criterion:
        return db.session.scalar(select(Criterion).where(Criterion.set_id == self.set_id, Criterion.code == code))


def build(phase: str = "self_assessment", closes_in=timedelta(days=10)) -> Setup:
    now = utcnow().replace(microsecond=0)
    year = AssessmentYear(year=2022, title="Chỉ số cải cách hành chính năm 2022", phase=phase,
                          settings=default_year_settings())
    db.session.add(year)
    db.session.flush()
    add_types(year)
    db.session.add(PhaseWindow(year_id=year.id, phase="self_assessment", opens_at=now - timedelta(days=5),
                               closes_at=now + closes_in))
    dept, _dist = load_demo_specs()
    cset = create_set_from_spec(year, "department", dept)
    unit_a = make_unit("Sở Tư pháp", code="STP")
    unit_b = make_unit("Sở Y tế", code="SYT")
    unit_c = make_unit("Sở Tài chính", code="STC")
    a = Assessment(year_id=year.id, unit_id=unit_a.id, criteria_set_id=cset.id)
    b = Assessment(year_id=year.id, unit_id=unit_b.id, criteria_set_id=cset.id)
    db.session.add_all([a, b])
    make_user("unit_staff", unit_a, username="a.staff")
    make_user("unit_leader", unit_a, username="a.leader")
    make_user("unit_staff", unit_b, username="b.staff")
    make_user("unit_leader", unit_b, username="b.leader")
    make_user("admin", username="admin1")
    make_user("council_member", unit_c, username="member")
    make_user("council_chair", unit_c, username="chair")
    db.session.commit()
    return Setup(year.id, cset.id, a.id, b.id, unit_a.id, unit_b.id)


def set_status(assessment, status: str, now=None) -> None:
    """Put a file in ``status`` with the stamps a real workflow leaves (the data invariants require them):
    submitted or later has a submission time, an explanation submission from then on, finalized its time."""
    from portal.assessments.models import Assessment  # noqa: F401  (for readers: the model changed here)
    now = now or utcnow()
    assessment.status = status
    later = status != "draft"
    assessment.self_submitted_at = (assessment.self_submitted_at or now) if later else None
    explained = status in ("explanation_submitted", "finalized")
    assessment.explanation_submitted_at = (assessment.explanation_submitted_at or now) if explained else None
    assessment.finalized_at = (assessment.finalized_at or now) if status == "finalized" else None


# ------------------------------------------------------------------------------------ the council's world

#: A small criteria set (three fields, four items of different methods, one bonus): the council's
#: matrices render many pages, and a small tree keeps them fast while exercising every kind of node.
MINI_SET = '''meta: {set: MINI-2022, unit_type: so_ban_nganh, total: 10, appraisal: 10, survey: 0, bonus_cap: 1, deduction_cap: 1}
fields:
- {code: F1, title: "Công tác chỉ đạo, điều hành CCHC", max: 4, items: [
   {code: "1.1", title: "Ban hành kế hoạch CCHC năm đúng thời hạn", max: 2, m: levels, lv: [["Đúng hạn",2],["Chậm hạn",1],["Không ban hành",0]]},
   {code: "1.2", title: "Báo cáo CCHC định kỳ đầy đủ, đúng hạn", max: 2, m: yes_no}]}
- {code: F2, title: "Cải cách thể chế", max: 3, items: [
   {code: "2.1", title: "Tỷ lệ kiến nghị xử lý sau rà soát đã thực hiện", max: 3, m: ratio}]}
- {code: F3, title: "Cải cách thủ tục hành chính", max: 3, items: [
   {code: "3.1", title: "Tỷ lệ hồ sơ giải quyết đúng hạn", max: 3, m: percentage, bands: [[95,3],[80,1.5],[0,0]]}]}
adjustments:
- {code: B1, title: "Mô hình CCHC được công nhận", m: bonus, per: 1, cap: 1}
'''

#: How each account of the council's world stands to unit A's field F1 (the relation of the policy table).
COUNCIL_ROLES = {
    "a.staff": "own_unit", "a.leader": "own_unit", "b.staff": "other_unit", "member": "assigned_member",
    "member2": "unassigned_member", "member.stp": "unassigned_member", "chair": "chair", "admin1": "admin",
    None: "anonymous",
}


@dataclass
class CouncilWorld:
    year_id: int
    set_id: int
    a_id: int            # unit A's file (Sở Tư pháp)
    b_id: int            # unit B's file (Sở Y tế)
    c_id: int            # unit C's file (Sở Tài chính): the agency of `member` and of the chair
    unit_a: int
    unit_b: int
    unit_c: int

    def crit(self, code: str) -> Criterion:
        return db.session.scalar(select(Criterion).where(Criterion.set_id == self.set_id, Criterion.code == code))

    def user(self, username: str):
        from portal.auth.models import User
        return db.session.scalar(select(User).where(User.username == username))

    def assessment(self, aid: int | None = None) -> Assessment:
        return db.session.get(Assessment, aid or self.a_id)

    def year(self) -> AssessmentYear:
        return db.session.get(AssessmentYear, self.year_id)


def build_council(phase: str = "review_1", *, status: str = "submitted", window_open: bool = True) -> CouncilWorld:
    """The small set, four departments and the people of the council's matrices:

    - unit A (Sở Tư pháp) with ``a.staff`` and ``a.leader``; unit B (Sở Y tế) with ``b.staff``, ``b.leader``;
      unit C (Sở Tài chính) and D (Sở Khoa học và Công nghệ) are the council's agencies;
    - ``member`` (agency C) appraises F1 and ADJ; ``member2`` (agency D) appraises F3; ``member.stp``
      (agency A: the conflict rule) is assigned F1 too; ``chair`` (agency C); ``admin1``.
    Every working phase is open (or closed, ``window_open=False``); A, B and C have files in ``status``."""
    from portal.appraisal.models import CouncilAssignment
    from portal.criteria.yaml_read import load_set_yaml
    now = utcnow().replace(microsecond=0)
    year = AssessmentYear(year=2022, title="Chỉ số cải cách hành chính năm 2022", phase=phase,
                          settings=default_year_settings())
    db.session.add(year)
    db.session.flush()
    add_types(year)
    opens, closes = (now - timedelta(days=5), now + timedelta(days=10)) if window_open else (
        now - timedelta(days=9), now - timedelta(days=1))
    for name in ("self_assessment", "review_1", "explanation", "review_2"):
        db.session.add(PhaseWindow(year_id=year.id, phase=name, opens_at=opens, closes_at=closes))
    spec, errors = load_set_yaml(MINI_SET)
    assert not errors, errors
    cset = create_set_from_spec(year, "department", spec)
    units = {code: make_unit(name, code=code) for code, name in (
        ("STP", "Sở Tư pháp"), ("SYT", "Sở Y tế"), ("STC", "Sở Tài chính"), ("SKHCN", "Sở Khoa học và Công nghệ"))}
    files = {code: Assessment(year_id=year.id, unit_id=units[code].id, criteria_set_id=cset.id)
             for code in ("STP", "SYT", "STC")}
    db.session.add_all(files.values())
    for username, role, code in (("a.staff", "unit_staff", "STP"), ("a.leader", "unit_leader", "STP"),
                                 ("b.staff", "unit_staff", "SYT"), ("b.leader", "unit_leader", "SYT")):
        make_user(role, units[code], username=username)
    make_user("admin", username="admin1", full_name="Đặng Thị Thu Hà")
    member = make_user("council_member", units["STC"], username="member", full_name="Nguyễn Văn Thẩm Định")
    member2 = make_user("council_member", units["SKHCN"], username="member2", full_name="Trần Văn Chưa Phân Công")
    own = make_user("council_member", units["STP"], username="member.stp", full_name="Lê Thị Cùng Cơ Quan")
    make_user("council_chair", units["STC"], username="chair", full_name="Nguyễn Văn Thành")
    for user, code in ((member, "F1"), (member, "ADJ"), (member2, "F3"), (own, "F1")):
        db.session.add(CouncilAssignment(year_id=year.id, user_id=user.id, field_code=code))
    db.session.flush()
    for assessment in files.values():
        set_status(assessment, status, now)
    db.session.commit()
    return CouncilWorld(year.id, cset.id, files["STP"].id, files["SYT"].id, files["STC"].id, units["STP"].id,
                        units["SYT"].id, units["STC"].id)


@pytest.fixture
def s(ctx):
    """The small year of build(), for the modules that import this fixture with `staff`."""
    return build()


@pytest.fixture
def staff(s, auth):
    """A client signed in (the fast way) as unit A's staff."""
    return auth.sign_in("a.staff")


def finish_field(client, aid: int, code: str, **kwargs):
    """Mark a field done the way a member does when the items left keep their self-score: "done", and when
    round 1 lists undecided items, the explicit "accept the self-score for the N remaining items"."""
    import re
    response = client.post(f"/appraisal/{aid}/{code}/done", data={"done": "1"}, **kwargs)
    count = re.search(r'name="count" value="(\d+)"', response.get_data(as_text=True))
    if response.status_code == 409 and count:
        response = client.post(f"/appraisal/{aid}/{code}/accept-rest", data={"count": count.group(1)}, **kwargs)
    return response
