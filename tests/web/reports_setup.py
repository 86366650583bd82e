"""Years for the report tests, built with the lead's demo filler (portal.demo_fill through seed_demo):

- `demo_year`: the whole demo year 2022 (31 units, both criteria sets) appraised, with survey scores and
  computed results; optionally moved to approval with a recorded decision (for the annex).
- `small_year`: the same, restricted to a few units before the fill (fast exports and access matrices).

Both commit and return plain ids, so module-scoped fixtures can use them across app contexts.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.years.models import AssessmentYear

DECISION_NUMBER = "456/QĐ-UBND"
DECISION_DATE = date(2023, 5, 12)


@dataclass(frozen=True)
class World:
    year_id: int
    units: dict          # code → unit id (the units assessed in the year)

    def year(self) -> AssessmentYear:
        return db.session.get(AssessmentYear, self.year_id)


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


def approve_year(year, *, number: str = DECISION_NUMBER, on: date = DECISION_DATE):
    """Move a computed year to approval and record the Chairman's decision (its snapshot feeds the annex)."""
    from portal.results.approval import approve
    year.phase = "approval"
    db.session.flush()
    return approve(year, decision_number=number, decision_date=on, user=_admin(), now=utcnow())


def _world(year) -> World:
    rows = db.session.execute(select(Unit.code, Unit.id).join(Assessment, Assessment.unit_id == Unit.id)
                              .where(Assessment.year_id == year.id)).all()
    return World(year.id, dict(rows))


def demo_year(*, approved: bool = False) -> World:
    from portal.seed import seed_demo
    year = seed_demo(now=utcnow(), phase="synthesis")["year"]
    if approved:
        approve_year(year)
    db.session.commit()
    return _world(year)


def small_year(codes=("STP", "SLDTBXH", "890"), *, approved: bool = False) -> World:
    """The demo year with only `codes` assessed, then filled to synthesis with results computed."""
    from portal.demo_fill import fill_year
    from portal.seed import seed_demo
    now = utcnow()
    year = seed_demo(now=now)["year"]
    keep = list(db.session.scalars(select(Unit.id).where(Unit.code.in_(codes))))
    db.session.execute(delete(Assessment).where(Assessment.year_id == year.id, Assessment.unit_id.not_in(keep)))
    db.session.flush()
    fill_year(year, phase="synthesis", now=now, admin=_admin())
    if approved:
        approve_year(year)
    db.session.commit()
    return _world(year)
