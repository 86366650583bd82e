"""The comment threads' test year: the small council world of `assess_setup.build_council()` (council
assignments, open windows for every working phase, an assigned, an unassigned and an own-agency member),
and helpers that write comments straight into the database."""
from dataclasses import dataclass

from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.comments.models import Comment
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import AssessmentYear
from tests.web.assess_setup import CouncilWorld, build_council, set_status

PHASES = ("setup", "self_assessment", "review_1", "explanation", "review_2", "synthesis", "approval",
          "published", "archived")
# The status a unit's file normally has in each phase.
STATUS = {"setup": "draft", "self_assessment": "draft", "review_1": "submitted", "explanation": "review_1_done",
          "review_2": "explanation_submitted", "synthesis": "finalized", "approval": "finalized",
          "published": "finalized", "archived": "finalized"}
# The people of the matrix: who logs in (None: nobody) and how the domain should see them against unit A, F1.
ROLES = {
    "own_unit_staff": ("a.staff", "own_unit"),
    "other_unit_staff": ("b.staff", "other_unit"),
    "assigned_member": ("member", "assigned_member"),
    "unassigned_member": ("member2", "unassigned_member"),
    "own_agency_member": ("member.stp", "unassigned_member"),
    "chair": ("chair", "chair"),
    "admin": ("admin1", "admin"),
    "anonymous": (None, "anonymous"),
}


@dataclass
class World:
    s: CouncilWorld
    item_id: int          # 1.2 (field F1), the item the threads are on
    other_item_id: int    # 2.1 (field F2), not assigned to `member`

    def user(self, username: str) -> User:
        return db.session.scalar(select(User).where(User.username == username))

    def assessment(self, aid: int | None = None) -> Assessment:
        return db.session.get(Assessment, aid or self.s.a_id)

    def url(self, *parts, item_id: int | None = None, aid: int | None = None) -> str:
        return f"/comments/{aid or self.s.a_id}/{item_id or self.item_id}/" + "/".join(str(p) for p in parts)

    def set_phase(self, phase: str, status: str | None = None) -> None:
        year = db.session.get(AssessmentYear, self.s.year_id)
        year.phase = phase
        for aid in (self.s.a_id, self.s.b_id):
            set_status(db.session.get(Assessment, aid), status or STATUS[phase])
        db.session.commit()

    def comment(self, body: str, *, author: str = "member", sent: bool = False, parent: Comment | None = None,
                from_unit: bool = False, item_id: int | None = None, aid: int | None = None,
                resolved: bool = False, round_no: int = 1) -> Comment:
        now = utcnow()
        c = Comment(assessment_id=aid or self.s.a_id, criterion_id=item_id or self.item_id,
                    parent_id=parent.id if parent else None, author_id=self.user(author).id, body=body,
                    round=round_no, visibility="unit" if (sent or from_unit) else "internal", from_unit=from_unit,
                    sent_at=now if sent else None, sent_by_id=self.user(author).id if sent else None,
                    resolved_at=now if resolved else None, created_at=now)
        db.session.add(c)
        db.session.commit()
        return c


def world(phase: str = "review_1", *, status: str | None = None, window_open: bool = True) -> World:
    """The small council world (tests/web/assess_setup.build_council): its three members stand to unit A's
    field F1 as assigned (`member`), unassigned (`member2`, who appraises F3) and own agency (`member.stp`)."""
    s = build_council(phase, status=status or STATUS[phase], window_open=window_open)
    w = World(s, s.crit("1.2").id, s.crit("2.1").id)
    w.set_phase(phase, status)
    return w
