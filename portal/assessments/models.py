"""Hồ sơ chấm điểm — a unit's assessment of a year and its score entries.

Self-score, round-1 appraisal and round-2 appraisal are separate ScoreEntry rows (stage), and the unit's
explanation (giải trình) is its own row: nothing of one stage ever overwrites another. Every save of a row
bumps its version (optimistic locking) and writes an audit row with old → new.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.criteria.models import CriteriaSet
from portal.db import Points, UTCDateTime, utcnow
from portal.extensions import db


def _type_of_set(context) -> str | None:
    """A new file's type defaults to its criteria set's (a file is always scored on its type's set)."""
    set_id = context.get_current_parameters().get("criteria_set_id")
    return context.connection.scalar(select(CriteriaSet.unit_type).where(CriteriaSet.id == set_id))

STAGES = ("self", "round1", "round2")
COUNCIL_STAGES = STAGES[1:]  # the council's two rounds


class Assessment(db.Model):
    """One unit's assessment in one year (hồ sơ tự đánh giá của đơn vị). The year's assessments are its
    roster: a unit takes part in a year when it has a file there."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("year_id", "unit_id"),
        CheckConstraint(
            "status in ('draft', 'submitted', 'review_1_done', 'explanation_submitted', 'finalized')",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id"))
    # The unit's type in this year (a UnitType code of the year; the criteria set is that type's set).
    unit_type: Mapped[str] = mapped_column(String(20), default=_type_of_set)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    self_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    self_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    explanation_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    explanation_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit = relationship("Unit")
    criteria_set = relationship("CriteriaSet")


class ScoreEntry(db.Model):
    """Điểm của một tiêu chí ở một vòng — the score of one item at one stage (self, round1, round2).

    `inputs` is what the person entered for the item's method (a level, numerator/denominator, yes/no,
    a number, a count); `points` is what the scoring engine derived from it."""

    __tablename__ = "score_entry"
    __table_args__ = (
        UniqueConstraint("assessment_id", "criterion_id", "stage"),
        CheckConstraint("stage in ('self', 'round1', 'round2')", name="stage"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(8))
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    points: Mapped[Decimal | None] = mapped_column(Points)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    na_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")  # the unit's explanation box or the appraiser's note
    explanation_requested: Mapped[bool] = mapped_column(Boolean, default=False)  # round 1: yêu cầu giải trình
    # Rounds 1 and 2: the member's explicit "Đồng ý với điểm tự chấm" — the entry copies the self-score, so
    # the arithmetic is the same as for any other entry; the flag only says how the decision was taken.
    agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Explanation(db.Model):
    """Giải trình — the unit's answer in round 2 on an item the council flagged or scored differently."""

    __tablename__ = "explanation"
    __table_args__ = (
        UniqueConstraint("assessment_id", "criterion_id"),
        CheckConstraint("stance in ('agree', 'disagree')", name="stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    stance: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}
