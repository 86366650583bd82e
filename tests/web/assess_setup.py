"""A small assessment year for web tests: the demo department criteria set, two departments A and B with
their staff and leaders, an admin, a council member (of unit C's agency) and the chair."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.criteria.models import Criterion
from portal.criteria.services import create_set_from_spec
from portal.db import utcnow
from portal.extensions import db
from portal.seed import default_year_settings, load_demo_specs
from portal.years.models import AssessmentYear, PhaseWindow
from tests.factories import make_unit, make_user


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
